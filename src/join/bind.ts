// Binds recorded processes to agent sessions, ranked as AgentSight's process matcher ranks evidence:
// the process wrote the session's trace file (0.95; reading it binds nothing: `agentpprof sessions`,
// an editor or a second agent may read any session's file), it wrote a file named after the session's id
// (0.9: Codex's locks and shell snapshots), it made an API call whose message id the trace file holds
// (0.90), its cwd equals the session's and it started within a window of the session's start (0.55).
// A binding is sticky (weaker evidence never replaces it) and covers the process tree: descendants
// inherit it. Incremental — fed process by process, effect by effect, sessions as they appear — so
// live mode uses the same state (bounded by `cap`); pids are scoped by host (recordings of several
// machines).
import type { Effect, Process, Session } from '../model.js';
import { CappedMap } from './capped.js';

export type BindingReason = 'trace-file-write' | 'session-file' | 'api-message-id' | 'cwd-start' | 'recorded';

/** Confidence of each kind of evidence; 'recorded' (AgentSight's own session table) carries its own. */
export const CONFIDENCE: Record<BindingReason, number> = {
  'trace-file-write': 0.95,
  'session-file': 0.9,
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
  /** Entries kept per table (processes, bindings, sessions); default unbounded. Live runs set it. */
  cap?: number;
}

/** Program names that can be an agent's own process (the cwd rule only binds these). */
const AGENT_COMM = /^(claude|node|codex|codex-linux|gemini|bun|MainThread|HTTP Client)/;

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Pids of the local machine (no host) are keyed by number: no string built on the hot path. */
type Key = string | number;
const key = (host: string | undefined, pid: number): Key => (host ? `${host}\u0000${pid}` : pid);

const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);

const table = <K, V>(cap: number | undefined): Map<K, V> => (cap ? new CappedMap<K, V>(cap) : new Map<K, V>());

/** Writers of a file that names a session not known yet (live: kernel events run ahead of the tailer). */
interface Pending { host?: string; pid: number; ts: number; reason: BindingReason }

/**
 * Of two records of one process, the parent that forked it: a record made after that parent exited
 * (an exec of a background job whose shell returned) names the reaper (init, pid 1) instead — no
 * lineage of the job. A record's 0 or 1 yields to a real parent.
 */
export const forkParent = (a: number, b: number): number => (a > 1 ? a : b > 1 ? b : a || b);

export class Binder {
  readonly #direct: Map<Key, Binding>;
  readonly #procs: Map<Key, Process>;
  /** Trace file basename (holds the session uuid: unique across machines) → session id. */
  readonly #files: Map<string, string>;
  readonly #sessions: Map<string, Session>;
  /** Sessions by cwd, for the cwd rule (newest last, a few per cwd). */
  readonly #byCwd: Map<string, Session[]>;
  readonly #pending = new CappedMap<string, Pending[]>(1000);
  readonly #window: number;
  /** Bumped whenever a binding is made or replaced: callers holding tentative answers look again. */
  version = 0;

  constructor(sessions: Iterable<Session> = [], opts: BinderOptions = {}) {
    this.#window = opts.windowMs ?? 30_000;
    this.#direct = table(opts.cap);
    this.#procs = table(opts.cap);
    this.#files = table(opts.cap);
    this.#sessions = table(opts.cap);
    this.#byCwd = table(opts.cap);
    for (const s of sessions) this.addSession(s);
  }

