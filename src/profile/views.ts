// The views: what a sample's width measures and the default frame kinds of its stack (root first).
// `--stack` replaces the list; a kind that does not apply to a sample (a tool frame on a token sample)
// is left out of that sample's stack rather than invented.

import type { Unit, ViewName } from './types.js';
import type { FrameKind } from './frames.js';
import { usageError } from '../util/cli-error.js';

export interface ViewDef {
  unit: Unit;
  stack: FrameKind[];
  /** One line for --help. */
  help: string;
}

export const VIEWS: Record<ViewName, ViewDef> = {
  tokens: { unit: 'tokens', stack: ['agent', 'prompt', 'call', 'model', 'token'], help: 'reported tokens by kind (input, output, cache_read, cache_write)' },
  cost: { unit: 'usd', stack: ['agent', 'prompt', 'call', 'model', 'token'], help: 'list-price USD from the bundled price table (--prices overrides)' },
  time: { unit: 'seconds', stack: ['agent', 'prompt', 'call', 'tool'], help: 'seconds: an LLM call from its request to its last line, a tool until its result' },
  files: { unit: 'count', stack: ['prompt', 'tool', 'process', 'file', 'effect'], help: 'file effects (read/write/delete) named by tool inputs or seen by the kernel' },
  network: { unit: 'count', stack: ['prompt', 'call', 'tool', 'process', 'domain'], help: 'connections: URLs, git remotes, package registries, kernel connects' },
  ops: { unit: 'count', stack: ['agent', 'prompt', 'call', 'tool'], help: 'operations: one per LLM call and one per tool call' },
};

export const VIEW_NAMES = Object.keys(VIEWS) as ViewName[];

export function viewDef(name: string): ViewDef {
  const v = VIEWS[name as ViewName];
  if (!v) throw usageError(`unknown view "${name}" (have: ${VIEW_NAMES.join(', ')})`);
  return v;
}
