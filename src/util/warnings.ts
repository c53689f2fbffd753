// The skipped-input summary printed on stderr after a scan: a count and a few file:line examples.
import { countBatch, type EventBatch, type Skipped } from '../model.js';
import { formatBytes } from './progress.js';

export function skippedSummary(skipped: Skipped[], count: number, maxExamples = 5): string {
  if (!count) return '';
  const lines = [`warning: skipped ${count} unreadable line${count === 1 ? '' : 's'} (malformed, truncated or unexpected input)`];
  for (const s of skipped.slice(0, maxExamples)) lines.push(`  ${s.file}:${s.line}: ${s.reason}`);
  if (count > Math.min(skipped.length, maxExamples)) lines.push(`  … and ${count - Math.min(skipped.length, maxExamples)} more`);
  return lines.join('\n') + '\n';
}

/**
 * The one line a run ends with on stderr: what was read and what it held, in the counts every command
 * shares (model.ts countBatch), and how many lines were skipped; --verbose adds the file:line list.
 */
export function readSummary(h: EventBatch & { files?: number; bytes?: number }, opts: { verbose?: boolean; wrote?: string[] } = {}): string {
  const n = countBatch(h);
  const plural = (k: number, w: string) => `${k.toLocaleString('en-US')} ${w}${k === 1 ? '' : 's'}`;
  const read = h.files !== undefined ? `read ${plural(h.files, 'file')}${h.bytes !== undefined ? ` (${formatBytes(h.bytes)})` : ''}: ` : '';
  let line = `${read}${plural(n.sessions, 'session')}${n.subagents ? ` (+${n.subagents} subagent)` : ''}, ${plural(n.prompts, 'prompt')}, ${plural(n.calls, 'LLM call')}`;
  if (h.skippedCount) line += `; ${plural(h.skippedCount, 'line')} skipped${opts.verbose ? '' : ' (--verbose lists them)'}`;
  if (opts.wrote?.length) line += `; wrote ${opts.wrote.join(', ')}`;
  return line + '\n' + (opts.verbose ? skippedSummary(h.skipped, h.skippedCount, 50) : '');
}

