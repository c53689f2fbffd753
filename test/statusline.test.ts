// `agentpprof statusline` as Claude Code runs it: the status JSON on stdin, one line on stdout. Its
// figures equal the report's (the session row, today's row, the active block), on examples/ and on a
// generated history; the parsed-file cache is filled on the first run, hit on the next, survives a
// half-written entry and sees an appended line.
import { cpSync, appendFileSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, cliJson, genCorpus } from './helpers/report-cli.js';
import { recentTraceFiles } from '../src/cache/recent-files.js';
import { listTraceFiles } from '../src/sources/roots.js';

const SESSION = '7d090402-c802-47c5-a008-93a34bd83441';
// A minute after the last call of the 20:00 window (which holds this session and others).
const NOW = '2026-05-02T00:52:00Z';
const TODAY = '2026-05-02';

function statusInput(root: string, session = SESSION, project = 'kvstore') {
  const transcript = join(root, 'projects', `-home-yunwei-src-${project}`, `${session}.jsonl`);
  return JSON.stringify({
    hook_event_name: 'Status', session_id: session, transcript_path: transcript, cwd: '/tmp',
    model: { id: 'claude-opus-4-6', display_name: 'Opus' }, workspace: { current_dir: '/tmp', project_dir: '/tmp' },
    version: '2.1.81', output_style: { name: 'default' }, cost: { total_cost_usd: 1.5, total_duration_ms: 1000 },
  });
}

const entries = (cache: string) => readdirSync(join(cache, 'agentpprof', 'parsed-v1', 'status-2')).filter((f) => f.endsWith('.json'));

async function status(root: string, cache: string, input: string, now = NOW, extra: string[] = []) {
  const r = await cli(['statusline', root, '-z', 'UTC', '--json', ...extra], { env: { XDG_CACHE_HOME: cache, AGENTPPROF_NOW: now }, input });
  if (r.code !== 0) throw new Error(`statusline: exit ${r.code}: ${r.err}`);
  return JSON.parse(r.out);
}

describe('statusline on a copy of examples/claude', () => {
  const root = mkdtempSync(join(tmpdir(), 'ap-sl-root-'));
  cpSync(resolve('examples/claude'), root, { recursive: true });
  const cache = mkdtempSync(join(tmpdir(), 'ap-sl-cache-'));
  let first: any;
  beforeAll(async () => { first = await status(root, cache, statusInput(root)); }, 60_000);

  it('session, today and the active block are the report\'s session row, day row and active block', async () => {
    const env = { env: { AGENTPPROF_NOW: NOW } };
    const session = (await cliJson(['report', 'session', root, '-z', 'UTC', '--json', '-q'])).sessions.find((s: any) => s.sessionId === SESSION);
    const day = (await cliJson(['report', 'daily', root, '-z', 'UTC', '--json', '-q'])).daily.find((d: any) => d.date === TODAY);
    const block = (await cliJson(['report', 'blocks', root, '--json', '-q'], env)).blocks.find((b: any) => b.isActive);
    expect(first.session.tokens).toBe(session.totalTokens);
    expect(first.session.calls).toBe(session.calls);
    expect(first.session.cost).toBeCloseTo(session.totalCost, 9);
    expect(first.today.tokens).toBe(day.totalTokens);
    expect(first.today.cost).toBeCloseTo(day.totalCost, 9);
    expect(first.block.id).toBe(block.id);
    expect(first.block.burnRate.costPerHour).toBeCloseTo(block.burnRate.costPerHour, 9);
    expect(typeof first.tag).toBe('string');
  });

  it('prints one line: model, session cost and tokens, today, the prompt\'s tag, burn rate and time left', async () => {
    const r = await cli(['statusline', root, '-z', 'UTC'], { env: { XDG_CACHE_HOME: cache, AGENTPPROF_NOW: NOW }, input: statusInput(root) });
    expect(r.code).toBe(0);
    const lines = r.out.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(`opus-4-6 │ session $${first.session.cost.toFixed(2)} · 4.1M tok │ today $${first.today.cost.toFixed(2)} │ ${first.tag} │ `
      + `$${first.block.burnRate.costPerHour.toFixed(2)}/h · 8m left`);
    expect(r.err).toBe('');
  });

  it('the cache: filled by the first run, every file a hit on the next; a half-written entry is re-read', async () => {
    expect(first.cache.misses).toBe(first.files);
    expect(entries(cache)).toHaveLength(first.files);
    const again = await status(root, cache, statusInput(root));
    expect(again.cache).toMatchObject({ hits: first.files, misses: 0, rejected: 0 });
    expect({ ...again, cache: undefined, ms: undefined }).toEqual({ ...first, cache: undefined, ms: undefined });
    // A crash mid-write leaves a truncated entry (the rename makes this rare, not impossible on other filesystems).
    const victim = join(cache, 'agentpprof', 'parsed-v1', 'status-2', entries(cache)[0]);
    writeFileSync(victim, readFileSync(victim, 'utf8').slice(0, 100));
    const healed = await status(root, cache, statusInput(root));
    expect(healed.cache).toMatchObject({ hits: first.files - 1, misses: 1, rejected: 1 });
    expect({ ...healed, cache: undefined, ms: undefined }).toEqual({ ...first, cache: undefined, ms: undefined });
    expect(JSON.parse(readFileSync(victim, 'utf8')).v).toBe(1);
  });

  it('a line appended to the transcript: that file alone is re-read, and its usage is in the session and today', async () => {
    const transcript = join(root, 'projects', '-home-yunwei-src-kvstore', `${SESSION}.jsonl`);
    const usage = { input_tokens: 1000, cache_creation_input_tokens: 2000, cache_read_input_tokens: 300_000, output_tokens: 4000 };
    // examples/ end this file with a cut line (one of their intentional bad lines): the agent's next line starts after it.
    appendFileSync(transcript, '\n' + JSON.stringify({
      parentUuid: null, isSidechain: false, cwd: '/home/yunwei/src/kvstore', sessionId: SESSION, version: '2.1.81', type: 'assistant',
      message: { id: 'msg_statusline_test', type: 'message', role: 'assistant', model: 'claude-opus-4-6', content: [{ type: 'text', text: 'done' }], usage },
      requestId: 'req_statusline_test', uuid: 'sl-test-uuid', timestamp: '2026-05-02T00:51:00.000Z',
    }) + '\n');
    const after = await status(root, cache, statusInput(root));
    expect(after.cache).toMatchObject({ hits: first.files - 1, misses: 1 });
    const added = 1000 + 2000 + 300_000 + 4000;
    // Opus 4.6: $5 input, $25 output, $6.25 5-minute cache writes, $0.50 cache reads per 1M tokens.
    const usd = (1000 * 5 + 4000 * 25 + 2000 * 6.25 + 300_000 * 0.5) / 1e6;
    expect(after.session.tokens).toBe(first.session.tokens + added);
    expect(after.session.calls).toBe(first.session.calls + 1);
    expect(after.session.cost).toBeCloseTo(first.session.cost + usd, 9);
    expect(after.today.tokens).toBe(first.today.tokens + added);
  });

  it('--no-cache gives the same figures and writes nothing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'ap-sl-nocache-'));
    const r = await status(root, empty, statusInput(root), NOW, ['--no-cache']);
    const cached = await status(root, cache, statusInput(root));
    expect({ ...r, cache: undefined, ms: undefined }).toEqual({ ...cached, cache: undefined, ms: undefined });
    expect(readdirSync(empty)).toEqual([]);
  });
});

