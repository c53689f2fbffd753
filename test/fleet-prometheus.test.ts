import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { FleetMetrics } from '../src/fleet/metrics.js';
import { metricsPlugin } from '../src/fleet/metrics-plugin.js';
import { loadHistory } from '../src/sources/index.js';
import { loadRules, RegexTagger } from '../src/tag/index.js';
import { buildProfile, tagPrompts } from '../src/profile/index.js';
import type { Profile, ViewName } from '../src/profile/types.js';
import { readFileSync } from 'node:fs';
import { splitHosts } from './helpers/fleet-recordings.js';
import { hasPrometheus, startPrometheus, type Prom } from './helpers/prometheus.js';

const TOKEN = 'scrape-' + Math.random().toString(36).slice(2);

/** The example corpus, tagged, split round-robin by session over three hosts: each host's profiles. */
async function hostProfiles(hosts: string[]) {
  const h = await loadHistory({ paths: ['examples'], threads: 0 });
  const { tags } = await tagPrompts(h, new RegexTagger(loadRules({ projectRoot: null }).rules));
  const perHost = splitHosts(h, hosts);
  return hosts.map((host) => {
    const b = perHost.get(host)!;
    const views = ['tokens', 'cost', 'ops', 'files', 'network'] as const;
    return { host, profiles: Object.fromEntries(views.map((v) => [v, buildProfile(b, tags, { view: v })])) as Record<ViewName, Profile> };
  });
}

describe.skipIf(!hasPrometheus())('Prometheus scrapes three agentpprof instances', () => {
  const hosts = ['laptop-a', 'ci-runner-1', 'devbox-7'];
  const apps: FastifyInstance[] = [];
  const expected = new Map<string, number>();
  const calls = new Map<string, number>();
  let prom: Prom;
  beforeAll(async () => {
    const targets = [];
    for (const { host, profiles } of await hostProfiles(hosts)) {
      const metrics = new FleetMetrics(host);
      metrics.sync(profiles);
      metrics.sync(profiles); // idempotent: a second scrape-time sync adds nothing
      for (const smp of profiles.tokens.samples) {
        const tag = smp.stack.find((f) => f.startsWith('prompt:'))!.slice(7);
        expected.set(tag, (expected.get(tag) ?? 0) + smp.weight);
      }
      calls.set(host, profiles.ops.samples.filter((x) => !x.stack.some((f) => f.startsWith('tool:'))).reduce((n, x) => n + x.weight, 0));
      metrics.collector({ events: 1234, drops: 0, restarts: 1 });
      const app = Fastify();
      await app.register(metricsPlugin, { metrics, tokens: ['server-token', TOKEN] });
      await app.listen({ host: '127.0.0.1', port: 0 });
      apps.push(app);
      targets.push({ host, port: (app.server.address() as { port: number }).port });
    }
    prom = await startPrometheus(targets, TOKEN);
  }, 60_000);
  afterAll(async () => {
    await prom?.stop();
    await Promise.all(apps.map((a) => a.close()));
  });

  it('rejects a scrape without the token', async () => {
    const res = await apps[0].inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(401);
    const ok = await apps[0].inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toMatch(/agentpprof_tokens_total\{agent="claude",model="claude-[\w.-]+",tag="\w+",kind="cache_read",host="laptop-a"\} \d+/);
    expect(ok.body).not.toMatch(/session/);
  });

  it('a PromQL query returns the per-tag token totals across hosts', async () => {
    let rows: Awaited<ReturnType<Prom['query']>> = [];
    for (let i = 0; i < 60; i++) {
      rows = await prom.query('sum by (tag) (agentpprof_tokens_total)');
      const up = await prom.query('count(up == 1)');
      if (rows.length === expected.size && up[0]?.value[1] === '3') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const got = Object.fromEntries(rows.map((r) => [r.metric.tag, Number(r.value[1])]));
    expect(got).toEqual(Object.fromEntries(expected));
    const byHost = await prom.query('sum by (host) (agentpprof_llm_calls_total)');
    expect(Object.fromEntries(byHost.map((r) => [r.metric.host, Number(r.value[1])]))).toEqual(Object.fromEntries(calls));
    expect([...calls.values()].every((n) => n > 0)).toBe(true);
    const restarts = await prom.query('sum(agentpprof_collector_restarts_total)');
    expect(Number(restarts[0].value[1])).toBe(3);
  }, 60_000);

  it('every PromQL query of the Grafana dashboard is accepted by Prometheus and returns data', async () => {
    const dash = JSON.parse(readFileSync('dashboards/grafana/agentpprof.json', 'utf8'));
    const exprs: string[] = dash.panels.flatMap((p: any) => p.datasource.type === 'prometheus' ? p.targets.map((t: any) => t.expr) : []);
    expect(exprs.length).toBeGreaterThan(6);
    for (const e of exprs) {
      const res = await fetch(`${prom.url}/api/v1/query?${new URLSearchParams({ query: e.replaceAll('$host', '.*') })}`);
      const body = await res.json() as { status: string; error?: string };
      expect(body.status, `${e}: ${body.error}`).toBe('success');
    }
  });
});

