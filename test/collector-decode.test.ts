// The reader's decoding, without the kernel: msgpack frames split anywhere, JSON lines (ours and an
// installed AgentSight's, with its collector envelope), chunked TLS calls with a lost chunk, bad input
// counted and skipped, boot-time ns mapped to epoch ms.
import { encode } from '@msgpack/msgpack';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CollectorDecoder, CollectorStream, openKind, readCollector, recordsToBatch, type CollectorRecord, type TlsChunk } from '../src/sources/collector.js';

const frame = (o: unknown): Buffer => {
  const body = Buffer.from(encode(o));
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
};

const hdr = (pid: number, extra: Record<string, unknown>) => ({
  timestamp_ns: 5_000_000_000, epoch_ns: 1_700_000_000_000_000_000, comm: 'claude', pid, tid: pid, ppid: 1, uid: 0, ...extra,
});

const sslChunk = (callId: number, offset: number, data: string, last: boolean, len: number) => hdr(10, {
  function: 'WRITE/SEND', len, buf_size: len, latency_ms: 0.1, is_handshake: false, ret: len, truncated: false,
  call_id: callId, conn: 0xabc, offset, last, data: Buffer.from(data),
});

const tls = (recs: CollectorRecord[]): TlsChunk[] => recs.flatMap((r) => (r.type === 'tls' ? [r.chunk] : []));

