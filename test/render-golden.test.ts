// Golden outputs for a small fixed profile: the SVG's frames (geometry, colours, escaping — not the
// minified viewer script), the d3 JSON, the diff report. A change to any of them must be intended:
// refresh with  UPDATE_GOLDEN=1 npx vitest run test/render-golden.test.ts  and review the diff.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderDiffText } from '../src/render/diff.js';
import { renderProfiles } from '../src/render/index.js';
import type { Profile } from '../src/profile/types.js';

const DIR = join('test', 'fixtures', 'render');

function golden(name: string, actual: string) {
  const file = join(DIR, name);
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) {
    mkdirSync(DIR, { recursive: true });
    writeFileSync(file, actual);
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

const profile = (rows: [string, number][]): Profile => {
  const samples = rows.map(([s, weight]) => ({ stack: s.split(';'), weight, labels: { project: 'agentsight', agent: 'claude', session: 's1' } }));
  return { view: 'tokens', unit: 'tokens', samples, total: samples.reduce((a, s) => a + s.weight, 0), status: { sessions: 1, prompts: 3, matched: 3, unmatched: 0, coverage_pct: 100, tag_counts: { debug: 2, review: 1 }, unknown_models: [], skipped_lines: 0, time_range: { start: Date.UTC(2026, 4, 1), end: Date.UTC(2026, 4, 2) } } };
};

const base = profile([
  ['agent:claude;prompt:debug;call:llm/tool;model:claude-opus-4-6;token:input', 4200],
  ['agent:claude;prompt:debug;call:llm/tool;model:claude-opus-4-6;token:output', 800],
  ['agent:claude;prompt:review;call:llm/text;model:claude-sonnet-4-5;token:cache_read', 12000],
  ['agent:claude;prompt:review <&> "x";call:llm/edit;model:claude-sonnet-4-5;token:input', 3],
]);
const next = profile([
  ['agent:claude;prompt:debug;call:llm/tool;model:claude-opus-4-6;token:input', 9000],
  ['agent:claude;prompt:debug;call:llm/tool;model:claude-opus-4-6;token:output', 1500],
  ['agent:claude;prompt:review;call:llm/text;model:claude-sonnet-4-5;token:cache_read', 6000],
  ['agent:claude;prompt:git;call:llm/tool;model:claude-haiku-4-5;token:input', 700],
]);

describe('golden outputs', () => {
  it('SVG frames', () => {
    const svg = String(renderProfiles([base], 'svg'));
    // The frames and headings; the viewer script is tested in the browser, not byte for byte.
    golden('tokens.svg.txt', svg.replace(/<script type="text\/ecmascript">[\s\S]*?<\/script>/, '<script type="text/ecmascript">…</script>'));
  });
  it('d3 JSON', () => golden('tokens.json', JSON.stringify(JSON.parse(String(renderProfiles([base], 'json'))), null, 1) + '\n'));
  it('diff report', () => golden('diff.txt', renderDiffText(base, next, { baseName: 'may-01', newName: 'may-02' })));
});