describe('statusline on a generated history', () => {
  it('the newest Claude session\'s figures are its report rows', async () => {
    const dir = await genCorpus(30, 9, 'claude');
    const sessions = (await cliJson(['report', 'session', dir, '-z', 'UTC', '--json', '-q'])).sessions
      .filter((s: any) => s.agent === 'claude').sort((a: any, b: any) => a.lastActivity.localeCompare(b.lastActivity));
    const s = sessions[sessions.length - 1];
    const now = new Date(Date.parse(s.lastActivity) + 60_000).toISOString();
    const file = readdirSync(join(dir, 'claude', 'projects'), { recursive: true }).map(String).find((f) => basename(f) === `${s.sessionId}.jsonl`)!;
    const input = JSON.stringify({ session_id: s.sessionId, transcript_path: join(dir, 'claude', 'projects', file), model: { id: 'claude-sonnet-4-5' } });
    const cache = mkdtempSync(join(tmpdir(), 'ap-sl-cache-'));
    const r = await status(dir, cache, input, now);
    expect(r.session.tokens).toBe(s.totalTokens);
    expect(r.session.cost).toBeCloseTo(s.totalCost, 9);
    const day = (await cliJson(['report', 'daily', dir, '-z', 'UTC', '--json', '-q'])).daily.find((d: any) => d.date === now.slice(0, 10));
    expect(r.today.tokens).toBe(day.totalTokens);
    expect(r.today.cost).toBeCloseTo(day.totalCost, 9);
  }, 300_000);
});

describe('the statusline\'s listing', () => {
  it('finds the files the readers\' listing finds modified since a time, entering only recent sessions\' folders', async () => {
    const dir = await genCorpus(40, 21);
    // Each file's mtime is its last event's time, as the agents' writes leave it.
    const all = listTraceFiles({ paths: [dir] }).files;
    const times: number[] = [];
    for (const f of all) {
      const stamps = [...readFileSync(f.path, 'utf8').matchAll(/"(?:timestamp|lastUpdated)"\s*:\s*"([^"]+)"/g)].map((m) => Date.parse(m[1])).filter(Number.isFinite);
      const t = Math.max(...stamps);
      utimesSync(f.path, t / 1000, t / 1000);
      times.push(t);
    }
    times.sort((a, b) => a - b);
    const roots = ['claude', 'codex', 'gemini'].map((a) => join(dir, a));
    for (const q of [0.5, 0.9, 0.99]) {
      const since = times[Math.floor(q * times.length)];
      const want = listTraceFiles({ paths: roots }).files.filter((f) => f.mtimeMs >= since).map((f) => f.path).sort();
      const got = recentTraceFiles(roots, since);
      expect(got.files.map((f) => f.path).sort(), `since the ${q} quantile`).toEqual(want);
      expect(got.files.every((f) => f.format === all.find((x) => x.path === f.path)!.format)).toBe(true);
    }
  }, 300_000);
});

describe('statusline: bad input', () => {
  it('stdin that is not the status JSON: exit 2 with one line', async () => {
    for (const input of ['', 'hello', '[1,2]']) {
      const r = await cli(['statusline', resolve('examples/claude')], { input });
      expect(r.code, JSON.stringify(input)).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(/statusline: stdin/);
    }
  });
});
