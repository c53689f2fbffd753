// The skipped-input summary printed on stderr after a scan: a count and a few file:line examples.
import type { Skipped } from '../model.js';

export function skippedSummary(skipped: Skipped[], count: number, maxExamples = 5): string {
  if (!count) return '';
  const lines = [`warning: skipped ${count} unreadable line${count === 1 ? '' : 's'} (malformed, truncated or unexpected input)`];
  for (const s of skipped.slice(0, maxExamples)) lines.push(`  ${s.file}:${s.line}: ${s.reason}`);
  if (count > Math.min(skipped.length, maxExamples)) lines.push(`  … and ${count - Math.min(skipped.length, maxExamples)} more`);
  return lines.join('\n') + '\n';
}
