// The join of kernel effects, incrementally (live mode). Kernel events usually arrive before the
// trace lines that bind their pid and name the tool that caused them, so an effect's place stays
// open until its tool is known and has ended (or a time limit passes); whenever the join learns
// something — a binding, a tool, a tool's end — the open ones are placed again and the caller moves
// what it counted for them.
import type { Effect, ToolCall } from '../model.js';
import { SLACK_MS, type ToolIndex } from './attribute.js';
import type { Binder } from './bind.js';
import { Ring } from './capped.js';

export interface Placement {
  session?: string;
  tool?: ToolCall;
}

export interface EffectJoinOptions {
  slackMs?: number;
  /** Effects whose place is still open, at most (the oldest are let go). */
  openCap?: number;
  /** How long a place may still change (trace lines lag kernel events by up to this). */
  openMs?: number;
}

/** A place is final once its tool is known and has ended. */
const settled = (p: Placement): boolean => !!p.tool && p.tool.end > p.tool.ts;

export class EffectJoin<T> {
  readonly #open: Ring<{ e: Effect; value: T; at: number }>;
  readonly #slack: number;
  readonly #openMs: number;
  #version: number;
  #toolsChanged = false;

  constructor(readonly binder: Binder, readonly tools: ToolIndex, opts: EffectJoinOptions = {}) {
    this.#open = new Ring(opts.openCap ?? 20_000);
    this.#slack = opts.slackMs ?? SLACK_MS;
    this.#openMs = opts.openMs ?? 30_000;
    this.#version = binder.version;
  }

  /** Where an effect belongs now: its pid's session (else the one it names), the tool it names or that session's tool open then. */
  place(e: Effect): Placement {
    const session = (e.pid !== undefined ? this.binder.sessionIdOf(e.host, e.pid) : undefined) ?? e.session;
    const tool = e.toolCall ? this.tools.get(e.toolCall) : session ? this.tools.toolFor(session, e, this.#slack) : undefined;
    return { session, tool };
  }

  /** A tool call or its result line (see ToolIndex.add); a new or ended tool reopens held effects. */
  tool(t: ToolCall): ReturnType<ToolIndex['add']> {
    const got = this.tools.add(t);
    if (got && (got.fresh || got.ended)) this.#toolsChanged = true;
    return got;
  }

  /** Keeps a kernel effect whose place is not final yet, with what the caller counted for it. */
  hold(e: Effect, p: Placement, value: T, now: number): void {
    if (e.evidence === 'kernel' && !settled(p)) this.#open.push({ e, value, at: now });
  }

  /** Whether bindings or tools changed since the last revisit. */
  get changed(): boolean {
    return this.#toolsChanged || this.binder.version !== this.#version;
  }

  /**
   * Places every held effect again; `move` gets each one's new place and returns the value to keep
   * (the caller moves its counts when the place changed). Settled and expired effects are let go.
   */
  revisit(now: number, move: (e: Effect, value: T, p: Placement) => T): void {
    this.#toolsChanged = false;
    this.#version = this.binder.version;
    this.#open.retain((h) => {
      if (now - h.at > this.#openMs) return false;
      const p = this.place(h.e);
      h.value = move(h.e, h.value, p);
      return !settled(p);
    });
  }
}
