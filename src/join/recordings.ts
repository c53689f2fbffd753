// Offline merge of AgentSight recordings (any form, any number of hosts) with the agents' trace files:
//   read each recording → put it on the traces' clock (skew from calls both saw) → drop duplicates
//   across overlapping recordings → bind pids to sessions → recorded calls the traces lack become
//   LlmCalls → kernel effects are placed (place.ts: lineage, the agent's own requests, tool windows).
// The result is one EventBatch that buildProfile turns into the same views as trace-only profiles; the
// live pipeline places effects with the same Binder, ToolIndex, CallIndex and Placer, event by event.
import type { ApiCall } from '../http/types.js';
import { emptyBatch, type Effect, type EventBatch, type LlmCall, type Process, type Prompt, type Session, type Skipped, type ToolCall } from '../model.js';
import { listRecordings, readRecording } from '../sources/agentsight.js';
import type { RecordingRead } from '../sources/agentsight-types.js';
import { ToolIndex, UNBOUND_AGENT, UNBOUND_SESSION } from './attribute.js';
import { Binder, bindingSummary, forkParent, type Binding } from './bind.js';
import { indexCalls, joinCalls, PromptIndex, type TraceCalls } from './calls.js';
import { MIN_SKEW_MS, offsetFromCalls, offsetFromTraceWrites, type Offset } from './clock.js';
import { CallIndex } from './llm-calls.js';
import { attributeEffects, Placer, type AttributionCounts } from './place.js';

export type { Binding } from './bind.js';

export interface RecordingOptions {
  /** The trace files' events (loadHistory) to join with; their calls win over recorded duplicates. */
  traces?: EventBatch;
  /** Boot time (epoch ms) of the machine that wrote raw probe lines (ns since boot). Default: this one. */
  bootEpochMs?: number;
  /** Fixed clock offset (ms) per host label, added to its recordings' times instead of the estimate. */
  offsets?: Record<string, number>;
  /** cwd rule window for binding (ms). */
  windowMs?: number;
  /** Slack around tool calls when attributing effects (ms). */
  slackMs?: number;
}

export interface RecordingSummary {
  name: string;
  form: string;
  host: string;
  files: number;
  bytes: number;
  calls: number;
  processes: number;
  effects: number;
  /** Added to the recording's times to put it on the traces' clock. */
  offset_ms: number;
  /** How many pairs of evidence (calls both sides hold, or trace-file writes) the offset rests on. */
  offset_pairs: number;
  offset_evidence: Offset['evidence'];
  time_base: string;
  skipped: number;
  unknown: Record<string, number>;
  ignored: Record<string, number>;
  http_problems: Record<string, number>;
  problems: string[];
}

export interface RecordingsStatus {
  recordings: RecordingSummary[];
  bytes: number;
  /** Recorded calls dropped because a trace file holds them (same message id). */
  calls_in_traces: number;
  /** Recorded calls added (the traces lack them). */
  calls_from_traffic: number;
  duplicates: { calls: number; processes: number; effects: number };
  bindings: Record<string, { pids: number; confidence: number }>;
  attribution: AttributionCounts;
  problems: string[];
}

export interface RecordingsResult extends EventBatch {
  bindings: Binding[];
  status: RecordingsStatus;
}

/** Moves every time of a recording by `ms` (its clock → the traces' clock). */
function shift(r: RecordingRead, ms: number): void {
  if (!ms) return;
  for (const c of r.calls) { c.ts += ms; c.end += ms; }
  for (const p of r.processes) { p.start += ms; if (p.exit !== undefined) p.exit += ms; }
  for (const e of r.effects) e.ts += ms;
  for (const s of r.sessions) { s.start += ms; s.end += ms; }
  for (const c of r.llmCalls) { c.ts += ms; c.end += ms; }
  for (const p of r.prompts) p.ts += ms;
  for (const t of r.tools) { t.ts += ms; t.end += ms; }
}

/** The recording's clock offset: given, else from shared API calls, else from trace-file writes. */
function recordingOffset(r: RecordingRead, given: number | undefined, traceCalls: TraceCalls, sessions: Session[]): Offset {
  if (given !== undefined) return { offsetMs: given, pairs: 0, evidence: 'given' };
  const est = offsetFromCalls(r.calls, traceCalls) ?? offsetFromTraceWrites(r.effects, sessions);
  if (!est || (est.evidence === 'trace-file-writes' && Math.abs(est.offsetMs) < MIN_SKEW_MS)) {
    return { offsetMs: 0, pairs: est?.pairs ?? 0, evidence: est?.evidence ?? 'none' };
  }
  return est;
}

