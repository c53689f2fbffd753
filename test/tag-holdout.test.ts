// The held-back measure: prompts written before the default rules and never tuned on. Reports coverage
// and accuracy; the bar is ≥ 85 % coverage.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultRules, RegexTagger } from '../src/tag/index.js';

const rows = readFileSync('test/fixtures/holdout/prompts.tsv', 'utf8').split('\n')
  .filter((l) => l.trim() && !l.startsWith('#')).map((l) => { const i = l.indexOf('\t'); return { tag: l.slice(0, i), text: l.slice(i + 1) }; });

describe('default rules on the held-back prompts', () => {
  it('cover ≥ 85 % of them', () => {
    expect(rows.length).toBeGreaterThanOrEqual(150);
    const res = new RegexTagger(defaultRules()).tagSync(rows.map((r) => r.text));
    const matched = res.filter((r) => r.matched).length;
    const correct = res.filter((r, i) => r.tag === rows[i].tag).length;
    const coverage = (100 * matched) / rows.length;
    const accuracy = (100 * correct) / rows.length;
    console.log(`holdout: ${rows.length} prompts, coverage ${coverage.toFixed(1)}%, accuracy ${accuracy.toFixed(1)}% (matched ${matched}, correct ${correct})`);
    expect(coverage).toBeGreaterThanOrEqual(85);
  });
});
