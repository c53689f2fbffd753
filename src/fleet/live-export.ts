// The fleet exporters of a live (or replay) server, fed by the hub's taps: /metrics counters synced from
// the all-time profiles at scrape time, latency histograms, a Loki push every ~2 s of what the hub
// recorded since the last push (to Loki or ClickHouse), and a periodic pprof push of the window's tokens
// profile.
//
// Semantic lines group the hub's samples by (ts, agent, tag) with samples per view, exactly as recorded —
// negative re-attribution weights included — so the sum of every pushed line equals the live profile.

import type { LiveSource } from '../live/sink.js';
import type { Profile, ViewName } from '../profile/types.js';
import { renderPprof } from '../render/pprof.js';
import { PUSHED_VIEWS, type SemanticLine } from './events.js';
import type { LokiEvent } from './loki-push.js';
import { fleetPusher, pushTarget, type FleetPusher } from './push-target.js';
import { FleetMetrics } from './metrics.js';
import { pushPprof } from './pyroscope.js';

export interface FleetExportOptions {
  /** The `host` label on metrics, Loki streams and pprof pushes. */
  hostLabel: string;
  /** Where the semantic events go: loki://HOST:3100 or clickhouse://HOST:8123[/DB]. */
  push?: string;
  /** The same as `push` (its name before ClickHouse). */
  loki?: string;
  /** ClickHouse: delete events older than this many days. */
  pushTtlDays?: number;
  spoolDir?: string;
  pushMs?: number;
  /** Pyroscope-compatible base URL (POST {url}/ingest). */
  pprof?: string;
  pprofSeconds?: number;
  onError?: (what: string, err: unknown) => void;
}

const frameValue = (stack: string[], kind: string): string | undefined => {
  const f = stack.find((x) => x.startsWith(kind + ':'));
  return f?.slice(kind.length + 1);
};

/** ts → view → stack id → summed weight. */
type Pending = Map<number, Map<ViewName, Map<number, number>>>;

/** Groups pending samples into one semantic line per (ts, agent, tag). Pure: data in → lines out. */
export function linesOf(pending: Pending, stacks: readonly string[][], host: string): LokiEvent[] {
  const out: LokiEvent[] = [];
  for (const [ts, views] of [...pending].sort((a, b) => a[0] - b[0])) {
    const byKey = new Map<string, SemanticLine>();
    for (const [view, ids] of views) {
      for (const [id, weight] of ids) {
        if (weight === 0) continue;
        const stack = stacks[id];
        const agent = frameValue(stack, 'agent') ?? 'unknown';
        const tag = frameValue(stack, 'prompt') ?? 'unattributed';
        const key = `${agent}\u0000${tag}`;
        let l = byKey.get(key);
        if (!l) byKey.set(key, (l = { v: 1, type: 'effect', ts, host, agent, tag, samples: {} }));
        (l.samples[view] ??= []).push([stack.join(';'), weight]);
        const model = frameValue(stack, 'model');
        if (model && !l.model) l.model = model;
      }
    }
    for (const l of byKey.values()) {
      l.type = l.samples.tokens || l.samples.cost ? 'llm_call' : l.samples.ops ? 'tool_call' : 'effect';
      out.push({ ts, labels: { host, agent: l.agent, tag: l.tag }, line: l });
    }
  }
  return out;
}

/** The window's tokens samples as one profile per agent (pprof keeps only positive net weights). */
export function windowProfiles(window: Map<number, number>, stacks: readonly string[][]): Map<string, Profile> {
  const out = new Map<string, Profile>();
  for (const [id, weight] of window) {
    const stack = stacks[id];
    const agent = frameValue(stack, 'agent') ?? 'unknown';
    let p = out.get(agent);
    if (!p) out.set(agent, (p = { view: 'tokens', unit: 'tokens', samples: [], total: 0 }));
    p.samples.push({ stack, weight });
    p.total += weight;
  }
  return out;
}

export class FleetExport {
  readonly metrics: FleetMetrics;
  readonly pusher?: FleetPusher;
  /** The store's name, the `target` label of the push metrics. */
  readonly #target: string;
  #pending: Pending = new Map();
  #window = new Map<number, number>();
  #windowStart: number;
  readonly #timers: NodeJS.Timeout[] = [];
  #pprofInFlight: Promise<void> = Promise.resolve();
  /** Lines handed to the pusher; pprof pushes done / failed. */
  lines = 0;
  pprofPushes = 0;
  pprofFailures = 0;

