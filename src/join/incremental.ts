// The join of kernel effects, incrementally (live mode). Kernel events usually arrive before the
// trace lines that bind their pid and name the tool or call that caused them, so an effect's place
// stays open until it is settled (place.ts) or a time limit passes; whenever the join learns
// something — a binding, a tool, a tool's end, a call — the open ones are placed again (by the same
// Placer the offline merge uses) and the caller moves what it counted for them.
import type { Effect, LlmCall, ToolCall } from '../model.js';
import type { ToolIndex } from './attribute.js';
import type { Binder } from './bind.js';
import { Ring } from './capped.js';
import { CallIndex } from './llm-calls.js';
import { Placer, settled, type Placement } from './place.js';

export type { Placement } from './place.js';

export interface EffectJoinOptions {
  slackMs?: number;
  /** Effects whose place is still open, at most (the oldest are let go). */
  openCap?: number;
  /** How long a place may still change (trace lines lag kernel events by up to this). */
  openMs?: number;
  /** Calls kept for placing request setup (default: unbounded). */
  calls?: CallIndex;
}

export class EffectJoin<T> {
  readonly #open: Ring<{ e: Effect; value: T; at: number }>;
  readonly #openMs: number;
  readonly #placer: Placer;
  readonly calls: CallIndex;
  #version: number;
  #changed = false;

  constructor(readonly binder: Binder, readonly tools: ToolIndex, opts: EffectJoinOptions = {}) {
    this.#open = new Ring(opts.openCap ?? 20_000);
    this.#openMs = opts.openMs ?? 30_000;
    this.calls = opts.calls ?? new CallIndex();
    this.#placer = new Placer(binder, tools, this.calls, { slackMs: opts.slackMs });
    this.#version = binder.version;
  }

  /** Where an effect belongs now (see Placer). */
  place(e: Effect): Placement {
    return this.#placer.place(e);
  }

  /** A tool call or its result line (see ToolIndex.add); a new or ended tool reopens held effects. */
  tool(t: ToolCall): ReturnType<ToolIndex['add']> {
    const got = this.tools.add(t);
    if (got && (got.fresh || got.ended)) this.#changed = true;
    return got;
  }

  /** An LLM call or a later copy of it; a new one (or one moved to its session) reopens held effects. */
  call(c: Pick<LlmCall, 'id' | 'session' | 'ts' | 'end'>): void {
    if (this.calls.add(c)) this.#changed = true;
  }

  /** Something a placement's frames depend on changed (a call's prompt or kind): held effects are placed again. */
  touch(): void {
    this.#changed = true;
  }

  /** Rewrites what the caller counted for each held effect (its counts moved: a tool's or call's frames changed). */
  remap(fn: (value: T) => T): void {
    this.#open.retain((h) => { h.value = fn(h.value); return true; });
  }

  /** Keeps a kernel effect whose place is not final yet, with what the caller counted for it. */
  hold(e: Effect, p: Placement, value: T, now: number): void {
    if (e.evidence === 'kernel' && !settled(p)) this.#open.push({ e, value, at: now });
  }

  /** Whether bindings, tools or calls changed since the last revisit. */
  get changed(): boolean {
    return this.#changed || this.binder.version !== this.#version;
  }

  /**
   * Places every held effect again; `move` gets each one's new place and returns the value to keep
   * (the caller moves its counts when the place changed). Settled and expired effects are let go.
   */
  revisit(now: number, move: (e: Effect, value: T, p: Placement) => T): void {
    this.#changed = false;
    this.#version = this.binder.version;
    this.#open.retain((h) => {
      if (now - h.at > this.#openMs) return false;
      const p = this.place(h.e);
      h.value = move(h.e, h.value, p);
      return !settled(p);
    });
  }
}
