// Reads semantic events back from Loki (GET /loki/api/v1/query_range), paged forward in time: each page
// starts one nanosecond after the last entry of the previous page, so nothing is read twice.

import { lokiBase } from './loki-push.js';

export interface LokiQueryOptions {
  url: string;
  /** LogQL stream selector; defaults to every agentpprof stream. */
  selector?: string;
  /** Only these hosts (regex), as a stream label matcher. */
  host?: string;
  /** Epoch ms. */
  since: number;
  until: number;
  pageSize?: number;
  onPage?: (entries: number) => void;
}

export interface LokiEntry { ns: bigint; labels: Record<string, string>; line: string }

const entryKey = (e: LokiEntry) => `${JSON.stringify(e.labels)}\u0000${e.line}`;

export async function* queryLoki(opts: LokiQueryOptions): AsyncGenerator<LokiEntry> {
  const selector = opts.selector ?? `{app="agentpprof"${opts.host ? `,host=~${JSON.stringify(opts.host)}` : ''}}`;
  const limit = opts.pageSize ?? 5000;
  let start = BigInt(Math.floor(opts.since)) * 1_000_000n;
  const end = BigInt(Math.ceil(opts.until)) * 1_000_000n;
  let boundary = -1n;
  const seenAtBoundary = new Set<string>();
  for (;;) {
    const q = new URLSearchParams({ query: selector, start: start.toString(), end: end.toString(), limit: String(limit), direction: 'forward' });
    const res = await fetch(`${lokiBase(opts.url)}/loki/api/v1/query_range?${q}`, { signal: AbortSignal.timeout(60_000) });
    if (!res.ok) throw new Error(`Loki query failed: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
    const body = (await res.json()) as { data?: { result?: { stream: Record<string, string>; values: [string, string][] }[] } };
    const page: LokiEntry[] = [];
    for (const r of body.data?.result ?? []) for (const [ns, line] of r.values) page.push({ ns: BigInt(ns), labels: r.stream, line });
    page.sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0));
    opts.onPage?.(page.length);
    // Entries of other streams may share the last timestamp and fall beyond the limit: the next page
    // starts AT that timestamp, skipping what this page already returned there.
    const fresh = page.filter((e) => e.ns !== boundary || !seenAtBoundary.has(entryKey(e)));
    for (const e of fresh) yield e;
    if (page.length < limit) return;
    const last = page[page.length - 1].ns;
    if (last === boundary && fresh.length === 0) {
      start = last + 1n; // more than `limit` entries at one nanosecond: cannot page further within it
      continue;
    }
    if (last !== boundary) seenAtBoundary.clear();
    boundary = last;
    for (const e of page) if (e.ns === last) seenAtBoundary.add(entryKey(e));
    start = last;
  }
}
