// The profile and tags commands end to end: `agentpprof --view V PATHS` (profile is the default command),
// folded output whose weights add up to the corpus totals, the status block, -o files, clear rule errors.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
const expected = JSON.parse(readFileSync('examples/expected.json', 'utf8'));
const usage = expected.overall.usage;

describe('agentpprof profile (the default command)', () => {
  it('folds the example corpus into sorted folded lines that add up to its token total; status on stderr with --status', () => {
    const r = cli(['--view', 'tokens', '-f', 'folded', '--status', 'examples']);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect([...lines].sort()).toEqual(lines);
    const sum = lines.reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(sum).toBe(usage.input + usage.output + usage.cacheRead + usage.cacheWrite5m + usage.cacheWrite1h);
    for (const l of lines) expect(l).toMatch(/^agent:\w+;prompt:[a-z-]+;call:llm\/[a-z]+;model:[^;]+;token:(input|output|cache_read|cache_write) \d+$/);
    const status = JSON.parse(r.stderr.slice(r.stderr.indexOf('{'), r.stderr.lastIndexOf('}') + 1));
    for (const k of ['sessions', 'prompts', 'matched', 'unmatched', 'coverage_pct', 'tag_counts', 'unknown_models', 'skipped_lines']) expect(status).toHaveProperty(k);
    expect(status.skipped_lines).toBe(expected.overall.skippedLines);
    // Without --status, a person gets one summary line, not the block.
    const quiet = cli(['--view', 'tokens', '-f', 'folded', 'examples']);
    expect(quiet.stderr).toMatch(new RegExp(`^read 41 files \\([\\d.]+ MB\\): ${expected.overall.sessions} sessions \\(\\+2 subagent\\), ` +
      `${expected.overall.prompts.human + expected.overall.prompts.continue} prompts, ${expected.overall.llmCalls} LLM calls; 6 lines skipped \\(--verbose lists them\\)\n$`));
    expect(quiet.stdout).toBe(r.stdout);
  });

  it('--json, --format json-status, -o by extension, --stack/--where', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ap-cli-'));
    const r = cli(['profile', '--view', 'ops,cost', '--json', '-q', '-o', join(dir, 'ops.folded'), '-o', join(dir, 'ops.txt'), 'examples']);
    expect(r.status, r.stderr).toBe(0);
    const st = JSON.parse(r.stdout);
    expect(st.totals.ops.total).toBe(expected.overall.llmCalls + expected.overall.toolCalls);
    expect(st.coverage_pct).toBeGreaterThanOrEqual(85);
    // A folded line carries no view: several views go to one folded file each.
    expect(existsSync(join(dir, 'ops.ops.folded')) && existsSync(join(dir, 'ops.cost.folded')) && existsSync(join(dir, 'ops.txt'))).toBe(true);
    const opsSum = readFileSync(join(dir, 'ops.ops.folded'), 'utf8').trim().split('\n').reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(opsSum).toBe(st.totals.ops.total);
    const js = cli(['--format', 'json-status', 'examples']);
    expect(JSON.parse(js.stdout).prompts).toBe(st.prompts);
    const w = cli(['--view', 'tokens', '--stack', 'prompt,token', '--where', 'prompt=^debug$', '-f', 'folded', '-q', 'examples']);
    expect(w.stdout.trim().split('\n').every((l) => l.startsWith('prompt:debug;token:'))).toBe(true);
  });

  it('a bad rule or option is one clear error naming it', () => {
    const r = cli(['--tag-rule', 'debug=(fix', 'examples']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--tag-rule #1: bad regex for tag "debug"/);
    expect(cli(['--view', 'nope', 'examples']).stderr).toMatch(/unknown view "nope"/);
    expect(cli(['--stack', 'agent,bogus', 'examples']).stderr).toMatch(/unknown frame kind "bogus"/);
  });

  it('tags: coverage, per-tag shares and warnings as JSON without prompt text', () => {
    const r = cli(['tags', '--json', 'examples']);
    expect(r.status, r.stderr).toBe(0);
    const t = JSON.parse(r.stdout);
    expect(t.coverage_pct).toBeGreaterThanOrEqual(85);
    expect(t.tags.reduce((n: number, x: { tokens: number }) => n + x.tokens, 0)).toBe(usage.input + usage.output + usage.cacheRead + usage.cacheWrite5m + usage.cacheWrite1h);
    expect(Object.keys(t.tags[0])).toEqual(['tag', 'prompts', 'prompt_share', 'tokens', 'token_share', 'cost', 'cost_share']);
  });
});
