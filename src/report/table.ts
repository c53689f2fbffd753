// Report tables as text: ccusage's columns right-aligned, the top tags of each row with their share,
// breakdown rows indented under their row, a totals line.
import type { TagShare, TokenColumns } from './usage-sum.js';

export interface TableRow extends TokenColumns {
  label: string;
  models?: string[];
  tags?: TagShare[];
  sub?: (TokenColumns & { name: string })[];
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');
export const usd = (x: number): string => `$${x.toFixed(2)}`;

/** `claude-opus-4-6` → `opus-4-6`; dates dropped (the table is for reading, --json has the names). */
export const shortModel = (m: string): string => m.replace(/^claude-/, '').replace(/-\d{8}$/, '');

export const tagsText = (tags: TagShare[] | undefined): string =>
  (tags ?? []).map((t) => `${t.tag} ${t.share < 1 && t.share > 0 ? '<1' : Math.round(t.share)}%`).join(', ');

export function renderTable(first: string, rows: TableRow[], total: TableRow, opts: { models?: boolean } = {}): string {
  const showModels = opts.models !== false;
  const head = [first, ...(showModels ? ['Models'] : []), 'Input', 'Output', 'Cache Create', 'Cache Read', 'Total Tokens', 'Cost (USD)', 'Top tags'];
  const cells = (r: TableRow, label = r.label): string[] => [
    label, ...(showModels ? [(r.models ?? []).map(shortModel).join(', ')] : []),
    n(r.inputTokens), n(r.outputTokens), n(r.cacheCreationTokens), n(r.cacheReadTokens), n(r.totalTokens), usd(r.totalCost), tagsText(r.tags),
  ];
  const body: string[][] = [];
  for (const r of rows) {
    body.push(cells(r));
    for (const s of r.sub ?? []) body.push(cells({ ...s, label: '', models: [] }, `  └ ${s.name}`));
  }
  const foot = cells(total);
  const all = [head, ...body, foot];
  const width = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const numeric = (i: number) => i > (showModels ? 1 : 0) && i < head.length - 1;
  const line = (r: string[]) => r.map((c, i) => (numeric(i) ? c.padStart(width[i]) : c.padEnd(width[i]))).join('  ').trimEnd();
  const sep = width.map((w) => '─'.repeat(w)).join('  ');
  return [line(head), sep, ...body.map(line), sep, line(foot)].join('\n') + '\n';
}
