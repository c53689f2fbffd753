// An incremental HTTP/1.1 message parser for ONE direction of one connection. It is fed plaintext
// buffers exactly as SSL_write/SSL_read returned them — split anywhere, several messages per buffer
// (keep-alive), bodies sized by Content-Length, chunked transfer coding, or the connection's end.
// Captures lose bytes (probe caps, a recording that starts mid-stream), so the parser resynchronizes:
// data that cannot start a message is dropped, and a start line at the beginning of a buffer while a
// body is still expected ends the previous message as truncated.
import type { HttpMessage } from './types.js';
import { isSecretHeader } from './redact.js';

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailers' | 'close';

/** Largest header block accepted; beyond it the bytes are not HTTP. */
const MAX_HEAD = 256 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');

export interface Http1Events {
  message(m: HttpMessage): void;
  /** Bytes dropped because they could not belong to a message (resync), with the reason. */
  dropped(bytes: number, reason: string, ts: number): void;
  /** For responses: true when the response answers a HEAD request (no body whatever the headers say). */
  bodiless?(): boolean;
}

export class Http1Stream {
  #state: State = 'head';
  #head: Buffer | null = null;
  #msg: HttpMessage | null = null;
  #parts: Buffer[] = [];
  #remaining = 0;
  #line = '';

  constructor(readonly kind: 'request' | 'response', private readonly on: Http1Events) {}

  /** True between messages: nothing buffered. */
  get idle(): boolean {
    return this.#state === 'head' && this.#head === null;
  }

  push(data: Buffer, ts: number): void {
    let off = 0;
    if (this.#state !== 'head' && this.#startsMessage(data, 0, true)) {
      // A new message where body bytes were expected: the capture lost bytes of the previous one.
      this.#finish(ts, this.#state !== 'close');
    }
    while (off < data.length) {
      switch (this.#state) {
        case 'head':
          off = this.#readHead(data, off, ts);
          break;
        case 'chunk-size':
        case 'trailers':
        case 'chunk-crlf': {
          const nl = data.indexOf(10, off);
          const end = nl === -1 ? data.length : nl;
          this.#line += data.toString('latin1', off, end);
          off = nl === -1 ? data.length : nl + 1;
          if (nl !== -1) this.#onLine(ts);
          break;
        }
        case 'length':
        case 'chunk-data': {
          const n = Math.min(this.#remaining, data.length - off);
          this.#take(data, off, n);
          off += n;
          this.#remaining -= n;
          if (this.#remaining > 0) break;
          if (this.#state === 'length') this.#finish(ts, false);
          else this.#state = 'chunk-crlf';
          break;
        }
        case 'close':
          this.#take(data, off, data.length - off);
          off = data.length;
          if (this.#msg) this.#msg.end = ts;
          break;
      }
    }
    if (this.#msg) this.#msg.end = ts;
  }

  /** The connection ended (or input ran out): a close-delimited body completes, anything else is truncated. */
  close(ts: number): void {
    if (this.#msg) this.#finish(ts, this.#state !== 'close');
    else if (this.#head) this.on.dropped(this.#head.length, 'incomplete header block', ts);
    this.#head = null;
    this.#state = 'head';
  }

  #take(data: Buffer, off: number, n: number): void {
    // Copy: callers (live mode) may reuse their buffers.
    if (n > 0) this.#parts.push(Buffer.from(data.subarray(off, off + n)));
  }

  #startsMessage(data: Buffer, off: number, complete: boolean): boolean {
    const s = data.toString('latin1', off, Math.min(data.length, off + 9));
    if (this.kind === 'response') return complete ? /^HTTP\/1\.[01] /.test(s) : 'HTTP/1.'.startsWith(s) || s.startsWith('HTTP/1.');
    return complete ? /^[A-Z]{3,7} \//.test(s) : /^[A-Z]{0,7}( |$)/.test(s);
  }

  #readHead(data: Buffer, off: number, ts: number): number {
    if (this.#head === null && !this.#startsMessage(data, off, data.length - off >= 9)) {
      this.on.dropped(data.length - off, 'data outside any message', ts);
      return data.length;
    }
    const prev = this.#head?.length ?? 0;
    const all = prev ? Buffer.concat([this.#head!, data.subarray(off)]) : data.subarray(off);
    const idx = all.indexOf(HEAD_END, Math.max(0, prev - 3));
    if (idx === -1) {
      if (all.length > MAX_HEAD) {
        this.on.dropped(all.length, 'header block too large', ts);
        this.#head = null;
      } else this.#head = Buffer.from(all);
      return data.length;
    }
    this.#head = null;
    this.#begin(all.toString('latin1', 0, idx), ts);
    return off + idx + 4 - prev;
  }

  #begin(head: string, ts: number): void {
    const lines = head.split('\r\n');
    const first = lines[0];
    const headers: Record<string, string> = {};
    for (let i = 1; i < lines.length; i++) {
      const c = lines[i].indexOf(':');
      if (c <= 0) continue;
      const name = lines[i].slice(0, c).trim().toLowerCase();
      if (isSecretHeader(name)) continue;
      const value = lines[i].slice(c + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    const msg: HttpMessage = { kind: this.kind, ts, end: ts, headers, body: Buffer.alloc(0) };
    const sp = first.split(' ');
    if (this.kind === 'request') {
      msg.method = sp[0];
      msg.path = sp[1];
    } else {
      msg.status = Number(sp[1]);
    }
    this.#msg = msg;
    this.#parts = [];
    const te = (headers['transfer-encoding'] ?? '').toLowerCase();
    const cl = headers['content-length'];
    const status = msg.status ?? 0;
    if (this.kind === 'response' && ((status >= 100 && status < 200) || status === 204 || status === 304 || this.on.bodiless?.())) {
      this.#finish(ts, false);
    } else if (te.includes('chunked')) {
      this.#state = 'chunk-size';
      this.#line = '';
    } else if (cl !== undefined && /^\d+$/.test(cl)) {
      this.#remaining = Number(cl);
      this.#state = 'length';
      if (this.#remaining === 0) this.#finish(ts, false);
    } else if (this.kind === 'response') {
      this.#state = 'close';
    } else {
      this.#finish(ts, false);
    }
  }

  #onLine(ts: number): void {
    const line = this.#line.replace(/\r$/, '');
    this.#line = '';
    if (this.#state === 'chunk-crlf') {
      this.#state = 'chunk-size';
      if (line === '') return;
      // Lost bytes put us off the framing: treat this line as the next size line.
      return this.#sizeLine(line, ts);
    }
    if (this.#state === 'trailers') {
      if (line === '') this.#finish(ts, false);
      return;
    }
    this.#sizeLine(line, ts);
  }

  #sizeLine(line: string, ts: number): void {
    const m = /^([0-9a-fA-F]+)/.exec(line);
    if (!m) {
      this.#finish(ts, true);
      return;
    }
    const size = parseInt(m[1], 16);
    if (size === 0) this.#state = 'trailers';
    else {
      this.#remaining = size;
      this.#state = 'chunk-data';
    }
  }

  #finish(ts: number, truncated: boolean): void {
    const msg = this.#msg;
    this.#msg = null;
    this.#state = 'head';
    this.#line = '';
    if (!msg) return;
    msg.body = this.#parts.length === 1 ? this.#parts[0] : Buffer.concat(this.#parts);
    this.#parts = [];
    msg.end = Math.max(msg.end, ts);
    if (truncated) msg.truncated = true;
    this.on.message(msg);
  }
}
