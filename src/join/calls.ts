// Recorded API calls meet the trace files. A call the trace holds (same message id) is the same call:
// it is not counted again, but it binds its pid to the trace's session (strong evidence) and tells how
// far the recording's clock is from the trace's. A call the trace lacks becomes an LlmCall of the
// session its pid is bound to (or `unbound`), answering the prompt of its own thread: the prompt open
// at its time when that is its request's last human message, else a prompt made from that message.
// Live mode feeds it call by call, in either order (TLS usually runs ahead of the trace lines).
import { createHash } from 'node:crypto';
import type { ApiCall } from '../http/types.js';
import type { LlmCall, Prompt, Usage } from '../model.js';
import { UNBOUND_SESSION } from './attribute.js';
import type { Binder } from './bind.js';
import { CappedMap } from './capped.js';

const maxUsage = (a: Usage, b: Usage): Usage => ({
  ...a, input: Math.max(a.input, b.input), output: Math.max(a.output, b.output), cacheRead: Math.max(a.cacheRead, b.cacheRead),
  cacheWrite5m: Math.max(a.cacheWrite5m, b.cacheWrite5m), cacheWrite1h: Math.max(a.cacheWrite1h, b.cacheWrite1h),
});

/** Max calls kept per message id (traces hold one; the index maps id → call). */
export type TraceCalls = Map<string, LlmCall>;

export const indexCalls = (calls: Iterable<LlmCall>): TraceCalls => {
  const m: TraceCalls = new Map();
  for (const c of calls) if (!m.has(c.id)) m.set(c.id, c);
  return m;
};

/** Ids of the prompts a CallJoiner makes from requests (not the traces' own: never indexed as open prompts). */
const MADE = 'rec:';
export const isMadePrompt = (id: string): boolean => id.startsWith(MADE);

const digest = (text: string): string => createHash('sha1').update(text).digest('base64');

/** Prompts of each session sorted by time, for "which prompt was open at t". Grows as prompts arrive (live). */
export class PromptIndex {
  readonly #bySession: Map<string, Prompt[]>;
  readonly #perSession: number;
  readonly #digests: boolean;

  /**
   * `cap`: sessions kept and `perSession`: prompts kept in each (the latest); default unbounded.
   * `digests`: keep a digest of each text instead of the text (live: bounded memory, no raw prompts).
   */
  constructor(prompts: Iterable<Prompt> = [], opts: { cap?: number; perSession?: number; digests?: boolean } = {}) {
    this.#bySession = opts.cap ? new CappedMap(opts.cap) : new Map();
    this.#perSession = opts.perSession ?? Infinity;
    this.#digests = !!opts.digests;
    for (const p of prompts) this.add(p);
  }

