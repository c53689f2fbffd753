// Attributes kernel effects to the tool call that caused them: the effect's pid → its session (through
// the Binder's process tree), then the tool call of that session open at the effect's time; the tool
// leads to its LLM call and the call to its prompt. Effects with no session go to `unbound`, effects
// of a session with no open tool call stay unattributed (`prompt:unattributed`): counted, never dropped.
import type { Effect, ToolCall } from '../model.js';
import type { Binder } from './bind.js';

export const UNBOUND_SESSION = 'unbound';

export interface AttributionCounts {
  effects: number;
  attributed: number;
  /** Bound to a session, but no tool call of it was open at the time. */
  unattributed: number;
  /** No session: the process is not in any agent's tree. */
  unbound: number;
}

export interface AttributeOptions {
  /** Tolerance around a tool's [ts, end] for clock granularity and write delays (default 500 ms). */
  slackMs?: number;
}

/** Tool calls of one session sorted by start, for "which tool was open at t" queries. */
export class ToolIndex {
  readonly #bySession = new Map<string, ToolCall[]>();
  #sorted = true;

  constructor(tools: Iterable<ToolCall> = []) {
    for (const t of tools) this.add(t);
  }

  add(t: ToolCall): void {
    let list = this.#bySession.get(t.session);
    if (!list) this.#bySession.set(t.session, (list = []));
    list.push(t);
    this.#sorted = false;
  }

  /** Open tools at t (within slack), the most recently started first. */
  openAt(session: string, t: number, slack: number): ToolCall[] {
    if (!this.#sorted) {
      for (const l of this.#bySession.values()) l.sort((a, b) => a.ts - b.ts);
      this.#sorted = true;
    }
    const list = this.#bySession.get(session);
    if (!list) return [];
    // Last tool starting at or before t + slack.
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].ts <= t + slack) lo = mid + 1;
      else hi = mid;
    }
    const out: ToolCall[] = [];
    // Tools run for minutes at most in practice; scan back a bounded number of candidates.
    for (let i = lo - 1; i >= 0 && i >= lo - 64; i--) if (Math.max(list[i].end, list[i].ts) + slack >= t) out.push(list[i]);
    return out;
  }
}

const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** Among parallel open tools, the one whose input names the effect's target; else the latest started. */
function pick(open: ToolCall[], e: Effect): ToolCall {
  if (open.length > 1) {
    const b = base(e.target);
    const hit = open.find((t) => t.hints.some((h) => h.target === e.target || (b.length > 2 && h.target.includes(b))));
    if (hit) return hit;
  }
  return open[0];
}

/** Sets effect.session and effect.toolCall in place; returns the counts for the status block. */
export function attributeEffects(effects: Effect[], binder: Binder, tools: ToolIndex, opts: AttributeOptions = {}): AttributionCounts {
  const counts: AttributionCounts = { effects: 0, attributed: 0, unattributed: 0, unbound: 0 };
  for (const e of effects) attributeOne(e, binder, tools, counts, opts.slackMs ?? 500);
  return counts;
}

export function attributeOne(e: Effect, binder: Binder, tools: ToolIndex, counts: AttributionCounts, slack = 500): void {
  counts.effects++;
  const bound = e.pid === undefined ? undefined : binder.sessionOf(e.host, e.pid);
  if (!bound) {
    if (e.session && e.session !== UNBOUND_SESSION) {
      // Joined when recorded (live --record): its session and tool stand.
      if (e.toolCall) counts.attributed++;
      else counts.unattributed++;
      return;
    }
    e.session = UNBOUND_SESSION;
    counts.unbound++;
    return;
  }
  e.session = bound.session;
  const open = tools.openAt(bound.session, e.ts, slack);
  if (!open.length) {
    // A recording that was joined when made (live --record) may already name the tool.
    if (e.toolCall) counts.attributed++;
    else counts.unattributed++;
    return;
  }
  e.toolCall = pick(open, e).id;
  counts.attributed++;
}
