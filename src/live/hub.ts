// The live store the server reads: interned stacks, per-view rolling aggregates, chart series,
// latency digests per tag, the active-sessions table and the supervisor's status. Writers (the
// pipeline) call record*/note*; readers (server, flush on exit) call profile/snapshot helpers.

import TDigest from 'tdigest';
import type { Profile, Unit, ViewName } from '../profile/types.js';
import { StackTable, ViewAggregate, type WindowName } from './aggregate.js';
import { Series } from './series.js';
import { LiveCounts } from './counts.js';

export const VIEWS: readonly ViewName[] = ['tokens', 'cost', 'time', 'files', 'network', 'ops'];
export const UNITS: Record<ViewName, Unit> = { tokens: 'tokens', cost: 'usd', time: 'seconds', files: 'count', network: 'count', ops: 'count' };

export function isView(s: unknown): s is ViewName {
  return typeof s === 'string' && (VIEWS as readonly string[]).includes(s);
}

export interface SessionRow {
  id: string;
  agent: string;
  project: string;
  tag: string;
  lastTs: number;
  tokens: number;
  cost: number;
  calls: number;
  tools: number;
  /** The last prompt's text: only with --include-prompts. */
  prompt?: string;
}

export interface LatencyRow { tag: string; kind: 'llm' | 'tool'; count: number; p50: number; p90: number; p99: number }

export interface Gap { start: number; end?: number; reason: string }

/** A traced process the collector recognised as an agent CLI; tls: whether its TLS plaintext is probed. */
export interface TracedAgent { pid: number; agent: string; exe: string; tls: boolean }

export interface LiveStatus {
  collector: 'running' | 'restarting' | 'stopped' | 'none' | 'replay';
  /** What the collector traces (agents by executable and argv, a command's tree, --pid, --all …). */
  scope: string;
  /** Agents seen in the traced trees (the latest 50). */
  agents: TracedAgent[];
  /** What the run is missing (no root, no BPF, no collector …): shown in the terminal and on the page. */
  missing: string[];
  gaps: Gap[];
  drops: number;
  events: number;
  skipped: number;
  unattributed: number;
  restarts: number;
  unknownModels: string[];
  stackOverflow: number;
  includePrompts: boolean;
}

export interface HubTaps {
  /** Stack ids index `stacks.stacks`. */
  record: ((view: ViewName, id: number, weight: number, ts: number) => void)[];
  latency: ((kind: 'llm' | 'tool', tag: string, ms: number) => void)[];
}

const MAX_SESSIONS = 500;
const MAX_GAPS = 100;

export class LiveHub {
  readonly stacks = new StackTable();
  readonly views = Object.fromEntries(VIEWS.map((v) => [v, new ViewAggregate()])) as Record<ViewName, ViewAggregate>;
  readonly series = new Series();
  readonly sessions = new Map<string, SessionRow>();
  /** Sessions, prompts and calls by the offline definition (the sessions table above is capped and windowed). */
  readonly counts = new LiveCounts();
  readonly status: LiveStatus = {
    collector: 'none', scope: '', agents: [], missing: [], gaps: [], drops: 0, events: 0, skipped: 0, unattributed: 0, restarts: 0,
    unknownModels: [], stackOverflow: 0, includePrompts: false,
  };
  readonly #latency = new Map<string, TDigest.TDigest>();
  #now: number;
  /** Observers of every recorded sample and latency (the fleet exporters: Loki, pprof push, /metrics). */
  readonly taps: HubTaps = { record: [], latency: [] };

  /** `clock` is wall time live, the replayed time in replay. */
  constructor(private readonly clock: () => number = Date.now) {
    this.#now = clock();
  }

  now(): number {
    this.#now = Math.max(this.#now, this.clock());
    return this.#now;
  }

  /** Adds one sample to a view (all windows at once). */
  record(view: ViewName, stack: string[], weight: number, ts: number): void {
    this.recordId(view, this.stacks.id(stack), weight, ts);
  }

  /** Same, for a stack already interned. */
  recordId(view: ViewName, id: number, weight: number, ts: number): void {
    this.views[view].add(id, weight, ts, this.now());
    for (const t of this.taps.record) t(view, id, weight, ts);
  }

  latency(kind: 'llm' | 'tool', tag: string, ms: number): void {
    if (!(ms >= 0)) return;
    for (const t of this.taps.latency) t(kind, tag, ms);
    const key = `${kind}\u0000${tag}`;
    let d = this.#latency.get(key);
    if (!d) this.#latency.set(key, (d = new TDigest.TDigest()));
    d.push(ms);
  }

  latencyRows(): LatencyRow[] {
    const rows: LatencyRow[] = [];
    for (const [key, d] of this.#latency) {
      const [kind, tag] = key.split('\u0000') as ['llm' | 'tool', string];
      const count = d.toArray().reduce((n, c) => n + c.n, 0);
      const [p50, p90, p99] = d.percentile([0.5, 0.9, 0.99]) as number[];
      rows.push({ tag, kind, count, p50, p90, p99 });
    }
    return rows.sort((a, b) => b.count - a.count);
  }

  session(id: string, init: () => Omit<SessionRow, 'tokens' | 'cost' | 'calls' | 'tools'>): SessionRow {
    let row = this.sessions.get(id);
    if (!row) {
      if (this.sessions.size >= MAX_SESSIONS) this.#evictOldestSession();
      row = { ...init(), tokens: 0, cost: 0, calls: 0, tools: 0 };
      this.sessions.set(id, row);
    }
    return row;
  }

  #evictOldestSession(): void {
    let oldest: SessionRow | undefined;
    for (const r of this.sessions.values()) if (!oldest || r.lastTs < oldest.lastTs) oldest = r;
    if (oldest) this.sessions.delete(oldest.id);
  }

  /** Sessions with activity in the last `withinMs`, most recent first. */
  activeSessions(withinMs = 5 * 60_000): SessionRow[] {
    const since = this.now() - withinMs;
    return [...this.sessions.values()].filter((r) => r.lastTs >= since).sort((a, b) => b.lastTs - a.lastTs);
  }

  gapStart(reason: string, ts = this.now()): void {
    this.status.gaps.push({ start: ts, reason });
    if (this.status.gaps.length > MAX_GAPS) this.status.gaps.shift();
  }

  gapEnd(ts = this.now()): void {
    const g = this.status.gaps.at(-1);
    if (g && g.end === undefined) g.end = ts;
  }

  /** Expires sliding-window buckets; call on every tick. */
  advance(): void {
    const now = this.now();
    for (const v of VIEWS) this.views[v].advance(now);
    this.status.stackOverflow = this.stacks.overflowed;
  }

  profile(view: ViewName, window: WindowName): Profile {
    const t = this.views[view].table(window);
    const samples = [];
    let total = 0;
    for (const [id, weight] of t) {
      if (weight <= 0) continue;
      samples.push({ stack: this.stacks.stacks[id], weight });
      total += weight;
    }
    samples.sort((a, b) => (a.stack.join(';') < b.stack.join(';') ? -1 : 1));
    return { view, unit: UNITS[view], samples, total, status: this.profileStatus() };
  }

  profileStatus(): Profile['status'] {
    return {
      ...this.counts.status(),
      unknown_models: this.status.unknownModels, skipped_lines: this.status.skipped,
      live: { ...this.status },
    };
  }
}
