// The collector's own msgpack reader (src/sources/collector-msgpack.ts) against @msgpack/msgpack: the
// same objects for every shape the loader writes (and the encodings the library picks for other values),
// and "not mine" (undefined, so the library decodes it) for what it does not handle.
import { Decoder, encode, ExtensionCodec } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { FrameDecoder } from '../src/sources/collector-msgpack.js';

const hdr = (extra: Record<string, unknown>) => ({
  timestamp_ns: 91_234_567_890_123, epoch_ns: 1_764_230_000_123_456_789, comm: 'claude', pid: 4242, tid: 4243, ppid: 1, uid: 1000,
  ...extra,
});

// One frame of each kind the loader sends (agentsight/emit.c), with the awkward values in them.
const FRAMES: Record<string, unknown>[] = [
  hdr({ event: 'EXEC', filename: '/usr/bin/git', argv: ['git', 'commit', '-m', 'fix: naïve ünïcode — 修复'], cwd: '/home/u/repo', argv_truncated: false }),
  hdr({ event: 'EXIT', exit_code: 0, signal: 9, duration_ms: 12.5 }),
  hdr({ event: 'FORK', child_pid: 70_000 }),
  hdr({ event: 'FILE_OPEN', filepath: '/home/u/repo/src/a very long path name/that is longer than the intern limit.ts', flags: 0o1101, ret: -13, dirfd: -100 }),
  hdr({ event: 'FILE_RENAME', filepath: '/tmp/x', newpath: '/tmp/y', ret: 0 }),
  hdr({ event: 'NET_CONNECT', family: 'AF_INET6', addr: '::1', port: 443, ret: -115, target: '[::1]:443' }),
  hdr({ event: 'DNS_RESOLVE', host: 'api.anthropic.com', ret: 0, addrs: ['160.79.104.10', '2607:6bc0::10'] }),
  hdr({ function: 'READ/RECV', len: 70_000, buf_size: 65_536, latency_ms: 0.0123, is_handshake: false, ret: 70_000, truncated: true,
    bytes_lost: 4_464, call_id: 123_456, conn: 0x7f12_3456_789a, offset: 16_384, last: false,
    data: Buffer.from('event: message_delta\ndata: {"usage":{"output_tokens":86}}\n\n'.repeat(40)) }),
  hdr({ function: 'HANDSHAKE', len: 0, ret: 1, data: null }),
  { event: 'STATS', timestamp_ns: 1, epoch_ns: 2, malformed: 0,
    rings: { events: { events: 2 ** 40, bytes: 2 ** 33 + 5, drops: 0 }, ssl: { events: 1, bytes: 255, drops: 256 } },
    probes: { ssl_ret: { runs: 65_535, ns: 4_294_967_296 } } },
];

// Every integer width and sign, floats of both sizes, strings and byte strings at each length boundary.
const EDGES: unknown[] = [
  0, 127, 128, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER,
  -1, -32, -33, -128, -129, -32_768, -32_769, -(2 ** 31), -(2 ** 31) - 1, Number.MIN_SAFE_INTEGER,
  0.5, -1.25e-300, 1e300, true, false, null,
  '', 'a'.repeat(24), 'b'.repeat(25), 'c'.repeat(31), 'd'.repeat(32), 'e'.repeat(255), 'f'.repeat(256), 'g'.repeat(70_000), '日本語のテキスト',
  Buffer.alloc(0), Buffer.alloc(255, 1), Buffer.alloc(256, 2), Buffer.alloc(65_536, 3),
  [], [[1, [2, [3]]]], Array.from({ length: 20 }, (_, i) => i), {}, { a: { b: { c: {} } } },
  Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])),
];

const lib = new Decoder();
const same = (v: unknown) => {
  const body = Buffer.from(encode(v));
  expect(new FrameDecoder().decode(body)).toEqual(lib.decode(body));
};

describe('collector msgpack reader', () => {
  it('decodes every frame kind the loader writes exactly as @msgpack/msgpack does', () => {
    const d = new FrameDecoder();
    for (let round = 0; round < 3; round++) {
      // the same decoder many times: interned keys and values must come back right every time
      for (const f of FRAMES) {
        const body = Buffer.from(encode(f));
        expect(d.decode(body)).toEqual(lib.decode(body));
      }
    }
  });

  it('decodes every encoding width at its boundaries', () => {
    for (const v of EDGES) same({ v });
    for (const v of EDGES) same(v);
    // float32 is never written by the library's encoder: hand-made
    const f32 = Buffer.from([0x81, 0xa1, 0x66, 0xca, 0x3f, 0xc0, 0x00, 0x00]);
    expect(new FrameDecoder().decode(f32)).toEqual({ f: 1.5 });
  });

  it('keeps short strings apart when they share an intern slot', () => {
    const d = new FrameDecoder();
    const keys = Array.from({ length: 20_000 }, (_, i) => `p${i.toString(36)}`); // far more than the 4096 slots
    for (const k of keys) expect(d.decode(Buffer.from(encode({ [k]: k })))).toEqual({ [k]: k });
  });

  it('hands byte strings out as views of the frame, not copies', () => {
    const body = Buffer.from(encode({ data: Buffer.from('plaintext') }));
    const o = new FrameDecoder().decode(body) as { data: Buffer };
    expect(o.data.buffer).toBe(body.buffer);
    expect(o.data.toString()).toBe('plaintext');
  });

  it('answers undefined for what it does not handle, so the caller falls back to the library', () => {
    const codec = new ExtensionCodec();
    codec.register({ type: 1, encode: (x) => (x instanceof Set ? encode([...x]) : null), decode: (b) => new Set(lib.decode(b) as unknown[]) });
    const d = new FrameDecoder();
    expect(d.decode(Buffer.from(encode({ s: new Set([1]) }, { extensionCodec: codec })))).toBeUndefined(); // ext
    const ok = Buffer.from(encode({ a: 1 }));
    expect(d.decode(Buffer.concat([ok, Buffer.from([0x01])]))).toBeUndefined(); // trailing bytes
    expect(d.decode(ok.subarray(0, ok.length - 1))).toBeUndefined(); // truncated
    expect(d.decode(Buffer.from(encode({ s: 'x'.repeat(300) })).subarray(0, 100))).toBeUndefined(); // truncated string
    expect(d.decode(Buffer.from([0x81, 0x01, 0x02]))).toBeUndefined(); // a non-string key
    expect(d.decode(Buffer.from([0xc1]))).toBeUndefined(); // never-used type byte
  });
});
