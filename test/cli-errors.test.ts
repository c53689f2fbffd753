// Never silently empty: every bad input a user can give gets one line on stderr naming the problem, exit
// code 2 (usage) or 1 (no data), and nothing written or overwritten. Through src/cli.ts, as a user runs it.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, copyFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tagStats, coverageText } from '../src/profile/status.js';
import { emptyBatch } from '../src/model.js';

const ROOT = process.cwd();
const home = mkdtempSync(join(tmpdir(), 'ap-err-home-'));
chmodSync(home, 0o755);

function cli(args: string[], opts: SpawnSyncOptions = {}) {
  const r = spawnSync('node', ['--import', join(ROOT, 'node_modules/tsx/dist/loader.mjs'), join(ROOT, 'src/cli.ts'), ...args], {
    encoding: 'utf8', cwd: ROOT, env: { PATH: process.env.PATH, HOME: home, TZ: 'UTC', NO_COLOR: '1' }, timeout: 60_000, ...opts,
  });
  return { code: r.status, out: String(r.stdout), err: String(r.stderr) };
}

/** One line on stderr, starting `agentpprof: `, containing `what`. */
function oneLine(r: { err: string }, what: string | RegExp) {
  const lines = r.err.trim().split('\n');
  expect(lines, r.err).toHaveLength(1);
  expect(lines[0].startsWith('agentpprof: '), r.err).toBe(true);
  if (typeof what === 'string') expect(lines[0]).toContain(what); else expect(lines[0]).toMatch(what);
}

describe('bad input: one line, a non-zero exit, nothing overwritten', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ap-err-'));

  it('a missing path (profile, advise, tags, sessions, diff) is exit 1 naming it; the output file is untouched', () => {
    const out = join(dir, 'keep.svg');
    writeFileSync(out, 'previous profile');
    for (const args of [['/nonexistent', '-o', out], ['advise', '/nonexistent'], ['tags', '/nonexistent'], ['sessions', '/nonexistent']]) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(1);
      oneLine(r, 'path not found: /nonexistent');
      expect(r.out).toBe('');
    }
    expect(readFileSync(out, 'utf8')).toBe('previous profile');
    cli(['-q', '-o', join(dir, 'a.pb.gz'), 'examples']);
    const d = cli(['diff', join(dir, 'a.pb.gz'), join(dir, 'missing.pb.gz')]);
    expect(d.code).toBe(1);
    oneLine(d, `path not found: ${join(dir, 'missing.pb.gz')}`);
  });

  it('a mistyped command or option is a usage error (exit 2) that names it', () => {
    const r = cli(['frobnicate']);
    expect(r.code).toBe(2);
    oneLine(r, /unknown command "frobnicate".*commands: profile, /);
    const typo = cli(['sesions']);
    expect(typo.code).toBe(2);
    oneLine(typo, 'did you mean sessions?');
    const opt = cli(['--bogus', 'examples']);
    expect(opt.code).toBe(2);
    oneLine(opt, /Unknown option '--bogus' \(see agentpprof --help\)$/);
    const agent = cli(['tags', '--agent', 'cursor', 'examples']);
    expect(agent.code).toBe(2);
    oneLine(agent, '--agent: unknown agent "cursor" (claude, codex, gemini)');
    expect(cli(['--view', 'nope', 'examples']).code).toBe(2);
  });

  it('a folder without traces, or with files but no session, is exit 1 saying which', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'notes.txt'), 'hello\n');
    const r = cli(['tags', empty]);
    expect(r.code).toBe(1);
    oneLine(r, `no Claude Code, Codex or Gemini trace files in ${empty}`);
    // Claude-looking files whose every line is broken: read, counted, and said to hold no session.
    const junk = join(dir, 'junk', 'projects', 'p');
    mkdirSync(junk, { recursive: true });
    writeFileSync(join(junk, 's.jsonl'), '{"type":"user","sessionId":"s","uuid":\n{oops\n');
    const j = cli([join(dir, 'junk')]);
    expect(j.code).toBe(1);
    oneLine(j, 'read 1 trace file (2 lines skipped): no agent session in them');
  });

  it('filters that keep nothing say why: unknown project (with the list), a window without activity', () => {
    const p = cli(['--project', 'nope', 'examples']);
    expect(p.code).toBe(1);
    oneLine(p, 'no project "nope" (projects: agentsight, kvstore, ml-pipeline, thesis-paper, webshop)');
    const s = cli(['sessions', '--since', '2030-01-01', 'examples']);
    expect(s.code).toBe(1);
    oneLine(s, 'no trace file written since 2030-01-01');
    const w = cli(['advise', '--since', '2026-01-01', '--until', '2026-01-02', 'examples']);
    expect(w.code).toBe(1);
    oneLine(w, 'no session between 2026-01-01 and 2026-01-02');
  });

  it('replay of a missing or empty recording fails before serving and leaves the last profile as it was', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ap-replay-'));
    mkdirSync(join(cwd, 'agentpprof-live'));
    writeFileSync(join(cwd, 'agentpprof-live', 'tokens.svg'), 'last run');
    const m = cli(['replay', 'missing.jsonl'], { cwd });
    expect(m.code).toBe(1);
    oneLine(m, 'recording not found: missing.jsonl');
    writeFileSync(join(cwd, 'bad.jsonl'), 'not json\n');
    const b = cli(['replay', 'bad.jsonl', '--once', '--port', '0', '--speed', '0'], { cwd });
    expect(b.code).toBe(1);
    expect(b.err).toContain('agentpprof: no live event in bad.jsonl (1 line skipped)');
    expect(readdirSync(join(cwd, 'agentpprof-live'))).toEqual(['tokens.svg']);
    expect(readFileSync(join(cwd, 'agentpprof-live', 'tokens.svg'), 'utf8')).toBe('last run');
  });

  it('a path this user may not read is "permission denied", not "not found"', () => {
    if (process.getuid?.() !== 0) {
      console.warn('skipped: needs root to run the CLI as another user (uid 65534)');
      return;
    }
    const locked = mkdtempSync(join(tmpdir(), 'ap-locked-'));
    mkdirSync(join(locked, '.claude', 'projects', 'p'), { recursive: true });
    copyFileSync('test/fixtures/sources/claude/projects/-home-dev-app/sb.jsonl', join(locked, '.claude', 'projects', 'p', 'sb.jsonl'));
    chmodSync(locked, 0o700);
    const asNobody = { uid: 65534, gid: 65534, env: { PATH: process.env.PATH, HOME: locked, TZ: 'UTC' } };
    const r = cli(['sessions', join(locked, '.claude')], asNobody);
    expect(r.code).toBe(1);
    oneLine(r, `permission denied: ${join(locked, '.claude')} exists but user nobody cannot read it`);
    // Discovery as the unprivileged user: the default root is there but unreadable.
    const d = cli(['advise'], asNobody);
    expect(d.code).toBe(1);
    oneLine(d, 'permission denied:');
  });

  it('-o - with --format writes that format to stdout, as merge does', () => {
    const r = cli(['-o', '-', '--format', 'folded', '-q', 'examples']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe(cli(['-f', 'folded', '-q', 'examples']).out);
    expect(r.out.split('\n')[0]).toMatch(/^agent:\w+;prompt:/);
  });

  it('coverage of 0 prompts is n/a, not 100 %', () => {
    const st = tagStats(emptyBatch(), new Map());
    expect(st.coverage_pct).toBeNull();
    expect(coverageText(st)).toBe('n/a');
  });
});
