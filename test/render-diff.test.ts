// Reading back (folded, pprof), merging, and diffs: share changes normalised by totals, red/blue
// colours, the text tables, and the merge/diff commands end to end through the CLI.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffTree, renderDiffFolded, renderDiffSvg, renderDiffText, tagChanges } from '../src/render/diff.js';
import { renderProfiles } from '../src/render/index.js';
import { readFolded } from '../src/sources/folded.js';
import { readPprof } from '../src/sources/pprof.js';
import type { Profile } from '../src/profile/types.js';
import { filesProfile, tokensProfile } from './render-fixtures.js';

const prof = (view: string, rows: [string, number][]): Profile => {
  const samples = rows.map(([s, weight]) => ({ stack: s.split(';'), weight }));
  return { view, unit: 'tokens', samples, total: samples.reduce((a, s) => a + s.weight, 0) };
};

describe('folded reader', () => {
  it('reads stacks with spaces, CRLF, comments, duplicates; skips bad lines with file:line', () => {
    const text = '# view=tokens unit=tokens\r\nagent:claude;prompt:debug;tool:Bash;process:cargo test 10\r\n\nagent:claude;prompt:debug 2.5\nagent:claude;prompt:debug 2.5\nbroken-line\n;x notanumber\nagent:codex;prompt:git -3\n';
    const r = readFolded(text, 'in.folded');
    expect(r.profile.view).toBe('tokens');
    expect(r.profile.total).toBe(15);
    expect(r.profile.samples.find((s) => s.stack.at(-1) === 'process:cargo test')!.weight).toBe(10);
    expect(r.profile.samples.find((s) => s.stack.at(-1) === 'prompt:debug')!.weight).toBe(5);
    expect(r.profile.samples[0].labels).toEqual({ agent: 'claude' });
    expect(r.skipped).toEqual(['in.folded:6: no stack before the weight', 'in.folded:7: weight is not a non-negative number', 'in.folded:8: weight is not a non-negative number']);
  });
  it('infers the view from the file name, then from the leaf frames', () => {
    expect(readFolded('a;b 1\n', '/x/run.cost.folded').profile).toMatchObject({ view: 'cost', unit: 'usd' });
    expect(readFolded('prompt:x;file:a;effect:read 1\n', 'a.folded').profile).toMatchObject({ view: 'files', unit: 'count' });
    expect(readFolded('main;foo 1\n', 'cpu.folded').profile).toMatchObject({ view: 'samples', unit: 'count' });
  });
  it('round-trips our folded output', () => {
    const p = filesProfile(80);
    const back = readFolded(String(renderProfiles([p], 'folded')), 'files.folded').profile;
    expect(back.total).toBe(p.total);
    expect(back.view).toBe('files');
  });
});

describe('diff', () => {
  const base = prof('tokens', [['prompt:debug;tool:Bash', 50], ['prompt:review;tool:Read', 50]]);
  // Twice the total, debug's share up from 50% to 75%.
  const next = prof('tokens', [['prompt:debug;tool:Bash', 150], ['prompt:review;tool:Read', 50]]);

  it('normalises BASE to NEW and colours growth red, shrinkage blue', () => {
    const root = diffTree(base, next);
    const debug = root.children.find((c) => c.name === 'prompt:debug')!;
    expect(debug.value).toBe(150);
    expect(debug.base).toBe(100); // 50 of 100, scaled ×2
    const svg = renderDiffSvg(base, next);
    expect(svg).toMatch(/<title>prompt:debug<\/title><rect[^>]*fill="rgb\(255,110,110\)"/);
    expect(svg).toMatch(/<title>prompt:review<\/title><rect[^>]*fill="rgb\(110,110,255\)"/);
    expect(svg).toContain('data-note="base 50.00% → +25.00 pts"');
  });

  it('lists tags and stacks by change of share', () => {
    const t = tagChanges(base, next);
    expect(t[0]).toMatchObject({ key: 'prompt:debug', base: 0.5, next: 0.75 });
    const text = renderDiffText(base, next);
    expect(text).toContain('tokens: base 100 tokens → new 200 tokens (+100.0%)');
    expect(text).toMatch(/50\.00%\s+75\.00%\s+\+25\.00 pts\s+prompt:debug/);
    expect(text).toMatch(/Stacks whose share changed most[\s\S]*\+25\.00 pts\s+prompt:debug;tool:Bash/);
    expect(renderDiffFolded(base, next)).toBe('prompt:debug;tool:Bash 100 150\nprompt:review;tool:Read 100 50\n');
  });
});

