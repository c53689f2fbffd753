// A msgpack reader for the collector's own frames: flat maps of short ASCII keys to integers, floats,
// booleans, short strings, byte strings, and the odd array or nested map (argv, addrs, the stats rings).
// Why not @msgpack/msgpack for these: at the collector's rates (hundreds of thousands of frames a second,
// ~17 keys each) the general decoder was the Node reader's largest cost — string decoding of the keys
// and per-frame setup — and that CPU is taken from the machine the traced agent runs on. This reader
// interns keys and short strings, hands byte strings out as views of the frame (no copy), and gives up
// (returns undefined) on anything it does not know, ext types included; the caller then uses the library.

type Value = number | boolean | string | null | Buffer | Value[] | { [k: string]: Value };

/** Interned strings up to this many bytes (keys, comm, event names). */
const INTERN_MAX = 24;
const INTERN_SLOTS = 4096;

class Interner {
  readonly #slots = new Array<{ bytes: Uint8Array; str: string } | undefined>(INTERN_SLOTS);
  /** The key last seen at each position of a top-level map: frames of one kind repeat their key order,
   * so most keys are found by one byte comparison, without hashing. */
  readonly #byPosition = new Array<{ bytes: Uint8Array; str: string } | undefined>(64);

  key(position: number, buf: Buffer, start: number, len: number): string {
    const last = position < 64 ? this.#byPosition[position] : undefined;
    if (last && last.bytes.length === len && sameBytes(last.bytes, buf, start)) return last.str;
    const str = this.get(buf, start, len);
    if (position < 64) this.#byPosition[position] = { bytes: Uint8Array.prototype.slice.call(buf, start, start + len), str };
    return str;
  }

  get(buf: Buffer, start: number, len: number): string {
    let h = len;
    for (let i = start; i < start + len; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    const slot = (h >>> 0) % INTERN_SLOTS;
    const hit = this.#slots[slot];
    if (hit && hit.bytes.length === len && sameBytes(hit.bytes, buf, start)) return hit.str;
    const str = buf.toString('utf8', start, start + len);
    this.#slots[slot] = { bytes: Uint8Array.prototype.slice.call(buf, start, start + len), str };
    return str;
  }
}

function sameBytes(a: Uint8Array, buf: Buffer, start: number): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== buf[start + i]) return false;
  return true;
}

class Unsupported extends Error {}

/** A frame's top level: every field the loader writes (agentsight/emit.c) declared up front, so all frames
 * share one object shape. Built key by key from `{}`, frames of a dozen kinds and key orders made V8
 * migrate object maps and recompile the reader over and over (a fifth of its CPU). Keys the loader does
 * not write are still added (slower, but kept). */
