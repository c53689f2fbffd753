// Trace files for the live advice tests: Claude Code sessions of one project written under a root, with
// or without a planted pattern — the same file re-read in every turn of every session (long Read
// outputs fed back to the model), the pattern `advise` must report first.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { claudeLines, type ClaudeTurn } from './live-fixtures.js';

export const CWD = '/work/shop';
export const PLANTED_FILE = 'src/config.ts';
/** Text in every prompt: must never reach /api/advice without --include-prompts. */
export const PROMPT_MARKER = 'ACME-PRIVATE-7731';

const PROMPTS = ['fix the checkout totals rounding', 'debug the failing cart test', 'review the tax change', 'refactor the price helpers'];
// A realistic source file: 300 lines of config code (~20,000 characters, ~5,000 tokens) fed back by every Read.
const SOURCE = Array.from({ length: 300 }, (_, i) => `export const SETTING_${i} = { enabled: ${i % 2 === 0}, limit: ${i * 7} }; // shop`).join('\n');

/**
 * Writes `sessions` session files of `turns` turns each, starting at `t0`. Planted: every turn reads
 * src/config.ts; otherwise each turn reads a file of its own (no file is read twice).
 */
export function writeShopSessions(root: string, opts: { sessions: number; turns: number; t0: number; planted: boolean; idPrefix?: string }): string {
  const dir = join(root, 'projects', '-work-shop');
  mkdirSync(dir, { recursive: true });
  for (let s = 0; s < opts.sessions; s++) {
    const session = `${opts.idPrefix ?? '5e551000'}-0000-4000-8000-${String(s).padStart(12, '0')}`;
    const turns: ClaudeTurn[] = Array.from({ length: opts.turns }, (_, t) => {
      const file = opts.planted ? `${CWD}/${PLANTED_FILE}` : `${CWD}/src/mod_${session.slice(0, 8)}_${s}_${t}.ts`;
      return {
        prompt: `${PROMPTS[(s + t) % PROMPTS.length]} (${PROMPT_MARKER})`, msgId: `msg_${session.slice(0, 8)}_${s}_${t}`, input: 800, output: 200, cacheRead: 20_000,
        tool: { id: `toolu_${session.slice(0, 8)}_${s}_${t}`, name: 'Read', input: { file_path: file }, output: SOURCE },
      };
    });
    // Line uuids are unique per file in claudeLines; across sessions they must differ too (the readers
    // drop a uuid seen before as a resumed session's copy).
    const lines = claudeLines(session, CWD, turns, opts.t0 + s * 120_000).map((l) => l.replace(/"uuid":"(\w+)"/, `"uuid":"${session.slice(0, 8)}-${s}-$1"`));
    writeFileSync(join(dir, `${session}.jsonl`), lines.join('\n') + '\n');
  }
  return dir;
}
