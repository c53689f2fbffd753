// One definition of each count (model.ts countBatch): sessions, prompts and LLM calls are the same in
// every command's output for the same input — sessions, profile status, the text report, tags, advise —
// and equal to what the generator intended (expected.json), on examples/ and on a freshly generated corpus.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const TSX = join(ROOT, 'node_modules/tsx/dist/loader.mjs');

function cli(args: string[]): string {
  const r = spawnSync('node', ['--import', TSX, join(ROOT, 'src/cli.ts'), ...args], {
    encoding: 'utf8', cwd: ROOT, env: { PATH: process.env.PATH, HOME: tmpdir(), TZ: 'UTC' }, timeout: 120_000,
  });
  expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

interface Figures { sessions: number; prompts: number; calls: number }

function everyCommand(dir: string): Record<string, Figures> {
  const sessions = JSON.parse(cli(['sessions', '--json', dir])).totals;
  const status = JSON.parse(cli(['--json', '-q', dir]));
  const report = /^(\d+) sessions, (\d+) prompts, (\d+) LLM calls/m.exec(cli(['-f', 'text', '-q', dir]))!;
  const tags = JSON.parse(cli(['tags', '--json', '-q', dir]));
  const advise = JSON.parse(cli(['advise', '-f', 'json', '--no-compare', '-q', dir]));
  return {
    sessions: { sessions: sessions.sessions, prompts: sessions.prompts, calls: sessions.calls },
    profile: { sessions: status.sessions, prompts: status.prompts, calls: status.calls },
    report: { sessions: Number(report[1]), prompts: Number(report[2]), calls: Number(report[3]) },
    tags: { sessions: tags.sessions, prompts: tags.prompts, calls: tags.calls },
    advise: { sessions: advise.sessions, prompts: advise.prompts, calls: advise.calls },
  };
}

function expectedOf(dir: string): Figures {
  const e = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')).overall;
  return { sessions: e.sessions, prompts: e.prompts.human + e.prompts.continue, calls: e.llmCalls };
}

describe('every command counts the same', () => {
  it('on examples/, as examples/expected.json says', () => {
    const want = expectedOf(join(ROOT, 'examples'));
    const got = everyCommand('examples');
    for (const [cmd, f] of Object.entries(got)) expect(f, cmd).toEqual(want);
  });

  it('on a generated corpus', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ap-counts-'));
    execFileSync(process.execPath, ['--import', TSX, join(ROOT, 'scripts/gen-corpus.ts'), '--out', dir, '--quiet', '--seed', '7', '--sessions', '24'], { cwd: ROOT });
    const want = expectedOf(dir);
    const got = everyCommand(dir);
    for (const [cmd, f] of Object.entries(got)) expect(f, cmd).toEqual(want);
  });
});
