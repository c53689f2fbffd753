// The fleet flamegraph: folds the semantic events of every host back out of Loki into one profile,
// with a `host:` root frame (or only the hosts a regex selects).

import type { Profile, ViewName } from '../profile/types.js';
import type { SemanticLine } from './events.js';
import { FleetAggregate } from './fleet-profile.js';
import { queryLoki, type LokiQueryOptions } from './loki-query.js';

export interface FleetOptions extends Omit<LokiQueryOptions, 'onPage'> {
  view: ViewName;
  /** Put `host:NAME` at the root of every stack (default true). */
  hostFrame?: boolean;
  onProgress?: (events: number) => void;
}

export async function profileFromLoki(opts: FleetOptions): Promise<Profile> {
  const agg = new FleetAggregate(opts.view, opts.hostFrame !== false);
  let skipped = 0;
  for await (const e of queryLoki(opts)) {
    let l: SemanticLine;
    try {
      l = JSON.parse(e.line) as SemanticLine;
    } catch { skipped++; continue; }
    if (l.v !== 1 || typeof l.samples !== 'object') { skipped++; continue; }
    agg.event(l.host, l.ts);
    if (agg.events % 10_000 === 0) opts.onProgress?.(agg.events);
    for (const [stack, weight] of l.samples[opts.view] ?? []) agg.add(l.host, stack, weight);
  }
  return agg.profile('loki', skipped);
}
