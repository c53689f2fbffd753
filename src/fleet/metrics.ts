// Prometheus metrics of a live agentpprof: counters of tokens, cost, LLM calls, tool calls and effects
// labelled by host, agent, model and prompt tag, collector health, and latency histograms. Tags and
// models are few and stable; raw text and session ids never become labels, and a label that would
// exceed its cardinality budget is folded into `other`.

import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Profile, ViewName } from '../profile/types.js';

/** prefix → value of a folded stack's frames (the first of each kind). */
function frames(stack: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const fr of stack) {
    const i = fr.indexOf(':');
    if (i > 0 && !(fr.slice(0, i) in out)) out[fr.slice(0, i)] = fr.slice(i + 1);
  }
  return out;
}

const LABEL_BUDGET = 64;

/** Keeps a label's distinct values bounded: the first LABEL_BUDGET values pass, later ones are `other`. */
class Bounded {
  private readonly seen = new Set<string>();
  value(v: string): string {
    const clean = v.replace(/[^\w.:/-]/g, '_').slice(0, 64) || 'none';
    if (this.seen.has(clean)) return clean;
    if (this.seen.size >= LABEL_BUDGET) return 'other';
    this.seen.add(clean);
    return clean;
  }
}

export interface CollectorHealth { events: number; drops: number; restarts: number }

export class FleetMetrics {
  readonly registry = new Registry();
  private readonly tags = new Bounded();
  private readonly models = new Bounded();
  private readonly tools = new Bounded();
  private readonly tokens: Counter<string>;
  private readonly cost: Counter<string>;
  private readonly calls: Counter<string>;
  private readonly toolCalls: Counter<string>;
  private readonly effects: Counter<string>;
  private readonly callSeconds: Histogram<string>;
  private readonly toolSeconds: Histogram<string>;
  private readonly collectorEvents: Gauge<string>;
  private readonly collectorDrops: Gauge<string>;
  private readonly collectorRestarts: Gauge<string>;
  readonly spoolBytes: Gauge<string>;
  readonly pushed: Counter<string>;
  private readonly synced = new Map<string, number>();

  constructor(readonly host: string) {
    const r = [this.registry];
    this.registry.setDefaultLabels({ host });
    this.tokens = new Counter({ name: 'agentpprof_tokens_total', help: 'Tokens reported by agents, by kind', labelNames: ['agent', 'model', 'tag', 'kind'], registers: r });
    this.cost = new Counter({ name: 'agentpprof_cost_usd_total', help: 'List-price cost in USD', labelNames: ['agent', 'model', 'tag'], registers: r });
    this.calls = new Counter({ name: 'agentpprof_llm_calls_total', help: 'LLM calls', labelNames: ['agent', 'tag'], registers: r });
    this.toolCalls = new Counter({ name: 'agentpprof_tool_calls_total', help: 'Tool calls', labelNames: ['agent', 'tag', 'tool'], registers: r });
    this.effects = new Counter({ name: 'agentpprof_effects_total', help: 'File and network effects', labelNames: ['tag', 'kind'], registers: r });
    const buckets = [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 40, 80, 160];
    this.callSeconds = new Histogram({ name: 'agentpprof_llm_call_duration_seconds', help: 'LLM call duration', labelNames: ['tag'], buckets, registers: r });
    this.toolSeconds = new Histogram({ name: 'agentpprof_tool_duration_seconds', help: 'Time from tool call to its result', labelNames: ['tag'], buckets, registers: r });
    this.collectorEvents = new Gauge({ name: 'agentpprof_collector_events_total', help: 'Events received from the eBPF collector', registers: r });
    this.collectorDrops = new Gauge({ name: 'agentpprof_collector_drops_total', help: 'Events the collector dropped (ring buffer full)', registers: r });
    this.collectorRestarts = new Gauge({ name: 'agentpprof_collector_restarts_total', help: 'Collector restarts', registers: r });
    this.spoolBytes = new Gauge({ name: 'agentpprof_push_spool_bytes', help: 'Bytes waiting in the push spool', labelNames: ['target'], registers: r });
    this.pushed = new Counter({ name: 'agentpprof_push_events_total', help: 'Events pushed, by target and outcome', labelNames: ['target', 'outcome'], registers: r });
  }

  /**
   * Brings the counters up to the all-time profiles (tokens, cost, ops, files, network): each label
   * set's total is recomputed from the folded stacks and its counter advanced by the increase since
   * the last sync. Counters never go down; a call re-attributed by later evidence moves between stacks
   * with the same labels (net zero) or, rarely, leaves its old label set where it was counted.
   */
  sync(profiles: Partial<Record<ViewName, Profile>>): void {
    const seen = new Map<string, number>();
    const add = (metric: string, labels: Record<string, string>, w: number) => {
      const key = metric + JSON.stringify(labels);
      seen.set(key, (seen.get(key) ?? 0) + w);
    };
    for (const [view, p] of Object.entries(profiles) as [ViewName, Profile][]) {
      for (const s of p.samples) {
        const f = frames(s.stack);
        const agent = f.agent ?? 'unknown';
        const tag = this.tags.value(f.prompt ?? 'none');
        if (view === 'tokens') add('tokens', { agent, model: this.models.value(f.model ?? 'unknown'), tag, kind: f.token ?? 'unknown' }, s.weight);
        else if (view === 'cost') add('cost', { agent, model: this.models.value(f.model ?? 'unknown'), tag }, s.weight);
        else if (view === 'ops') f.tool ? add('tools', { agent, tag, tool: this.tools.value(f.tool) }, s.weight) : add('calls', { agent, tag }, s.weight);
        else if (view === 'files') add('effects', { tag, kind: f.effect ?? 'unknown' }, s.weight);
        else if (view === 'network') add('effects', { tag, kind: 'connect' }, s.weight);
      }
    }
    const counters: Record<string, Counter<string>> = { tokens: this.tokens, cost: this.cost, calls: this.calls, tools: this.toolCalls, effects: this.effects };
    for (const [key, total] of seen) {
      const delta = total - (this.synced.get(key) ?? 0);
      if (!(delta > 0)) continue;
      const metric = key.slice(0, key.indexOf('{'));
      counters[metric].inc(JSON.parse(key.slice(metric.length)), delta);
      this.synced.set(key, total);
    }
  }

  /** Latency of one LLM call or tool (seconds), by tag. */
  observeLatency(kind: 'llm' | 'tool', tag: string, seconds: number): void {
    (kind === 'llm' ? this.callSeconds : this.toolSeconds).observe({ tag: this.tags.value(tag) }, seconds);
  }

  collector(h: CollectorHealth): void {
    this.collectorEvents.set(h.events);
    this.collectorDrops.set(h.drops);
    this.collectorRestarts.set(h.restarts);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
