// One recording, several ways: the offline merge (src/join/recordings.ts); the live pipeline fed the
// same events in the order live mode sees them — kernel events at their time, TLS calls when their
// response ends, trace lines `lagMs` later (the tailer's delay), a tool first open and again at its
// result (feedLive); and live mode's own processing side fed the raw bytes — the collector's lines at
// their time, each trace file's lines `lagMs` after their stamps, in file order (feedProcessor: the
// collector decoder, the HTTP reassembly, the trace mirror). Then the views, as `stack → weight`
// maps, and where they differ.
import { readFileSync } from 'node:fs';
import type { ApiCall } from '../src/http/types.js';
import type { LiveInput } from '../src/live/inputs.js';
import { LiveProcessor } from '../src/live/processor.js';
import { LiveRuntime } from '../src/live/runtime.js';
import type { EventBatch, LlmCall, Prompt, Session, ToolCall } from '../src/model.js';
import { buildProfile } from '../src/profile/index.js';
import type { ViewName } from '../src/profile/types.js';
import type { RecordingRead } from '../src/sources/agentsight-types.js';
import type { Tagger } from '../src/tag/types.js';

type Step = { at: number; batch?: Partial<EventBatch>; tls?: ApiCall };

/** Feeds a LiveRuntime the recording and the traces in live order; returns it once every batch is in. */
export async function feedLive(rec: RecordingRead, traces: EventBatch, tagger: Tagger, lagMs = 200): Promise<LiveRuntime> {
  const steps: Step[] = [];
  for (const p of rec.processes) steps.push({ at: p.start, batch: { processes: [{ ...p }] } });
  for (const e of rec.effects) steps.push({ at: e.ts, batch: { effects: [{ ...e }] } });
  for (const c of rec.calls) steps.push({ at: c.end, tls: c });
  const first = new Map<string, number>();
  for (const x of [...traces.prompts, ...traces.calls, ...traces.tools]) first.set(x.session, Math.min(first.get(x.session) ?? Infinity, x.ts));
  for (const s of traces.sessions) steps.push({ at: Math.min(s.start, first.get(s.id) ?? Infinity) + lagMs - 1, batch: { sessions: [{ ...s } as Session] } });
  for (const p of traces.prompts) steps.push({ at: p.ts + lagMs, batch: { prompts: [{ ...p } as Prompt] } });
  // A call's lines carry its tools: its first copy comes with its first tool's line (or its first line).
  const firstTool = new Map<string, number>();
  for (const t of traces.tools) firstTool.set(t.llmCall, Math.min(firstTool.get(t.llmCall) ?? Infinity, t.ts));
  for (const c of traces.calls) {
    steps.push({ at: Math.min(c.ts, firstTool.get(c.id) ?? Infinity) + lagMs - 1, batch: { calls: [{ ...c, end: c.ts } as LlmCall] } });
    steps.push({ at: c.end + lagMs, batch: { calls: [{ ...c } as LlmCall] } });
  }
  for (const t of traces.tools) {
    steps.push({ at: t.ts + lagMs, batch: { tools: [{ ...t, end: t.ts, status: 'unknown' } as ToolCall] } });
    if (t.end > t.ts) steps.push({ at: t.end + lagMs, batch: { tools: [{ ...t } as ToolCall] } });
  }
  steps.sort((a, b) => a.at - b.at);
  let now = steps[0]?.at ?? 0;
  const rt = new LiveRuntime({ tagger, clock: () => now, kernel: () => true });
  for (const s of steps) {
    now = s.at;
    if (s.tls) {
      const { call, prompt } = rt.pipeline.tlsCall(s.tls);
      await rt.push({ calls: [call], prompts: prompt ? [prompt] : [] });
    } else await rt.push(s.batch!);
  }
  await rt.flush();
  return rt;
}

/** Feeds live mode's processing side the recording's bytes and the trace files' lines in live order. */
export async function feedProcessor(recording: string, traceFiles: string[], tagger: Tagger, lagMs = 200): Promise<LiveRuntime> {
  const steps: { at: number; input: LiveInput }[] = [];
  let last = 0;
  for (const line of readFileSync(recording, 'utf8').split('\n')) {
    if (!line) continue;
    const ns = /"epoch_ns":(\d+)/.exec(line)?.[1];
    last = ns ? Number(ns) / 1e6 : last;
    steps.push({ at: last, input: { k: 'kernel', data: Buffer.from(`${line}\n`) } });
  }
  for (const file of traceFiles) {
    let at = 0;
    readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      if (!line) return;
      const stamp = Date.parse(/"timestamp":"([^"]+)"/.exec(line)?.[1] ?? '');
      // A line is read after it is written: after its stamp, and after the lines before it.
      at = Math.max(at, Number.isFinite(stamp) ? stamp + lagMs : at);
      steps.push({ at, input: { k: 'lines', lines: [{ file, data: Buffer.from(`${line}\n`), lineNo: i + 1 }] } });
    });
  }
  steps.sort((a, b) => a.at - b.at);
  let now = steps[0]?.at ?? 0;
  const rt = new LiveRuntime({ tagger, clock: () => now, kernel: () => true });
  const proc = new LiveProcessor(rt);
  for (const s of steps) {
    now = s.at;
    proc.handle(s.input);
    if (s.input.k === 'lines') proc.traces(true);
    await rt.flush();
  }
  proc.close();
  await rt.flush();
  return rt;
}

export type Stacks = Map<string, number>;

const round = (w: number) => Math.round(w * 1e6) / 1e6;

export function liveStacks(rt: LiveRuntime, view: ViewName): Stacks {
  const m: Stacks = new Map();
  for (const s of rt.hub.profile(view, 'all').samples) if (round(s.weight)) m.set(s.stack.join(';'), round((m.get(s.stack.join(';')) ?? 0) + s.weight));
  return m;
}

export function offlineStacks(batch: EventBatch, tags: ReadonlyMap<string, string>, view: ViewName): Stacks {
  const m: Stacks = new Map();
  for (const s of buildProfile(batch, tags, { view, labels: false }).samples) m.set(s.stack.join(';'), round((m.get(s.stack.join(';')) ?? 0) + s.weight));
  return m;
}

/** Stacks whose weights differ (beyond rounding), as `stack: offline vs live`. */
export function differences(offline: Stacks, live: Stacks, eps = 1e-3): string[] {
  const out: string[] = [];
  for (const k of new Set([...offline.keys(), ...live.keys()])) {
    const a = offline.get(k) ?? 0;
    const b = live.get(k) ?? 0;
    if (Math.abs(a - b) > eps) out.push(`${k}: ${a} vs ${b}`);
  }
  return out;
}

export const total = (s: Stacks): number => [...s.values()].reduce((a, b) => a + b, 0);
