// Collector events (one object per frame or JSON line, AgentSight field names) → the normalized model:
// Process records (upserted by pid: fork, exec and exit each send the updated process), kernel Effects,
// TLS plaintext chunks for the HTTP reassembly, DNS answers and the collector's ring statistics.
// Pure data in → data out; the only state is what the stream itself needs (processes alive, TLS calls
// split into chunks, DNS answers and SNI names for naming connections).
import { readFileSync } from 'node:fs';
import type { TlsChunk as HttpTlsChunk } from '../http/types.js';
import type { Effect, EffectKind, Process } from '../model.js';

/** One TLS plaintext buffer: everything one SSL_read/SSL_write call moved, reassembled from its chunks. */
export interface TlsChunk extends HttpTlsChunk {
  tid: number;
  comm: string;
  direction: 'write' | 'read';
  /** The call moved more than was captured (over 512 KB, or a chunk lost or unreadable). */
  truncated: boolean;
  /** Bytes the call moved (data.length when not truncated). */
  len: number;
  latencyMs?: number;
}

/** A kernel-observed effect, with what the syscall said. */
export interface KernelEffect extends Effect {
  evidence: 'kernel';
  pid: number;
  /** open: what the flags ask for (truncate = O_TRUNC: the old content is gone). */
  mode?: 'read' | 'write' | 'create' | 'truncate';
  flags?: number;
  /** Syscall result: false for errors (a refused connect, a failed unlink). */
  ok: boolean;
  errno?: number;
}

export interface RingStats { events: number; bytes: number; drops: number }

export interface CollectorStats {
  ts: number;
  rings: Record<string, RingStats>;
  /** Records the loader could not encode. */
  malformed: number;
  /** Per BPF program: cumulative runs and in-kernel ns (present when kernel.bpf_stats_enabled=1). */
  probes?: Record<string, { runs: number; ns: number }>;
  /** Processes the kernel flagged at exec under a runtime's or agent's name, as the loader judged them
   * (agentsight/scope.h): agents accepted, others rejected, and the rejected ones' records it dropped. */
  candidates?: { accepted: number; rejected: number; dropped: number };
}

/** A traced process the collector recognised as an agent CLI, and whether its TLS plaintext is probed. */
export interface AgentSeen { ts: number; pid: number; agent: string; exe: string; tlsProbed: boolean }

export type CollectorRecord =
  | { type: 'process'; process: Process }
  | { type: 'effect'; effect: KernelEffect }
  | { type: 'tls'; chunk: TlsChunk }
  | { type: 'handshake'; ts: number; pid: number; tid: number; conn: string; ok: boolean; latencyMs: number }
  | { type: 'dns'; ts: number; pid: number; host: string; addrs: string[] }
  /** A connect effect already sent got its domain later (from the TLS SNI or Host that followed it). */
  | { type: 'domain'; effect: KernelEffect; domain: string }
  | { type: 'stats'; stats: CollectorStats }
  | { type: 'agent'; agent: AgentSeen };

export interface DecoderOptions {
  /** Epoch ms of boot, for events that carry only `timestamp_ns` (an installed AgentSight). */
  bootEpochMs?: number;
  /** Keep opens/unlinks/renames that failed (default: dropped, nothing was read or written). */
  keepFailedFileOps?: boolean;
}

type Obj = Record<string, unknown>;

const O_ACCMODE = 3;
const O_CREAT = 0o100;
const O_EXCL = 0o200;
const O_TRUNC = 0o1000;
const ENOENT = 2;
/** How long after a connect a TLS name on the same thread is taken to be that connection's. */
const NAME_WINDOW_MS = 10_000;

