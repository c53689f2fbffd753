// Recorded API calls meet the trace files. A call the trace holds (same message id) is the same call:
// it is not counted again, but it binds its pid to the trace's session (strong evidence) and tells how
// far the recording's clock is from the trace's. A call the trace lacks becomes an LlmCall of the
// session its pid is bound to (or `unbound`), answering the prompt open at its time — or, with no
// trace prompt to answer, a prompt made from the request's last human message.
import { createHash } from 'node:crypto';
import type { ApiCall } from '../http/types.js';
import type { LlmCall, Prompt } from '../model.js';
import { UNBOUND_SESSION } from './attribute.js';
import type { Binder } from './bind.js';

/** Max calls kept per message id (traces hold one; the index maps id → call). */
export type TraceCalls = Map<string, LlmCall>;

export const indexCalls = (calls: Iterable<LlmCall>): TraceCalls => {
  const m: TraceCalls = new Map();
  for (const c of calls) if (!m.has(c.id)) m.set(c.id, c);
  return m;
};

/** Prompts of each session sorted by time, for "which prompt was open at t". */
export class PromptIndex {
  readonly #bySession = new Map<string, Prompt[]>();
  constructor(prompts: Iterable<Prompt>) {
    for (const p of prompts) {
      if (p.kind === 'meta') continue;
      let l = this.#bySession.get(p.session);
      if (!l) this.#bySession.set(p.session, (l = []));
      l.push(p);
    }
    for (const l of this.#bySession.values()) l.sort((a, b) => a.ts - b.ts);
  }

  before(session: string, t: number): Prompt | undefined {
    const l = this.#bySession.get(session);
    if (!l) return undefined;
    let found: Prompt | undefined;
    for (const p of l) {
      if (p.ts > t) break;
      found = p;
    }
    return found;
  }
}

export interface CallJoin {
  calls: LlmCall[];
  prompts: Prompt[];
  /** Recorded calls dropped because a trace file holds them. */
  matched: number;
}

/** Joins recorded calls (already on the traces' time base) into LlmCalls; binds matched pids. */
export function joinCalls(recorded: ApiCall[], trace: TraceCalls, binder: Binder, prompts: PromptIndex): CallJoin {
  const out: CallJoin = { calls: [], prompts: [], matched: 0 };
  const own = new Map<string, Prompt>();
  // Bind first: a call the traces lack is placed by the bindings all matched calls give.
  for (const r of recorded) {
    const t = trace.get(r.id);
    if (t && r.pid) binder.bind(r.host, r.pid, t.session, 'api-message-id', r.ts);
  }
  for (const r of recorded) {
    if (trace.has(r.id)) {
      out.matched++;
      continue;
    }
    const session = binder.sessionOf(r.host, r.pid)?.session ?? UNBOUND_SESSION;
    let prompt = session === UNBOUND_SESSION ? undefined : prompts.before(session, r.ts);
    if (!prompt && r.prompt !== undefined) {
      const k = `${r.host ?? ''}\u0000${r.pid}\u0000${r.prompt}`;
      prompt = own.get(k);
      if (!prompt) {
        const id = `rec:${createHash('sha1').update(k).digest('hex').slice(0, 16)}`;
        prompt = { id, session, ts: r.ts, text: r.prompt, kind: 'human' };
        own.set(k, prompt);
        out.prompts.push(prompt);
      }
    }
    const call: LlmCall = {
      id: r.id, session, prompt: prompt?.id ?? null, ts: r.ts, end: r.end, model: r.model, usage: r.usage, shape: r.shape,
      pid: r.pid, source: 'traffic',
    };
    if (r.requestId) call.requestId = r.requestId;
    if (r.host !== undefined) call.host = r.host;
    out.calls.push(call);
  }
  return out;
}
