import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTagger, defaultRules, loadRules, parseRule, parseRulesFile, RegexTagger, taggerNames } from '../src/tag/index.js';

const tagOf = (t: RegexTagger, s: string) => t.tagSync([s])[0].tag;

describe('regex rules', () => {
  it('parses TAG=REGEX and the seed spelling prompt:TAG=\'(?i)…\'', () => {
    expect(parseRule('debug=fix|bug', 'x').re.test('FIX it')).toBe(true);
    const r = parseRule(`prompt:debug='(?i)fix|error|为啥'`, 'x');
    expect(r.tag).toBe('debug');
    expect(r.re.test('为啥 cargo test 失败了')).toBe(true);
  });

  it('names the rule and file:line when a regex or tag is bad', () => {
    expect(() => parseRulesFile('# mine\nreview=review\ndebug=(fix|bug\n', 'agentpprof.rules'))
      .toThrow(/agentpprof\.rules:3: bad regex for tag "debug"/);
    expect(() => parseRule('Debug Stuff=x', '--tag-rule #1')).toThrow(/--tag-rule #1: bad tag/);
    expect(() => parseRule('nothing here', '--tag-rule #2')).toThrow(/--tag-rule #2: expected TAG=REGEX/);
  });

  it('first match wins; user rules come before the defaults; a project file is picked up', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ap-rules-'));
    writeFileSync(join(dir, 'agentpprof.rules'), '# project rules\nebpf=\\bbpf\\b|kprobe\n');
    const { rules, files } = loadRules({ cli: ['paper=overleaf'], projectRoot: dir });
    expect(files).toEqual([join(dir, 'agentpprof.rules')]);
    expect(rules[0].origin).toBe('--tag-rule #1');
    expect(rules[1].origin).toBe(`${join(dir, 'agentpprof.rules')}:2`);
    const t = new RegexTagger(rules);
    expect(tagOf(t, 'fix the bpf verifier error')).toBe('ebpf'); // the default would say debug
    expect(tagOf(t, 'sync the overleaf project')).toBe('paper');
    expect(tagOf(t, 'fix the verifier error')).toBe('debug');
    expect(loadRules({ cli: ['x=y'], noDefaults: true, projectRoot: null }).rules).toHaveLength(1);
  });

  it('default rules tag the seed examples and common intents in English, Chinese and mixed', () => {
    const t = new RegexTagger(defaultRules());
    const cases: [string, string][] = [
      ['fix the 编译 error', 'debug'], ['嗯', 'confirm'], ['ok', 'confirm'], ['好的', 'confirm'], ['lgtm', 'confirm'],
      ['yes', 'confirm'], ['继续', 'continue'], ['go on', 'continue'], ['[Session continued from a previous conversation]', 'continue'],
      ['This session is being continued from a previous conversation that ran out of context. Summary: …', 'continue'],
      ['看看 collector/src/main.rs', 'inspect'], ['为啥 cargo test 失败了', 'debug'], ['review the diff in src/api', 'review'],
      ['commit and push', 'git'], ['write unit tests for the parser', 'test'], ['update the README', 'docs'],
      ['implement a websocket endpoint', 'code'], ['rename foo to bar', 'edit'], ['重构一下这个模块', 'refactor'],
      ['this query is too slow', 'perf'], ['deploy to staging', 'deploy'], ['summarize the arxiv paper', 'research'],
    ];
    for (const [p, tag] of cases) expect([p, tagOf(t, p)]).toEqual([p, tag]);
    expect(t.tagSync(['asdf qwer'])[0]).toEqual({ tag: 'unmatched', matched: false });
  });

  it('every default tag is a short lowercase word', () => {
    for (const r of defaultRules()) expect(r.tag).toMatch(/^[a-z]{3,12}$/);
  });

  it('the registry builds the regex tagger by name and knows the other backends', async () => {
    expect(taggerNames()).toContain('regex');
    const t = await createTagger('regex', { rules: defaultRules(), options: {} });
    expect((await t.tagAll(['嗯']))[0].tag).toBe('confirm');
    await expect(createTagger('nope', { rules: [], options: {} })).rejects.toThrow(/unknown tagger "nope"/);
  });
});
