// The fleet profile both stores fold into (from-loki.ts reads events and adds their samples; the
// ClickHouse query returns samples already summed per host and stack): a `host:` root frame per machine
// unless asked otherwise, samples in stack order, a status naming the source, hosts and time range.

import { viewDef } from '../profile/views.js';
import type { Profile, Sample, ViewName } from '../profile/types.js';

export class FleetAggregate {
  private readonly agg = new Map<string, Sample>();
  readonly hosts = new Set<string>();
  total = 0;
  events = 0;
  start = Infinity;
  end = -Infinity;

  constructor(readonly view: ViewName, private readonly hostFrame = true) {}

  /** An event's time and host (for the status), whatever its samples. */
  event(host: string, ts: number): void {
    this.events++;
    this.hosts.add(host);
    this.start = Math.min(this.start, ts);
    this.end = Math.max(this.end, ts);
  }

  add(host: string, stack: string, weight: number): void {
    // The host label is whatever the host said (a `;` in it stays inside its frame).
    const key = this.hostFrame ? `host:${host}\u0000${stack}` : stack;
    let s = this.agg.get(key);
    if (!s) this.agg.set(key, (s = { stack: this.hostFrame ? [`host:${host}`, ...stack.split(';')] : stack.split(';'), weight: 0, labels: { host } }));
    s.weight += weight;
    this.total += weight;
  }

  profile(source: string, skipped = 0): Profile {
    const samples = [...this.agg.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, s]) => s);
    return {
      view: this.view, unit: viewDef(this.view).unit, samples, total: this.total,
      status: {
        sessions: 0, prompts: 0, matched: 0, unmatched: 0, coverage_pct: 0, tag_counts: {}, unknown_models: [], skipped_lines: skipped,
        source, events: this.events, hosts: [...this.hosts].sort(),
        ...(this.events ? { time_range: { start: this.start, end: this.end } } : {}),
      },
    };
  }
}