/** Boot time in epoch ms from /proc/uptime (which counts CLOCK_BOOTTIME, like the probes). */
export function bootEpochMs(now = Date.now()): number {
  try {
    return now - Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1000;
  } catch {
    return 0;
  }
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function bytes(o: Obj): Buffer {
  const d = o.data;
  if (d instanceof Uint8Array) return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  if (typeof d === 'string') return Buffer.from(d, 'utf8');
  if (typeof o.data_hex === 'string') return Buffer.from(o.data_hex, 'hex');
  return Buffer.alloc(0);
}

interface PendingCall { parts: Buffer[]; size: number; truncated: boolean; next: number }

export class CollectorDecoder {
  readonly #boot: number;
  readonly #keepFailed: boolean;
  readonly #procs = new Map<number, Process>();
  readonly #calls = new Map<string, PendingCall>();
  /** address → name from getaddrinfo answers (last answer wins). */
  readonly #dns = new Map<string, string>();
  /** `pid:conn` → server name (SNI, else the Host header of the first request). */
  readonly #hosts = new Map<string, string>();
  /** tid → its last connect without a domain: the TLS session that follows on that thread names it. */
  readonly #unnamed = new Map<number, KernelEffect>();
  /** Frames that were not collector events (counted, never fatal). */
  unknown = 0;

  constructor(opts: DecoderOptions = {}) {
    this.#boot = opts.bootEpochMs ?? bootEpochMs();
    this.#keepFailed = !!opts.keepFailedFileOps;
  }

  /** Processes seen and not yet exited. */
  get live(): ReadonlyMap<number, Process> {
    return this.#procs;
  }

  decode(raw: unknown): CollectorRecord[] {
    if (!raw || typeof raw !== 'object') return this.#unknown();
    let o = raw as Obj;
    // An installed AgentSight's collector envelope: {timestamp, source, pid, comm, data: {…probe event…}}
    if (typeof o.source === 'string' && o.data && typeof o.data === 'object' && !(o.data instanceof Uint8Array)) o = o.data as Obj;
    if (typeof o.function === 'string') return this.#ssl(o);
    switch (o.event) {
      case 'EXEC': return this.#exec(o);
      case 'FORK': return this.#fork(o);
      case 'EXIT': return this.#exit(o);
      case 'FILE_OPEN': case 'FILE_DELETE': case 'FILE_RENAME': return this.#file(o);
      case 'NET_CONNECT': return this.#connect(o);
      case 'DNS_RESOLVE': return this.#dnsAnswer(o);
      case 'TLS_SNI': return this.#sni(o);
      case 'STATS': return [{ type: 'stats', stats: this.#stats(o) }];
      case 'AGENT': return [{ type: 'agent', agent: { ts: this.#ts(o), pid: num(o.pid) ?? 0, agent: str(o.agent) ?? '?', exe: str(o.exe) ?? '', tlsProbed: o.tls_probed === true } }];
      default: return this.#unknown();
    }
  }

  #unknown(): CollectorRecord[] {
    this.unknown++;
    return [];
  }

  /** Epoch ms: the loader's epoch_ns when present, else boot-relative ns (or AgentSight's `timestamp`). */
  #ts(o: Obj): number {
    const epoch = num(o.epoch_ns);
    // Epoch ns exceed 2^53: as a double they are off by up to 256 ns, so round to whole µs.
    if (epoch) return Math.round(epoch / 1e3) / 1e3;
    const boot = num(o.timestamp_ns) ?? num(o.timestamp) ?? 0;
    return this.#boot + boot / 1e6;
  }

  #proc(pid: number, o: Obj, ts: number): Process {
    let p = this.#procs.get(pid);
    if (!p) {
      p = { pid, ppid: num(o.ppid) ?? 0, comm: str(o.comm) ?? '', start: ts };
      if (num(o.uid) !== undefined) p.uid = num(o.uid);
      this.#procs.set(pid, p);
    }
    return p;
  }

  #exec(o: Obj): CollectorRecord[] {
    const ts = this.#ts(o);
    const pid = num(o.pid) ?? 0;
    const p = this.#proc(pid, o, ts);
    // The parent that forked it is its lineage: an exec after that parent exited (a background job
    // whose shell returned) reports the reaper (init) instead.
    if (!(p.ppid > 1)) p.ppid = num(o.ppid) ?? p.ppid;
    p.comm = str(o.comm) ?? p.comm;
    p.filename = str(o.filename);
    const argv = Array.isArray(o.argv) ? o.argv.filter((a): a is string => typeof a === 'string') : undefined;
    if (argv) p.argv = argv;
    if (str(o.cwd)) p.cwd = str(o.cwd);
    const target = argv?.length ? argv.join(' ') : p.filename ?? p.comm;
    return [
      { type: 'process', process: { ...p } },
      { type: 'effect', effect: { ts, kind: 'exec', target, evidence: 'kernel', pid, ok: true } },
    ];
  }

  #fork(o: Obj): CollectorRecord[] {
    const ts = this.#ts(o);
    const parent = this.#proc(num(o.pid) ?? 0, o, ts);
    const child = num(o.child_pid);
    if (child === undefined) return this.#unknown();
    // The child runs the parent's program until it execs.
    const p: Process = { ...parent, pid: child, ppid: parent.pid, start: ts };
    delete p.exit;
    delete p.exitCode;
    this.#procs.set(child, p);
    return [{ type: 'process', process: { ...p } }];
  }

  #exit(o: Obj): CollectorRecord[] {
    const ts = this.#ts(o);
    const pid = num(o.pid) ?? 0;
    const p = this.#proc(pid, o, ts);
    const dur = num(o.duration_ms);
    if (dur !== undefined && dur > 0 && p.start === ts) p.start = ts - dur; // seen first at its exit
    p.exit = ts;
    p.exitCode = num(o.exit_code) ?? 0;
    this.#procs.delete(pid);
    for (const [tid, e] of this.#unnamed) if (e.pid === pid) this.#unnamed.delete(tid);
    for (const k of this.#hosts.keys()) if (k.startsWith(`${pid}:`)) this.#hosts.delete(k);
    return [{ type: 'process', process: { ...p } }];
  }

  // The hot path under file-heavy load (hundreds of thousands a second): plain literals, no spreads.
  #file(o: Obj): CollectorRecord[] {
    const ret = typeof o.ret === 'number' ? o.ret : 0;
    if (ret < 0 && !this.#keepFailed) return [];
    const ts = this.#ts(o);
    const pid = typeof o.pid === 'number' ? o.pid : 0;
    const path = typeof o.filepath === 'string' ? o.filepath : '';
    const ok = ret >= 0;
    let effect: KernelEffect;
    if (o.event === 'FILE_OPEN') {
      const flags = typeof o.flags === 'number' ? o.flags : 0;
      const { kind, mode } = openKind(flags);
      effect = { ts, kind, target: path, evidence: 'kernel', pid, ok, mode, flags };
    } else if (o.event === 'FILE_DELETE') {
      effect = { ts, kind: 'delete', target: path, evidence: 'kernel', pid, ok };
    } else {
      // A rename removes the old name and writes the new one.
      const write: KernelEffect = { ts, kind: 'write', target: str(o.newpath) ?? '', evidence: 'kernel', pid, ok };
      effect = { ts, kind: 'delete', target: path, evidence: 'kernel', pid, ok };
      if (!ok) effect.errno = write.errno = -ret;
      return [{ type: 'effect', effect }, { type: 'effect', effect: write }];
    }
    if (!ok) effect.errno = -ret;
    return [{ type: 'effect', effect }];
  }

  #connect(o: Obj): CollectorRecord[] {
    const ret = num(o.ret) ?? 0;
    // An absent Unix socket (nscd probing, say) contacted nothing.
    if (o.family === 'AF_UNIX' && ret === -ENOENT) return [];
    const ts = this.#ts(o);
    const pid = num(o.pid) ?? 0;
    const addr = str(o.addr);
    const target = str(o.target) ?? addr ?? '';
    // EINPROGRESS (-115) is how non-blocking sockets (node, curl) start every connection.
    const ok = ret === 0 || ret === -115;
    const effect: KernelEffect = { ts, kind: 'connect', target, evidence: 'kernel', pid, ok, ...(ok ? {} : { errno: -ret }) };
    const domain = addr ? this.#dns.get(addr) : undefined;
    if (domain) effect.domain = domain;
    else if (addr && ok) this.#unnamed.set(num(o.tid) ?? pid, effect);
    return [{ type: 'effect', effect }];
  }

  #dnsAnswer(o: Obj): CollectorRecord[] {
    const host = str(o.host) ?? '';
    const addrs = Array.isArray(o.addrs) ? o.addrs.filter((a): a is string => typeof a === 'string') : [];
    for (const a of addrs) if (a !== host) this.#dns.set(a, host);
    return [{ type: 'dns', ts: this.#ts(o), pid: num(o.pid) ?? 0, host, addrs }];
  }

  #sni(o: Obj): CollectorRecord[] {
    const host = str(o.host);
    if (!host) return [];
    this.#hosts.set(`${num(o.pid) ?? 0}:${connId(o.conn)}`, host);
    return this.#name(num(o.tid) ?? 0, host, this.#ts(o));
  }

  /** Names the thread's last unnamed connect (a client names its server right after connecting). */
  #name(tid: number, host: string, ts: number): CollectorRecord[] {
    const effect = this.#unnamed.get(tid);
    this.#unnamed.delete(tid);
    if (!effect || ts - effect.ts > NAME_WINDOW_MS) return [];
    effect.domain = host;
    return [{ type: 'domain', effect, domain: host }];
  }

  #ssl(o: Obj): CollectorRecord[] {
    const ts = this.#ts(o);
    const pid = num(o.pid) ?? 0;
    const tid = num(o.tid) ?? pid;
    const conn = `${pid}:${connId(o.conn ?? tid)}`;
    if (o.function === 'HANDSHAKE') {
      return [{ type: 'handshake', ts, pid, tid, conn, ok: num(o.ret) === 1, latencyMs: num(o.latency_ms) ?? 0 }];
    }
    const data = bytes(o);
    const callId = o.call_id === undefined ? undefined : String(o.call_id);
    // AgentSight's own probes send a call in one event; ours chunk it (offset, last, call_id).
    let whole = data;
    let truncated = o.truncated === true;
    if (callId !== undefined && !(o.last === true && (num(o.offset) ?? 0) === 0)) {
      const key = `${pid}:${callId}`;
      let c = this.#calls.get(key);
      if (!c) this.#calls.set(key, (c = { parts: [], size: 0, truncated: false, next: 0 }));
      if ((num(o.offset) ?? 0) !== c.next) c.truncated = true; // a chunk went missing (ring drop)
      c.parts.push(data);
      c.size += data.length;
      c.next = (num(o.offset) ?? 0) + data.length;
      c.truncated ||= truncated;
      if (o.last !== true) return [];
      this.#calls.delete(key);
      whole = Buffer.concat(c.parts, c.size);
      truncated = c.truncated;
    }
    const len = num(o.len) ?? whole.length;
    const direction = o.function === 'READ/RECV' ? 'read' : 'write';
    const out: CollectorRecord[] = [];
    if (direction === 'write' && !this.#hosts.has(conn)) {
      const host = hostHeader(whole);
      if (host) {
        this.#hosts.set(conn, host);
        out.push(...this.#name(tid, host, ts));
      }
    }
    const chunk: TlsChunk = {
      ts, pid, tid, comm: str(o.comm) ?? '', dir: direction, direction, data: whole, conn, len,
      truncated: truncated || len > whole.length,
    };
    const host = this.#hosts.get(conn);
    if (host) chunk.host = host;
    const lat = num(o.latency_ms);
    if (lat !== undefined) chunk.latencyMs = lat;
    out.push({ type: 'tls', chunk });
    return out;
  }

  #stats(o: Obj): CollectorStats {
    const rings: Record<string, RingStats> = {};
    const r = o.rings && typeof o.rings === 'object' ? (o.rings as Record<string, Obj>) : {};
    for (const [name, v] of Object.entries(r)) {
      rings[name] = { events: num(v?.events) ?? 0, bytes: num(v?.bytes) ?? 0, drops: num(v?.drops) ?? 0 };
    }
    const stats: CollectorStats = { ts: this.#ts(o), rings, malformed: num(o.malformed) ?? 0 };
    if (o.probes && typeof o.probes === 'object') {
      stats.probes = {};
      for (const [name, v] of Object.entries(o.probes as Record<string, Obj>)) stats.probes[name] = { runs: num(v?.runs) ?? 0, ns: num(v?.ns) ?? 0 };
    }
    const c = o.candidates && typeof o.candidates === 'object' ? (o.candidates as Obj) : undefined;
    if (c) stats.candidates = { accepted: num(c.accepted) ?? 0, rejected: num(c.rejected) ?? 0, dropped: num(c.dropped) ?? 0 };
    return stats;
  }
}

