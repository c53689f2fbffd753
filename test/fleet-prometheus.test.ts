import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { FleetMetrics } from '../src/fleet/metrics.js';
import { metricsPlugin } from '../src/fleet/metrics-plugin.js';
import { emptyUsage, type LlmCall } from '../src/model.js';
import { seededRandom } from '../src/tag/random.js';
import { readFileSync } from 'node:fs';
import { hasPrometheus, startPrometheus, type Prom } from './helpers/prometheus.js';

const TOKEN = 'scrape-' + Math.random().toString(36).slice(2);
const TAGS = ['debug', 'review', 'git', 'docs'];

/** Deterministic activity per host: calls with known usage under known tags. */
function activity(host: string, n: number) {
  const rand = seededRandom(host.length * 7919 + n);
  return Array.from({ length: n }, (_, i) => {
    const tag = TAGS[Math.floor(rand() * TAGS.length)];
    const call: LlmCall = {
      id: `${host}-${i}`, session: 's', prompt: 'p', ts: 1000 * i, end: 1000 * i + 500 + Math.floor(rand() * 3000),
      model: 'claude-sonnet-4-5', usage: { ...emptyUsage(), input: 1 + Math.floor(rand() * 900), output: Math.floor(rand() * 2000), cacheRead: Math.floor(rand() * 50_000) },
      shape: { toolUses: 0, textChars: 0, thinkingChars: 0, codeBlocks: 0, tools: [] },
    };
    return { tag, call };
  });
}

describe.skipIf(!hasPrometheus())('Prometheus scrapes three agentpprof instances', () => {
  const hosts = ['laptop-a', 'ci-runner-1', 'devbox-7'];
  const apps: FastifyInstance[] = [];
  const expected = new Map<string, number>();
  let prom: Prom;
  beforeAll(async () => {
    const targets = [];
    for (const host of hosts) {
      const metrics = new FleetMetrics(host);
      for (const { tag, call } of activity(host, 200)) {
        metrics.observeCall(call, 'claude', tag, 0.001);
        expected.set(tag, (expected.get(tag) ?? 0) + call.usage.input + call.usage.output + call.usage.cacheRead);
      }
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
    expect(ok.body).toContain('agentpprof_tokens_total{agent="claude",model="claude-sonnet-4-5",tag=');
    expect(ok.body).not.toMatch(/session/);
  });

  it('a PromQL query returns the per-tag token totals across hosts', async () => {
    let rows: Awaited<ReturnType<Prom['query']>> = [];
    for (let i = 0; i < 60; i++) {
      rows = await prom.query('sum by (tag) (agentpprof_tokens_total)');
      const up = await prom.query('count(up == 1)');
      if (rows.length === TAGS.length && up[0]?.value[1] === '3') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const got = Object.fromEntries(rows.map((r) => [r.metric.tag, Number(r.value[1])]));
    expect(got).toEqual(Object.fromEntries(expected));
    const byHost = await prom.query('sum by (host) (agentpprof_llm_calls_total)');
    expect(Object.fromEntries(byHost.map((r) => [r.metric.host, Number(r.value[1])]))).toEqual({ 'laptop-a': 200, 'ci-runner-1': 200, 'devbox-7': 200 });
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

