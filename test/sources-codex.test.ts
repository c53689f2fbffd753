// The Codex reader on a synthesized CODEX_HOME (test/fixtures/sources/codex) with the three generations
// and the pitfalls of agent-traces.md §2: null token info, re-emitted totals, a reset (total went down),
// a subagent rollout opening with a replay burst, a turn_context without model, an archived copy of a live
// rollout and an archived-only one, flat JSONL with state markers, a legacy .json document, bad lines.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadHistory, type History } from '../src/sources/index.js';
import { scanTotals } from '../src/sources/totals.js';

const U = (n: number) => `aaaaaaaa-0000-0000-0000-00000000000${n}`;

describe('Codex reader', () => {
  let h: History;
  it('turns cumulative totals into per-call deltas, exactly', async () => {
    h = await loadHistory({ codexDirs: ['test/fixtures/sources/codex'], threads: 0 });
    const t = scanTotals(h);
    expect(t.llmCalls).toBe(6);
    expect(t.usage).toEqual({ input: 3700, output: 250, cacheRead: 2100, cacheWrite5m: 0, cacheWrite1h: 0 });
    expect(t.toolCalls).toBe(7);
    expect(t.sessions).toBe(4); // the subagent rollout is a session with a parent
    expect(t.prompts).toEqual({ human: 5, continue: 0 });
    expect(h.skippedCount).toBe(2);
  });

  it('gives each call its usage, model and prompt', () => {
    const calls = h.calls.filter((c) => c.session === U(1));
    expect(calls.map((c) => [c.usage.input, c.usage.cacheRead, c.usage.output, c.usage.reasoning])).toEqual([
      [800, 200, 50, 10], // first count: the total itself
      [500, 1000, 70, 10], // re-emitted total skipped; delta of the totals
      [800, 100, 30, 0], // the total went down: a reset, the call is last_token_usage
      [600, 500, 50, 5], // delta from the reset total
    ]);
    expect(calls.every((c) => c.model === 'gpt-5.1-codex' && !c.modelGuessed)).toBe(true);
    const prompts = new Map(h.prompts.map((p) => [p.id, p.text]));
    expect(calls.map((c) => prompts.get(c.prompt!))).toEqual(['add a health endpoint', 'add a health endpoint', 'add a health endpoint', 'now write tests']);
    const old = h.calls.find((c) => c.session === U(2))!;
    expect(old).toMatchObject({ model: 'gpt-5', modelGuessed: true, usage: { input: 300, output: 20 } });
  });

  it('skips a subagent replay burst but deltas from it', () => {
    const sub = h.sessions.find((s) => s.id === U(3))!;
    expect(sub.parent).toBe(U(1));
    const calls = h.calls.filter((c) => c.session === U(3));
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ model: 'gpt-5.1-codex-mini', sidechain: true, usage: { input: 700, cacheRead: 300, output: 30 } });
    expect(h.prompts.find((p) => p.session === U(3))).toMatchObject({ text: 'review the patch', sidechain: true });
  });

  it('reads tools: function_call, custom_tool_call, local_shell_call, web_search_call; status from outputs', () => {
    const t = Object.fromEntries(h.tools.map((x) => [x.id, x]));
    expect(t['c-1']).toMatchObject({ name: 'shell', status: 'ok', llmCall: `${U(1)}:1`, hints: [{ kind: 'exec', target: 'cat src/app.ts' }, { kind: 'read', target: 'src/app.ts' }] });
    expect(t['c-2']).toMatchObject({ name: 'apply_patch', status: 'error', llmCall: `${U(1)}:2` });
    expect(t['c-2'].hints).toEqual([
      { kind: 'create', target: 'src/health.ts' }, { kind: 'write', target: 'src/app.ts' }, { kind: 'delete', target: 'old.ts' },
    ]);
    expect(t['c-3']).toMatchObject({ name: 'local_shell', status: 'ok', hints: [{ kind: 'exec', target: 'curl -s https://api.example.com/v1' }, { kind: 'connect', target: 'https://api.example.com/v1' }] });
    expect(t['c-4'].hints).toEqual([
      { kind: 'exec', target: 'npm install zod' }, { kind: 'connect', target: 'registry.npmjs.org' },
      { kind: 'exec', target: 'echo hi' }, { kind: 'write', target: 'out.txt' },
    ]);
    expect(h.tools.filter((x) => x.name === 'web_search')).toHaveLength(1);
    // Flat and legacy generations have no token counts, so their tools belong to no call.
    expect(t['f-1']).toMatchObject({ llmCall: '', status: 'ok', hints: [{ kind: 'exec', target: 'rm -rf dist' }, { kind: 'delete', target: 'dist' }] });
    expect(t['l-1']).toMatchObject({ llmCall: '', status: 'error' });
    const shape = h.calls.find((c) => c.id === `${U(1)}:3`)!.shape;
    expect(shape).toEqual({ toolUses: 1, textChars: 17, thinkingChars: 0, codeBlocks: 1, tools: ['web_search'] });
  });

  it('prefers sessions/ over archived_sessions/, takes the project from cwd (or <environment_context>)', () => {
    const files = h.sessions.map((s) => s.file!.split('/codex/')[1]).sort();
    expect(files).toEqual([
      'archived_sessions/rollout-2026-02-01T09-00-00-aaaaaaaa-0000-0000-0000-000000000002.jsonl',
      'sessions/2025/06/01/rollout-2025-06-01-aaaaaaaa-0000-0000-0000-000000000004.jsonl',
      'sessions/2026/03/01/rollout-2026-03-01T10-00-00-aaaaaaaa-0000-0000-0000-000000000001.jsonl',
      'sessions/2026/03/01/rollout-2026-03-01T10-05-00-aaaaaaaa-0000-0000-0000-000000000003.jsonl',
      'sessions/rollout-2025-04-01-aaaaaaaa-0000-0000-0000-000000000005.json',
    ]);
    const project = Object.fromEntries(h.sessions.map((s) => [s.id, s.project]));
    expect(project).toEqual({ [U(1)]: 'api', [U(2)]: 'web', [U(3)]: 'api', [U(4)]: 'lint', [U(5)]: 'unknown' });
  });

  it('reads Codex 0.171 rollouts: exit codes in text and item_completed, response ids as call ids', async () => {
    const real = await loadHistory({ codexDirs: ['test/fixtures/real/codex-0.171.0'], threads: 0 });
    const sent = JSON.parse(readFileSync('test/fixtures/real/codex-0.171.0/sent.json', 'utf8')) as { replies: { kind: string; tools: { fails?: boolean }[] }[] };
    const tools = sent.replies.filter((r) => r.kind === 'main').flatMap((r) => r.tools);
    expect(tools.some((t) => t.fails)).toBe(true);
    expect(real.tools.map((t) => t.status)).toEqual(tools.map((t) => (t.fails ? 'error' : 'ok')));
    expect(real.calls.every((c) => /^resp_/.test(c.id))).toBe(true);
    expect(real.tools.every((t) => real.calls.some((c) => c.id === t.llmCall))).toBe(true);
  });
});
