// One observation, one count: when the kernel saw a tool's effect on a target, the effect its input
// named for that target is the same one, so it is replaced, not added. Keys compare a kernel effect
// (absolute path) with a hint (absolute, or relative to the session's cwd); a create is a write.
// Also the label of a process that outlived the tool that started it (the frame says `background`).
import { isAbsolute, join } from 'node:path';
import type { EffectHint, EffectKind } from '../model.js';

export const observedKey = (tool: string, kind: EffectKind, target: string): string =>
  `${tool}\u0000${kind === 'create' ? 'write' : kind}\u0000${target}`;

/** The key of a tool's hint, as the kernel would have seen it. */
export const hintKey = (tool: string, h: EffectHint, cwd: string | undefined): string =>
  observedKey(tool, h.kind, isAbsolute(h.target) || !cwd ? h.target : join(cwd, h.target));

/** The process frame of an effect made after its tool returned, by a process that tool started. */
export const backgroundLabel = (process: string | undefined): string => `${process ?? '?'} (background)`;
