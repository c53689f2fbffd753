// Trace tailing → pipeline → rolling aggregates, on realistic trace lines written in pieces.
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ViewAggregate } from '../src/live/aggregate.js';
import { folded } from '../src/live/export.js';
import { LiveRuntime } from '../src/live/runtime.js';
import { FirstWordTagger } from '../src/live/tagger.js';
import { LiveProcessor } from '../src/live/processor.js';
import { TraceFeed } from '../src/live/traces.js';
import { claudeLines, codexLines, T0 } from './live-fixtures.js';

function setup(now = () => T0 + 60_000) {
  const dir = mkdtempSync(join(tmpdir(), 'live-pipe-'));
  const rt = new LiveRuntime({ tagger: new FirstWordTagger(), clock: now });
  const proc = new LiveProcessor(rt);
  const feed = new TraceFeed([dir], (m) => proc.handle(m));
  return { dir, rt, feed, proc };
}

const stacksOf = (rt: LiveRuntime, view: 'tokens' | 'files' | 'network' | 'ops' | 'cost', window: 'all' | '5m' | '1h' = 'all') =>
  Object.fromEntries(rt.hub.profile(view, window).samples.map((s) => [s.stack.join(';'), s.weight]));

describe('live pipeline on tailed traces', () => {
  it('counts a Claude response split over lines once, completes a truncated last line later', async () => {
    const { dir, rt, feed, proc } = setup();
    const proj = join(dir, 'projects', '-work-app');
    mkdirSync(proj, { recursive: true });
    const file = join(proj, 's1.jsonl');
    const lines = claudeLines('s1', '/work/app', [
      { prompt: 'fix the failing test in src/app.js', msgId: 'msg_1', input: 120, output: 45, cacheRead: 3000, tool: { id: 'toolu_1', name: 'Bash', input: { command: 'cat src/app.js' } } },
      { prompt: 'review the diff', msgId: 'msg_2', input: 80, output: 30 },
    ]);
    const text = lines.join('\n') + '\n';
    const cut = text.indexOf('msg_2') - 40; // inside a line
    writeFileSync(file, text.slice(0, cut));
    feed.poll();
    proc.traces(true);
    await rt.flush();
    let s = stacksOf(rt, 'tokens');
    expect(s['agent:claude;prompt:debug;call:llm/tool;model:claude-sonnet-4-5-20250929;token:output']).toBe(45);
    expect(s['agent:claude;prompt:debug;call:llm/tool;model:claude-sonnet-4-5-20250929;token:cache_read']).toBe(3000);
    appendFileSync(file, text.slice(cut));
    feed.poll();
    proc.traces(true);
    await rt.flush();
    s = stacksOf(rt, 'tokens');
    expect(s['agent:claude;prompt:review;call:llm/text;model:claude-sonnet-4-5-20250929;token:output']).toBe(30);
    expect(s['agent:claude;prompt:review;call:llm/text;model:claude-sonnet-4-5-20250929;token:input']).toBe(80);
    // The first line of msg_2 said llm/text with output 1: no stray weight left under another kind.
    expect(rt.hub.profile('tokens', 'all').total).toBe(120 + 45 + 3000 + 80 + 30);
    expect(stacksOf(rt, 'ops')['agent:claude;prompt:debug;call:llm/tool;tool:Bash']).toBe(1);
    expect(stacksOf(rt, 'cost')['agent:claude;prompt:debug;call:llm/tool;model:claude-sonnet-4-5-20250929;token:output']).toBeCloseTo(45 * 15e-6, 12);
    // Without the collector, files come from tool-input hints.
    expect(stacksOf(rt, 'files')['prompt:debug;tool:Bash;process:cat;file:src/app.js;effect:read']).toBe(1);
    expect(rt.hub.activeSessions()[0]).toMatchObject({ id: 's1', agent: 'claude', tag: 'review', calls: 2, tools: 1 });
    expect(rt.hub.activeSessions()[0].prompt).toBeUndefined();
  });

  it('follows Codex deltas, skips re-emitted totals, survives rotation and truncation', async () => {
    const { dir, rt, feed, proc } = setup();
    const day = join(dir, '2026', '11', '27');
    mkdirSync(day, { recursive: true });
    const file = join(day, 'rollout-2026-11-27T06-00-00-abc.jsonl');
    writeFileSync(file, codexLines('abc', '/work/app').join('\n') + '\n');
    feed.poll();
    proc.traces(true);
    await rt.flush();
    const s = stacksOf(rt, 'tokens');
    const k = 'agent:codex;prompt:review;call:llm/tool;model:gpt-5.1-codex;token:';
    expect(s[k + 'input']).toBe(800);
    expect(s[k + 'cache_read']).toBe(200);
    expect(rt.hub.profile('tokens', 'all').total).toBe(800 + 200 + 50 + 400 + 900 + 80);
    // Rotation by rename keeps the reader's place: nothing is counted twice.
    renameSync(file, file + '.1');
    feed.tailer.poll(0);
    proc.traces(true);
    await rt.flush();
    expect(rt.hub.profile('tokens', 'all').total).toBe(2430);
    // A new file at a path: read from its start; deduplicated by call id.
    writeFileSync(file, codexLines('abc', '/work/app').slice(0, 3).join('\n') + '\n');
    feed.tailer.poll(0);
    proc.traces(true);
    await rt.flush();
    expect(rt.hub.profile('tokens', 'all').total).toBe(2430);
    writeFileSync(file, 'garbage\n{"not":"codex"}\n');
    feed.tailer.poll(0);
    proc.traces(true);
    await rt.flush();
    expect(rt.hub.status.skipped).toBeGreaterThanOrEqual(1);
  });

  it('sliding windows forget old buckets; all-time keeps them', () => {
    const v = new ViewAggregate();
    v.add(1, 10, T0, T0);
    v.add(1, 5, T0 + 4 * 60_000, T0 + 4 * 60_000);
    expect(v.table('5m').get(1)).toBe(15);
    v.advance(T0 + 6 * 60_000);
    expect(v.table('5m').get(1)).toBe(5);
    expect(v.table('1h').get(1)).toBe(15);
    v.advance(T0 + 2 * 3600_000);
    expect(v.table('5m').size).toBe(0);
    expect(v.table('1h').size).toBe(0);
    expect(v.all.get(1)).toBe(15);
    expect(v.takeDirty('5m')).toEqual([[1, 0]]);
  });

  it('writes folded stacks', async () => {
    const { rt } = setup();
    await rt.push({ sessions: [{ id: 's', agent: 'claude', cwd: '/p', project: 'p', start: T0, end: T0 }] });
    await rt.push({ calls: [{ id: 'm', session: 's', prompt: null, ts: T0, end: T0 + 2000, model: 'claude-haiku-4-5', usage: { input: 1, output: 2, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 }, shape: { toolUses: 0, textChars: 1, thinkingChars: 0, codeBlocks: 0, tools: [] } }] });
    expect(folded(rt.hub.profile('tokens', 'all'))).toBe(
      'agent:claude;prompt:unattributed;call:llm/text;model:claude-haiku-4-5;token:input 1\nagent:claude;prompt:unattributed;call:llm/text;model:claude-haiku-4-5;token:output 2\n',
    );
  });
});