function summarize(r: RecordingRead, offset: Offset): RecordingSummary {
  return {
    name: r.name, form: r.form, host: r.host, files: r.files.length, bytes: r.bytes, calls: r.calls.length,
    processes: r.processes.length, effects: r.effects.length, offset_ms: offset.offsetMs, offset_pairs: offset.pairs, offset_evidence: offset.evidence,
    time_base: r.timeBase, skipped: r.skips.count, unknown: r.unknown, ignored: r.ignored, http_problems: r.http, problems: r.problems,
  };
}

/** Keeps the first of each key; counts the rest. */
class Dedup<T> {
  readonly items: T[] = [];
  readonly #seen = new Map<string, number>();
  dropped = 0;
  constructor(private readonly key: (t: T) => string, private readonly better?: (a: T, b: T) => boolean,
    private readonly merge?: (kept: T, other: T) => void) {}
  add(t: T): void {
    const k = this.key(t);
    const i = this.#seen.get(k);
    if (i === undefined) {
      this.#seen.set(k, this.items.length);
      this.items.push(t);
      return;
    }
    this.dropped++;
    const old = this.items[i];
    if (this.better?.(t, old)) this.items[i] = t;
    this.merge?.(this.items[i], this.items[i] === t ? old : t);
  }
}

/** Every recording's events on the traces' clock, deduplicated across overlapping recordings. */
class Collection {
  readonly calls = new Dedup<ApiCall>((c) => c.id, (a, b) => !!b.truncated && !a.truncated);
  readonly procs = new Dedup<Process>((p) => `${p.host}\u0000${p.pid}\u0000${Math.round(p.start / 1000)}`,
    (a, b) => (a.argv?.length ?? 0) > (b.argv?.length ?? 0) || (a.exit !== undefined && b.exit === undefined),
    (kept, other) => { kept.ppid = forkParent(kept.ppid, other.ppid); });
  readonly effects = new Dedup<Effect>((e) => `${e.host}\u0000${e.pid}\u0000${e.kind}\u0000${e.ts}\u0000${e.target}`);
  readonly sessions = new Dedup<Session>((s) => s.id);
  readonly tools = new Dedup<ToolCall>((t) => t.id);
  /** Already-joined calls and prompts of our own live --record files. */
  readonly joinedCalls = new Dedup<LlmCall>((c) => c.id);
  readonly joinedPrompts = new Dedup<Prompt>((p) => p.id);
  readonly recordedBindings: { host: string; pid: number; session: string; confidence?: number; ts: number }[] = [];
  readonly summaries: RecordingSummary[] = [];
  readonly skipped: Skipped[] = [];
  skippedCount = 0;
  readonly #traceSessions: Set<string>;
  readonly #traceTools: Set<string>;
  readonly #tracePrompts: Set<string>;

  constructor(traces: EventBatch, private readonly traceCalls: TraceCalls) {
    this.#traceSessions = new Set(traces.sessions.map((s) => s.id));
    this.#traceTools = new Set(traces.tools.map((t) => t.id));
    this.#tracePrompts = new Set(traces.prompts.map((p) => p.id));
  }

