// The agent's own traffic for its model requests: its connects, its DNS and the resolver files it reads
// to make them belong to the LLM call they were made for, not to a tool that happens to be open (the
// agent reconnects for its next request milliseconds after a tool's result). Calls of each session by
// time answer "which request was this for": the first call not yet over at that moment.
import type { Effect, LlmCall } from '../model.js';
import { CappedMap } from './capped.js';
import { partitionPoint } from '../util/collections.js';

/** Files a resolver reads to turn a host name into an address (glibc, musl, systemd-resolved, Go, Rust). */
const RESOLVER = /^\/(?:etc\/(?:hosts|resolv\.conf|nsswitch\.conf|host\.conf|gai\.conf|services)|run\/systemd\/resolve\/)/;

/** An effect that a process makes to reach a server: a connect, or a resolver file read on the way. */
export const isNetworkSetup = (e: Pick<Effect, 'kind' | 'target'>): boolean =>
  e.kind === 'connect' || (e.kind === 'read' && RESOLVER.test(e.target));

/** What a placement keeps of a call (the live pipeline updates it as the call's lines arrive). */
export interface CallSpan {
  id: string;
  session: string;
  ts: number;
  end: number;
}

export class CallIndex {
  readonly #bySession: Map<string, CallSpan[]>;
  readonly #byId: Map<string, CallSpan>;
  readonly #perSession: number;
  readonly #unsorted = new Set<CallSpan[]>();

  /** `cap`: calls and sessions kept; `perSession`: the latest calls kept per session (live). */
  constructor(calls: Iterable<LlmCall> = [], opts: { cap?: number; perSession?: number } = {}) {
    this.#bySession = opts.cap ? new CappedMap(opts.cap) : new Map();
    this.#byId = opts.cap ? new CappedMap(opts.cap) : new Map();
    this.#perSession = opts.perSession ?? Infinity;
    for (const c of calls) this.add(c);
  }

  get(id: string): CallSpan | undefined {
    return this.#byId.get(id);
  }

  /** A call, or its span again (more lines, the trace copy of a TLS call, a move to its session); true when new or moved. */
  add(c: Pick<LlmCall, 'id' | 'session' | 'ts' | 'end'>): boolean {
    const known = this.#byId.get(c.id);
    if (known && known.session === c.session) {
      // The caller's span is the call's (live: the trace copy's once it arrived, as offline).
      const end = Math.max(c.end, c.ts);
      if (end !== known.end) this.#unsorted.add(this.#bySession.get(c.session) ?? []);
      known.ts = c.ts;
      known.end = end;
      return false;
    }
    if (known) {
      const old = this.#bySession.get(known.session);
      const i = old?.indexOf(known) ?? -1;
      if (i >= 0) old!.splice(i, 1);
    }
    const span: CallSpan = { id: c.id, session: c.session, ts: c.ts, end: Math.max(c.end, c.ts) };
    this.#byId.set(c.id, span);
    let l = this.#bySession.get(c.session);
    if (!l) this.#bySession.set(c.session, (l = []));
    l.push(span);
    this.#unsorted.add(l);
    if (l.length > this.#perSession) {
      this.#sort(l);
      l.shift();
    }
    return true;
  }

  #sort(l: CallSpan[]): void {
    if (this.#unsorted.delete(l)) l.sort((a, b) => a.end - b.end);
  }

  /** The call a session's request setup at t was for: the one ending first among those not over by t. */
  for(session: string, t: number): CallSpan | undefined {
    const l = this.#bySession.get(session);
    if (!l) return undefined;
    this.#sort(l);
    return l[partitionPoint(l, (c) => c.end < t)];
  }
}