  /** A session appeared or changed (its end moves as lines arrive); binds the writers that ran ahead of it. */
  addSession(s: Session): void {
    const known = this.#sessions.get(s.id);
    if (known) {
      Object.assign(known, s, { start: Math.min(known.start, s.start) });
    } else {
      const own = { ...s };
      this.#sessions.set(s.id, own);
      let l = this.#byCwd.get(s.cwd);
      if (!l) this.#byCwd.set(s.cwd, (l = []));
      l.push(own);
      if (l.length > 64) l.shift();
    }
    const file = s.file ? basename(s.file) : '';
    if (file.length >= 8) this.#files.set(file, s.id);
    for (const k of file ? [file, s.id] : [s.id]) {
      for (const w of this.#pending.get(k) ?? []) this.bind(w.host, w.pid, s.id, w.reason, w.ts);
      this.#pending.delete(k);
    }
  }

  session(id: string): Session | undefined {
    return this.#sessions.get(id);
  }

  /** A process appeared or changed (fork, exec, exit): kept for the tree walk; the cwd rule runs here. */
  process(p: Process, host = p.host): void {
    const k = key(host, p.pid);
    const known = this.#procs.get(k);
    const cur = known ? { ...known, ...p, ppid: forkParent(known.ppid, p.ppid) } : p;
    this.#procs.set(k, cur);
    if (!cur.cwd || !AGENT_COMM.test(cur.comm)) return;
    let best: Session | undefined;
    for (const s of this.#byCwd.get(cur.cwd) ?? []) {
      if (Math.abs(s.start - cur.start) > this.#window) continue;
      if (!best || Math.abs(s.start - cur.start) < Math.abs(best.start - cur.start)) best = s;
    }
    if (best) this.bind(host, cur.pid, best.id, 'cwd-start', cur.start, cur.comm);
  }

  /** What is known of a process (its comm for frames). */
  proc(host: string | undefined, pid: number): Process | undefined {
    return this.#procs.get(key(host, pid));
  }

  /**
   * A kernel file effect. Writing a session's trace file binds the process to it (true is returned:
   * the agent's own bookkeeping, not an effect of its work); so is the agent's own read of its file
   * (a resume), while anyone else's read is an ordinary effect and evidence of nothing. Writing or
   * deleting a file named after a session id binds too: Codex opens its rollout in a way the probes
   * miss, but writes locks and shell snapshots named after its session (a UUID: as good as the file).
   * Evidence naming a session not known yet is kept until the session appears.
   */
  effect(e: Effect, host = e.host): boolean {
    if (e.pid === undefined || e.kind === 'exec' || e.kind === 'connect') return false;
    const file = basename(e.target);
    const traced = this.#files.get(file);
    if (traced) {
      if (e.kind === 'write' || e.kind === 'create') this.bind(host, e.pid, traced, 'trace-file-write', e.ts);
      return this.ownTrace(e, host);
    }
    if (e.kind === 'read') return false;
    if (/\.jsonl?$/.test(file) && file.length >= 8) this.#wait(file, { host, pid: e.pid, ts: e.ts, reason: 'trace-file-write' });
    if (!e.target.includes('-')) return false;
    for (const m of e.target.matchAll(UUID)) {
      if (this.#sessions.has(m[0])) this.bind(host, e.pid, m[0], 'session-file', e.ts);
      else this.#wait(m[0], { host, pid: e.pid, ts: e.ts, reason: 'session-file' });
    }
    return this.ownTrace(e, host);
  }

  /** The agent writing or reading its own session's trace file: bookkeeping, not an effect of its work. */
  ownTrace(e: Effect, host = e.host): boolean {
    if (e.pid === undefined || e.kind === 'delete' || e.kind === 'exec' || e.kind === 'connect') return false;
    const own = this.#direct.get(key(host, e.pid))?.session;
    if (!own) return false;
    const traced = this.#files.get(basename(e.target));
    if (traced) return traced === own;
    // Its subagents' transcripts: <session>/subagents/agent-*.jsonl, trace lines in its session's folder.
    return e.target.endsWith('.jsonl') && e.target.includes(`/${own}/`);
  }

  #wait(k: string, w: Pending): void {
    const l = this.#pending.get(k) ?? [];
    if (!l.some((x) => x.pid === w.pid && x.host === w.host)) l.push(w);
    this.#pending.set(k, l.slice(-8));
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
    if (old?.session !== session) this.version++;
  }

  /**
   * The session a pid belongs to: its own binding, else its nearest bound ancestor's. A cwd guess
   * yields to an ancestor's binding (a tool's `node` child started in a project two sessions share is
   * still in its agent's tree); evidence of its own does not (an agent run by another agent's tool).
   */
  sessionOf(host: string | undefined, pid: number): Bound | undefined {
    const b = this.#find(host, pid);
    return b && { session: b.session, confidence: b.confidence, reason: this.#depth === 0 ? b.reason : 'inherited' };
  }

  /** sessionOf's session alone (the live hot path: no object made per event). */
  sessionIdOf(host: string | undefined, pid: number): string | undefined {
    return this.#find(host, pid)?.session;
  }

  /** Depth of the last #find's answer (0: the pid's own binding). */
  #depth = 0;

  #find(host: string | undefined, pid: number): Binding | undefined {
    let k = key(host, pid);
    let guess: Binding | undefined;
    let guessDepth = 0;
    for (let depth = 0; depth < 64; depth++) {
      const b = this.#direct.get(k);
      if (b && b.reason !== 'cwd-start') {
        this.#depth = depth;
        return b;
      }
      if (b && !guess) { guess = b; guessDepth = depth; }
      const p = this.#procs.get(k);
      if (!p || !p.ppid || p.ppid === p.pid) break;
      k = key(host, p.ppid);
    }
    this.#depth = guessDepth;
    return guess;
  }

  /**
   * The agent process an effect of `pid` comes from: the highest ancestor (pid included) bound to
   * `session` by evidence of its own — the process that writes the trace and makes the API calls —
   * and the child of it on the way down (undefined when pid is the agent itself). A cwd guess counts
   * only when nothing stronger is on the way.
   */
  agentOf(host: string | undefined, pid: number, session: string): { agent: number; child?: Process } | undefined {
    let k = key(host, pid);
    let cur = pid;
    let below: Process | undefined;
    let strong: { agent: number; child?: Process } | undefined;
    let weak: { agent: number; child?: Process } | undefined;
    for (let depth = 0; depth < 64; depth++) {
      const b = this.#direct.get(k);
      if (b?.session === session) {
        if (b.reason !== 'cwd-start') strong = { agent: cur, child: below };
        else weak = { agent: cur, child: below };
      }
      const p = this.#procs.get(k);
      if (!p || !p.ppid || p.ppid === p.pid) break;
      below = p;
      cur = p.ppid;
      k = key(host, p.ppid);
    }
    return strong ?? weak;
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
