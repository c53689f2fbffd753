// pprof output: our reader gets the same stacks, weights and labels back; `go tool pprof` (Debian
// golang-go, installed by scripts/setup.sh go) loads the file and reports the same totals in -top and
// -traces, with the leaf first.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPprof } from '../src/render/pprof.js';
import { readPprof } from '../src/sources/pprof.js';
import { costProfile, filesProfile, tokensProfile } from './render-fixtures.js';

const hasGo = (() => {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const sumBy = (xs: { stack: string[]; weight: number }[]) => {
  const m = new Map<string, number>();
  for (const s of xs) m.set(s.stack.join(';'), (m.get(s.stack.join(';')) ?? 0) + s.weight);
  return m;
};

describe('pprof', () => {
  const tokens = tokensProfile(300);
  const cost = costProfile(150);
  const files = filesProfile(100);
  const bytes = renderPprof([tokens, cost, files]);

  it('is gzipped and reads back with the same stacks, weights and labels per view', () => {
    expect(bytes[0]).toBe(0x1f);
    const back = readPprof(bytes);
    expect(back.map((p) => [p.view, p.unit])).toEqual([['tokens', 'tokens'], ['cost', 'usd'], ['files', 'count']]);
    expect(back[0].total).toBe(tokens.total);
    expect(back[1].total).toBeCloseTo(cost.total, 6); // micro-dollars: exact to 1e-6
    expect(sumBy(back[2].samples)).toEqual(sumBy(files.samples));
    expect(back[0].samples[0].labels).toEqual(tokens.samples[0].labels);
    expect(back[0].samples[0].stack).toEqual(tokens.samples[0].stack);
  });

  it.skipIf(!hasGo)('loads in go tool pprof with the same totals (-top, -traces)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentpprof-pprof-'));
    const file = join(dir, 'x.pb.gz');
    writeFileSync(file, bytes);
    const go = (...args: string[]) => execFileSync('go', ['tool', 'pprof', ...args, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: dir, PPROF_TMPDIR: dir } });
    const top = go('-top', '-nodecount=5');
    expect(top).toContain('Type: tokens');
    expect(top).toContain(`Total samples = ${tokens.total}`);
    expect(top).toMatch(/token:(input|output|cache_read|cache_write)/);
    const files_ = go('-top', '-sample_index=files');
    expect(files_).toContain(`Total samples = ${files.total}`);
    // Cost is written in micro-dollars: pprof's total is the dollars × 1e6.
    const costTop = go('-top', '-sample_index=cost');
    expect(costTop).toContain(`Total samples = ${Math.round(cost.samples.reduce((a, s) => a + Math.round(s.weight * 1e6), 0))}usd-micros`);
    // -traces prints each sample leaf first with its labels; the tokens weights add up to the total.
    const traces = go('-traces', '-sample_index=tokens');
    const blocks = traces.split(/-{5,}\+-{5,}/).slice(1);
    const weights = blocks.map((b) => /^\s+(\d+)\s+\S/m.exec(b.split('\n').find((l) => /^\s+\d+\s+\S/.test(l)) ?? '')?.[1]).map(Number);
    expect(weights.reduce((a, w) => a + (w || 0), 0)).toBe(tokens.total);
    const first = blocks.find((b) => /^\s+[1-9]\d*\s+token:/m.test(b))!;
    const frames = first.split('\n').map((l) => l.trim().split(/\s+/).pop()!).filter((f) => /^[a-z]+:/.test(f) && !/:$/.test(f));
    expect(frames[0]).toMatch(/^token:/); // leaf first
    expect(frames.at(-1)).toMatch(/^agent:/);
    expect(first).toMatch(/project:\s+(agentsight|webapp)/);
    expect(first).toMatch(/session:\s+s\d/);
  });

  it.skipIf(!hasGo)('reads back a profile re-encoded by go tool pprof -proto (Go\'s encoder, not ours)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentpprof-pprof-'));
    writeFileSync(join(dir, 'x.pb.gz'), bytes);
    const proto = execFileSync('go', ['tool', 'pprof', '-proto', join(dir, 'x.pb.gz')], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: dir, PPROF_TMPDIR: dir }, maxBuffer: 64 << 20 });
    const back = readPprof(proto);
    // Go merges identical samples, so float sums differ in the last bits: compare in micro-units.
    const key = (ps: typeof back) => ps.map((p) => [p.view, p.unit, Math.round(p.total * 1e6)]);
    expect(key(back)).toEqual(key(readPprof(bytes)));
    expect(sumBy(back[0].samples)).toEqual(sumBy(tokens.samples));
  });
});
