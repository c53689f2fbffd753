// Where a kernel effect belongs: its pid → its session (the Binder's process tree), then its cause.
//  - Lineage first: a process the agent spawned belongs, with all its descendants, for its whole life,
//    to the tool whose window held its spawn — also once that tool has returned (`background`); a
//    command tool's only when it runs that command (ToolIndex.spawnAt: the agent's own helpers aside).
//  - The agent's own process: its connects, DNS and resolver reads go to the LLM call they were made
//    for (unless an open tool names that host: WebFetch); its other effects to the tool naming their
//    target (ToolIndex.toolAt: a window holding them first, slack last), else to none (bookkeeping).
// The same code places effects offline (attributeEffects, once) and live (EffectJoin, again whenever
// a binding, a tool or a call arrives late). Effects with no session go to `unbound`, effects of a
// session with no cause found stay unattributed (`prompt:unattributed`): counted, never dropped.
import type { Effect, ToolCall } from '../model.js';
import { SLACK_MS, UNBOUND_SESSION, type ToolIndex } from './attribute.js';
import type { Binder } from './bind.js';
import { isNetworkSetup, type CallIndex, type CallSpan } from './llm-calls.js';

export interface Placement {
  session?: string;
  tool?: ToolCall;
  /** The LLM call the agent's own request setup (connect, DNS, resolver reads) was for. */
  call?: CallSpan;
  /** The effect came after its tool had returned, from a process that tool started. */
  background?: boolean;
  /** The agent writing or reading its own trace file: binding evidence, not an effect (never counted). */
  bookkeeping?: boolean;
  /** The tool's window held the moment (its spawn, or the effect): not a guess within the slack. */
  held?: boolean;
}

/**
 * A place is final once its tool is known, has ended and its window held the moment (a tool found
 * within the slack may yield to one whose line is still to come). An LLM call's place is never final
 * while it can be revisited: its frames (prompt, kind) change as the call's lines arrive.
 */
export const settled = (p: Placement): boolean => !!p.bookkeeping || (!p.call && !!p.held && !!p.tool && p.tool.end > p.tool.ts);

/** Whether a tool's window holds t (a tool with no result yet holds everything after its start). */
const holds = (t: ToolCall, at: number): boolean => t.ts <= at && (at <= t.end || t.end <= t.ts);

export interface AttributionCounts {
  effects: number;
  attributed: number;
  /** Charged to an LLM call (the agent's own request setup); also counted in `attributed`. */
  llm: number;
  /** From a process a tool started, after that tool returned; also counted in `attributed`. */
  background: number;
  /** Bound to a session, but no cause of it was found. */
  unattributed: number;
  /** No session: the process is not in any agent's tree. */
  unbound: number;
  /** The agents' own trace-file writes and reads: binding evidence, not counted as effects. */
  bookkeeping: number;
}

export interface PlaceOptions {
  /** Tolerance around a tool's [ts, end] when no window holds the moment (default SLACK_MS). */
  slackMs?: number;
}

export class Placer {
  readonly #slack: number;

  constructor(readonly binder: Binder, readonly tools: ToolIndex, readonly calls: CallIndex, opts: PlaceOptions = {}) {
    this.#slack = opts.slackMs ?? SLACK_MS;
  }

  place(e: Effect): Placement {
    const bound = e.pid !== undefined ? this.binder.sessionIdOf(e.host, e.pid) : undefined;
    const session = bound ?? (e.session !== UNBOUND_SESSION ? e.session : undefined);
    if (!session) return {};
    if (this.binder.ownTrace(e)) return { session, bookkeeping: true };
    // Joined when recorded (live --record): its cause stands.
    if (!bound && (e.toolCall || e.llmCall)) {
      const tool = e.toolCall ? this.tools.get(e.toolCall) : undefined;
      const call = e.llmCall ? this.calls.get(e.llmCall) : undefined;
      return { session, tool, call, background: e.background };
    }
    const who = e.pid !== undefined ? this.binder.agentOf(e.host, e.pid, session) : undefined;
    if (who?.child) {
      const spawn = who.child.start;
      const tool = spawn > 0 ? this.tools.spawnAt(session, spawn, who.child.argv, this.#slack) : this.tools.toolFor(session, e, this.#slack);
      if (!tool) return { session };
      const held = holds(tool, spawn > 0 ? spawn : e.ts);
      return tool.end > tool.ts && e.ts > tool.end ? { session, tool, background: true, held } : { session, tool, held };
    }
    if (isNetworkSetup(e)) {
      const host = e.domain ?? e.target;
      const named = this.tools.openAt(session, e.ts, 0).find((t) => t.hints.some((h) => h.kind === 'connect' && host && h.target.includes(host)));
      if (named) return { session, tool: named, held: true };
      const call = this.calls.for(session, e.ts);
      return call ? { session, call } : { session };
    }
    // In its own process the agent works for a tool only on what the tool names (Read, Edit, Write);
    // reads and writes of its config, caches and state go to no tool, whatever tool is open.
    const tool = this.tools.toolAt(session, e.ts, e.target, this.#slack, !!who);
    return tool ? { session, tool, held: holds(tool, e.ts) } : { session };
  }
}

/**
 * Places every effect once (offline): sets its session, tool or LLM call and background flag in place;
 * returns the effects to count (the agents' own trace-file bookkeeping left out, as live leaves it out).
 */
export function attributeEffects(effects: Effect[], placer: Placer): { counts: AttributionCounts; effects: Effect[] } {
  const counts: AttributionCounts = { effects: 0, attributed: 0, llm: 0, background: 0, unattributed: 0, unbound: 0, bookkeeping: 0 };
  const kept: Effect[] = [];
  for (const e of effects) {
    const p = placer.place(e);
    if (p.bookkeeping) { counts.bookkeeping++; continue; }
    kept.push(e);
    counts.effects++;
    if (!p.session) {
      e.session = UNBOUND_SESSION;
      counts.unbound++;
      continue;
    }
    e.session = p.session;
    if (p.tool) e.toolCall = p.tool.id;
    if (p.call) e.llmCall = p.call.id;
    if (p.background) e.background = true;
    if (!p.tool && !p.call) { counts.unattributed++; continue; }
    counts.attributed++;
    if (p.call) counts.llm++;
    if (p.background) counts.background++;
  }
  return { counts, effects: kept };
}
