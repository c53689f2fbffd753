// Private stand-in for ./folded.js and ./text.js (owned by the profiles work) until those land:
// folded stacks `a;b;c weight` and a plain top-frames table. Remove once index.ts imports theirs.
import type { Profile } from '../profile/types.js';
import { formatShare, formatWeight } from '../viewer/format.js';

export function renderFolded(profiles: Profile[]): string {
  const lines: string[] = [];
  for (const p of profiles) {
    const merged = new Map<string, number>();
    for (const s of p.samples) {
      const key = s.stack.join(';');
      merged.set(key, (merged.get(key) ?? 0) + s.weight);
    }
    for (const [k, w] of [...merged].sort((a, b) => (a[0] < b[0] ? -1 : 1))) lines.push(`${k} ${Number.isInteger(w) ? w : +w.toPrecision(12)}`);
  }
  return lines.join('\n') + (lines.length ? '\n' : '');
}

export function renderText(profiles: Profile[]): string {
  const out: string[] = [];
  for (const p of profiles) {
    out.push(`${p.view}: ${formatWeight(p.total, p.unit)}`);
    const byFrame = new Map<string, number>();
    for (const s of p.samples) for (const f of new Set(s.stack)) byFrame.set(f, (byFrame.get(f) ?? 0) + s.weight);
    for (const [f, w] of [...byFrame].sort((a, b) => b[1] - a[1]).slice(0, 20)) out.push(`  ${formatShare(w, p.total).padStart(7)}  ${formatWeight(w, p.unit).padStart(18)}  ${f}`);
  }
  return out.join('\n') + '\n';
}
