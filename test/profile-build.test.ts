import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { usageTotal } from '../src/model.js';
import { costTotal, Pricer } from '../src/cost/pricing.js';
import { buildProfile, callKind, parseFrameKind, type Profile } from '../src/profile/index.js';
import { renderFolded } from '../src/render/folded.js';
import { renderText } from '../src/render/text.js';
import { loadHistory } from '../src/sources/index.js';
import { RegexTagger, defaultRules } from '../src/tag/index.js';
import { tagPrompts } from '../src/profile/tagging.js';
import { fixtureBatch, fixtureTags } from './profile-fixture.js';

const folded = (p: Profile) => renderFolded(p).trim().split('\n');
const sum = (p: Profile) => p.samples.reduce((n, s) => n + s.weight, 0);

describe('views on a hand-built batch', () => {
  const b = fixtureBatch();

  it('tokens: agent → prompt → call kind → model → token kind, exact total', () => {
    const p = buildProfile(b, fixtureTags, { view: 'tokens' });
    expect(p.total).toBe(b.calls.reduce((n, c) => n + usageTotal(c.usage), 0));
    expect(sum(p)).toBe(p.total);
    expect(folded(p)).toContain('agent:claude;prompt:debug;call:llm/web;model:claude-sonnet-4-5-20250929;token:cache_read 1000');
    expect(folded(p)).toContain('agent:claude;prompt:debug;call:llm/edit;model:claude-sonnet-4-5-20250929;token:cache_write 300');
    expect(folded(p)).toContain('agent:claude;prompt:continue;call:llm/code;model:claude-opus-4-6;token:output 70');
    expect(folded(p)).toContain('agent:claude;prompt:none;call:llm/text;model:mystery-model;token:input 7');
    expect(p.samples[0].labels).toEqual({ project: 'app', agent: 'claude', session: 's1' });
    expect(p.status).toMatchObject({ sessions: 1, prompts: 2, matched: 2, unmatched: 0, coverage_pct: 100, skipped_lines: 2, unknown_models: ['mystery-model'] });
  });

  it('cost: USD by token kind; unknown models priced 0 and listed', () => {
    const p = buildProfile(b, fixtureTags, { view: 'cost' });
    const pricer = new Pricer();
    const expected = b.calls.reduce((n, c) => n + (pricer.cost(c.model, c.usage) ? costTotal(pricer.cost(c.model, c.usage)!) : 0), 0);
    expect(p.total).toBeCloseTo(expected, 12);
    expect(p.unit).toBe('usd');
    expect(p.status!.unknown_models).toEqual(['mystery-model']);
    expect(folded(p).some((l) => l.includes('mystery-model'))).toBe(false);
  });

  it('ops: one per LLM call and per tool call', () => {
    const p = buildProfile(b, fixtureTags, { view: 'ops' });
    expect(p.total).toBe(b.calls.length + b.tools.length);
    expect(folded(p)).toContain('agent:claude;prompt:debug;call:llm/web;tool:Bash 1');
  });

  it('time: calls from their request to their last line, tools to their result, intervals capped', () => {
    const p = buildProfile(b, fixtureTags, { view: 'time' });
    const lines = folded(p);
    // c1: request leaves with prompt p1 (T0) … meta p3 at T0+1s is a later mark → 5 s − 1 s = 4 s.
    expect(lines).toContain('agent:claude;prompt:debug;call:llm/web 4');
    // c2: after tool t1's result (T0+15 s) → T0+22 s = 7 s.
    expect(lines).toContain('agent:claude;prompt:debug;call:llm/edit 7');
    expect(lines).toContain('agent:claude;prompt:debug;call:llm/web;tool:Bash 10');
    expect(lines).toContain('agent:claude;prompt:debug;call:llm/edit;tool:Edit 300');
    // c4 follows 23 idle minutes with no prompt: capped too.
    expect(lines).toContain('agent:claude;prompt:none;call:llm/text 300');
    expect(p.status).toMatchObject({ idle_cap_seconds: 300, capped_intervals: 2 });
    expect(buildProfile(b, fixtureTags, { view: 'time', idleCapMs: 2_000 }).status!.capped_intervals).toBe(6);
  });

  it('files: project-relative paths, external buckets, read/write effects, process from the command', () => {
    const p = buildProfile(b, fixtureTags, { view: 'files' });
    expect(folded(p)).toEqual([
      'prompt:debug;tool:Bash;process:cat;file:external/tmp;effect:write 1',
      'prompt:debug;tool:Bash;process:cat;file:src/a.ts;effect:read 1',
      'prompt:debug;tool:Edit;file:src/b.ts;effect:write 1',
    ]);
  });

  it('network: registrable domains, no query strings', () => {
    const p = buildProfile(b, fixtureTags, { view: 'network' });
    expect(folded(p)).toEqual(['prompt:debug;call:llm/web;tool:WebFetch;domain:github.com 1']);
  });

  it('kernel effects replace a tool\'s hints for the targets seen and attribute processes by pid', () => {
    const k = fixtureBatch();
    k.processes.push({ pid: 42, ppid: 1, comm: 'node', start: 0 });
    k.effects.push(
      { ts: 0, kind: 'read', target: '/home/zelda/src/app/package.json', evidence: 'kernel', pid: 42, session: 's1', toolCall: 't1' },
      { ts: 0, kind: 'connect', target: '10.0.0.7:5432', evidence: 'kernel', pid: 42, session: 's1', toolCall: 't1' },
      { ts: 0, kind: 'read', target: '/etc/hosts', evidence: 'kernel' },
    );
    // The effect no session or tool claims is counted, not dropped: prompt:unattributed (here without a tool frame).
    expect(folded(buildProfile(k, fixtureTags, { view: 'files', stack: ['tool', 'process', 'file'] }))).toEqual([
      // t1's hints the kernel did not see (src/a.ts, the /tmp file) stay; package.json is the kernel's.
      'file:external/path 1', 'tool:Bash;process:cat;file:external/tmp 1', 'tool:Bash;process:cat;file:src/a.ts 1',
      'tool:Bash;process:node;file:package.json 1', 'tool:Edit;file:src/b.ts 1',
    ]);
    expect(folded(buildProfile(k, fixtureTags, { view: 'files', stack: ['prompt', 'file', 'effect'] }))).toContain('prompt:unattributed;file:external/path;effect:read 1');
    const net = buildProfile(k, fixtureTags, { view: 'network', stack: ['tool', 'domain'] });
    expect(folded(net)).toEqual(['tool:Bash;domain:private.network 1', 'tool:WebFetch;domain:github.com 1']);
    expect(buildProfile(k, fixtureTags, { view: 'files' }).status!.unattributed_effects).toBe(1);
  });

  it('--stack replaces the frame list; --where filters on any frame kind', () => {
    const p = buildProfile(b, fixtureTags, { view: 'tokens', stack: ['project', 'model'], where: [{ kind: 'prompt', re: /^debug$/ }] });
    expect(folded(p)).toEqual(['project:app;model:claude-sonnet-4-5-20250929 3360']);
    expect(p.total).toBe(3360);
    const none = buildProfile(b, fixtureTags, { view: 'tokens', where: [{ kind: 'tool', re: /./ }] });
    expect(none.total).toBe(0);
    expect(() => parseFrameKind('bogus', '--stack')).toThrow(/--stack: unknown frame kind "bogus"/);
  });

  it('call kinds come from the response shape', () => {
    const s = { toolUses: 0, textChars: 0, thinkingChars: 0, codeBlocks: 0, tools: [] as string[] };
    expect(callKind({ ...s, toolUses: 1, tools: ['apply_patch'] })).toBe('edit');
    expect(callKind({ ...s, toolUses: 1, tools: ['Task'] })).toBe('agent');
    expect(callKind({ ...s, toolUses: 1, tools: ['WebSearch'] })).toBe('web');
    expect(callKind({ ...s, toolUses: 1, tools: ['Read'] })).toBe('tool');
    expect(callKind({ ...s, textChars: 9, codeBlocks: 2 })).toBe('code');
    expect(callKind({ ...s, textChars: 9 })).toBe('text');
    expect(callKind({ ...s, thinkingChars: 9 })).toBe('thinking');
    expect(callKind(s)).toBe('usage');
  });

  it('the text report lists tags and stacks with shares', () => {
    const t = renderText(buildProfile(b, fixtureTags, { view: 'tokens' }));
    expect(t).toMatch(/view tokens: 5\.\d+k tokens|view tokens: \d+ tokens/);
    expect(t).toMatch(/debug\s+\d+\.\d%/);
    expect(t).toContain('Top stacks:');
    expect(t).toContain('Unknown models (priced $0): mystery-model');
  });
});

