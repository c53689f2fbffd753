// Binds recorded processes to agent sessions, ranked as AgentSight's process matcher ranks evidence:
// the process opened the session's trace file (0.95), it made an API call whose message id the trace
// file holds (0.90), its cwd equals the session's and it started within a window of the session's
// start (0.55). A binding is sticky (weaker evidence never replaces it) and covers the process tree:
// descendants inherit it. Incremental — fed process by process, effect by effect — so live mode uses
// the same state; pids are scoped by host (recordings of several machines).
import type { Effect, Process, Session } from '../model.js';

export type BindingReason = 'trace-file-open' | 'api-message-id' | 'cwd-start' | 'recorded';

/** Confidence of each kind of evidence; 'recorded' (AgentSight's own session table) carries its own. */
export const CONFIDENCE: Record<BindingReason, number> = {
  'trace-file-open': 0.95,
  'api-message-id': 0.9,
  'cwd-start': 0.55,
  recorded: 0.7,
};

export interface Binding {
  host?: string;
  pid: number;
  comm?: string;
  session: string;
  confidence: number;
  reason: BindingReason;
  /** When the evidence was seen (epoch ms). */
  ts: number;
}

export interface Bound {
  session: string;
  confidence: number;
  reason: BindingReason | 'inherited';
}

export interface BinderOptions {
  /** cwd rule: |process start − session start| must be within this (default 30 s). */
  windowMs?: number;
}

/** Program names that can be an agent's own process (the cwd rule only binds these). */
const AGENT_COMM = /^(claude|node|codex|codex-linux|gemini|bun|MainThread|HTTP Client)/;

const key = (host: string | undefined, pid: number) => `${host ?? ''}\u0000${pid}`;

const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);

export class Binder {
  readonly #direct = new Map<string, Binding>();
  readonly #procs = new Map<string, Process>();
  /** Trace file basename (holds the session uuid: unique across machines) → session id. */
  readonly #files = new Map<string, string>();
  readonly #sessions: Session[] = [];
  readonly #window: number;

  constructor(sessions: Iterable<Session> = [], opts: BinderOptions = {}) {
    this.#window = opts.windowMs ?? 30_000;
    for (const s of sessions) this.addSession(s);
  }

  addSession(s: Session): void {
    this.#sessions.push(s);
    if (s.file && basename(s.file).length >= 8) this.#files.set(basename(s.file), s.id);
  }

  /** A process appeared or changed (exec, fork, exit): kept for the tree walk; the cwd rule runs here. */
  process(p: Process, host = p.host): void {
    this.#procs.set(key(host, p.pid), p);
    if (!p.cwd || !AGENT_COMM.test(p.comm)) return;
    let best: Session | undefined;
    for (const s of this.#sessions) {
      if (s.cwd !== p.cwd || Math.abs(s.start - p.start) > this.#window) continue;
      if (!best || Math.abs(s.start - p.start) < Math.abs(best.start - p.start)) best = s;
    }
    if (best) this.bind(host, p.pid, best.id, 'cwd-start', p.start, p.comm);
  }

  /** A kernel file effect: opening a session's trace file binds the process to that session. */
  effect(e: Effect, host = e.host): void {
    if (e.pid === undefined || (e.kind !== 'write' && e.kind !== 'create' && e.kind !== 'read')) return;
    const session = this.#files.get(basename(e.target));
    if (session) this.bind(host, e.pid, session, 'trace-file-open', e.ts);
  }

  /** Records evidence; sticky: an existing binding of equal or higher confidence stays. */
  bind(host: string | undefined, pid: number, session: string, reason: BindingReason, ts: number, comm?: string, confidence = CONFIDENCE[reason]): void {
    const k = key(host, pid);
    const old = this.#direct.get(k);
    if (old && old.confidence >= confidence) return;
    const b: Binding = { pid, session, confidence, reason, ts };
    if (host !== undefined) b.host = host;
    const c = comm ?? this.#procs.get(k)?.comm;
    if (c) b.comm = c;
    this.#direct.set(k, b);
  }

  /** The session a pid belongs to: its own binding, else its nearest bound ancestor's. */
  sessionOf(host: string | undefined, pid: number): Bound | undefined {
    let k = key(host, pid);
    for (let depth = 0; depth < 64; depth++) {
      const b = this.#direct.get(k);
      if (b) return { session: b.session, confidence: b.confidence, reason: depth === 0 ? b.reason : 'inherited' };
      const p = this.#procs.get(k);
      if (!p || !p.ppid || p.ppid === p.pid) return undefined;
      k = key(host, p.ppid);
    }
    return undefined;
  }

  bindings(): Binding[] {
    return [...this.#direct.values()];
  }
}

/** The status block's summary of the bindings: pids and mean confidence by reason. */
export function bindingSummary(bindings: Binding[]): Record<string, { pids: number; confidence: number }> {
  const out: Record<string, { pids: number; confidence: number }> = {};
  for (const b of bindings) {
    const r = (out[b.reason] ??= { pids: 0, confidence: 0 });
    r.confidence = (r.confidence * r.pids + b.confidence) / (r.pids + 1);
    r.pids++;
  }
  for (const r of Object.values(out)) r.confidence = Math.round(r.confidence * 100) / 100;
  return out;
}
