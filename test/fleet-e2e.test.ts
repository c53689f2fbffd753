// The fleet for real (issue 9): three `agentpprof replay` processes with different --host-label values
// replay recorded activity (examples/ split over three hosts) and push to Loki; Debian's Prometheus
// scrapes all three. PromQL per-tag totals equal the offline profiles of the same activity; the
// fleet profile rebuilt from Loki equals the merge of the three servers' own profiles; Loki is
// stopped mid-run and restarted on the same port, and no event is lost (the spool).
// Loki is the contract stand-in (test/helpers/loki-contract.ts): Debian's `loki` package is an
// unrelated genetics program and no Grafana Loki binary is reachable from this machine's registries.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { PUSHED_VIEWS } from '../src/fleet/events.js';
import { profileFromLoki } from '../src/fleet/from-loki.js';
import { buildProfile } from '../src/profile/index.js';
import { hostRecordings } from './helpers/fleet-recordings.js';
import { LokiContract } from './helpers/loki-contract.js';
import { freePort, hasPrometheus, startPrometheus, type Prom } from './helpers/prometheus.js';
import { cli, killAll, until } from './live-helpers.js';

const SCRAPE = 'fleet-scrape-' + Math.random().toString(36).slice(2);
const HOSTS = ['laptop-a', 'ci-runner-1', 'devbox-7'];

/** folded text → stack → weight */
const parseFolded = (text: string) => new Map(text.trim().split('\n').filter(Boolean).map((l) => {
  const i = l.lastIndexOf(' ');
  return [l.slice(0, i), Number(l.slice(i + 1))] as const;
}));

const sumBy = (rows: { metric: Record<string, string>; value: [number, string] }[], label: string) =>
  Object.fromEntries(rows.map((r) => [r.metric[label], Number(r.value[1])]));

describe.skipIf(!hasPrometheus())('a fleet of three replaying hosts, Prometheus and Loki', () => {
  let prom: Prom | undefined;
  const loki = new LokiContract();
  afterAll(async () => {
    killAll();
    await prom?.stop();
    await loki.stop();
  });

  it('PromQL and the Loki-rebuilt profile match the hosts; a Loki outage loses nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-e2e-'));
    // ~220 recorded lines per host, 25 ms apart: each replay runs ~5.5 s, long enough for an outage.
    const { recordings, tags } = await hostRecordings(join(dir, 'rec'), HOSTS, 25);
    const lokiPort = await loki.start();
    const ports = await Promise.all(HOSTS.map(() => freePort()));
    prom = await startPrometheus(HOSTS.map((host, i) => ({ host, port: ports[i] })), SCRAPE);
    const procs = recordings.map((r, i) => cli(['replay', r.file, '--speed', '1', '--port', String(ports[i]), '--host-label', r.host,
      '--scrape-token', SCRAPE, '--push', `loki://127.0.0.1:${lokiPort}`, '--out', join(dir, 'out', r.host), '--log-json']));
    await Promise.all(procs.map((p) => p.url));

    // Outage: once every host has pushed something, Loki goes away while the replays go on.
    await until(() => new Set([...loki.streams.values()].map((s) => s.labels.host)).size === HOSTS.length, 30_000);
    const before = loki.count();
    await loki.stop();
    const spoolBytes = async () => Number((await prom!.query('sum(agentpprof_push_spool_bytes)'))[0]?.value[1] ?? 0);
    let spooled = 0;
    for (let i = 0; i < 40 && spooled === 0; i++) { spooled = await spoolBytes(); await new Promise((r) => setTimeout(r, 250)); }
    expect(spooled, 'the spool grows while Loki is down (seen through Prometheus)').toBeGreaterThan(0);
    const replaying = procs.filter((p) => !p.stderr().includes('recording replayed')).length;
    await loki.start(lokiPort);
    // The pushers' backoff finds Loki back by itself (no restart of agentpprof needed).
    await until(() => loki.count() > before, 40_000);
    await until(() => procs.every((p) => p.stderr().includes('recording replayed')), 60_000);

    // Prometheus: per-tag token totals equal the offline profiles of the same activity.
    const offline = new Map<string, number>();
    const offlineByHost: Record<string, number> = {};
    for (const r of recordings) {
      const p = buildProfile(r.batch, tags, { view: 'tokens' });
      offlineByHost[r.host] = p.total;
      for (const s of p.samples) {
        const tag = s.stack.find((f) => f.startsWith('prompt:'))!.slice('prompt:'.length);
        offline.set(tag, (offline.get(tag) ?? 0) + s.weight);
      }
    }
    let byTag: Record<string, number> = {};
    for (let i = 0; i < 80; i++) {
      byTag = sumBy(await prom.query('sum by (tag) (agentpprof_tokens_total)'), 'tag');
      if (JSON.stringify(Object.entries(byTag).sort()) === JSON.stringify([...offline].sort())) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(byTag).toEqual(Object.fromEntries(offline));
    const byHost = sumBy(await prom.query('sum by (host) (agentpprof_tokens_total)'), 'host');
    expect(byHost).toEqual(offlineByHost);
    console.log('PromQL sum by (host) (agentpprof_tokens_total):', JSON.stringify(byHost));
    console.log('PromQL sum by (tag) (agentpprof_tokens_total):', JSON.stringify(byTag));

    // Stop the three: each drains its spool to Loki and writes its own profile.
    for (const p of procs) p.proc.kill('SIGTERM');
    expect(await Promise.all(procs.map((p) => p.exit))).toEqual([0, 0, 0]);
    expect(loki.count()).toBeGreaterThan(before);
    expect(loki.rejected).toBe(0);

    // Loki: the fleet profile is the merge of the three servers' own profiles, stack for stack.
    for (const view of PUSHED_VIEWS) {
      const merged = new Map<string, number>();
      for (const h of HOSTS) {
        for (const [k, w] of parseFolded(readFileSync(join(dir, 'out', h, `${view}.folded`), 'utf8'))) merged.set(`host:${h};${k}`, w);
      }
      const fleet = await profileFromLoki({ url: `loki://127.0.0.1:${lokiPort}`, view, since: 0, until: Date.now() + 3600_000, pageSize: 400 });
      const got = new Map(fleet.samples.filter((s) => Math.abs(s.weight) > 1e-9).map((s) => [s.stack.join(';'), s.weight]));
      expect([...got.keys()].sort(), view).toEqual([...merged.keys()].sort());
      // folded files round weights to what they print; the Loki sum carries the exact floats.
      for (const [k, w] of merged) expect(got.get(k), `${view} ${k}`).toBeCloseTo(w, view === 'cost' ? 4 : 9);
    }
    // The same through the CLI, LogQL paged by time: agentpprof --from loki://…
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--from', `loki://127.0.0.1:${lokiPort}`,
      '--since', '2000-01-01', '--view', 'tokens', '-f', 'folded', '-q'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const fleetTokens = [...parseFolded(stdout).values()].reduce((a, b) => a + b, 0);
    expect(fleetTokens).toBe(Object.values(offlineByHost).reduce((a, b) => a + b, 0));
    console.log(`LogQL {app="agentpprof"} → ${loki.count()} lines, fleet tokens ${fleetTokens}; Loki stopped with ${before} lines in, spool ≥ ${spooled} bytes seen, ${replaying} of 3 still replaying at the restart`);
  }, 180_000);
});