describe('exactness on the example corpus', () => {
  it('tokens, calls and cost add up to the corpus totals', async () => {
    const expected = JSON.parse(readFileSync('examples/expected.json', 'utf8'));
    const h = await loadHistory({ claudeDirs: ['examples/claude'], codexDirs: ['examples/codex'], geminiDirs: ['examples/gemini'], threads: 1 });
    const { tags } = await tagPrompts(h, new RegexTagger(defaultRules()));
    const u = expected.overall.usage;
    const tokens = buildProfile(h, tags, { view: 'tokens' });
    expect(tokens.total).toBe(u.input + u.output + u.cacheRead + u.cacheWrite5m + u.cacheWrite1h);
    expect(sum(tokens)).toBe(tokens.total);
    const ops = buildProfile(h, tags, { view: 'ops' });
    expect(ops.total).toBe(expected.overall.llmCalls + expected.overall.toolCalls);
    const pricer = new Pricer();
    let usd = 0;
    for (const c of h.calls) { const x = pricer.cost(c.model, c.usage); if (x) usd += costTotal(x); }
    const cost = buildProfile(h, tags, { view: 'cost' });
    expect(Math.abs(cost.total - usd)).toBeLessThan(1e-9);
    expect(Math.abs(sum(cost) - cost.total)).toBeLessThan(1e-9);
    // Folded weights (9 decimals) still add up to the total.
    const foldedSum = folded(cost).reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(Math.abs(foldedSum - cost.total)).toBeLessThan(1e-6);
    for (const view of ['time', 'files', 'network'] as const) {
      const p = buildProfile(h, tags, { view });
      expect(Math.abs(sum(p) - p.total)).toBeLessThan(1e-6);
      expect(p.total).toBeGreaterThan(0);
    }
    expect(tokens.status!.coverage_pct).toBeGreaterThanOrEqual(85);
  });
});
