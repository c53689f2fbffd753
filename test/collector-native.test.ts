// The native Claude Code build (2.1.197: Bun, BoringSSL linked statically and stripped) under the
// collector: SSL_write/SSL_read/SSL_do_handshake are located without symbols
// (src/sources/collector-boringssl.ts), probed by file offset, and the plaintext of its API traffic comes
// out as for the node build — requests, SSE replies with usage — from its "HTTP Client" thread.
import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentRun } from '../scripts/agents/agent-run.js';
import { agentCommand } from '../scripts/agents/install.js';
import { findBoringSslProbes, sslOffsetsArg, type BoringSslProbes } from '../src/sources/collector-boringssl.js';
import type { CollectorRecord, TlsChunk } from '../src/sources/collector.js';
import type { Process } from '../src/model.js';
import { cannotTrace, tlsOf, traceClaude } from './collector-harness.js';

const skip = cannotTrace();
if (skip) console.warn(`collector native Claude Code test skipped: ${skip}`);

describe.skipIf(skip)('collector: the native Claude Code (Bun, stripped BoringSSL)', () => {
  let binary: string;
  let probes: BoringSslProbes | null;
  let run: AgentRun;
  let mine: CollectorRecord[] = [];

  beforeAll(async () => {
    binary = agentCommand('claude-native').nativeBinary!;
    probes = findBoringSslProbes(binary);
    if (!probes) throw new Error(`BoringSSL functions not found in ${binary}`);
    ({ run, mine } = await traceClaude(['--ssl-offsets', sslOffsetsArg(binary, probes)], true));
  }, 240_000);

  const chunks = (dir: 'read' | 'write'): TlsChunk[] => tlsOf(mine, run.pid, dir);

  it('finds the three functions as clean entries, and not in binaries without BoringSSL', () => {
    expect(probes!.evidence[0]).toContain('boringssl/ssl/ssl_lib.cc');
    expect(new Set([probes!.write, probes!.read, probes!.handshake]).size).toBe(3);
    expect(findBoringSslProbes('/usr/bin/curl')).toBeNull();
  });

  it('recognises the native executable as Claude Code, TLS probed at its offsets', () => {
    const seen = mine.flatMap((r) => (r.type === 'agent' && r.agent.pid === run.pid ? [r.agent] : []));
    expect(seen).toEqual([expect.objectContaining({ agent: 'claude', exe: binary, tlsProbed: true })]);
  });

  it('captures every POST /v1/messages and the SSE replies with their usage', () => {
    // Bun writes a ~100 KB request in 16 KB SSL_write calls: the connection's writes, in order, hold it.
    const sent = chunks('write').map((c) => c.data.toString('utf8')).join('');
    const served = run.sent.requests.filter((r) => r.method === 'POST' && r.url.startsWith('/v1/messages'));
    expect(sent.match(/POST \/v1\/messages\?beta=true HTTP\/1\.1\r\n/g)?.length).toBe(served.length);
    expect(chunks('write').every((c) => !c.truncated && c.data.length === c.len)).toBe(true);
    const got = chunks('read').map((c) => c.data.toString('utf8')).join('');
    for (const r of run.sent.replies.filter((x) => x.api === 'anthropic')) {
      expect(got).toContain(r.id);
      expect(got).toContain(`"output_tokens":${r.wireUsage.output_tokens as number}`);
    }
    const threads = new Set(chunks('write').map((c) => c.tid));
    expect(threads.has(run.pid)).toBe(false); // TLS runs on Bun's "HTTP Client" thread
    expect(chunks('write')[0].comm).toBe('claude'); // the process's name, not the thread's
  });

  it('puts the Bash tool processes under its pid tree', () => {
    const procs = new Map<number, Process>();
    for (const r of mine) if (r.type === 'process') procs.set(r.process.pid, r.process);
    const testRun = [...procs.values()].find((p) => p.argv?.join(' ') === 'node --test test/');
    expect(testRun).toBeDefined();
    expect(procs.get(testRun!.ppid)?.ppid).toBe(run.pid);
  });
});
