// The real Claude Code CLI (node build 2.1.112) under the collector, against the scripted model server
// over HTTPS: its TLS plaintext (POST /v1/messages, the SSE reply with usage) comes out of node's
// embedded OpenSSL, and its Bash tool's processes and its file edits appear under its pid tree.
// The collector runs with its default scope: node on …/@anthropic-ai/claude-code/cli.js is recognised as
// Claude Code at its exec (agentsight/agents.c) and traced with its children from there.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentRun } from '../scripts/agents/agent-run.js';
import { BUG } from '../scripts/agents/repo.js';
import type { CollectorRecord, KernelEffect, TlsChunk } from '../src/sources/collector.js';
import type { Process } from '../src/model.js';
import { cannotTrace, tlsOf, traceClaude } from './collector-harness.js';

const skip = cannotTrace();
if (skip) console.warn(`collector Claude Code test skipped: ${skip}`);

describe.skipIf(skip)('collector: the real Claude Code (node build)', () => {
  let run: AgentRun;
  let mine: CollectorRecord[] = [];

  beforeAll(async () => {
    ({ run, mine } = await traceClaude([], false));
  }, 240_000);

  const chunks = (dir: 'read' | 'write'): TlsChunk[] => tlsOf(mine, run.pid, dir);
  const effects = (): KernelEffect[] => mine.flatMap((r) => (r.type === 'effect' ? [r.effect] : []));

  it('recognises it as Claude Code, TLS probed', () => {
    const seen = mine.flatMap((r) => (r.type === 'agent' && r.agent.pid === run.pid ? [r.agent] : []));
    expect(seen).toEqual([expect.objectContaining({ agent: 'claude', tlsProbed: true })]);
  });

  it('captures each POST /v1/messages request whole', () => {
    const posts = chunks('write').filter((c) => c.data.subarray(0, 40).toString('latin1').startsWith('POST /v1/messages'));
    const served = run.sent.requests.filter((r) => r.method === 'POST' && r.url.startsWith('/v1/messages'));
    expect(posts.length).toBe(served.length);
    for (const p of posts) {
      expect(p.truncated).toBe(false);
      expect(p.data.length).toBe(p.len);
      expect(p.data.length).toBeGreaterThan(16384); // ~100 KB: reassembled from ring chunks
      expect(p.host).toBe('localhost');
      expect(p.comm).toBe('claude');
      const body = p.data.toString('utf8');
      expect(body).toMatch(/\r\n\r\n\{.*"stream":\s*true/s);
    }
  });

  it('captures the SSE replies with their usage', () => {
    const text = chunks('read').map((c) => c.data.toString('utf8')).join('');
    expect(text).toContain('content-type: text/event-stream');
    const replies = run.sent.replies.filter((r) => r.api === 'anthropic');
    for (const r of replies) {
      expect(text).toContain(r.id); // message_start's message.id
      expect(text).toContain(`"output_tokens":${r.wireUsage.output_tokens as number}`);
    }
    expect(text.match(/event: message_stop/g)?.length).toBe(replies.length);
  });

  it('puts the Bash tool processes and the file edit under its pid tree', () => {
    const procs = new Map<number, Process>();
    for (const r of mine) if (r.type === 'process') procs.set(r.process.pid, r.process);
    const testRun = [...procs.values()].find((p) => p.argv?.join(' ') === 'node --test test/');
    expect(testRun).toBeDefined();
    // node --test ← bash -c … ← claude
    const shell = procs.get(testRun!.ppid)!;
    expect(shell.comm).toBe('bash');
    expect(shell.ppid).toBe(run.pid);
    const app = join(run.repoDir, BUG.file);
    expect(effects().some((e) => e.kind === 'read' && e.target === app && e.pid === run.pid)).toBe(true); // Read tool
    expect(effects().some((e) => e.kind === 'write' && e.target === app && e.pid === run.pid)).toBe(true); // Edit (tmp + rename)
    expect(effects().some((e) => e.kind === 'connect' && e.pid === run.pid && e.domain === 'localhost')).toBe(true);
  });
});
