// Turns TLS plaintext chunks (or AgentSight's already-parsed HTTP and SSE events) into ApiCalls.
// One state machine per connection: a request parser for writes, a response parser for reads, and the
// queue of requests still waiting for their response (HTTP/1.1 answers in order). Fed one event at a
// time, so live mode and offline merge share it; `assembleCalls` is the batch wrapper.
import { readRequestBody, readResponse, readSseEvents, requestHead, toApiCall, type RequestInfo, type ResponseRead } from './call.js';
import { Http1Stream } from './http1.js';
import type { SseEvent } from './sse.js';
import type { ApiCall, HttpMessage, HttpProblem, TlsChunk } from './types.js';

export interface AssemblerSink {
  call(c: ApiCall): void;
  problem(p: HttpProblem): void;
}

/** A request waiting for its response; its body is parsed only if the call turns out to need it. */
interface Pending {
  info: RequestInfo;
  msg?: HttpMessage;
}

interface Conn {
  pid: number;
  /** Server name (SNI / Host header) when the capture knows it. */
  server?: string;
  req: Http1Stream;
  res: Http1Stream;
  pending: Pending[];
  /** A parsed response whose SSE body arrives separately (AgentSight's sse_processor). */
  awaitingSse?: { req?: Pending; status?: number; requestId?: string };
  last: number;
}

const requestIdOf = (m: HttpMessage): string | undefined => m.headers['request-id'] ?? m.headers['x-request-id'];

export interface AssemblerOptions {
  machine?: string;
  idleMs?: number;
  wantRequestBody?: (callId: string) => boolean;
}

export class HttpAssembler {
  readonly #conns = new Map<string, Conn>();
  calls = 0;

  readonly #idleMs: number;
  readonly #machine?: string;
  readonly #wantBody: (callId: string) => boolean;

  /**
   * `machine` labels every call (the recording's host); idle connections expire after `idleMs`;
   * `wantRequestBody(id)` says whether a call needs its request read (prompt, model) — false for
   * calls a trace file already holds, which saves parsing every resent conversation.
   */
  constructor(private readonly sink: AssemblerSink, opts: AssemblerOptions = {}) {
    this.#idleMs = opts.idleMs ?? 10 * 60_000;
    this.#machine = opts.machine;
    this.#wantBody = opts.wantRequestBody ?? (() => true);
  }

  pushChunk(c: TlsChunk): void {
    const conn = this.#conn(c.host, c.pid, c.conn ?? String(c.tid ?? 0), c.ts);
    (c.dir === 'write' ? conn.req : conn.res).push(c.data, c.ts);
  }

  /** A message some other parser already framed (AgentSight's http_parser events). */
  pushMessage(pid: number, tid: number | undefined, msg: HttpMessage): void {
    const conn = this.#conn(undefined, pid, String(tid ?? 0), msg.ts);
    if (msg.kind === 'request') this.#onRequest(conn, msg);
    else this.#onResponse(conn, msg);
  }

  /** A response's SSE events, already split (AgentSight's sse_processor events). */
  pushSse(pid: number, tid: number | undefined, ts: number, end: number, events: SseEvent[]): void {
    const conn = this.#conn(undefined, pid, String(tid ?? 0), ts);
    const waiting = conn.awaitingSse;
    conn.awaitingSse = undefined;
    const req = waiting ? waiting.req : conn.pending.shift();
    this.#emit(conn, req, readSseEvents(req?.info.api ?? null, events), { ts, end, status: waiting?.status, requestId: waiting?.requestId, stream: true });
  }

  /** Live mode: closes connections idle for longer than idleMs (their partial messages are truncated). */
  expire(now: number): void {
    for (const [key, conn] of this.#conns) if (now - conn.last > this.#idleMs) this.#close(key, conn, now);
  }

  /** End of input: every connection closes. */
  finish(): void {
    for (const [key, conn] of this.#conns) this.#close(key, conn, conn.last);
  }

  #close(key: string, conn: Conn, ts: number): void {
    conn.req.close(ts);
    conn.res.close(ts);
    this.#conns.delete(key);
  }

  #conn(server: string | undefined, pid: number, sub: string, ts: number): Conn {
    const key = `${pid}\u0000${sub}`;
    let conn = this.#conns.get(key);
    if (!conn) {
      const dropped = (bytes: number, reason: string, at: number) =>
        this.sink.problem({ ts: at, pid, reason: `${reason} (${bytes} bytes)` });
      const pending: Pending[] = [];
      const c: Conn = {
        pid, server, pending, last: ts,
        req: new Http1Stream('request', { message: (m) => this.#onRequest(c, m), dropped }),
        res: new Http1Stream('response', {
          message: (m) => this.#onResponse(c, m), dropped,
          bodiless: () => pending[0]?.info.method === 'HEAD',
        }),
      };
      this.#conns.set(key, (conn = c));
    }
    conn.server ??= server;
    conn.last = Math.max(conn.last, ts);
    return conn;
  }

  #onRequest(conn: Conn, msg: HttpMessage): void {
    const info = requestHead(msg);
    conn.pending.push(info.api ? { info, msg } : { info });
    // A client that never reads its responses must not grow the queue without bound.
    if (conn.pending.length > 64) conn.pending.shift();
  }

  #onResponse(conn: Conn, msg: HttpMessage): void {
    const status = msg.status ?? 0;
    if (status >= 100 && status < 200) return;
    const req = conn.pending.shift();
    if (req && !req.info.api) return; // telemetry, HEAD probes, anything that is not an LLM API call
    const ctx = {
      ts: msg.ts, end: msg.end, status, requestId: requestIdOf(msg), truncated: msg.truncated,
      stream: (msg.headers['content-type'] ?? '').includes('event-stream'),
    };
    if (msg.body.length === 0) {
      if (status < 300) conn.awaitingSse = { req, status, requestId: ctx.requestId };
      return;
    }
    const read = readResponse(req?.info.api ?? null, msg);
    if ('error' in read) {
      this.sink.problem({ ts: msg.ts, pid: conn.pid, reason: read.error });
      return;
    }
    this.#emit(conn, req, read, ctx);
  }

  #emit(conn: Conn, req: Pending | undefined, read: ResponseRead, ctx: Omit<Parameters<typeof toApiCall>[2], 'pid' | 'host'>): void {
    if (req?.msg && (!read.acc.model || this.#wantBody(read.acc.id ?? ''))) {
      const error = readRequestBody(req.info, req.msg);
      if (error) this.sink.problem({ ts: req.info.ts, pid: conn.pid, reason: error });
    }
    const call = toApiCall(req?.info, read, { ...ctx, pid: conn.pid, host: this.#machine });
    if (typeof call === 'string') {
      if (req?.info.api || read.api) this.sink.problem({ ts: ctx.ts, pid: conn.pid, reason: call });
      return;
    }
    if (!call.domain && conn.server) call.domain = conn.server;
    this.calls++;
    this.sink.call(call);
  }
}

/** Batch wrapper: all chunks in time order in, calls and problems out. */
export function assembleCalls(chunks: Iterable<TlsChunk>, machine?: string): { calls: ApiCall[]; problems: HttpProblem[] } {
  const calls: ApiCall[] = [];
  const problems: HttpProblem[] = [];
  const asm = new HttpAssembler({ call: (c) => calls.push(c), problem: (p) => problems.push(p) }, { machine });
  for (const c of chunks) asm.pushChunk(c);
  asm.finish();
  return { calls, problems };
}
