// A small hand-built EventBatch in the model's own types: one Claude session with a debug prompt, a
// continuation, tool calls naming files inside and outside the project, URLs and a private host.
import { emptyBatch, emptyUsage, type EventBatch, type LlmCall, type ResponseShape, type ToolCall } from '../src/model.js';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const shape = (x: Partial<ResponseShape>): ResponseShape => ({ toolUses: 0, textChars: 0, thinkingChars: 0, codeBlocks: 0, tools: [], ...x });

export function fixtureBatch(): EventBatch {
  const b = emptyBatch();
  b.sessions.push({ id: 's1', agent: 'claude', cwd: '/home/zelda/src/app', project: 'app', start: T0, end: T0 + 3_600_000 });
  b.prompts.push(
    { id: 'p1', session: 's1', ts: T0, text: 'fix the crash in src/a.ts', kind: 'human' },
    { id: 'p2', session: 's1', ts: T0 + 600_000, text: 'This session is being continued from a previous conversation…', kind: 'continue' },
    { id: 'p3', session: 's1', ts: T0 + 1_000, text: '<command-name>/clear</command-name>', kind: 'meta' },
  );
  const call = (id: string, prompt: string | null, ts: number, end: number, model: string, usage: Partial<LlmCall['usage']>, s: Partial<ResponseShape>): LlmCall =>
    ({ id, session: 's1', prompt, ts, end, model, usage: { ...emptyUsage(), ...usage }, shape: shape(s) });
  b.calls.push(
    call('c1', 'p1', T0 + 4_000, T0 + 5_000, 'claude-sonnet-4-5-20250929', { input: 100, output: 50, cacheRead: 1000, cacheWrite5m: 200 }, { toolUses: 2, tools: ['Bash', 'WebFetch'], textChars: 10 }),
    call('c2', 'p1', T0 + 20_000, T0 + 22_000, 'claude-sonnet-4-5-20250929', { input: 10, output: 500, cacheRead: 1200, cacheWrite1h: 300 }, { toolUses: 1, tools: ['Edit'] }),
    call('c3', 'p2', T0 + 601_000, T0 + 603_000, 'claude-opus-4-6', { input: 5, output: 70, cacheRead: 2000 }, { textChars: 400, codeBlocks: 1 }),
    call('c4', null, T0 + 2_000_000, T0 + 2_001_000, 'mystery-model', { input: 7, output: 3 }, { textChars: 5 }),
  );
  const tool = (id: string, llmCall: string, name: string, ts: number, end: number, hints: ToolCall['hints']): ToolCall =>
    ({ id, session: 's1', llmCall, name, ts, end, status: 'ok', hints });
  b.tools.push(
    tool('t1', 'c1', 'Bash', T0 + 5_000, T0 + 15_000, [
      { kind: 'exec', target: 'cat src/a.ts > /tmp/out.txt' }, { kind: 'read', target: 'src/a.ts' }, { kind: 'write', target: '/tmp/out.txt' },
    ]),
    tool('t2', 'c1', 'WebFetch', T0 + 5_000, T0 + 7_000, [{ kind: 'connect', target: 'https://api.github.com/repos/x/y?token=abc' }]),
    // Left waiting on a permission dialog for an hour: capped.
    tool('t3', 'c2', 'Edit', T0 + 22_000, T0 + 22_000 + 3_600_000, [{ kind: 'write', target: '/home/zelda/src/app/src/b.ts' }]),
  );
  b.skippedCount = 2;
  return b;
}

export const fixtureTags = new Map([['p1', 'debug']]);