  /** Whether a prompt of this index has this text. */
  says(p: Prompt, text: string): boolean {
    return p.text === (this.#digests ? digest(text) : text);
  }

  add(p: Prompt): void {
    if (p.kind === 'meta') return;
    if (this.#digests) p = { ...p, text: digest(p.text) };
    let l = this.#bySession.get(p.session);
    if (!l) this.#bySession.set(p.session, (l = []));
    // Prompts arrive nearly in order: insert from the end.
    let i = l.length;
    while (i > 0 && l[i - 1].ts > p.ts) i--;
    l.splice(i, 0, p);
    if (l.length > this.#perSession) l.shift();
  }

  before(session: string, t: number): Prompt | undefined {
    const l = this.#bySession.get(session);
    if (!l) return undefined;
    for (let i = l.length - 1; i >= 0; i--) if (l[i].ts <= t) return l[i];
    return undefined;
  }
}

/**
 * One recorded call at a time (live mode feeds it as calls complete): a call the traces hold only
 * binds its pid; any other becomes an LlmCall of its pid's session answering the prompt open then,
 * or a prompt made from its request (one per distinct text and process).
 */
export class CallJoiner {
  readonly #own: Map<string, Prompt>;
  matched = 0;

  /** `cap` bounds the prompts it makes (live); default unbounded. */
  constructor(private readonly trace: TraceCalls, private readonly binder: Binder, private readonly prompts: PromptIndex, cap?: number) {
    this.#own = cap ? new CappedMap(cap) : new Map();
  }

  /**
   * Records the binding evidence of a call the traces hold; true when they hold it. The wire's usage
   * completes the trace's copy kind by kind (Claude Code may log a response before its final
   * message_delta: a partial output count), as live counts the larger of the copies.
   */
  bindIfTraced(r: ApiCall): boolean {
    const t = this.trace.get(r.id);
    if (t && r.pid) this.binder.bind(r.host, r.pid, t.session, 'api-message-id', r.ts);
    if (t && r.usage) t.usage = maxUsage(t.usage, r.usage);
    return !!t;
  }

  /**
   * A call the trace files hold, arriving after its recorded copy did (live: TLS runs ahead of the
   * trace lines): indexed for later copies, and the copy's pid is bound by its message id.
   */
  traced(c: LlmCall, copy?: Pick<LlmCall, 'pid' | 'host'>): void {
    if (!this.trace.has(c.id)) this.trace.set(c.id, c);
    if (copy?.pid) this.binder.bind(copy.host, copy.pid, c.session, 'api-message-id', c.ts);
  }

  /** The LlmCall (and a new Prompt, when one was made) for a recorded call; null when the traces hold it. */
  add(r: ApiCall): { call: LlmCall; prompt?: Prompt } | null {
    if (this.bindIfTraced(r)) {
      this.matched++;
      return null;
    }
    return this.place(r);
  }

  /**
   * The LlmCall of a recorded call: the session its pid is bound to (`unbound` if none), answering
   * the prompt of its own thread — the one the traces hold for it; else the prompt open then when
   * that is its request's last human message (or the request was not captured); else a prompt made
   * from that message: side calls (titles, topic checks) are not the user's thread.
   */
  place(r: ApiCall): { call: LlmCall; prompt?: Prompt } {
    const session = this.binder.sessionOf(r.host, r.pid)?.session ?? UNBOUND_SESSION;
    const open = session === UNBOUND_SESSION ? undefined : this.prompts.before(session, r.ts);
    let prompt = this.trace.get(r.id)?.prompt ?? (open && (r.prompt === undefined || this.prompts.says(open, r.prompt)) ? open.id : undefined);
    let made: Prompt | undefined;
    if (!prompt && r.prompt !== undefined) {
      const k = `${r.host ?? ''}\u0000${r.pid}\u0000${r.prompt}`;
      let own = this.#own.get(k);
      if (!own) {
        const id = `${MADE}${createHash('sha1').update(k).digest('hex').slice(0, 16)}`;
        own = made = { id, session, ts: r.ts, text: r.prompt, kind: 'human' };
        this.#own.set(k, own);
      }
      prompt = own.id;
    }
    const call: LlmCall = {
      id: r.id, session, prompt: prompt ?? null, ts: r.ts, end: r.end, model: r.model, usage: r.usage, shape: r.shape,
      pid: r.pid, source: 'traffic',
    };
    if (r.requestId) call.requestId = r.requestId;
    if (r.host !== undefined) call.host = r.host;
    return made ? { call, prompt: made } : { call };
  }
}

export interface CallJoin {
  calls: LlmCall[];
  prompts: Prompt[];
  /** Recorded calls dropped because a trace file holds them. */
  matched: number;
}

/** Batch wrapper: binds every matched pid first, so calls the traces lack are placed by all of them. */
export function joinCalls(recorded: ApiCall[], trace: TraceCalls, binder: Binder, prompts: PromptIndex): CallJoin {
  const j = new CallJoiner(trace, binder, prompts);
  for (const r of recorded) j.bindIfTraced(r);
  const out: CallJoin = { calls: [], prompts: [], matched: 0 };
  for (const r of recorded) {
    const got = j.add(r);
    if (!got) continue;
    out.calls.push(got.call);
    if (got.prompt) out.prompts.push(got.prompt);
  }
  out.matched = j.matched;
  return out;
}
