// Repeated reads of the same file across sessions: every re-read feeds the file back into context.
// The fix is a line in CLAUDE.md / AGENTS.md that states what agents keep re-reading the file for.

import type { AdviseInput, Finding } from './types.js';
import { CHARS_PER_TOKEN, blendedInputPrice, defaultPathLabel, round } from './util.js';

export interface ReadOptions {
  minReads?: number;
  minSessions?: number;
  /** A file read once per session is normal; only re-reads worth this many tokens are a finding. */
  minSavingTokens?: number;
}

export function repeatedReads(input: AdviseInput, opts: ReadOptions = {}): Finding[] {
  const { batch } = input;
  const sessions = new Map(batch.sessions.map((s) => [s.id, s]));
  const label = input.pathLabel ?? defaultPathLabel;
  const byFile = new Map<string, { reads: number; sessions: Set<string>; chars: number; firstChars: Map<string, number> }>();
  for (const t of batch.tools) {
    for (const h of t.hints) {
      if (h.kind !== 'read' || /[*?]/.test(h.target)) continue;
      const file = label(sessions.get(t.session), h.target);
      if (file.startsWith('external/')) continue;
      let f = byFile.get(file);
      if (!f) byFile.set(file, (f = { reads: 0, sessions: new Set(), chars: 0, firstChars: new Map() }));
      f.reads++;
      f.sessions.add(t.session);
      f.chars += t.outputChars ?? 0;
      if (!f.firstChars.has(t.session)) f.firstChars.set(t.session, t.outputChars ?? 0);
    }
  }
  const price = blendedInputPrice(batch, input.costOf);
  const out: Finding[] = [];
  for (const [file, f] of byFile) {
    if (f.reads < (opts.minReads ?? 8) || f.sessions.size < (opts.minSessions ?? 3)) continue;
    const tokens = Math.round(f.chars / CHARS_PER_TOKEN);
    // A note in the project's instructions saves the re-reads beyond one per session at best; claim half.
    let firstTokens = 0;
    for (const c of f.firstChars.values()) firstTokens += c / CHARS_PER_TOKEN;
    const saving = Math.round((tokens - firstTokens) / 2);
    if (saving < (opts.minSavingTokens ?? 20_000)) continue;
    out.push({
      kind: 'repeated-read',
      title: `${file} was read ${f.reads} times in ${f.sessions.size} sessions: ~${fmtTokens(tokens)} tokens`,
      advice: `Add to CLAUDE.md / AGENTS.md: "${file}: <what it defines and the facts agents look it up for>. ` +
        'Read it only when changing it." — or split it so agents read the part they need.',
      evidence: { file, reads: f.reads, sessions: f.sessions.size, tokens, tokens_beyond_first_read_per_session: Math.round(tokens - firstTokens) },
      trace: { view: 'files', search: `file:${escapeRe(file)}$`, stacks: [`tool:Read;file:${file};effect:read`] },
      savingTokens: saving,
      savingUsd: round(saving * price, 4),
    });
  }
  return out;
}

export const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
export const fmtTokens = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${Math.round(n / 1e3)}k` : String(n));
