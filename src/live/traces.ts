// Trace feed (reading side): the tailer over the agents' trace roots, forwarding appended complete
// lines and resets as LiveInputs. Parsing happens on the processing side (processor.ts). Roots are
// where Claude Code, Codex and Gemini CLI write by default (and what CLAUDE_CONFIG_DIR / CODEX_HOME say).
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { LiveInput } from './inputs.js';
import { Tailer } from './tail.js';

export function defaultRoots(env: NodeJS.ProcessEnv = process.env, home = homedir()): string[] {
  const roots = [join(home, '.claude', 'projects'), join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'claude', 'projects')];
  for (const d of (env.CLAUDE_CONFIG_DIR ?? '').split(',').filter(Boolean)) roots.push(join(d, 'projects'));
  roots.push(join(env.CODEX_HOME ?? join(home, '.codex'), 'sessions'));
  roots.push(join(home, '.gemini', 'tmp'));
  return [...new Set(roots)];
}

/** Files worth following (the processing side detects the format from the content). */
export const isTraceName = (f: string): boolean => /\.jsonl$/.test(f) || isWholeDocument(f);

/** Trace files written as one JSON document, rewritten on each change (Gemini sessions, legacy Codex rollouts). */
export const isWholeDocument = (f: string): boolean => /\/rollout-[^/]*\.json$/.test(f) || /\/chats\/session-[^/]*\.json$/.test(f);

export class TraceFeed {
  readonly tailer: Tailer;

  constructor(roots: string[], send: (m: LiveInput) => void, since?: number) {
    this.tailer = new Tailer(
      { roots, match: isTraceName, since, whole: isWholeDocument },
      { lines: (lines) => send({ k: 'lines', lines }), reset: (file) => send({ k: 'reset', file }) },
    );
  }

  poll(): number {
    return this.tailer.poll();
  }
}
