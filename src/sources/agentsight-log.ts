// Reader of AgentSight event streams on disk: the collector's JSONL (`record.log` and its rotated
// parts: {timestamp, source, pid, comm, data}), the probes' raw JSON lines (sslsniff/process stdout),
// and our own collector's `--record` / `--json` output (msgpack frames or JSON lines). Every ssl and
// process event goes through the collector's decoder (collector-decode.ts), so all forms agree; the
// already-parsed http_parser / sse_processor events go straight to the HTTP assembler.
import { closeSync, openSync, readSync } from 'node:fs';
import { HttpAssembler } from '../http/assembler.js';
import { Http1Stream } from '../http/http1.js';
import { isSecretHeader } from '../http/redact.js';
import { parseSse, type SseEvent } from '../http/sse.js';
import type { HttpMessage } from '../http/types.js';
import type { Effect, LlmCall, Process, Prompt, Session, ToolCall } from '../model.js';
import { bootEpochMs, CollectorDecoder, type CollectorRecord } from './collector-decode.js';
import { FrameSplitter } from './collector-frames.js';
import { ambiguousBytes, highEscape, jsonStringBytes } from './agentsight-bytes.js';
import { forEachLine } from './jsonl.js';
import { bump, emptyRead, type RecordingRead } from './agentsight-types.js';

const CHUNK = 4 << 20;

type Obj = Record<string, any>;

export interface EventLogOptions {
  host: string;
  /** Epoch ms of the recording machine's boot, for raw probe lines (ns since boot). */
  bootEpochMs?: number;
  /** Whether a call's request body (prompt) must be read: false for calls the traces hold. */
  wantRequestBody?: (callId: string) => boolean;
}

/** Reads the parts of one recording (oldest first) as one stream: state carries across rotations. */
export function readEventLog(files: string[], opts: EventLogOptions): RecordingRead {
  const out = emptyRead(files[0], 'events', opts.host, files);
  const r = new EventLogReader(out, opts);
  for (const f of files) r.readFile(f);
  return r.finish();
}

class EventLogReader {
  #decoder?: CollectorDecoder;
  readonly #asm: HttpAssembler;
  readonly #procs = new Map<string, Process>();
  #file = '';
  #line = 0;

