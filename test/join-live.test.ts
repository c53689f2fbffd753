// The live pipeline on src/join: a call seen in TLS before its trace line (the usual order) is counted
// once, moved to its session when the trace copy arrives, and its pid is bound by the message id, so
// the effects of that process tree land under the session's tools — no trace-file write needed.
import { describe, expect, it } from 'vitest';
import type { ApiCall } from '../src/http/types.js';
import { LiveRuntime } from '../src/live/runtime.js';
import { FirstWordTagger } from '../src/live/tagger.js';
import type { LlmCall } from '../src/model.js';
import { T0 } from './live-fixtures.js';

const usage = { input: 300, output: 40, cacheRead: 2000, cacheWrite5m: 0, cacheWrite1h: 0 };
const shape = { toolUses: 1, textChars: 0, thinkingChars: 0, codeBlocks: 0, tools: ['Bash'] };
const tls = (id: string, pid: number, ts: number, prompt: string): ApiCall =>
  ({ id, api: 'anthropic-messages', pid, ts, end: ts + 800, model: 'claude-sonnet-4-5-20250929', usage, shape, prompt, path: '/v1/messages', stream: true });
const stacks = (rt: LiveRuntime, view: 'tokens' | 'files') =>
  Object.fromEntries(rt.hub.profile(view, 'all').samples.map((s) => [s.stack.join(';'), s.weight]));

describe('live on the one join', () => {
  it('TLS first, trace line later: counted once, moved to the session, its pid bound by the message id', async () => {
    const rt = new LiveRuntime({ tagger: new FirstWordTagger(), clock: () => T0 + 60_000, kernel: () => true });
    const first = rt.pipeline.tlsCall(tls('msg_t1', 800, T0 + 100, 'debug the flaky test'));
    expect(first.call.session).toBe('unbound');
    await rt.push({ calls: [first.call], prompts: first.prompt ? [first.prompt] : [] });
    expect(stacks(rt, 'tokens')['agent:agentsight;prompt:debug;call:llm/tool;model:claude-sonnet-4-5-20250929;token:input']).toBe(300);
    expect(rt.hub.sessions.get('unbound')).toMatchObject({ calls: 1, tokens: 2340 });

    // The trace file catches up: its session, its prompt, the same message (usage repeated).
    const s = 'a1b2c3d4-0000-4000-8000-000000000001';
    const line: LlmCall = { id: 'msg_t1', session: s, prompt: 'u1', ts: T0 + 150, end: T0 + 900, model: 'claude-sonnet-4-5-20250929', usage, shape };
    await rt.push({
      sessions: [{ id: s, agent: 'claude', cwd: '/w/app', project: 'app', file: `/h/.claude/projects/-w-app/${s}.jsonl`, start: T0, end: T0 + 900 }],
      prompts: [{ id: 'u1', session: s, ts: T0, text: 'debug the flaky test', kind: 'human' }],
      calls: [line],
      tools: [{ id: 'toolu_t1', session: s, llmCall: 'msg_t1', name: 'Bash', ts: T0 + 900, end: T0 + 900, status: 'unknown', hints: [] }],
      // A child of the pid that made the call: no trace-file write of its tree was seen.
      processes: [{ pid: 801, ppid: 800, comm: 'cat', start: T0 + 1000 }],
      effects: [{ ts: T0 + 1001, kind: 'read', target: '/w/app/src/flaky.test.ts', evidence: 'kernel', pid: 801 }],
    });
    const tokens = stacks(rt, 'tokens');
    expect(tokens['agent:claude;prompt:debug;call:llm/tool;model:claude-sonnet-4-5-20250929;token:input']).toBe(300);
    expect(Object.keys(tokens).some((k) => k.startsWith('agent:agentsight'))).toBe(false);
    expect(rt.hub.profile('tokens', 'all').total).toBe(2340);
    expect(rt.hub.sessions.has('unbound')).toBe(false);
    expect(rt.hub.sessions.get(s)).toMatchObject({ calls: 1, tokens: 2340 });
    expect(stacks(rt, 'files')['prompt:debug;tool:Bash;process:cat;file:src/flaky.test.ts;effect:read']).toBe(1);

    // The next TLS call of that process is placed in the session straight away.
    const next = rt.pipeline.tlsCall(tls('msg_t2', 800, T0 + 2000, 'debug the flaky test'));
    expect(next.call).toMatchObject({ session: s, prompt: 'u1' });
  });
});
