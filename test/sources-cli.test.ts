// `agentpprof sessions` end to end (through src/cli.ts with tsx), on the synthesized fixtures,
// with HOME pointed at an empty directory so the machine's own history never leaks in.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderTable, sessionRows } from '../src/commands/sessions.js';
import { parseTimeArg } from '../src/util/time.js';
import { skippedSummary } from '../src/util/warnings.js';
import { formatBytes, progressLine } from '../src/util/progress.js';

const FIX = 'test/fixtures/sources';
const emptyHome = mkdtempSync(join(tmpdir(), 'agentpprof-cli-'));

function cli(...args: string[]) {
  const r = spawnSync('node', ['--import', 'tsx', 'src/cli.ts', 'sessions', ...args], {
    encoding: 'utf8', env: { PATH: process.env.PATH, HOME: emptyHome, TZ: 'UTC', NO_COLOR: '1' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('agentpprof sessions', () => {
  it('prints a table with a totals row, and the skipped lines on stderr', () => {
    const r = cli(join(FIX, 'claude'));
    expect(r.code).toBe(0);
    expect(r.out).toBe([
      'agent   project     session  start             prompts  calls  input  output  cache_read  cache_write',
      '------  ----------  -------  ----------------  -------  -----  -----  ------  ----------  -----------',
      'claude  app         sa       2026-03-01 10:00        4      7     32     178       3,750          130',
      'claude  app         sb       2026-03-01 10:06        1      1      1      10          10            0',
      '------  ----------  -------  ----------------  -------  -----  -----  ------  ----------  -----------',
      'total   2 sessions                                   5      8     33     188       3,760          130',
      '',
    ].join('\n'));
    expect(r.err).toBe('read 4 files (16 KB): 2 sessions, 5 prompts, 8 LLM calls; 5 lines skipped (--verbose lists them)\n');
    const v = cli('--verbose', join(FIX, 'claude'));
    expect(v.out).toBe(r.out);
    expect(v.err).toContain('warning: skipped 5 unreadable lines');
    expect(v.err).toMatch(/sa\.jsonl:28: null line/);
    expect(v.err.split('\n').filter((l) => l.startsWith('  '))).toHaveLength(5);
  });

  it('prints JSON and filters by agent, project and time', () => {
    const all = JSON.parse(cli('--json', FIX).out);
    expect(all.sessions.map((s: { agent: string }) => s.agent).sort()).toEqual(['claude', 'claude', 'codex', 'codex', 'codex', 'codex', 'codex', 'gemini', 'gemini']);
    expect(all.totals).toMatchObject({ sessions: 8, subagent_sessions: 1, calls: 17 });
    expect(all.skipped).toBe(9);
    const codex = JSON.parse(cli('--json', '--agent', 'codex', FIX).out);
    expect(codex.totals).toMatchObject({ sessions: 4, subagent_sessions: 1, calls: 6, tokens: { input: 3700, output: 250, cache_read: 2100, cache_write: 0 } });
    const api = JSON.parse(cli('--json', '--project', 'api', FIX).out);
    expect(api.sessions.map((s: { project: string }) => s.project)).toEqual(['api', 'api']);
    const march = JSON.parse(cli('--json', '--since', '2026-03-01', '--until', '2026-03-02', FIX).out);
    expect(march.sessions.map((s: { agent: string }) => s.agent)).toEqual(['codex', 'claude', 'codex', 'claude']);
    expect(march.totals).toMatchObject({ sessions: 3, subagent_sessions: 1, calls: 13, tokens: { input: 3433, output: 418, cache_read: 5860, cache_write: 130 } });
  });

  it('--quiet says by exit code alone whether any session exists', () => {
    expect(cli('--quiet', FIX)).toEqual({ code: 0, out: '', err: '' });
    expect(cli('--quiet')).toEqual({ code: 1, out: '', err: '' });
  });

  it('explains a missing root or path, and bad options', () => {
    const none = cli();
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/no agent history found \(looked in .*\.claude/);
    const missing = cli('/nonexistent/path');
    expect(missing.err).toContain('path not found: /nonexistent/path');
    expect(cli('--since', 'yesterday-ish', FIX)).toMatchObject({ code: 2, err: expect.stringContaining('not a date') });
    expect(cli('--bogus').code).toBe(2);
  });

  it('teaches in --help: where it looks, the flags, examples', () => {
    const r = spawnSync('node', ['--import', 'tsx', 'src/cli.ts', 'sessions', '--help'], { encoding: 'utf8' });
    for (const s of ['CLAUDE_CONFIG_DIR', 'CODEX_HOME', '~/.gemini', '--since', '--project', '--agent', '--json', '--quiet', 'Examples:']) {
      expect(r.stdout).toContain(s);
    }
  });
});

describe('sessions helpers', () => {
  it('parses --since/--until values', () => {
    const now = Date.parse('2026-03-10T00:00:00Z');
    expect(parseTimeArg('7d', now)).toBe(Date.parse('2026-03-03T00:00:00Z'));
    expect(parseTimeArg('12h', now)).toBe(Date.parse('2026-03-09T12:00:00Z'));
    expect(parseTimeArg('2026-03-01', now)).toBe(Date.parse('2026-03-01T00:00:00Z'));
    expect(() => parseTimeArg('soon', now)).toThrow(/not a date/);
  });
  it('summarizes skipped lines with a bounded list of examples', () => {
    const sk = Array.from({ length: 7 }, (_, i) => ({ file: 'f.jsonl', line: i + 1, reason: 'malformed JSON' }));
    expect(skippedSummary(sk, 30, 2)).toBe('warning: skipped 30 unreadable lines (malformed, truncated or unexpected input)\n  f.jsonl:1: malformed JSON\n  f.jsonl:2: malformed JSON\n  … and 28 more\n');
    expect(skippedSummary([], 0)).toBe('');
  });
  it('shows progress only on a TTY and only after the delay', () => {
    let t = 0;
    const writes: string[] = [];
    const tty = { isTTY: true, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream;
    const p = progressLine('reading', tty, { delayMs: 1000, now: () => t });
    p.update({ files: 1, totalFiles: 4, bytes: 10, totalBytes: 40 });
    expect(writes).toEqual([]);
    t = 1500;
    p.update({ files: 2, totalFiles: 4, bytes: 20 << 20, totalBytes: 40 << 20 });
    expect(writes).toEqual(['\r\x1b[Kreading: 2/4 files, 20 MB/40 MB (50%)']);
    p.done();
    expect(writes[1]).toBe('\r\x1b[K');
    const pipe = { isTTY: false, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream;
    const q = progressLine('x', pipe, { delayMs: 0 });
    q.update({ files: 1, totalFiles: 1, bytes: 1, totalBytes: 1 });
    expect(writes).toHaveLength(2);
    expect(formatBytes(1536)).toBe('1.5 KB');
  });
  it('renders an empty table with a zero totals row', () => {
    expect(renderTable(sessionRows({ sessions: [], prompts: [], calls: [], tools: [], effects: [], processes: [], skipped: [], skippedCount: 0 })))
      .toContain('total  0 sessions');
  });
});