  constructor(private readonly hub: LiveSource, private readonly opts: FleetExportOptions) {
    this.metrics = new FleetMetrics(opts.hostLabel);
    hub.taps.latency.push((kind, tag, ms) => this.metrics.observeLatency(kind, tag, ms / 1000));
    const url = opts.push ?? opts.loki;
    this.#target = (url && pushTarget(url)) || 'loki';
    if (url) {
      if (!opts.spoolDir) throw new Error(`--push ${url} needs a spool directory`);
      this.pusher = fleetPusher(url, {
        spoolDir: opts.spoolDir, batchSize: 1000, flushMs: 500, ttlDays: opts.pushTtlDays,
        onStats: (s) => this.metrics.spoolBytes.set({ target: this.#target }, s.spoolBytes),
      });
      const views = new Set<ViewName>(PUSHED_VIEWS);
      hub.taps.record.push((view, id, weight, ts) => {
        if (!views.has(view)) return;
        let byView = this.#pending.get(ts);
        if (!byView) this.#pending.set(ts, (byView = new Map()));
        let ids = byView.get(view);
        if (!ids) byView.set(view, (ids = new Map()));
        ids.set(id, (ids.get(id) ?? 0) + weight);
      });
      this.#every(opts.pushMs ?? 2000, () => this.pushLoki());
    }
    this.#windowStart = hub.now();
    if (opts.pprof) {
      hub.taps.record.push((view, id, weight) => {
        if (view === 'tokens') this.#window.set(id, (this.#window.get(id) ?? 0) + weight);
      });
      this.#every((opts.pprofSeconds ?? 15) * 1000, () => void this.pushPprof());
    }
  }

  #every(ms: number, f: () => void): void {
    const t = setInterval(f, ms);
    t.unref();
    this.#timers.push(t);
  }

  /** Brings /metrics up to the hub (called at scrape time). */
  scrape(): void {
    this.metrics.sync(Object.fromEntries(PUSHED_VIEWS.map((v) => [v, this.hub.profile(v, 'all')])));
    const st = this.hub.status;
    this.metrics.collector({ events: st.events, drops: st.drops, restarts: st.restarts });
    if (this.pusher) {
      this.metrics.spoolBytes.set({ target: this.#target }, this.pusher.stats.spoolBytes);
      this.#syncPushed();
    }
  }

  #pushedSeen = { sent: 0, dropped: 0 };
  #syncPushed(): void {
    const s = this.pusher!.stats;
    if (s.sent > this.#pushedSeen.sent) this.metrics.pushed.inc({ target: this.#target, outcome: 'sent' }, s.sent - this.#pushedSeen.sent);
    if (s.dropped > this.#pushedSeen.dropped) this.metrics.pushed.inc({ target: this.#target, outcome: 'dropped' }, s.dropped - this.#pushedSeen.dropped);
    this.#pushedSeen = { sent: s.sent, dropped: s.dropped };
  }

  /** Hands what the hub recorded since the last push to the event pusher (spooled, then sent). */
  pushLoki(): number {
    if (!this.pusher || !this.#pending.size) return 0;
    const pending = this.#pending;
    this.#pending = new Map();
    const events = linesOf(pending, this.hub.stacks.stacks, this.opts.hostLabel);
    for (const ev of events) this.pusher.push(ev);
    this.pusher.flushBuffer();
    this.lines += events.length;
    return events.length;
  }

  /** Posts the window's tokens profile (one per agent) and starts the next window. */
  pushPprof(): Promise<void> {
    if (!this.opts.pprof) return Promise.resolve();
    const window = this.#window;
    const from = this.#windowStart, until = Math.max(this.hub.now(), from + 1);
    this.#window = new Map();
    this.#windowStart = until;
    const profiles = windowProfiles(window, this.hub.stacks.stacks);
    // One push at a time: a slow endpoint must not pile up requests.
    this.#pprofInFlight = this.#pprofInFlight.then(async () => {
      for (const [agent, p] of profiles) {
        if (!(p.total > 0)) continue;
        try {
          await pushPprof({ url: this.opts.pprof!, name: 'agentpprof.tokens', labels: { host: this.opts.hostLabel, agent }, from, until },
            renderPprof([p], { timeRange: { start: from, end: until } }));
          this.pprofPushes++;
          this.metrics.pushed.inc({ target: 'pprof', outcome: 'sent' }, 1);
        } catch (e) {
          this.pprofFailures++;
          this.metrics.pushed.inc({ target: 'pprof', outcome: 'failed' }, 1);
          this.opts.onError?.('pprof push', e);
        }
      }
    });
    return this.#pprofInFlight;
  }

  /** Last push of both targets; waits up to `timeoutMs` for the store to take the spool (it stays on disk otherwise). */
  async close(timeoutMs = 10_000): Promise<boolean> {
    for (const t of this.#timers) clearInterval(t);
    this.pushLoki();
    await this.pushPprof();
    if (!this.pusher) return true;
    const drained = await this.pusher.drainAll(timeoutMs);
    this.pusher.close();
    return drained;
  }
}
