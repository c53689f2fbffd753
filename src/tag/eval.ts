// Measured tag quality against a labeled set (tag<TAB>prompt): accuracy, coverage, per-tag precision
// and recall, the most frequent confusions, and — for taggers whose tag names are their own (clusters) —
// purity after mapping each predicted tag to its majority label, plus the adjusted Rand index.

import { adjustedRandIndex } from './ari.js';
import { UNMATCHED, type TagResult } from './types.js';

export interface Labeled {
  tag: string;
  prompt: string;
  line: number;
}

/** Parses tag<TAB>prompt lines; blank lines and `#` comments are ignored; a bad line names file:line. */
export function parseLabels(text: string, file = 'labels'): Labeled[] {
  const out: Labeled[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (!line.trim() || line.startsWith('#')) return;
    const tab = line.indexOf('\t');
    if (tab <= 0) throw new Error(`${file}:${i + 1}: expected TAG<TAB>PROMPT`);
    out.push({ tag: line.slice(0, tab).trim().toLowerCase(), prompt: line.slice(tab + 1), line: i + 1 });
  });
  return out;
}

/** Tags that name one intent (the default rules say `research` where a user's labels may say `paper`). */
const ALIASES: Record<string, string> = { paper: 'research', fix: 'debug', commit: 'git' };
const canon = (t: string) => ALIASES[t] ?? t;

export interface TagScore { tag: string; precision: number; recall: number; support: number; predicted: number }

export interface EvalReport {
  n: number;
  coverage: number;
  /** Correct / all labeled prompts (unmatched counts as wrong). */
  accuracy: number;
  /** Correct / matched prompts. */
  accuracyMatched: number;
  perTag: TagScore[];
  confusions: { expected: string; got: string; count: number }[];
  /** Share correct after mapping each predicted tag to its majority label (for clusters). */
  purity: number;
  ari: number;
}

export function evaluate(labels: Labeled[], results: TagResult[]): EvalReport {
  const n = labels.length;
  let matched = 0, correct = 0;
  const tp = new Map<string, number>(), pred = new Map<string, number>(), sup = new Map<string, number>();
  const conf = new Map<string, number>();
  const byPred = new Map<string, Map<string, number>>();
  const inc = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  labels.forEach((l, i) => {
    const exp = canon(l.tag);
    const got = results[i].matched ? canon(results[i].tag) : UNMATCHED;
    inc(sup, exp);
    inc(pred, got);
    if (results[i].matched) matched++;
    if (got === exp) { correct++; inc(tp, exp); } else inc(conf, `${exp}\u0000${got}`);
    if (!byPred.has(got)) byPred.set(got, new Map());
    inc(byPred.get(got)!, exp);
  });
  let pure = 0;
  for (const [got, m] of byPred) if (got !== UNMATCHED) pure += Math.max(...m.values());
  const tags = [...new Set([...sup.keys()])].sort();
  const ratio = (a: number, b: number) => (b ? round(a / b) : 0);
  return {
    n,
    coverage: ratio(matched, n),
    accuracy: ratio(correct, n),
    accuracyMatched: ratio(correct, matched),
    perTag: tags.map((t) => ({
      tag: t, precision: ratio(tp.get(t) ?? 0, pred.get(t) ?? 0), recall: ratio(tp.get(t) ?? 0, sup.get(t) ?? 0),
      support: sup.get(t) ?? 0, predicted: pred.get(t) ?? 0,
    })),
    confusions: [...conf].map(([k, count]) => { const [expected, got] = k.split('\u0000'); return { expected, got, count }; })
      .sort((a, b) => b.count - a.count || a.expected.localeCompare(b.expected)).slice(0, 10),
    purity: ratio(pure, n),
    ari: round(adjustedRandIndex(labels.map((l) => canon(l.tag)), results.map((r) => (r.matched ? r.tag : UNMATCHED)))),
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export function formatEval(name: string, r: EvalReport): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const lines = [
    `tagger ${name}: ${r.n} labeled prompts`,
    `  coverage ${pct(r.coverage)}  accuracy ${pct(r.accuracy)}  accuracy on matched ${pct(r.accuracyMatched)}  purity ${pct(r.purity)}  ARI ${r.ari}`,
    '  tag          precision  recall  support  predicted',
    ...r.perTag.map((t) => `  ${t.tag.padEnd(12)} ${pct(t.precision).padStart(9)} ${pct(t.recall).padStart(7)} ${String(t.support).padStart(8)} ${String(t.predicted).padStart(10)}`),
  ];
  if (r.confusions.length) {
    lines.push('  most frequent confusions (expected → got):');
    for (const c of r.confusions) lines.push(`    ${c.expected} → ${c.got}: ${c.count}`);
  }
  return lines.join('\n');
}