/** What an open's flags ask for: read-only → read; O_CREAT|O_EXCL → create (the file is new);
 * O_TRUNC → write (mode truncate); other write access → write. */
export function openKind(flags: number): { kind: EffectKind; mode: KernelEffect['mode'] } {
  if ((flags & O_ACCMODE) === 0 && !(flags & O_CREAT)) return READ;
  if ((flags & O_CREAT) && (flags & O_EXCL)) return CREATE;
  if (flags & O_TRUNC) return TRUNCATE;
  if (flags & O_CREAT) return WRITE_CREATE;
  return WRITE;
}

type OpenKind = { readonly kind: EffectKind; readonly mode: KernelEffect['mode'] };
const READ: OpenKind = { kind: 'read', mode: 'read' };
const CREATE: OpenKind = { kind: 'create', mode: 'create' };
const TRUNCATE: OpenKind = { kind: 'write', mode: 'truncate' };
const WRITE_CREATE: OpenKind = { kind: 'write', mode: 'create' };
const WRITE: OpenKind = { kind: 'write', mode: 'write' };

function connId(v: unknown): string {
  const n = num(v);
  return n === undefined ? String(v) : n.toString(16);
}

/** The Host header of an HTTP/1 request at the start of a write, without the port. */
function hostHeader(b: Buffer): string | undefined {
  if (b.length < 16 || b[0] < 0x41 || b[0] > 0x5a) return undefined; // requests start with an upper-case method
  const head = b.subarray(0, Math.min(b.length, 8192)).toString('latin1');
  const m = /\r\nhost:[ \t]*([^\r\n:]+|\[[^\]]+\])/i.exec(head);
  return m?.[1];
}
