// The team's events in a real ClickHouse (issue 20): Debian's clickhouse-server 18.16 started on loopback
// in a temp dir. Three hosts push generated histories with `agentpprof push clickhouse://…`; the server
// is killed mid-push and restarted (the spool resends, nothing is lost); a batch whose answer is lost
// on the way back is resent and counted once; `--from clickhouse://…` (summed in ClickHouse, filters in
// the query) equals the merge of the hosts' own local profiles for every pushed view and filter.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHousePusher } from '../src/fleet/clickhouse-push.js';
import { profileFromClickHouse } from '../src/fleet/clickhouse-profile.js';
import { PUSHED_VIEWS, type SemanticLine } from '../src/fleet/events.js';
import { ClickHouseServer, hasClickHouse } from './helpers/clickhouse.js';

const run = promisify(execFile);
const cli = (args: string[]) => run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
// Quotes, backslashes and `;` in a host label: stored and read back intact, never part of SQL.
const HOSTS = ['laptop-a', `o'brien;\\ci "1"`, 'devbox-7'];
const DB = 'team';

/** folded text → stack → weight */
const parseFolded = (text: string) => new Map(text.trim().split('\n').filter(Boolean).map((l) => {
  const i = l.lastIndexOf(' ');
  return [l.slice(0, i), Number(l.slice(i + 1))] as const;
}));

function expectSameProfile(got: Map<string, number>, want: Map<string, number>, what: string) {
  expect([...got.keys()].sort(), what).toEqual([...want.keys()].sort());
  // Cost sums floats in another order in ClickHouse: equal to 1e-9; the counts are integers and exact.
  for (const [k, w] of want) expect(got.get(k), `${what} ${k}`).toBeCloseTo(w, 9);
}

