// `--push clickhouse://…` from live servers (issue 20): three `agentpprof replay` processes with different
// --host-label values replay recorded activity (examples/ split over three hosts) and push to Debian's
// clickhouse-server; ClickHouse is killed mid-run and restarted on the same data and ports; the fleet
// profile summed in ClickHouse equals the merge of the three servers' own profiles for every pushed view.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PUSHED_VIEWS } from '../src/fleet/events.js';
import { profileFromClickHouse } from '../src/fleet/clickhouse-profile.js';
import { ClickHouseServer, hasClickHouse } from './helpers/clickhouse.js';
import { hostRecordings } from './helpers/fleet-recordings.js';
import { freePort } from './helpers/prometheus.js';
import { cli, killAll, until } from './live-helpers.js';

const HOSTS = ['laptop-a', 'ci-runner-1', 'devbox-7'];

const parseFolded = (text: string) => new Map(text.trim().split('\n').filter(Boolean).map((l) => {
  const i = l.lastIndexOf(' ');
  return [l.slice(0, i), Number(l.slice(i + 1))] as const;
}));

describe.skipIf(!hasClickHouse())('three replaying hosts push to ClickHouse', () => {
  const ch = new ClickHouseServer();
  afterAll(async () => {
    killAll();
    await ch.stop();
  });

  it('the fleet profile equals the merge of the hosts\' own; a ClickHouse crash loses nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-ch-live-'));
    // ~220 recorded lines per host, 25 ms apart: each replay runs ~5.5 s, long enough for an outage.
    const { recordings } = await hostRecordings(join(dir, 'rec'), HOSTS, 25);
    await ch.start();
    const url = `clickhouse://127.0.0.1:${ch.http}/fleet`;
    const ports = await Promise.all(HOSTS.map(() => freePort()));
    const procs = recordings.map((r, i) => cli(['replay', r.file, '--speed', '1', '--port', String(ports[i]), '--host-label', r.host,
      '--push', url, '--out', join(dir, 'out', r.host), '--log-json']));
    await Promise.all(procs.map((p) => p.url));
    const count = async () => Number(await ch.query('SELECT count() FROM fleet.agentpprof_events').catch(() => '0'));
    // The crash once every host has pushed something, while the replays go on.
    for (let i = 0; i < 600; i++) {
      const hosts = await ch.query('SELECT uniqExact(host) FROM fleet.agentpprof_events').catch(() => '0');
      if (Number(hosts) === HOSTS.length) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const before = await count();
    await ch.kill();
    await new Promise((r) => setTimeout(r, 1500));
    const replaying = procs.filter((p) => !p.stderr().includes('recording replayed')).length;
    await ch.start();
    await until(() => procs.every((p) => p.stderr().includes('recording replayed')), 60_000);
    for (const p of procs) p.proc.kill('SIGTERM');
    expect(await Promise.all(procs.map((p) => p.exit))).toEqual([0, 0, 0]);
    const after = await count();
    expect(after).toBeGreaterThan(before);

    for (const view of PUSHED_VIEWS) {
      const merged = new Map<string, number>();
      for (const h of HOSTS) {
        for (const [k, w] of parseFolded(readFileSync(join(dir, 'out', h, `${view}.folded`), 'utf8'))) merged.set(`host:${h};${k}`, w);
      }
      const fleet = await profileFromClickHouse({ url, view, since: 0, until: Date.now() + 3600_000 });
      // Re-attribution moves weight with a negative sample: a stack can sum to zero.
      const got = new Map(fleet.samples.filter((s) => Math.abs(s.weight) > 1e-9).map((s) => [s.stack.join(';'), s.weight]));
      expect([...got.keys()].sort(), view).toEqual([...merged.keys()].sort());
      // folded files round weights to what they print; ClickHouse sums the exact floats.
      for (const [k, w] of merged) expect(got.get(k), `${view} ${k}`).toBeCloseTo(w, view === 'cost' ? 4 : 9);
    }
    console.log(`ClickHouse killed with ${before} events in, ${replaying} of 3 still replaying; ${after} events after the restart`);
  }, 180_000);
});