  constructor(private readonly out: RecordingRead, private readonly opts: EventLogOptions) {
    this.#asm = new HttpAssembler({
      call: (c) => out.calls.push(c),
      problem: (p) => bump(out.http, p.reason.replace(/ \(\d+ bytes\)$/, '')),
    }, { machine: opts.host, wantRequestBody: opts.wantRequestBody });
  }

  readFile(file: string): void {
    this.#file = file;
    this.#line = 0;
    let first = -1;
    try {
      const fd = openSync(file, 'r');
      const b = Buffer.alloc(1);
      if (readSync(fd, b, 0, 1, 0) === 1) first = b[0];
      closeSync(fd);
    } catch (e) {
      this.out.problems.push(`${file}: ${(e as Error).message}`);
      return;
    }
    // Our collector's msgpack frames start with a length (0x00 for any frame under 16 MB).
    if (first === 0) this.#readFrames(file);
    else this.out.bytes += forEachLine(file, (buf, start, end, lineNo, last) => this.#jsonLine(buf, start, end, lineNo, last));
  }

  #jsonLine(buf: Buffer, start: number, end: number, lineNo: number, last: boolean): void {
    this.#line = lineNo;
    let o: Obj;
    const text = buf.toString('utf8', start, end);
    try {
      o = JSON.parse(text);
    } catch {
      this.out.skips.add(this.#file, lineNo, last ? 'half-written last record' : 'malformed JSON');
      return;
    }
    // Cheap first: an all-ASCII line without \u0080-\u00ff escapes cannot be ambiguous.
    const suspect = text.length !== end - start || highEscape(buf, start, end);
    const inner = o && typeof o.data === 'object' && o.data !== null ? (o.data as Obj) : o;
    if (suspect && inner && typeof inner.data === 'string' && ambiguousBytes(inner.data)) {
      const exact = jsonStringBytes(buf, start, end);
      if (exact) inner.data = Buffer.from(exact);
    }
    this.#event(o);
  }

  #readFrames(file: string): void {
    const split = new FrameSplitter('msgpack');
    const fd = openSync(file, 'r');
    try {
      for (;;) {
        // A fresh buffer each read: FrameSplitter keeps references to a partial last frame.
        const buf = Buffer.allocUnsafe(CHUNK);
        const n = readSync(fd, buf, 0, CHUNK, null);
        if (n === 0) break;
        this.out.bytes += n;
        this.#consume(split.push(buf.subarray(0, n)), false);
      }
    } finally {
      closeSync(fd);
    }
    this.#consume(split.end(), true);
  }

  #consume(r: ReturnType<FrameSplitter['push']>, atEnd: boolean): void {
    for (const b of r.bad) {
      this.out.skips.add(this.#file, b.index, atEnd ? `half-written last record (${b.reason})` : b.reason);
    }
    for (const o of r.objects) {
      this.#line++;
      this.#event(o as Obj);
    }
  }

  #event(o: Obj): void {
    if (o === null || typeof o !== 'object' || Array.isArray(o)) {
      this.out.skips.add(this.#file, this.#line, 'not an event object');
      return;
    }
    if (typeof o.source === 'string' && 'data' in o) return this.#envelope(o);
    this.#decode(o);
  }

  #envelope(o: Obj): void {
    const data = o.data as Obj;
    const ts = typeof o.timestamp === 'number' ? o.timestamp : NaN;
    if (!data || typeof data !== 'object' || !Number.isFinite(ts)) {
      this.out.skips.add(this.#file, this.#line, 'event without data or timestamp');
      return;
    }
    const pid = typeof o.pid === 'number' ? o.pid : typeof data.pid === 'number' ? data.pid : 0;
    switch (o.source) {
      case 'ssl':
      case 'process':
        // The envelope's epoch-ms timestamp beats the probe's boot-relative one: no boot time to guess.
        this.#decode({ ...data, pid, epoch_ns: ts * 1e6 }, true);
        return;
      case 'http_parser':
        return this.#httpParser(data, pid, ts);
      case 'sse_processor':
        return this.#sse(data, pid, ts);
      case 'agentpprof':
        return this.#ours(data);
      case 'system':
      case 'stdio':
        bump(this.out.ignored, o.source);
        return;
      default:
        bump(this.out.unknown, `source:${o.source}`);
        this.out.skips.add(this.#file, this.#line, `unknown source ${String(o.source).slice(0, 40)}`);
    }
  }

  #decode(o: Obj, enveloped = false): void {
    if (!this.#decoder) {
      const boot = this.opts.bootEpochMs;
      if (!enveloped) this.out.timeBase = boot === undefined ? 'boot-local' : 'boot+given';
      this.#decoder = new CollectorDecoder({ bootEpochMs: boot ?? bootEpochMs() });
    }
    const before = this.#decoder.unknown;
    const recs = this.#decoder.decode(o);
    if (this.#decoder.unknown !== before) {
      const kind = String(o.event ?? o.function ?? o.type ?? 'unknown').slice(0, 40);
      bump(this.out.unknown, `event:${kind}`);
      this.out.skips.add(this.#file, this.#line, `unknown event ${kind}`);
      return;
    }
    for (const r of recs) this.#record(r);
  }

  #record(r: CollectorRecord): void {
    if (r.type === 'tls') this.#asm.pushChunk(r.chunk);
    else if (r.type === 'effect') {
      r.effect.host = this.opts.host;
      this.out.effects.push(r.effect);
    } else if (r.type === 'process') {
      r.process.host = this.opts.host;
      this.#procs.set(`${r.process.pid}\u0000${r.process.start}`, r.process);
    }
  }

  /** A line of our own `live --record` file: a normalized batch, or a gap / drops marker. */
  #ours(d: Obj): void {
    const b = d.batch as Obj | undefined;
    if (!b || typeof b !== 'object') {
      bump(this.out.ignored, d.gap ? 'gap' : d.drops !== undefined ? 'drops' : 'agentpprof');
      return;
    }
    const host = this.opts.host;
    const list = (k: string): Obj[] => (Array.isArray(b[k]) ? b[k] : []);
    for (const p of list('processes')) this.#procs.set(`${p.pid}\u0000${p.start}`, { ...p, host } as Process);
    for (const e of list('effects')) this.out.effects.push({ ...e, host } as Effect);
    for (const c of list('calls')) this.out.llmCalls.push({ ...c, host } as LlmCall);
    for (const x of list('prompts')) this.out.prompts.push(x as Prompt);
    for (const x of list('sessions')) this.out.sessions.push({ ...x, host } as Session);
    for (const x of list('tools')) this.out.tools.push(x as ToolCall);
  }

  #httpParser(d: Obj, pid: number, ts: number): void {
    const kind = d.message_type === 'request' ? 'request' : d.message_type === 'response' ? 'response' : null;
    if (!kind) {
      this.out.skips.add(this.#file, this.#line, 'http_parser event without message_type');
      return;
    }
    const headers: Record<string, string> = {};
    if (d.headers && typeof d.headers === 'object') {
      for (const [k, v] of Object.entries(d.headers as Obj)) {
        const name = k.toLowerCase();
        if (!isSecretHeader(name) && v != null) headers[name] = String(v);
      }
    }
    let body: Buffer = Buffer.from(typeof d.body === 'string' ? d.body : '', 'utf8');
    if (d.is_chunked === true && /^[0-9a-fA-F]{1,8}(;[^\r\n]*)?\r\n/.test(body.toString('latin1', 0, 16))) body = dechunk(body);
    delete headers['transfer-encoding'];
    const msg: HttpMessage = { kind, ts, end: ts, headers, body };
    if (kind === 'request') {
      msg.method = String(d.method ?? '');
      msg.path = String(d.path ?? '');
    } else msg.status = Number(d.status_code) || 0;
    this.#asm.pushMessage(pid, typeof d.tid === 'number' ? d.tid : undefined, msg);
  }

  #sse(d: Obj, pid: number, ts: number): void {
    const events: SseEvent[] = [];
    for (const v of Array.isArray(d.sse_events) ? d.sse_events : []) {
      if (typeof v === 'string') events.push(...parseSse(v));
      else if (v && typeof v === 'object') {
        const data = (v as Obj).data ?? (v as Obj).parsed_data;
        events.push({ event: String((v as Obj).event ?? (v as Obj).event_type ?? 'message'), data: typeof data === 'string' ? data : JSON.stringify(data ?? null) });
      }
    }
    const dur = typeof d.duration_ns === 'number' ? d.duration_ns / 1e6 : 0;
    this.#asm.pushSse(pid, typeof d.tid === 'number' ? d.tid : undefined, ts - dur, ts, events);
  }

  finish(): RecordingRead {
    this.#asm.finish();
    this.out.processes = [...this.#procs.values()];
    return this.out;
  }
}

/** Removes chunked framing from a body an upstream parser left framed. */
function dechunk(body: Buffer): Buffer {
  let out = body;
  const s = new Http1Stream('response', { message: (m) => (out = m.body), dropped: () => {} });
  s.push(Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n'), body]), 0);
  s.close(0);
  return out;
}