describe.skipIf(!hasClickHouse())('fleet events in ClickHouse 18.16', () => {
  const ch = new ClickHouseServer();
  const dir = mkdtempSync(join(tmpdir(), 'fleet-ch-'));
  const corpus = (i: number) => join(dir, `corpus-${i}`);
  let url = '';
  const pushed: number[] = [];

  beforeAll(async () => {
    await Promise.all(HOSTS.map((_, i) => run('npx', ['tsx', 'scripts/gen-corpus.ts', '--out', corpus(i), '--seed', String(20 + i), '--sessions', '14', '--quiet'])));
    url = `clickhouse://127.0.0.1:${(await ch.start()).split(':').pop()}/${DB}`;
  }, 120_000);
  afterAll(async () => { await ch.stop(); });

  it('three hosts push; the server is killed mid-push and restarted: nothing lost, nothing counted twice', async () => {
    const count = async () => Number(await ch.query(`SELECT count() FROM ${DB}.agentpprof_events`).catch(() => '0'));
    const push = (i: number) => cli(['push', url, '--host', HOSTS[i], '--spool', join(dir, `spool-${i}`), corpus(i)]);
    const first = push(0);
    for (let i = 0; i < 600 && (await count()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await count(), 'the first host reached ClickHouse').toBeGreaterThan(0);
    // The crash: the others start pushing into a dead server; their batches wait in their spools.
    await ch.kill();
    const rest = [push(1), push(2)];
    const waiting = () => [1, 2].map((i) => { try { return readdirSync(join(dir, `spool-${i}`)).filter((f) => f.endsWith('.json')).length; } catch { return 0; } });
    for (let i = 0; i < 1200 && waiting().some((n) => n === 0); i++) await new Promise((r) => setTimeout(r, 50));
    expect(waiting().every((n) => n > 0), 'batches wait in the spools while ClickHouse is down').toBe(true);
    await new Promise((r) => setTimeout(r, 1000));
    await ch.start();
    const outs = await Promise.all([first, ...rest]);
    for (const [i, o] of outs.entries()) {
      const m = /pushed (\d+) of (\d+) events/.exec(o.stderr);
      expect(m, o.stderr).not.toBeNull();
      expect(m![1], `host ${HOSTS[i]}: ${o.stderr}`).toBe(m![2]);
      pushed.push(Number(m![1]));
    }
    expect(await count()).toBe(pushed.reduce((a, b) => a + b, 0));
    // Stored and read back intact: the hostile host label is a value, not SQL.
    const hosts = (await ch.query(`SELECT DISTINCT host FROM ${DB}.agentpprof_events FORMAT JSONEachRow`)).trim().split('\n').map((l) => JSON.parse(l).host);
    expect(hosts.sort()).toEqual([...HOSTS].sort());
    // Privacy: no prompt text and no session id in any column.
    const dump = await ch.query(`SELECT * FROM ${DB}.agentpprof_events FORMAT JSONEachRow`);
    expect(dump).not.toMatch(/"session:|sessionId|"text"/);
  }, 240_000);

  it('a batch resent after its answer was lost is counted once', async () => {
    // A proxy that forwards the first INSERT to ClickHouse and drops the connection instead of the
    // answer: the rows are in, the pusher saw a failure and sends the same spooled batch again.
    let dropped = 0;
    const proxy: Server = createServer((client) => {
      const server = createConnection({ host: '127.0.0.1', port: ch.http });
      let insert = false;
      client.on('data', (d) => { if (!insert && /INSERT/.test(decodeURIComponent(d.toString('latin1').split('\r\n')[0]))) insert = true; server.write(d); });
      server.on('data', (d) => {
        if (insert && dropped === 0) { dropped++; client.destroy(); server.destroy(); return; }
        client.write(d);
      });
      server.on('end', () => client.end());
      server.on('error', () => client.destroy());
      client.on('error', () => server.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    const port = (proxy.address() as { port: number }).port;
    const db = 'retry';
    const spool = mkdtempSync(join(tmpdir(), 'spool-'));
    const p = new ClickHousePusher({ url: `clickhouse://127.0.0.1:${port}/${db}`, spoolDir: spool, batchSize: 10_000, flushMs: 10 });
    const t0 = Date.UTC(2026, 10, 20);
    let total = 0;
    for (let i = 0; i < 200; i++) {
      const line: SemanticLine = { v: 1, type: 'llm_call', ts: t0 + i * 7, host: 'h', agent: 'claude', tag: i % 2 ? 'debug' : `it's \\ odd`,
        model: 'm', samples: { tokens: [[`agent:claude;prompt:debug;token:input`, i + 1]] } };
      total += i + 1;
      p.push({ ts: line.ts, labels: { host: 'h', agent: 'claude', tag: line.tag }, line });
    }
    expect(await p.drainAll(20_000)).toBe(true);
    p.close();
    proxy.close();
    expect(dropped).toBe(1);
    expect(p.stats.failedAttempts).toBeGreaterThanOrEqual(1);
    // The retry found the rows the lost attempt had stored and inserted nothing again.
    expect(Number(await ch.query(`SELECT count() FROM ${db}.agentpprof_events`))).toBe(200);
    expect(p.stats.sent).toBe(200);
    const prof = await profileFromClickHouse({ url: `clickhouse://127.0.0.1:${ch.http}/${db}`, view: 'tokens', since: 0, until: Date.now() })
    expect(prof.total).toBe(total);
    expect(prof.status?.events).toBe(200);
    const tags = (await ch.query(`SELECT DISTINCT tag FROM ${db}.agentpprof_events FORMAT JSONEachRow`)).trim().split('\n').map((l) => JSON.parse(l).tag);
    expect(tags.sort()).toEqual(['debug', `it's \\ odd`]);
  }, 60_000);

  it('--from clickhouse:// equals the merge of the hosts\' local profiles, per view and per filter', async () => {
    expect(pushed.length, 'the push test ran').toBe(HOSTS.length);
    // A host without the --project asked for has nothing to add (the CLI says so and exits 1).
    const local = async (i: number, args: string[]) => parseFolded((await cli(['-f', 'folded', '--no-labels', '-q', ...args, corpus(i)])
      .catch((e) => { if (e.code === 1) return { stdout: '' }; throw e; })).stdout);
    const merged = async (hosts: number[], args: string[]) => {
      const m = new Map<string, number>();
      for (const i of hosts) for (const [k, w] of await local(i, args)) m.set(`host:${HOSTS[i]};${k}`, w);
      return m;
    };
    const fleet = async (args: string[]) => parseFolded((await cli(['--from', url, '--since', '2000-01-01', '-f', 'folded', '-q', ...args])).stdout);
    for (const view of PUSHED_VIEWS) {
      expectSameProfile(await fleet(['--view', view]), await merged([0, 1, 2], ['--view', view]), view);
    }
    // --host (a regex over whole labels, as Loki's =~), --where and --project are applied in ClickHouse.
    expectSameProfile(await fleet(['--view', 'tokens', '--host', 'laptop-.*|devbox-7']), await merged([0, 2], ['--view', 'tokens']), '--host');
    expectSameProfile(await fleet(['--view', 'ops', '--where', 'prompt=debug|test']), await merged([0, 1, 2], ['--view', 'ops', '--where', 'prompt=debug|test']), '--where');
    const project = (await ch.query(`SELECT project FROM ${DB}.agentpprof_events WHERE host = 'devbox-7' ORDER BY project LIMIT 1`)).trim();
    expect(project).not.toBe('');
    expectSameProfile(await fleet(['--view', 'tokens', '--project', project.toUpperCase()]),
      await merged([0, 1, 2], ['--view', 'tokens', '--project', project]), `--project ${project}`);
  }, 240_000);

  it('every panel of the ClickHouse Grafana dashboard runs on the server and returns the pushed data', async () => {
    expect(pushed.length, 'the push test ran').toBe(HOSTS.length);
    const dash = JSON.parse(readFileSync('dashboards/grafana/agentpprof-clickhouse.json', 'utf8'));
    const targets = dash.panels.flatMap((p: any) => p.targets.map((t: any) => ({ title: p.title as string, ...t })));
    expect(targets.length).toBeGreaterThanOrEqual(4);
    // The macros as Altinity's plugin expands them (dateTimeColDataType ts, no Date column), over all time.
    const expand = (t: any) => String(t.query).replaceAll('$table', `${DB}.${t.table}`)
      .replaceAll('$timeSeries', `(intDiv(toUInt32(${t.dateTimeColDataType}), 3600) * 3600) * 1000`)
      .replaceAll('$timeFilter', `${t.dateTimeColDataType} >= toDateTime(0) AND ${t.dateTimeColDataType} <= toDateTime(${Math.floor(Date.now() / 1000) + 86400})`);
    for (const t of targets) {
      const rows = (await ch.query(`${expand(t)} FORMAT JSONEachRow`)).trim().split('\n').filter(Boolean);
      // Generated histories have no kernel effects, so nothing is unattributed there.
      if (!/Unattributed/.test(t.title)) expect(rows.length, t.title).toBeGreaterThan(0);
    }
  }, 60_000);

  it('--ttl deletes the events older than its days (18.16 has no TTL clause: an ALTER DELETE at push)', async () => {
    const db = 'ttl';
    const line = (ts: number): SemanticLine => ({ v: 1, type: 'llm_call', ts, host: 'h', agent: 'claude', tag: 'debug', samples: { tokens: [['agent:claude;token:input', 1]] } });
    const send = async (ttlDays: number | undefined, ...ts: number[]) => {
      const p = new ClickHousePusher({ url: `clickhouse://127.0.0.1:${ch.http}/${db}`, spoolDir: mkdtempSync(join(tmpdir(), 'spool-')), flushMs: 10, ttlDays });
      for (const t of ts) p.push({ ts: t, labels: { host: 'h', agent: 'claude', tag: 'debug' }, line: line(t) });
      expect(await p.drainAll(20_000)).toBe(true);
      p.close();
    };
    const day = 86_400_000, now = Date.now();
    await send(undefined, now - 60 * day, now - 45 * day, now - 2 * day);
    await send(30, now);
    let left = '';
    for (let i = 0; i < 100; i++) {
      left = (await ch.query(`SELECT count() FROM ${db}.agentpprof_events`)).trim();
      if (left === '2') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(left, 'the 2-day-old and the new event stay').toBe('2');
  }, 60_000);
});
