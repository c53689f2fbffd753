// Advice on the trace files live mode follows: `advise` over the same roots and --history window,
// recomputed at most once a minute and off the request path — a request gets the last result at once
// (and starts a refresh when it is stale); only the very first request waits for a computation.
import { adviseTraces, type TraceAdvice } from '../advise/from-history.js';
import type { Tagger } from '../tag/types.js';

export interface AdviceOptions {
  roots: string[];
  /** Start of the --history window (epoch ms). */
  since: number;
  tagger: Tagger;
  includePrompts?: boolean;
  userNames?: string[];
  /** How long a result is served before it is recomputed (default 60 s). */
  ttlMs?: number;
  clock?: () => number;
}

export interface AdviceResult extends TraceAdvice {
  computedAt: number;
  /** Milliseconds the computation took. */
  tookMs: number;
  /** Set when the last computation failed (the previous result, if any, is still served). */
  error?: string;
}

export const ADVICE_TTL_MS = 60_000;

export class AdviceSource {
  #last?: AdviceResult;
  #running?: Promise<AdviceResult>;
  readonly #clock: () => number;

  constructor(private readonly opts: AdviceOptions) {
    this.#clock = opts.clock ?? Date.now;
  }

  /** Starts a computation now (at server start, so the first page load finds a result). */
  warm(): void {
    void this.#refresh();
  }

  /** The latest result; stale results are returned as they are while a fresh one is computed. */
  async get(): Promise<AdviceResult> {
    const last = this.#last;
    if (!last) return this.#refresh();
    if (this.#clock() - last.computedAt >= (this.opts.ttlMs ?? ADVICE_TTL_MS)) void this.#refresh();
    return last;
  }

  #refresh(): Promise<AdviceResult> {
    // One computation at a time: concurrent requests share it.
    this.#running ??= this.#compute().finally(() => { this.#running = undefined; });
    return this.#running;
  }

  async #compute(): Promise<AdviceResult> {
    const t0 = this.#clock();
    try {
      const r = await adviseTraces({
        paths: this.opts.roots, since: this.opts.since, tagger: this.opts.tagger,
        includePrompts: this.opts.includePrompts, userNames: this.opts.userNames,
      });
      this.#last = { ...r, computedAt: this.#clock(), tookMs: this.#clock() - t0 };
    } catch (e) {
      // A failed read keeps the previous findings; the error is reported with them.
      const empty = { findings: [], sessions: 0, prompts: 0, calls: 0, files: 0, problems: [], skipped: 0 };
      this.#last = { ...(this.#last ?? empty), computedAt: this.#clock(), tookMs: this.#clock() - t0, error: (e as Error).message };
    }
    return this.#last;
  }
}
