// The fleet flamegraph: folds the semantic events of every host back out of Loki into one profile,
// with a `host:` root frame (or only the hosts a regex selects).

import { viewDef } from '../profile/views.js';
import type { Profile, Sample, ViewName } from '../profile/types.js';
import type { SemanticLine } from './events.js';
import { queryLoki, type LokiQueryOptions } from './loki-query.js';

export interface FleetOptions extends Omit<LokiQueryOptions, 'onPage'> {
  view: ViewName;
  /** Put `host:NAME` at the root of every stack (default true). */
  hostFrame?: boolean;
  onProgress?: (events: number) => void;
}

export async function profileFromLoki(opts: FleetOptions): Promise<Profile> {
  const def = viewDef(opts.view);
  const agg = new Map<string, Sample>();
  const hosts = new Set<string>();
  let total = 0, events = 0, skipped = 0, start = Infinity, end = -Infinity;
  for await (const e of queryLoki(opts)) {
    let l: SemanticLine;
    try {
      l = JSON.parse(e.line) as SemanticLine;
    } catch { skipped++; continue; }
    if (l.v !== 1 || typeof l.samples !== 'object') { skipped++; continue; }
    events++;
    if (events % 10_000 === 0) opts.onProgress?.(events);
    hosts.add(l.host);
    start = Math.min(start, l.ts);
    end = Math.max(end, l.ts);
    for (const [stack, weight] of l.samples[opts.view] ?? []) {
      const key = opts.hostFrame === false ? stack : `host:${l.host};${stack}`;
      let s = agg.get(key);
      if (!s) agg.set(key, (s = { stack: key.split(';'), weight: 0, labels: { host: l.host } }));
      s.weight += weight;
      total += weight;
    }
  }
  const samples = [...agg.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, s]) => s);
  return {
    view: opts.view, unit: def.unit, samples, total,
    status: {
      sessions: 0, prompts: 0, matched: 0, unmatched: 0, coverage_pct: 0, tag_counts: {}, unknown_models: [], skipped_lines: skipped,
      source: 'loki', events, hosts: [...hosts].sort(), ...(events ? { time_range: { start, end } } : {}),
    },
  };
}
