// Splits the collector's byte stream into event objects. Two wire forms reach the same decoder:
// - frames: a 4-byte big-endian length, then one msgpack map (agentsight/ default);
// - JSON lines: one object per line (`agentsight --json`, an installed AgentSight's probes, recordings).
// The form is detected from the first byte: a frame's length starts with 0x00 for any frame under
// 16 MB, a JSON line with '{' (or whitespace).
import { Decoder } from '@msgpack/msgpack';
import { FrameDecoder } from './collector-msgpack.js';

export type WireForm = 'msgpack' | 'json';

/** Largest frame accepted; anything bigger means the stream is out of sync (or not ours). */
const MAX_FRAME = 16 << 20;

export interface SplitResult {
  objects: unknown[];
  /** Frames or lines that could not be decoded, with their 1-based index in the stream. */
  bad: { index: number; reason: string }[];
}

export class FrameSplitter {
  form?: WireForm;
  #pending: Buffer[] = [];
  #pendingLen = 0;
  #index = 0;
  #dead = false;
  readonly #decoder = new Decoder();
  /** Our loader's frames, decoded without the general library; anything else falls back to it. */
  readonly #fast = new FrameDecoder();

  constructor(form?: WireForm) {
    this.form = form;
  }

  /** Frames/lines seen so far (decoded or not). */
  get count(): number {
    return this.#index;
  }

  push(chunk: Buffer): SplitResult {
    const out: SplitResult = { objects: [], bad: [] };
    if (this.#dead || chunk.length === 0) return out;
    this.form ??= detect(this.#pendingLen ? this.#pending[0][0] : chunk[0]);
    if (this.form === 'msgpack') chunk = this.#completePending(chunk, out);
    if (chunk.length === 0) return out;
    this.#pending.push(chunk);
    this.#pendingLen += chunk.length;
    let buf = this.#pending.length === 1 ? this.#pending[0] : Buffer.concat(this.#pending, this.#pendingLen);
    const used = this.form === 'msgpack' ? this.#frames(buf, out) : this.#lines(buf, out);
    buf = buf.subarray(used);
    this.#pending = buf.length ? [buf] : [];
    this.#pendingLen = buf.length;
    return out;
  }

  /** A frame split across reads: copy just that frame together (not the whole new read) and decode it;
   * returns the rest of the chunk. */
  #completePending(chunk: Buffer, out: SplitResult): Buffer {
    if (this.#pendingLen === 0) return chunk;
    if (this.#pendingLen < 4) {
      // not even the length yet: join the few bytes with the new read and carry on from there
      const joined = Buffer.concat([...this.#pending, chunk]);
      this.#pending = [];
      this.#pendingLen = 0;
      return joined;
    }
    const head = this.#pending[0].length >= 4 ? this.#pending[0] : Buffer.concat(this.#pending, this.#pendingLen);
    const need = 4 + head.readUInt32BE(0);
    if (need - 4 > MAX_FRAME || this.#pendingLen + chunk.length < need) return chunk; // #frames reports / waits
    const take = need - this.#pendingLen;
    const frame = Buffer.concat([...this.#pending, chunk.subarray(0, take)], need);
    this.#pending = [];
    this.#pendingLen = 0;
    this.#frames(frame, out);
    return chunk.subarray(take);
  }

  /** Bytes left at end of stream: an incomplete frame or an unterminated last line. */
  end(): SplitResult {
    const out: SplitResult = { objects: [], bad: [] };
    if (this.#pendingLen === 0) return out;
    const rest = Buffer.concat(this.#pending, this.#pendingLen);
    this.#pending = [];
    this.#pendingLen = 0;
    if (this.form === 'json') this.#line(rest, out);
    else out.bad.push({ index: ++this.#index, reason: `stream ended inside a frame (${rest.length} bytes)` });
    return out;
  }

  #frames(buf: Buffer, out: SplitResult): number {
    let off = 0;
    while (buf.length - off >= 4) {
      const len = buf.readUInt32BE(off);
      if (len > MAX_FRAME) {
        // A length this large is not a frame: the stream cannot be resynchronized, stop reading it.
        out.bad.push({ index: ++this.#index, reason: `frame length ${len} exceeds ${MAX_FRAME}: stream out of sync` });
        this.#dead = true;
        return buf.length;
      }
      if (buf.length - off - 4 < len) break;
      const body = buf.subarray(off + 4, off + 4 + len);
      off += 4 + len;
      this.#index++;
      try {
        out.objects.push(this.#fast.decode(body) ?? this.#decoder.decode(body));
      } catch (err) {
        out.bad.push({ index: this.#index, reason: `bad msgpack: ${(err as Error).message}` });
      }
    }
    return off;
  }

  #lines(buf: Buffer, out: SplitResult): number {
    let off = 0;
    for (let nl = buf.indexOf(10, off); nl !== -1; nl = buf.indexOf(10, off)) {
      this.#line(buf.subarray(off, nl), out);
      off = nl + 1;
    }
    return off;
  }

  #line(line: Buffer, out: SplitResult): void {
    const text = line.toString('utf8').trim();
    if (!text) return;
    this.#index++;
    try {
      out.objects.push(JSON.parse(text));
    } catch (err) {
      out.bad.push({ index: this.#index, reason: `bad JSON: ${(err as Error).message}` });
    }
  }
}

function detect(first: number): WireForm {
  return first === 0x7b || first === 0x20 || first === 0x0a || first === 0x0d || first === 0x09 ? 'json' : 'msgpack';
}
