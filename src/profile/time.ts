// Durations for the time view, one rule for offline profiles and live: an LLM call is charged from the
// moment its request could have left — the latest prompt, call end or tool result in its session
// before the call's first line — to its last line; a tool from its tool_use to its result. Idle time
// (the user away, a permission dialog left open, a laptop asleep) would dwarf real work, so every
// single interval is capped at `idleCapMs` (default 5 minutes); time between a reply and the next
// prompt is never charged at all. A prompt made from a captured request (join/calls.ts) is that
// request itself, not a moment after which one may leave: no mark. Live feeds RequestMarks as lines arrive and charges what a call's
// duration grew by; offline builds them once from the batch.

import type { EventBatch } from '../model.js';
import { CappedMap } from '../join/capped.js';
import { isMadePrompt } from '../join/calls.js';
import { partitionPoint } from '../util/collections.js';

export const DEFAULT_IDLE_CAP_MS = 5 * 60_000;

export interface Durations {
  /** Call id → seconds. */
  calls: Map<string, number>;
  /** Tool id → seconds. */
  tools: Map<string, number>;
  /** Intervals that hit the cap (reported in the status block). */
  capped: number;
}

/**
 * Per session, the instants after which a new request may start, each under a key (the prompt's,
 * call's or tool's id) so a later copy of the same event moves its mark instead of adding one.
 */
export class RequestMarks {
  readonly #bySession: Map<string, { marks: Map<string, number>; sorted?: number[] }>;
  readonly #perSession: number;

  /** `cap`: sessions kept; `perSession`: marks kept per session (the latest set). Default unbounded. */
  constructor(opts: { cap?: number; perSession?: number } = {}) {
    this.#bySession = opts.cap ? new CappedMap(opts.cap) : new Map();
    this.#perSession = opts.perSession ?? Infinity;
  }

  /** Sets a mark; returns the time it had before (undefined: new), so a caller knows which calls it moved. */
  set(session: string, key: string, t: number): number | undefined {
    if (!Number.isFinite(t)) return undefined;
    let s = this.#bySession.get(session);
    if (!s) this.#bySession.set(session, (s = { marks: new Map() }));
    const old = s.marks.get(key);
    if (old === t) return old;
    s.marks.delete(key);
    s.marks.set(key, t);
    if (s.marks.size > this.#perSession) s.marks.delete(s.marks.keys().next().value!);
    s.sorted = undefined;
    return old;
  }

  delete(session: string, key: string): void {
    const s = this.#bySession.get(session);
    if (s?.marks.delete(key)) s.sorted = undefined;
  }

  /** When a request whose first line is at `ts` could have left: the latest mark strictly before it, else ts. */
  startOf(session: string, ts: number): number {
    const s = this.#bySession.get(session);
    if (!s) return ts;
    const a = (s.sorted ??= [...s.marks.values()].sort((x, y) => x - y));
    const before = partitionPoint(a, (m) => m < ts);
    return before > 0 ? a[before - 1] : ts;
  }
}

/** Milliseconds charged to an LLM call, uncapped. */
export const callMs = (marks: RequestMarks, c: { session: string; ts: number; end: number }): number =>
  Math.max(0, Math.max(c.end, c.ts) - marks.startOf(c.session, c.ts));

/** An interval in seconds, capped at idleCapMs; `onCap` is told when the cap applied. */
export function capSeconds(ms: number, idleCapMs = DEFAULT_IDLE_CAP_MS, onCap?: () => void): number {
  if (!(ms > 0)) return 0;
  if (ms > idleCapMs) { onCap?.(); return idleCapMs / 1000; }
  return ms / 1000;
}

/** The marks a whole batch sets (what live has set once every line has arrived). */
export function marksOf(batch: Pick<EventBatch, 'prompts' | 'calls' | 'tools'>): RequestMarks {
  const marks = new RequestMarks();
  for (const p of batch.prompts) if (!isMadePrompt(p.id)) marks.set(p.session, `p:${p.id}`, p.ts);
  for (const c of batch.calls) marks.set(c.session, `c:${c.id}`, c.end);
  for (const t of batch.tools) marks.set(t.session, `t:${t.id}`, t.end);
  return marks;
}

export function durations(batch: EventBatch, idleCapMs = DEFAULT_IDLE_CAP_MS): Durations {
  const marks = marksOf(batch);
  let capped = 0;
  const onCap = () => { capped++; };
  const calls = new Map<string, number>();
  for (const c of batch.calls) calls.set(c.id, capSeconds(callMs(marks, c), idleCapMs, onCap));
  const tools = new Map<string, number>();
  for (const t of batch.tools) tools.set(t.id, capSeconds(t.end - t.ts, idleCapMs, onCap));
  return { calls, tools, capped };
}
