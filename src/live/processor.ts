// The processing side of a live run: every input (trace lines, raw collector bytes, collector state)
// goes through here into the runtime. It runs in the unprivileged server process; the reading side
// (tailer + collector supervisor) may run as root and only forwards bytes and lines (inputs.ts).
import { HttpAssembler } from '../http/assembler.js';
import type { ApiCall } from '../http/types.js';
import type { EventBatch } from '../model.js';
import { CollectorStream, type CollectorRecord } from '../sources/collector.js';
import type { LiveInput } from './inputs.js';
import { TraceMirror } from './mirror.js';
import type { LiveRuntime } from './runtime.js';

export class LiveProcessor {
  readonly mirror = new TraceMirror();
  #stream = new CollectorStream({ source: 'collector' });
  readonly #calls: ApiCall[] = [];
  readonly #http = new HttpAssembler({ call: (c) => this.#calls.push(c), problem: () => { this.httpProblems++; } });
  #dropsSeen = 0;
  httpProblems = 0;

  constructor(private readonly rt: LiveRuntime) {}

  handle(m: LiveInput): void {
    switch (m.k) {
      case 'lines': this.mirror.lines(m.lines); return this.traces();
      case 'reset': this.mirror.reset(m.file); return;
      // a view, not a copy: m.data is already this message's own (connectReusing copies each read; IPC
      // deserializes a fresh array), and the reader keeps views of what it decodes
      case 'kernel': return this.#kernel(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
      case 'collector': return this.#collector(m.state, m.reason, m.restarts);
      case 'missing': for (const w of m.what) if (!this.rt.hub.status.missing.includes(w)) this.rt.hub.status.missing.push(w); return;
      case 'scope': this.rt.hub.status.scope = m.what; return;
    }
  }

  /** Reads what the trace files gained (throttled; `force` for tests and the last read on exit). */
  traces(force = false): void {
    const b = this.mirror.read(force);
    if (b) void this.rt.push(b);
  }

  #collector(state: string, reason: string | undefined, restarts: number | undefined): void {
    const st = this.rt.hub.status;
    if (restarts !== undefined) st.restarts = restarts;
    if (state === 'restarting' || state === 'failed') {
      if (st.collector === 'running') this.rt.gap(`collector ${reason ?? 'stopped'}`);
      // A new collector run starts a new byte stream (and new cumulative ring counters).
      this.#stream = new CollectorStream({ source: 'collector' });
      this.#dropsSeen = 0;
      if (state === 'failed' && reason) st.missing.push(`the collector failed: ${reason}`);
    }
    if (state === 'running' && st.collector !== 'running') this.rt.gapEnd();
    st.collector = state === 'running' ? 'running' : state === 'starting' || state === 'restarting' ? 'restarting' : state === 'failed' ? 'stopped' : 'stopped';
  }

  #kernel(data: Buffer): void {
    const recs = this.#stream.push(data);
    if (this.#stream.skipped) { this.rt.hub.status.skipped += this.#stream.skipped; this.#stream.skipped = 0; }
    this.records(recs);
  }

  /** Collector records → a batch (processes, effects, LLM calls from TLS) for the runtime. */
  records(recs: CollectorRecord[]): void {
    const b: Partial<EventBatch> & Required<Pick<EventBatch, 'processes' | 'effects' | 'calls' | 'prompts'>> = { processes: [], effects: [], calls: [], prompts: [] };
    for (const r of recs) {
      if (r.type === 'process') b.processes.push(r.process);
      else if (r.type === 'effect') b.effects.push(r.effect);
      else if (r.type === 'tls') this.#http.pushChunk(r.chunk);
      else if (r.type === 'stats') this.#stats(r.stats.rings);
      else if (r.type === 'agent') this.#agent(r.agent);
    }
    for (const c of this.#calls.splice(0)) this.#apiCall(c, b);
    if (b.processes.length || b.effects.length || b.calls.length) void this.rt.push(b);
  }

  /** The latest word on each traced agent (a later AGENT frame for a pid says its TLS became probed). */
  #agent(a: { pid: number; agent: string; exe: string; tlsProbed: boolean }): void {
    const list = this.rt.hub.status.agents.filter((x) => x.pid !== a.pid);
    list.push({ pid: a.pid, agent: a.agent, exe: a.exe, tls: a.tlsProbed });
    this.rt.hub.status.agents = list.slice(-50);
  }

  #stats(rings: Record<string, { drops: number }>): void {
    const total = Object.values(rings).reduce((n, r) => n + r.drops, 0);
    if (total > this.#dropsSeen) this.rt.drops(total - this.#dropsSeen);
    this.#dropsSeen = total;
  }

  /** An API call seen in TLS: the same message id as its trace-file copy, so the pipeline counts it once. */
  #apiCall(c: ApiCall, b: { calls: EventBatch['calls']; prompts: EventBatch['prompts'] }): void {
    const { call, prompt } = this.rt.pipeline.tlsCall(c);
    if (prompt) b.prompts.push(prompt);
    b.calls.push(call);
  }

  /** Live mode: idle TLS connections expire so their state does not pile up. */
  tick(now = Date.now()): void {
    this.#http.expire(now);
  }

  close(): void {
    this.traces(true);
    this.mirror.close();
  }
}
