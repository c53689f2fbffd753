// Attributes kernel effects to the tool call that caused them: the effect's pid → its session (through
// the Binder's process tree), then the tool call of that session open at the effect's time; the tool
// leads to its LLM call and the call to its prompt. Effects with no session go to `unbound`, effects
// of a session with no open tool call stay unattributed (`prompt:unattributed`): counted, never dropped.
import type { Effect, ToolCall } from '../model.js';
import type { Binder } from './bind.js';
import { CappedMap } from './capped.js';

export const UNBOUND_SESSION = 'unbound';

/** Tolerance around a tool's [ts, end] for clock granularity and write delays. */
export const SLACK_MS = 500;

export interface AttributionCounts {
  effects: number;
  attributed: number;
  /** Bound to a session, but no tool call of it was open at the time. */
  unattributed: number;
  /** No session: the process is not in any agent's tree. */
  unbound: number;
}

export interface AttributeOptions {
  /** Tolerance around a tool's [ts, end] (default SLACK_MS). */
  slackMs?: number;
}

export interface ToolIndexOptions {
  /**
   * A tool with no end yet (end ≤ ts) is still running, so open. Live, where its result line is
   * still to come; offline such a tool never ended (interrupted) and is open only within the slack.
   */
  openEnded?: boolean;
  /** Tools kept per session (the latest started) and by id; default unbounded. Live runs set them. */
  perSession?: number;
  cap?: number;
}

const NONE: readonly ToolCall[] = Object.freeze([]);

/** Tool calls of each session sorted by start, for "which tool was open at t" queries. */
export class ToolIndex {
  readonly #bySession: Map<string, ToolCall[]>;
  readonly #byId: Map<string, ToolCall>;
  /** Lists that got a tool out of start order (sorted on their next query). */
  readonly #unsorted = new Set<ToolCall[]>();
  readonly #opts: ToolIndexOptions;

  constructor(tools: Iterable<ToolCall> = [], opts: ToolIndexOptions = {}) {
    this.#opts = opts;
    this.#bySession = opts.cap ? new CappedMap(opts.cap) : new Map();
    this.#byId = opts.cap ? new CappedMap(opts.cap) : new Map();
    for (const t of tools) this.add(t);
  }

  get(id: string): ToolCall | undefined {
    return this.#byId.get(id);
  }

  /**
   * Adds a tool call, or completes a known one (its result line brings the end, the status and the
   * output size: the stored tool is updated in place). Returns the stored tool and whether this
   * ended it; undefined for a result whose call was never seen (or was forgotten past the caps).
   */
  add(t: ToolCall): { tool: ToolCall; fresh: boolean; ended: boolean } | undefined {
    const known = this.#byId.get(t.id);
    if (known) {
      const ended = known.end <= known.ts && t.end > known.ts;
      known.end = Math.max(known.end, t.end);
      if (t.status !== 'unknown') known.status = t.status;
      if (t.outputChars !== undefined) known.outputChars = t.outputChars;
      return { tool: known, fresh: false, ended };
    }
    if (!t.name) return undefined;
    const tool = { ...t };
    this.#byId.set(t.id, tool);
    let list = this.#bySession.get(t.session);
    if (!list) this.#bySession.set(t.session, (list = []));
    if (list.length && list[list.length - 1].ts > t.ts) this.#unsorted.add(list);
    list.push(tool);
    const keep = this.#opts.perSession;
    if (keep && list.length > keep) {
      this.#sort(list);
      list.splice(0, list.length - keep);
    }
    return { tool, fresh: true, ended: false };
  }

  #sort(list: ToolCall[]): void {
    if (this.#unsorted.delete(list)) list.sort((a, b) => a.ts - b.ts);
  }

  /** Open tools at t (within slack), the most recently started first. */
  openAt(session: string, t: number, slack: number): readonly ToolCall[] {
    const list = this.#bySession.get(session);
    if (!list) return NONE;
    this.#sort(list);
    // Last tool starting at or before t + slack.
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].ts <= t + slack) lo = mid + 1;
      else hi = mid;
    }
    const out: ToolCall[] = [];
    const openEnded = this.#opts.openEnded;
    // Tools run for minutes at most in practice; scan back a bounded number of candidates.
    for (let i = lo - 1; i >= 0 && i >= lo - 64; i--) {
      const x = list[i];
      if ((openEnded && x.end <= x.ts) || Math.max(x.end, x.ts) + slack >= t) out.push(x);
    }
    return out;
  }

  /** The tool of a session an effect at its time belongs to (see pick), if any is open. */
  toolFor(session: string, e: Effect, slack = SLACK_MS): ToolCall | undefined {
    const open = this.openAt(session, e.ts, slack);
    return open.length ? pick(open, e) : undefined;
  }
}

const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** Among parallel open tools, the one whose input names the effect's target; else the latest started. */
function pick(open: readonly ToolCall[], e: Effect): ToolCall {
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
  for (const e of effects) attributeOne(e, binder, tools, counts, opts.slackMs ?? SLACK_MS);
  return counts;
}

export function attributeOne(e: Effect, binder: Binder, tools: ToolIndex, counts: AttributionCounts, slack = SLACK_MS): void {
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
  const tool = tools.toolFor(bound.session, e, slack);
  if (!tool) {
    // A recording that was joined when made (live --record) may already name the tool.
    if (e.toolCall) counts.attributed++;
    else counts.unattributed++;
    return;
  }
  e.toolCall = tool.id;
  counts.attributed++;
}
