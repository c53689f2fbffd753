import { describe, it, expect } from 'vitest';
import { suggestRules, formatSuggestions } from '../src/tag/suggest.js';

const matchedPrompts = ['fix the bug in auth', 'fix the crash on start', 'review my diff', 'review the PR please'];
const unmatchedPrompts = [
  'deploy to staging', 'deploy the api to staging now', 'deploy it to prod', 'can you deploy the worker', 'deploy again',
  '部署到生产环境', '部署一下测试环境', '部署 api 服务',
  'translate the readme into french', 'translate these error messages', 'translate the ui strings',
  'hmm', 'whatever',
];

describe('rule suggestions', () => {
  it('proposes rules for unmatched groups with their measured coverage gain', async () => {
    const all = [...matchedPrompts, ...unmatchedPrompts];
    const matched = all.map((_, i) => i < matchedPrompts.length);
    const s = await suggestRules(all, matched);
    expect(s.length).toBeGreaterThan(0);
    for (const x of s) {
      expect(x.regex.startsWith('(?i)')).toBe(true);
      const re = new RegExp(x.regex.slice(4), 'i');
      const gain = all.filter((p, i) => !matched[i] && re.test(p)).length;
      expect(x.gain).toBe(gain);
      expect(x.tag).toMatch(/^[a-z]{2,12}\d*$/);
    }
    const deploy = s.find((x) => new RegExp(x.regex.slice(4), 'i').test('deploy to staging'))!;
    expect(deploy.gain).toBeGreaterThanOrEqual(5);
    // Applying every suggestion raises coverage.
    const res = s.map((x) => new RegExp(x.regex.slice(4), 'i'));
    const after = all.filter((p, i) => matched[i] || res.some((r) => r.test(p))).length;
    expect(after).toBeGreaterThan(matchedPrompts.length + 5);
    expect(formatSuggestions(s)).toContain('+');
  });
});
