// Trace feed: the tailer plus one incremental line parser per file, turning appended lines into
// normalized batches for the pipeline. Roots are where Claude Code and Codex write by default (and
// what CLAUDE_CONFIG_DIR / CODEX_HOME say), plus any the user adds.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { emptyPiece, parserFor, type LineParser, type Piece } from './lines.js';
import { Tailer, type TailLine } from './tail.js';

export function defaultRoots(env: NodeJS.ProcessEnv = process.env, home = homedir()): string[] {
  const roots = [join(home, '.claude', 'projects'), join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'claude', 'projects')];
  for (const d of (env.CLAUDE_CONFIG_DIR ?? '').split(',').filter(Boolean)) roots.push(join(d, 'projects'));
  roots.push(join(env.CODEX_HOME ?? join(home, '.codex'), 'sessions'));
  return [...new Set(roots)];
}

export class TraceFeed {
  readonly tailer: Tailer;
  readonly #parsers = new Map<string, LineParser>();

  constructor(roots: string[], private readonly onPiece: (p: Piece) => void, since?: number) {
    this.tailer = new Tailer(
      { roots, match: (f) => parserFor(f) !== null, since },
      { lines: (ls) => this.#lines(ls), reset: (f) => this.#parsers.delete(f) },
    );
  }

  #lines(lines: TailLine[]): void {
    const out = emptyPiece();
    for (const l of lines) {
      let p = this.#parsers.get(l.file);
      if (!p) {
        p = parserFor(l.file)!;
        this.#parsers.set(l.file, p);
      }
      p.line(l.text, l.lineNo, out);
    }
    this.onPiece(out);
  }

  poll(): number {
    return this.tailer.poll();
  }
}
