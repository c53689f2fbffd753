// Folded stacks, flamegraph.pl's one input contract: `frame;frame;… weight` a line, root first, lines
// sorted, samples with the same stack merged (labels dropped). Counts and tokens are integers; dollars
// and seconds keep up to 9 decimals, enough for the weights to add up to the profile's total.

import type { Profile } from '../profile/types.js';

export function formatWeight(w: number): string {
  if (Number.isInteger(w)) return String(w);
  return String(Number(w.toFixed(9)));
}

/** Merged stacks (joined with `;`) → weight, in first-seen order. */
export function mergeStacks(p: Profile): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of p.samples) {
    const k = s.stack.join(';');
    m.set(k, (m.get(k) ?? 0) + s.weight);
  }
  return m;
}

/** One profile, or several (the dispatcher's signature): their lines are merged and sorted together. */
export function renderFolded(profiles: Profile | Profile[]): string {
  const lines: string[] = [];
  for (const p of Array.isArray(profiles) ? profiles : [profiles]) {
    for (const [k, w] of mergeStacks(p)) if (w > 0) lines.push(`${k} ${formatWeight(w)}`);
  }
  lines.sort();
  return lines.length ? lines.join('\n') + '\n' : '';
}