describe('collector reader', () => {
  it('decodes frames split at every byte boundary', () => {
    const wire = Buffer.concat([
      frame(hdr(10, { event: 'EXEC', filename: '/usr/bin/cat', argv: ['cat', 'a.txt'], cwd: '/repo', argv_truncated: false })),
      frame(hdr(10, { event: 'FILE_OPEN', filepath: '/repo/a.txt', flags: 0, ret: 3 })),
      frame(hdr(10, { event: 'EXIT', exit_code: 0, signal: 0, duration_ms: 2, epoch_ns: 1_700_000_000_002_000_000 })),
    ]);
    const s = new CollectorStream();
    const recs: CollectorRecord[] = [];
    for (let i = 0; i < wire.length; i++) recs.push(...s.push(wire.subarray(i, i + 1)));
    expect(recs.map((r) => r.type)).toEqual(['process', 'effect', 'effect', 'process']);
    const batch = recordsToBatch(recs);
    expect(batch.processes).toEqual([{ pid: 10, ppid: 1, comm: 'claude', uid: 0, start: 1_700_000_000_000, filename: '/usr/bin/cat',
      argv: ['cat', 'a.txt'], cwd: '/repo', exit: 1_700_000_000_002, exitCode: 0 }]);
    expect(batch.effects?.map((e) => `${e.kind} ${e.target} ${e.evidence}`)).toEqual(['exec cat a.txt kernel', 'read /repo/a.txt kernel']);
    expect(s.skipped).toBe(0);
  });

  it('reassembles a chunked TLS call and flags a lost chunk', () => {
    const d = new CollectorDecoder();
    const body = 'POST /v1/messages HTTP/1.1\r\nHost: api.anthropic.com\r\n\r\n' + 'x'.repeat(40_000);
    const parts = [body.slice(0, 16384), body.slice(16384, 32768), body.slice(32768)];
    const out = [
      ...d.decode(sslChunk(1, 0, parts[0], false, body.length)),
      ...d.decode(sslChunk(1, 16384, parts[1], false, body.length)),
      ...d.decode(sslChunk(1, 32768, parts[2], true, body.length)),
    ];
    const [whole] = tls(out);
    expect(whole.data.toString()).toBe(body);
    expect(whole).toMatchObject({ truncated: false, direction: 'write', dir: 'write', host: 'api.anthropic.com', conn: '10:abc', tid: 10 });
    // The middle chunk dropped in the ring: the call is delivered, marked truncated.
    const lost = [...d.decode(sslChunk(2, 0, parts[0], false, body.length)), ...d.decode(sslChunk(2, 32768, parts[2], true, body.length))];
    expect(tls(lost)[0].truncated).toBe(true);
  });

  it('reads JSON lines: ours, AgentSight probe lines and its collector envelope', async () => {
    const lines = [
      JSON.stringify(hdr(7, { event: 'NET_CONNECT', family: 'AF_INET', addr: '10.0.0.1', port: 443, target: '10.0.0.1:443', ret: -115, fd: 3 })),
      // AgentSight's sslsniff: boot-time ns only, one event per call, no call_id
      JSON.stringify({ function: 'READ/RECV', timestamp_ns: 2_000_000_000, comm: 'HTTP Client', pid: 7, tid: 9, uid: 0, len: 5, buf_size: 5, data: 'hello', truncated: false }),
      JSON.stringify({ timestamp: 1, source: 'process', pid: 7, comm: 'bash', data: { event: 'EXEC', timestamp: 3_000_000_000, comm: 'bash', pid: 8, ppid: 7, filename: '/bin/bash' } }),
      'not json',
      JSON.stringify({ event: 'STATS', epoch_ns: 1_700_000_001_000_000_000, rings: { events: { events: 5, bytes: 500, drops: 2 } }, malformed: 0,
        probes: { exit_openat: { runs: 10, ns: 4000 } } }),
    ];
    const skips: string[] = [];
    const recs: CollectorRecord[] = [];
    for await (const b of readCollector(Readable.from([lines.join('\n')]), { bootEpochMs: 1_000, onSkip: (s) => skips.push(`${s.file}:${s.line} ${s.reason}`) })) recs.push(...b);
    const connect = recs.find((r) => r.type === 'effect')!;
    expect(connect.type === 'effect' && connect.effect).toMatchObject({ kind: 'connect', target: '10.0.0.1:443', ok: true });
    const [read] = tls(recs);
    expect(read).toMatchObject({ ts: 3_000, comm: 'HTTP Client', direction: 'read', truncated: false });
    expect(read.data.toString()).toBe('hello');
    const exec = recs.find((r) => r.type === 'process');
    expect(exec?.type === 'process' && exec.process).toMatchObject({ pid: 8, ppid: 7, start: 4_000, filename: '/bin/bash' });
    expect(skips).toEqual([expect.stringMatching(/^collector:4 bad JSON/)]);
    const stats = recs.find((r) => r.type === 'stats');
    expect(stats?.type === 'stats' && stats.stats.rings.events).toEqual({ events: 5, bytes: 500, drops: 2 });
    expect(stats?.type === 'stats' && stats.stats.probes).toEqual({ exit_openat: { runs: 10, ns: 4000 } });
  });

  it('names connects from DNS answers, else from the TLS name that follows', () => {
    const d = new CollectorDecoder();
    d.decode(hdr(7, { event: 'DNS_RESOLVE', host: 'api.anthropic.com', ret: 0, addrs: ['160.79.104.10'] }));
    const [a] = d.decode(hdr(7, { event: 'NET_CONNECT', addr: '160.79.104.10', port: 443, target: '160.79.104.10:443', ret: 0 }));
    expect(a.type === 'effect' && a.effect.domain).toBe('api.anthropic.com');
    const [b] = d.decode(hdr(7, { event: 'NET_CONNECT', addr: '10.1.1.1', port: 443, target: '10.1.1.1:443', ret: -115 }));
    const named = d.decode(hdr(7, { event: 'TLS_SNI', conn: 1, host: 'example.org' }));
    expect(named).toEqual([{ type: 'domain', effect: b.type === 'effect' ? b.effect : undefined, domain: 'example.org' }]);
    expect(b.type === 'effect' && b.effect.domain).toBe('example.org');
  });

  it('maps open flags to read / write / create / truncate', () => {
    expect(openKind(0)).toEqual({ kind: 'read', mode: 'read' });
    expect(openKind(0o1 | 0o100 | 0o1000)).toEqual({ kind: 'write', mode: 'truncate' });
    expect(openKind(0o1 | 0o100 | 0o200)).toEqual({ kind: 'create', mode: 'create' });
    expect(openKind(0o2)).toEqual({ kind: 'write', mode: 'write' });
    expect(openKind(0o2000 | 0o1 | 0o100)).toEqual({ kind: 'write', mode: 'create' }); // append, maybe new
  });

  it('stops on a frame length that cannot be a frame, and counts a cut-off frame', () => {
    const s = new CollectorStream({ form: 'msgpack' });
    expect(s.push(Buffer.from([0x7f, 0xff, 0xff, 0xff, 1, 2]))).toEqual([]);
    expect(s.skipped).toBe(1);
    const t = new CollectorStream();
    t.push(frame(hdr(1, { event: 'FORK', child_pid: 2 })).subarray(0, 10));
    t.end();
    expect(t.skipped).toBe(1);
  });
});
