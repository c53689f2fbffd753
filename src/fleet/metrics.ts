// Prometheus metrics of a live agentpprof: counters of tokens, cost, LLM calls, tool calls and effects
// labelled by host, agent, model and prompt tag, collector health, and latency histograms. Tags and
// models are few and stable; raw text and session ids never become labels, and a label that would
// exceed its cardinality budget is folded into `other`.

import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Effect, LlmCall, ToolCall } from '../model.js';

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

  constructor(readonly host: string) {
    const r = [this.registry];
    this.registry.setDefaultLabels({ host });
    this.tokens = new Counter({ name: 'agentpprof_tokens_total', help: 'Tokens reported by agents, by kind', labelNames: ['agent', 'model', 'tag', 'kind'], registers: r });
    this.cost = new Counter({ name: 'agentpprof_cost_usd_total', help: 'List-price cost in USD', labelNames: ['agent', 'model', 'tag'], registers: r });
    this.calls = new Counter({ name: 'agentpprof_llm_calls_total', help: 'LLM calls', labelNames: ['agent', 'model', 'tag'], registers: r });
    this.toolCalls = new Counter({ name: 'agentpprof_tool_calls_total', help: 'Tool calls', labelNames: ['agent', 'tag', 'tool'], registers: r });
    this.effects = new Counter({ name: 'agentpprof_effects_total', help: 'File, process and network effects', labelNames: ['agent', 'tag', 'kind', 'evidence'], registers: r });
    const buckets = [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 40, 80, 160];
    this.callSeconds = new Histogram({ name: 'agentpprof_llm_call_duration_seconds', help: 'LLM call duration', labelNames: ['agent', 'model', 'tag'], buckets, registers: r });
    this.toolSeconds = new Histogram({ name: 'agentpprof_tool_duration_seconds', help: 'Time from tool call to its result', labelNames: ['agent', 'tool', 'tag'], buckets, registers: r });
    this.collectorEvents = new Gauge({ name: 'agentpprof_collector_events_total', help: 'Events received from the eBPF collector', registers: r });
    this.collectorDrops = new Gauge({ name: 'agentpprof_collector_drops_total', help: 'Events the collector dropped (ring buffer full)', registers: r });
    this.collectorRestarts = new Gauge({ name: 'agentpprof_collector_restarts_total', help: 'Collector restarts', registers: r });
    this.spoolBytes = new Gauge({ name: 'agentpprof_push_spool_bytes', help: 'Bytes waiting in the push spool', labelNames: ['target'], registers: r });
    this.pushed = new Counter({ name: 'agentpprof_push_events_total', help: 'Events pushed, by target and outcome', labelNames: ['target', 'outcome'], registers: r });
  }

  observeCall(call: LlmCall, agent: string, tag: string, usd: number): void {
    const l = { agent, model: this.models.value(call.model), tag: this.tags.value(tag) };
    const u = call.usage;
    for (const [kind, n] of [['input', u.input], ['output', u.output], ['cache_read', u.cacheRead], ['cache_write', u.cacheWrite5m + u.cacheWrite1h]] as const) {
      if (n) this.tokens.inc({ ...l, kind }, n);
    }
    if (usd) this.cost.inc(l, usd);
    this.calls.inc(l);
    if (call.end > call.ts) this.callSeconds.observe(l, (call.end - call.ts) / 1000);
  }

  observeTool(tool: ToolCall, agent: string, tag: string): void {
    const l = { agent, tag: this.tags.value(tag), tool: this.tools.value(tool.name) };
    this.toolCalls.inc(l);
    if (tool.end > tool.ts) this.toolSeconds.observe(l, (tool.end - tool.ts) / 1000);
  }

  observeEffect(effect: Effect, agent: string, tag: string): void {
    this.effects.inc({ agent, tag: this.tags.value(tag), kind: effect.kind, evidence: effect.evidence });
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