describe('kernel effects and the join', () => {
  it('binds a pid by its trace-file write, attributes its children, moves early effects under the tool that arrives later', async () => {
    const rt = new LiveRuntime({ tagger: new FirstWordTagger(), clock: () => T0 + 60_000, kernel: () => true });
    const file = '/home/u/.claude/projects/-w-app/s9.jsonl';
    await rt.push({
      sessions: [{ id: 's9', agent: 'claude', cwd: '/w/app', project: 'app', file, start: T0, end: T0 }],
      prompts: [{ id: 'p9', session: 's9', ts: T0, text: 'debug the parser', kind: 'human' }],
      calls: [{ id: 'msg_9', session: 's9', prompt: 'p9', ts: T0 + 100, end: T0 + 900, model: 'claude-haiku-4-5', usage: { input: 5, output: 5, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 }, shape: { toolUses: 1, textChars: 0, thinkingChars: 0, codeBlocks: 0, tools: ['Bash'] } }],
      processes: [{ pid: 100, ppid: 1, comm: 'claude', start: T0 }, { pid: 101, ppid: 100, comm: 'cat', start: T0 + 1000 }],
      effects: [
        { ts: T0 + 50, kind: 'write', target: file, evidence: 'kernel', pid: 100 },
        { ts: T0 + 1001, kind: 'read', target: '/w/app/src/parser.ts', evidence: 'kernel', pid: 101 },
        { ts: T0 + 1002, kind: 'connect', target: '93.184.216.34:443', domain: 'example.com', evidence: 'kernel', pid: 101 },
        { ts: T0 + 1003, kind: 'read', target: '/etc/hosts', evidence: 'kernel', pid: 999 },
      ],
    });
    // No tool yet: unattributed, as offline names an effect whose cause is not known.
    expect(stacksOf(rt, 'files')['prompt:unattributed;process:cat;file:src/parser.ts;effect:read']).toBe(1);
    expect(stacksOf(rt, 'files')['prompt:unattributed;file:external/path;effect:read']).toBe(1);
    await rt.push({ tools: [{ id: 'toolu_9', session: 's9', llmCall: 'msg_9', name: 'Bash', ts: T0 + 950, end: T0 + 1500, status: 'ok', hints: [{ kind: 'read', target: 'src/parser.ts' }] }] });
    const files = stacksOf(rt, 'files');
    expect(files['prompt:debug;tool:Bash;process:cat;file:src/parser.ts;effect:read']).toBe(1);
    expect(files['prompt:unattributed;process:cat;file:src/parser.ts;effect:read']).toBeUndefined();
    expect(Object.keys(files).filter((k) => k.includes('parser')).length).toBe(1); // the hint was not counted: kernel evidence wins
    expect(Object.keys(stacksOf(rt, 'network'))).toEqual(['prompt:debug;call:llm/tool;tool:Bash;process:cat;domain:example.com']);
    expect(rt.hub.status.unattributed).toBe(1);
  });
});

describe('recording', () => {
  it('keeps prompts as tags and scrubs keys from command lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'live-rec-'));
    const file = join(dir, 'rec.jsonl');
    const rt = new LiveRuntime({ tagger: new FirstWordTagger(), record: file });
    await rt.push({
      prompts: [{ id: 'p', session: 's', ts: T0, text: 'review my secret plan', kind: 'human' }],
      processes: [{ pid: 7, ppid: 1, comm: 'curl', argv: ['curl', '-H', 'Authorization: Bearer abcdefghijklmnop', 'https://x'], start: T0 }],
      effects: [{ ts: T0, kind: 'exec', target: 'curl -H Authorization: Bearer abcdefghijklmnop https://x', evidence: 'kernel', pid: 7 }],
    });
    await rt.recorder!.close();
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('secret plan');
    expect(text).not.toContain('abcdefghijklmnop');
    expect(text).toContain('"tag":"review"');
  });
});
