// Durations for the time view. An LLM call is charged from the moment its request could have left —
// the latest prompt, call end or tool result in its session before the call's first line — to its last
// line; a tool from its tool_use to its result. Idle time (the user away, a permission dialog left
// open, a laptop asleep) would dwarf real work, so every single interval is capped at `idleCapMs`
// (default 5 minutes); time between a reply and the next prompt is never charged at all.

import type { EventBatch } from '../model.js';

export const DEFAULT_IDLE_CAP_MS = 5 * 60_000;

export interface Durations {
  /** Call id → seconds. */
  calls: Map<string, number>;
  /** Tool id → seconds. */
  tools: Map<string, number>;
  /** Intervals that hit the cap (reported in the status block). */
  capped: number;
}

export function durations(batch: EventBatch, idleCapMs = DEFAULT_IDLE_CAP_MS): Durations {
  // Per session, the sorted instants after which a new request may start.
  const marks = new Map<string, number[]>();
  const add = (s: string, t: number) => {
    if (!Number.isFinite(t)) return;
    let a = marks.get(s);
    if (!a) marks.set(s, (a = []));
    a.push(t);
  };
  for (const p of batch.prompts) add(p.session, p.ts);
  for (const c of batch.calls) add(c.session, c.end);
  for (const t of batch.tools) add(t.session, t.end);
  for (const a of marks.values()) a.sort((x, y) => x - y);

  let capped = 0;
  const cap = (ms: number) => {
    if (!(ms > 0)) return 0;
    if (ms > idleCapMs) { capped++; return idleCapMs / 1000; }
    return ms / 1000;
  };
  const calls = new Map<string, number>();
  for (const c of batch.calls) {
    const a = marks.get(c.session) ?? [];
    const start = lastBefore(a, c.ts) ?? c.ts;
    calls.set(c.id, cap(Math.max(c.end, c.ts) - start));
  }
  const tools = new Map<string, number>();
  for (const t of batch.tools) tools.set(t.id, cap(t.end - t.ts));
  return { calls, tools, capped };
}

/** Largest value in sorted `a` strictly below `t`. */
function lastBefore(a: number[], t: number): number | undefined {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < t) lo = mid + 1; else hi = mid;
  }
  return lo > 0 ? a[lo - 1] : undefined;
}
