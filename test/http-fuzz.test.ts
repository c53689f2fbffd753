import { beforeAll, describe, expect, it } from 'vitest';
import { assembleCalls } from '../src/http/assembler.js';
import type { ApiCall, TlsChunk } from '../src/http/types.js';
import { mixedExchanges } from './fixtures/agentsight/exchanges.js';
import { captureExchanges, prng, resplit, SECRET_KEY } from './fixtures/agentsight/wire.js';

// Times depend on where a split falls; everything else must not.
const stable = (calls: ApiCall[]) => calls.map(({ ts: _t, end: _e, ...rest }) => rest);

describe('HTTP/SSE reassembly from real wire bytes', () => {
  let chunks: TlsChunk[];
  beforeAll(async () => {
    chunks = await captureExchanges(mixedExchanges());
  });

  it('turns one keep-alive connection into the LLM calls, with usage normalized', () => {
    const { calls, problems } = assembleCalls(chunks);
    expect(calls.map((c) => [c.api, c.id, c.model])).toEqual([
      ['anthropic-messages', 'msg_01AAA', 'claude-sonnet-4-5'],
      ['anthropic-messages', 'msg_01BBB', 'claude-sonnet-4-5'],
      ['anthropic-messages', 'msg_01CCC', 'claude-haiku-4-5'],
      ['openai-responses', 'resp_01DDD', 'gpt-5.1-codex'],
      ['openai-chat', 'chatcmpl-01EEE', 'gpt-4.1'],
    ]);
    const [a1, a2, a3, r1, c1] = calls;
    expect(a1.usage).toEqual({ input: 12, output: 80, cacheRead: 5000, cacheWrite5m: 300, cacheWrite1h: 0 });
    expect(a1.shape.tools).toEqual(['Bash']);
    expect(a1.prompt).toBe('fix the failing test');
    expect(a1.requestId).toBe('req_2');
    expect(a1.stream).toBe(true);
    expect(a1.domain).toBe('api.example.test');
    expect(a2.shape.tools).toEqual(['Edit']);
    expect(a2.usage.output).toBe(120);
    expect(a3.stream).toBe(false);
    expect(a3.prompt).toBe('summarize');
    expect(r1.usage).toEqual({ input: 700, output: 60, cacheRead: 300, cacheWrite5m: 0, cacheWrite1h: 0, reasoning: 20 });
    expect(r1.prompt).toBe('list the files');
    expect(r1.shape.tools).toEqual(['exec_command']);
    expect(c1.usage).toMatchObject({ input: 800, cacheRead: 100, output: 40 });
    expect(c1.shape).toMatchObject({ tools: ['read_file'], codeBlocks: 1 });
    expect(calls.every((c) => !c.truncated)).toBe(true);
    expect(problems.map((p) => p.reason)).toEqual(['API error 429']);
  });

  it('never keeps a secret', () => {
    const { calls } = assembleCalls(chunks);
    expect(JSON.stringify(calls)).not.toContain('SECRET');
    expect(JSON.stringify(calls)).not.toContain(SECRET_KEY.slice(0, 12));
  });

  it('gets identical calls whatever the chunk boundaries (200 random splits)', () => {
    const expected = stable(assembleCalls(chunks).calls);
    for (let seed = 1; seed <= 200; seed++) {
      const { calls } = assembleCalls(resplit(chunks, prng(seed)));
      expect(stable(calls), `seed ${seed}`).toEqual(expected);
    }
  });

  it('recovers after lost bytes: the damaged exchange is truncated, the next ones are intact', () => {
    // Drop the middle of the first SSE response, as a probe's copy cap or a lost ring-buffer slot would.
    const reads = chunks.map((c, i) => [c, i] as const).filter(([c]) => c.dir === 'read' && c.data.includes('message_start'));
    const damaged = chunks.filter((_, i) => i !== reads[0][1] + 1);
    const { calls } = assembleCalls(damaged);
    expect(calls.map((c) => c.id)).toContain('msg_01BBB');
    expect(calls.map((c) => c.id)).toContain('resp_01DDD');
  });
});