describe('merge and diff commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentpprof-diff-'));
  const cli = (...args: string[]) => execFileSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  it('merges a pprof and a folded file per view', () => {
    const a = tokensProfile(100, 7);
    const b = tokensProfile(100, 8);
    writeFileSync(join(dir, 'a.pb.gz'), renderProfiles([a], 'pprof'));
    writeFileSync(join(dir, 'b.tokens.folded'), renderProfiles([b], 'folded'));
    cli('merge', join(dir, 'a.pb.gz'), join(dir, 'b.tokens.folded'), '-o', join(dir, 'all.pb.gz'), '-o', join(dir, 'all.svg'));
    const merged = readPprof(readFileSync(join(dir, 'all.pb.gz')));
    expect(merged.map((p) => p.view)).toEqual(['tokens']);
    expect(merged[0].total).toBe(a.total + b.total);
    expect(readFileSync(join(dir, 'all.svg'), 'utf8')).toContain(`total ${(a.total + b.total).toLocaleString('en-US')} tokens`);
  });

  it('names the file when a pprof input is corrupt (exit 1, no stack trace)', () => {
    writeFileSync(join(dir, 'bad.pb.gz'), Buffer.from([0x1f, 0x8b, 1, 2, 3]));
    let err: { status?: number; stderr?: string } = {};
    try {
      cli('merge', join(dir, 'bad.pb.gz'), '-o', join(dir, 'x.svg'));
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.status).toBe(1);
    expect(err.stderr).toContain(`agentpprof: ${join(dir, 'bad.pb.gz')}: not a pprof profile`);
    expect(err.stderr).not.toMatch(/\n\s+at /);
  });

  it('diffs two files into an SVG and a text table', () => {
    writeFileSync(join(dir, 'base.folded'), 'prompt:debug;tool:Bash 50\nprompt:review;tool:Read 50\n');
    writeFileSync(join(dir, 'new.folded'), 'prompt:debug;tool:Bash 150\nprompt:review;tool:Read 50\n');
    const out = cli('diff', join(dir, 'base.folded'), join(dir, 'new.folded'), '-o', join(dir, 'd.svg'), '-o', '-');
    expect(out).toMatch(/\+25\.00 pts\s+prompt:debug/);
    expect(readFileSync(join(dir, 'd.svg'), 'utf8')).toContain('red grew, blue shrank');
  });

  it('diffs two time windows of the example corpus (history read and tagged as profile does)', () => {
    const out = cli('diff', 'examples', '--base-since', '2026-05-01', '--base-until', '2026-05-15', '--since', '2026-05-15', '--until', '2026-06-01', '--view', 'cost', '-o', join(dir, 'w.svg'), '-o', '-');
    expect(out).toMatch(/^cost: examples \[2026-05-01, 2026-05-15\) \$[\d.]+ → examples \[2026-05-15, 2026-06-01\) \$[\d.]+/);
    expect(out).toMatch(/[+-]\d+\.\d\d pts\s+prompt:\w+/);
    const svg = readFileSync(join(dir, 'w.svg'), 'utf8');
    expect(svg).toMatch(/fill="rgb\(255,\d+,\d+\)"/); // something grew
    expect(svg).toMatch(/fill="rgb\(\d+,\d+,255\)"/); // something shrank
  });
});