class Frame {
  [k: string]: Value | undefined;
  event = undefined; function = undefined; timestamp_ns = undefined; epoch_ns = undefined; comm = undefined;
  pid = undefined; tid = undefined; ppid = undefined; uid = undefined;
  filename = undefined; argv = undefined; cwd = undefined; argv_truncated = undefined;
  exit_code = undefined; signal = undefined; duration_ms = undefined; child_pid = undefined;
  filepath = undefined; newpath = undefined; flags = undefined; ret = undefined; fd = undefined;
  access = undefined; create = undefined; truncate = undefined; directory = undefined;
  family = undefined; family_num = undefined; addr = undefined; port = undefined; target = undefined; path = undefined;
  host = undefined; addrs = undefined;
  len = undefined; buf_size = undefined; latency_ms = undefined; is_handshake = undefined; truncated = undefined;
  bytes_lost = undefined; call_id = undefined; conn = undefined; offset = undefined; last = undefined;
  data = undefined; data_hex = undefined;
  rings = undefined; probes = undefined; malformed = undefined;
}

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer, readonly interner: Interner) {}

  value(): Value {
    const b = this.buf;
    const t = b[this.pos++];
    if (t === undefined) throw new Unsupported('truncated');
    if (t <= 0x7f) return t;
    if (t >= 0xe0) return t - 0x100;
    if ((t & 0xe0) === 0xa0) return this.str(t & 0x1f);
    if ((t & 0xf0) === 0x80) return this.map(t & 0x0f);
    if ((t & 0xf0) === 0x90) return this.array(t & 0x0f);
    const p = this.pos;
    switch (t) {
      case 0xc0: return null;
      case 0xc2: return false;
      case 0xc3: return true;
      case 0xcc: this.pos += 1; return b[p];
      case 0xcd: this.pos += 2; return b.readUInt16BE(p);
      case 0xce: this.pos += 4; return b.readUInt32BE(p);
      case 0xcf: this.pos += 8; return b.readUInt32BE(p) * 0x100000000 + b.readUInt32BE(p + 4);
      case 0xd0: this.pos += 1; return b.readInt8(p);
      case 0xd1: this.pos += 2; return b.readInt16BE(p);
      case 0xd2: this.pos += 4; return b.readInt32BE(p);
      case 0xd3: this.pos += 8; return b.readInt32BE(p) * 0x100000000 + b.readUInt32BE(p + 4);
      case 0xca: this.pos += 4; return b.readFloatBE(p);
      case 0xcb: this.pos += 8; return b.readDoubleBE(p);
      case 0xd9: this.pos += 1; return this.str(b[p]);
      case 0xda: this.pos += 2; return this.str(b.readUInt16BE(p));
      case 0xdb: this.pos += 4; return this.str(b.readUInt32BE(p));
      case 0xc4: this.pos += 1; return this.bin(b[p]);
      case 0xc5: this.pos += 2; return this.bin(b.readUInt16BE(p));
      case 0xc6: this.pos += 4; return this.bin(b.readUInt32BE(p));
      case 0xdc: this.pos += 2; return this.array(b.readUInt16BE(p));
      case 0xdd: this.pos += 4; return this.array(b.readUInt32BE(p));
      case 0xde: this.pos += 2; return this.map(b.readUInt16BE(p));
      case 0xdf: this.pos += 4; return this.map(b.readUInt32BE(p));
      default: throw new Unsupported(`type 0x${t.toString(16)}`);
    }
  }

  str(len: number): string {
    const start = this.pos;
    this.pos += len;
    if (this.pos > this.buf.length) throw new Unsupported('truncated string');
    return len <= INTERN_MAX ? this.interner.get(this.buf, start, len) : this.buf.toString('utf8', start, this.pos);
  }

  bin(len: number): Buffer {
    const start = this.pos;
    this.pos += len;
    if (this.pos > this.buf.length) throw new Unsupported('truncated bytes');
    return this.buf.subarray(start, this.pos);
  }

  array(n: number): Value[] {
    const out = new Array<Value>(n);
    for (let i = 0; i < n; i++) out[i] = this.value();
    return out;
  }

  depth = 0;

  map(n: number): { [k: string]: Value } {
    const top = this.depth++ === 0;
    const out: { [k: string]: Value } = top ? (new Frame() as { [k: string]: Value }) : {};
    const b = this.buf;
    for (let i = 0; i < n; i++) {
      const t = b[this.pos];
      let k: Value;
      if (top && (t & 0xe0) === 0xa0 && this.pos + 1 + (t & 0x1f) <= b.length) {
        // a top-level fixstr key (all of the loader's)
        const len = t & 0x1f;
        k = this.interner.key(i, b, this.pos + 1, len);
        this.pos += 1 + len;
      } else {
        k = this.value();
      }
      if (typeof k !== 'string' || k === '__proto__') throw new Unsupported('non-string or prototype key');
      out[k] = this.value();
    }
    this.depth--;
    return out;
  }
}

/** Decodes one frame body; undefined when it holds anything this reader does not handle (or is malformed). */
export class FrameDecoder {
  readonly #interner = new Interner();

  decode(body: Buffer): unknown {
    const r = new Reader(body, this.#interner);
    try {
      const v = r.value();
      return r.pos === body.length ? v : undefined;
    } catch (err) {
      if (err instanceof Unsupported || err instanceof RangeError) return undefined;
      throw err;
    }
  }
}
