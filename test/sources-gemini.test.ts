// The Gemini CLI reader on a synthesized ~/.gemini (test/fixtures/sources/gemini): a .jsonl recording
// with a message rewritten in place as its tool call finished, a $rewindTo dropping a turn, a $set
// patch, a slash command, bad lines; a legacy whole-file .json; a logs.json that is not a transcript.
import { describe, expect, it } from 'vitest';
import { loadHistory } from '../src/sources/index.js';
import { scanTotals } from '../src/sources/totals.js';

describe('Gemini CLI reader', () => {
  it('reads chats/*.jsonl and *.json with replacements, rewinds and cached tokens subtracted', async () => {
    const h = await loadHistory({ geminiDirs: ['test/fixtures/sources/gemini'], threads: 0 });
    const t = scanTotals(h);
    expect(t).toMatchObject({ sessions: 2, llmCalls: 3, toolCalls: 2, prompts: { human: 3, continue: 0 } });
    expect(t.usage).toEqual({ input: 1250, output: 190, cacheRead: 750, cacheWrite5m: 0, cacheWrite1h: 0 });
    expect(h.skippedCount).toBe(2);
    const m2 = h.calls.find((c) => c.id === 'm2')!;
    expect(m2).toMatchObject({ model: 'gemini-2.5-pro', prompt: 'm1', usage: { input: 600, output: 120, cacheRead: 400, reasoning: 20 } });
    expect(m2.shape).toMatchObject({ toolUses: 1, textChars: 11, thinkingChars: 10, tools: ['read_file'] });
    // m4/m5 were rewound away; m7 answers the prompt typed after the rewind.
    expect(h.calls.map((c) => c.id).sort()).toEqual(['m2', 'm7', 'x1']);
    expect(h.calls.find((c) => c.id === 'm7')!.prompt).toBe('m6');
    expect(h.prompts.find((p) => p.id === 'm3')!.kind).toBe('meta');
    const tools = Object.fromEntries(h.tools.map((x) => [x.id, x]));
    expect(tools.tc1).toMatchObject({ status: 'ok', outputChars: 6, hints: [{ kind: 'read', target: '/home/dev/site/index.html' }] });
    expect(tools.tc3.hints).toEqual([{ kind: 'connect', target: 'https://example.org/docs' }]);
    const g1 = h.sessions.find((s) => s.id === 'g1')!;
    expect(g1).toMatchObject({ agent: 'gemini', project: 'proj1hash' });
    expect(new Date(g1.end).toISOString()).toBe('2026-03-02T09:10:00.000Z'); // from $set lastUpdated
    // tmp/<project>/.project_root (newer gemini-cli) names the project's path.
    expect(h.sessions.find((s) => s.id === 'g2')).toMatchObject({ cwd: '/home/dev/blog', project: 'blog' });
  });
});