  add(r: RecordingRead, offset: Offset): void {
    shift(r, offset.offsetMs);
    for (const c of r.calls) this.calls.add(c);
    for (const p of r.processes) this.procs.add(p);
    for (const e of r.effects) this.effects.add(e);
    for (const s of r.sessions) if (!this.#traceSessions.has(s.id)) this.sessions.add(s);
    for (const t of r.tools) if (!this.#traceTools.has(t.id)) this.tools.add(t);
    for (const c of r.llmCalls) if (!this.traceCalls.has(c.id)) this.joinedCalls.add(c);
    for (const p of r.prompts) if (!this.#tracePrompts.has(p.id)) this.joinedPrompts.add(p);
    for (const b of r.sessionPids) this.recordedBindings.push({ ...b, host: r.host });
    for (const s of r.skips.examples) if (this.skipped.length < 50) this.skipped.push(s);
    this.skippedCount += r.skips.count;
    this.summaries.push(summarize(r, offset));
  }
}

export async function loadRecordings(paths: string[], opts: RecordingOptions = {}): Promise<RecordingsResult> {
  const traces = opts.traces ?? emptyBatch();
  const { inputs, problems } = listRecordings(paths);
  const traceCalls = indexCalls(traces.calls);
  const col = new Collection(traces, traceCalls);
  for (const input of inputs) {
    const r = readRecording(input, { bootEpochMs: opts.bootEpochMs, wantRequestBody: (id) => !traceCalls.has(id) });
    col.add(r, recordingOffset(r, opts.offsets?.[r.host], traceCalls, traces.sessions));
  }

  // Bind pids (strongest evidence wins), then place recorded calls and attribute effects.
  const sessions = [...traces.sessions, ...col.sessions.items];
  const binder = new Binder(sessions, { windowMs: opts.windowMs });
  for (const b of col.recordedBindings) binder.bind(b.host, b.pid, b.session, 'recorded', b.ts, undefined, b.confidence);
  for (const p of col.procs.items.sort((a, b) => a.start - b.start)) binder.process(p);
  for (const e of col.effects.items) binder.effect(e);
  const joined = joinCalls(col.calls.items, traceCalls, binder, new PromptIndex(traces.prompts));
  const tools = [...traces.tools, ...col.tools.items];
  const calls = [...traces.calls, ...col.joinedCalls.items, ...joined.calls];
  const placed = attributeEffects(col.effects.items, new Placer(binder, new ToolIndex(tools), new CallIndex(calls), { slackMs: opts.slackMs }));
  const attribution = placed.counts;
  const bindings = binder.bindings();
  if ((joined.calls.some((c) => c.session === UNBOUND_SESSION) || attribution.unbound > 0) && !sessions.some((s) => s.id === UNBOUND_SESSION)) {
    sessions.push(unboundSession(placed.effects, joined.calls));
  }
  labelHosts(sessions, bindings);

  const batch: EventBatch = {
    sessions,
    prompts: [...traces.prompts, ...col.joinedPrompts.items, ...joined.prompts],
    calls,
    tools,
    effects: [...traces.effects, ...placed.effects],
    processes: [...traces.processes, ...col.procs.items],
    skipped: [...traces.skipped, ...col.skipped],
    skippedCount: traces.skippedCount + col.skippedCount,
  };
  const status: RecordingsStatus = {
    recordings: col.summaries,
    bytes: col.summaries.reduce((n, s) => n + s.bytes, 0),
    calls_in_traces: joined.matched,
    calls_from_traffic: joined.calls.length,
    duplicates: { calls: col.calls.dropped, processes: col.procs.dropped, effects: col.effects.dropped },
    bindings: bindingSummary(bindings),
    attribution,
    problems: [...problems, ...col.summaries.flatMap((s) => s.problems)],
  };
  return { ...batch, bindings, status };
}

/** A trace session whose processes a recording saw ran on that recording's host. */
function labelHosts(sessions: Session[], bindings: Binding[]): void {
  const byId = new Map(sessions.map((s) => [s.id, s]));
  for (const b of bindings) {
    const s = byId.get(b.session);
    if (s && s.host === undefined && b.host !== undefined) s.host = b.host;
  }
}

/** The session that holds activity no agent session claims: visible as `session:unbound`. */
function unboundSession(effects: Effect[], calls: { session: string; ts: number; host?: string }[]): Session {
  let start = Infinity;
  let end = -Infinity;
  const hosts = new Set<string | undefined>();
  for (const x of [...effects, ...calls]) {
    if (x.session !== UNBOUND_SESSION) continue;
    start = Math.min(start, x.ts);
    end = Math.max(end, x.ts);
    hosts.add(x.host);
  }
  if (start > end) start = end = 0;
  const s: Session = { id: UNBOUND_SESSION, agent: UNBOUND_AGENT, cwd: '', project: UNBOUND_SESSION, start, end };
  // One session for every host's unbound activity: it carries a host only when there is one.
  const [only] = hosts;
  if (hosts.size === 1 && only !== undefined) s.host = only;
  return s;
}

/** The status for output files (JSON, HTML, pprof comments): counts and confidences, no paths. */
export function outputStatus(s: RecordingsStatus): Record<string, unknown> {
  return {
    recordings: s.recordings.map((r) => ({
      host: r.host, form: r.form, files: r.files, bytes: r.bytes, calls: r.calls, effects: r.effects,
      offset_ms: r.offset_ms, offset_evidence: r.offset_evidence, skipped: r.skipped, unknown: r.unknown,
    })),
    bytes: s.bytes, calls_in_traces: s.calls_in_traces, calls_from_traffic: s.calls_from_traffic,
    duplicates: s.duplicates, bindings: s.bindings, attribution: s.attribution, problems: s.problems.length,
  };
}
