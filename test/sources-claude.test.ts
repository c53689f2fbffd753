// The Claude Code reader on a synthesized history with every layout and pitfall of
// /work/shared/formats/agent-traces.md §1 (test/fixtures/sources/claude, made by hand to be read by eye):
// streamed responses split per block with partial output_tokens, a resumed session copying earlier lines
// (CRLF line ends), inline sidechains, a legacy agent-*.jsonl holding a copy of an inline line, a
// subagents/ file with .meta.json, <synthetic> and API-error rows, Task toolUseResult.usage, every meta
// prompt kind, compaction, and bad lines (blank, null, array, number, malformed, truncated last line).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadHistory, type History } from '../src/sources/index.js';
import { scanTotals } from '../src/sources/totals.js';

const ROOT = 'test/fixtures/sources/claude';
const load = (threads = 0) => loadHistory({ claudeDirs: [ROOT], threads });

describe('Claude Code reader', () => {
  let h: History;
  it('counts every streamed response once, across files, with the max output and the 5m/1h split', async () => {
    h = await load();
    const t = scanTotals(h);
    expect(t.llmCalls).toBe(8);
    expect(t.usage).toEqual({ input: 33, output: 188, cacheRead: 3760, cacheWrite5m: 90, cacheWrite1h: 40 });
    expect(t.toolCalls).toBe(6);
    expect(t.sessions).toBe(2);
    expect(t.prompts).toEqual({ human: 3, continue: 2 });
    expect(t.models['claude-haiku-4-5']).toEqual({ calls: 2, usage: { input: 11, output: 24, cacheRead: 150, cacheWrite5m: 0, cacheWrite1h: 0 } });
    // <synthetic>, the API error (999 tokens) and the Task result's usage (99999) never count.
    expect(h.calls.map((c) => c.model)).not.toContain('<synthetic>');
    expect(h.calls.find((c) => c.id === 'err1')).toBeUndefined();
  });

  it('classifies prompts: human, continue, meta', () => {
    const kinds = Object.fromEntries(h.prompts.map((p) => [p.id, p.kind]));
    expect(kinds).toMatchObject({
      u1: 'human', u3: 'human', u10: 'human', u2: 'continue', u2b: 'continue',
      'u-meta1': 'meta', 'u-meta2': 'meta', 'u-meta3': 'meta', 'u-meta4': 'meta', 'u-meta5': 'meta',
    });
    // Tool results are not prompts; the resumed copy of u1 is listed once.
    expect(h.prompts.filter((p) => p.id === 'u1')).toHaveLength(1);
    expect(h.prompts.find((p) => p.id === 'u1r1')).toBeUndefined();
    expect(h.prompts.filter((p) => p.sidechain).map((p) => p.text).sort()).toEqual(['explore the repo', 'legacy task', 'write docs']);
  });

  it('links each call to its prompt; sidechains to the prompt that spawned them', () => {
    const prompt = Object.fromEntries(h.calls.map((c) => [c.id, c.prompt]));
    expect(prompt).toEqual({
      m1: 'u1', m2: 'u2', m3: 'u3', m6: 'u3', m5: 'u10',
      m4: 'u3', // inline sidechain ag1 → Task t3 (toolUseResult.agentId) → m3
      m7: 'u3', // subagents/agent-ag2.jsonl → meta.json toolUseId t5 → m6
      m8: 's3', // legacy agent-ag3: no spawning Task found → its own first prompt
    });
    const side = Object.fromEntries(h.calls.map((c) => [c.id, !!c.sidechain]));
    expect(side).toMatchObject({ m1: false, m4: true, m7: true, m8: true });
    // Every call and prompt is in the parent session; the resumed copy of m1 stays in sa.
    expect(h.calls.find((c) => c.id === 'm1')!.session).toBe('sa');
    expect(h.calls.find((c) => c.id === 'm5')!.session).toBe('sb');
  });

  it('keeps the first timestamp and the response shape of a streamed call', () => {
    const m1 = h.calls.find((c) => c.id === 'm1')!;
    expect(new Date(m1.ts).toISOString()).toBe('2026-03-01T10:00:01.000Z');
    expect(new Date(m1.end).toISOString()).toBe('2026-03-01T10:00:02.000Z');
    expect(m1.requestId).toBe('r1');
    expect(m1.shape).toEqual({ toolUses: 2, textChars: 21, thinkingChars: 0, codeBlocks: 1, tools: ['Bash', 'Read'] });
  });

  it('closes tool calls with their results: status, end, output size, effect hints', () => {
    const tool = Object.fromEntries(h.tools.map((t) => [t.id, t]));
    expect(tool.t1).toMatchObject({ name: 'Bash', llmCall: 'm1', status: 'ok', outputChars: 11, summary: 'cat' });
    expect(tool.t1.hints).toEqual([
      { kind: 'exec', target: 'cat src/a.ts' }, { kind: 'read', target: 'src/a.ts' },
      { kind: 'exec', target: 'rm -f tmp.log' }, { kind: 'delete', target: 'tmp.log' },
    ]);
    expect(tool.t2).toMatchObject({ name: 'Read', status: 'error', outputChars: 4, hints: [{ kind: 'read', target: '/home/dev/app/src/a.ts' }] });
    expect(new Date(tool.t2.end).toISOString()).toBe('2026-03-01T10:00:04.000Z');
    expect(tool.t5.status).toBe('unknown'); // its result never arrived
    expect(tool.t6).toMatchObject({ name: 'Write', llmCall: 'm7', status: 'ok', hints: [{ kind: 'write', target: 'docs/x.md' }] });
  });

  it('counts and skips bad lines with file:line, never failing', () => {
    expect(h.skippedCount).toBe(5);
    expect(h.skipped.map((s) => `${s.file.split('/').pop()}:${s.line} ${s.reason}`)).toEqual([
      'sa.jsonl:28 null line', 'sa.jsonl:29 not a JSON object', 'sa.jsonl:30 not a JSON object',
      'sa.jsonl:31 malformed JSON', 'sa.jsonl:32 truncated last line',
    ]);
  });

  it('gives the same batch from worker threads', async () => {
    const viaWorkers = await load(2);
    expect(scanTotals(viaWorkers)).toEqual(scanTotals(h));
    expect(viaWorkers.calls.map((c) => [c.id, c.prompt])).toEqual(h.calls.map((c) => [c.id, c.prompt]));
  });

  it('reads sessions: project from cwd, span, version', () => {
    const sa = h.sessions.find((s) => s.id === 'sa')!;
    expect(sa).toMatchObject({ agent: 'claude', cwd: '/home/dev/app', project: 'app', version: '2.1.81' });
    expect(sa.file!.endsWith('sa.jsonl')).toBe(true);
    expect(new Date(sa.start).toISOString()).toBe('2026-03-01T10:00:00.000Z');
  });

  it('reads traces written by the real Claude Code (node and native builds) as the model server sent them', async () => {
    for (const dir of ['test/fixtures/real/claude-2.1.112', 'test/fixtures/real/claude-2.1.197']) {
      const sent = JSON.parse(readFileSync(join(dir, 'sent.json'), 'utf8')) as { replies: { id: string; kind: string; usage: object; tools: { id: string; fails?: boolean }[] }[] };
      const main = sent.replies.filter((r) => r.kind === 'main');
      const real = await loadHistory({ claudeDirs: [dir], threads: 0 });
      expect(real.skippedCount).toBe(0);
      expect(real.calls.map((c) => [c.id, c.usage])).toEqual(main.map((r) => [r.id, r.usage]));
      expect(real.tools.map((t) => t.id)).toEqual(main.flatMap((r) => r.tools.map((t) => t.id)));
      expect(real.tools.map((t) => t.status)).toEqual(main.flatMap((r) => r.tools.map((t) => (t.fails ? 'error' : 'ok'))));
    }
  });
});
