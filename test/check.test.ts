// `agentpprof check`: budgets per calendar period as a CI gate, through the CLI as a user runs it. The
// spend it compares is the report's (the same calls, zone and prices), its exit code says over or within,
// and each breach is one line — as text or as GitHub Actions annotations.
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, cliJson, genCorpus } from './helpers/report-cli.js';

const EXAMPLES = resolve('examples/claude');
const at = (iso: string) => ({ env: { AGENTPPROF_NOW: iso } });

describe('check on examples/claude', () => {
  let weekly: any;
  let daily: any;
  beforeAll(async () => {
    weekly = await cliJson(['report', 'weekly', EXAMPLES, '-z', 'UTC', '--breakdown', 'tag', '--top-tags', '100', '--json', '-q']);
    daily = await cliJson(['report', 'daily', EXAMPLES, '-z', 'UTC', '--json', '-q']);
  }, 60_000);

  it('this week over a USD budget: exit 1, one line with the spend the weekly report shows', async () => {
    const week = weekly.weekly.find((w: any) => w.week === '2026-05-03');
    // The clock on 2026-05-09 (a Saturday): the whole week of 2026-05-03 is "this week".
    const r = await cli(['check', '--budget', '3usd/week', EXAMPLES, '-z', 'UTC'], at('2026-05-09T23:00:00Z'));
    expect(r.code).toBe(1);
    const pct = Math.round((100 * week.totalCost) / 3 - 100);
    expect(r.out).toBe(`total: $${week.totalCost.toFixed(2)} of $3/week, +${pct} %\n`);
    expect(r.err).toMatch(/check: 1 check of 1 budget this week \(from 2026-05-03\), UTC: 1 over budget/);
    const ok = await cli(['check', '--budget', `${Math.ceil(week.totalCost) + 10}usd/week`, EXAMPLES, '-z', 'UTC'], at('2026-05-09T23:00:00Z'));
    expect(ok.code).toBe(0);
    expect(ok.out).toBe('');
  });

  it('a quiet period spent $0 and is within budget (exit 0), not an error', async () => {
    const r = await cli(['check', '--budget', '1usd/day', EXAMPLES, '-z', 'UTC', '--all'], at('2026-05-07T12:00:00Z'));
    expect(r.code).toBe(0);
    expect(r.out).toBe('ok: total: $0.00 of $1/day, 0 %\n');
  });

  it('per tag with a keyed budget: each breach of each week since --since, the spend of the tag breakdown', async () => {
    const r = await cli(['check', '--budget', '2usd/week', '--budget', 'debug=1usd/week', '--by', 'tag', '--since', '2026-05-01', EXAMPLES, '-z', 'UTC'], at('2026-05-31T20:00:00Z'));
    expect(r.code).toBe(1);
    const want: string[] = [];
    for (const w of weekly.weekly) {
      for (const b of w.breakdown) {
        const limit = b.name === 'debug' ? 1 : 2;
        if (b.totalCost > limit) want.push(`${b.name}: $${b.totalCost.toFixed(2)} of $${limit}/week, +${Math.round((100 * b.totalCost) / limit - 100)} % (week of ${w.week})`);
      }
    }
    expect(want.length).toBeGreaterThan(0);
    expect(r.out.trim().split('\n').sort()).toEqual(want.sort());
  });

  it('token budgets per day, as GitHub annotations (errors over, warnings near)', async () => {
    const r = await cli(['check', '--budget', '3Mtok/day', '--since', '2026-05-01', '--until', '2026-05-11', '--format', 'github', '--warn', '30', EXAMPLES, '-z', 'UTC']);
    expect(r.code).toBe(1);
    const lines = r.out.trim().split('\n');
    const over = daily.daily.filter((d: any) => d.date < '2026-05-11' && d.totalTokens > 3e6);
    const near = daily.daily.filter((d: any) => d.date < '2026-05-11' && d.totalTokens <= 3e6 && d.totalTokens >= 0.3 * 3e6);
    expect(lines.filter((l) => l.startsWith('::error title=agentpprof budget::total: '))).toHaveLength(over.length);
    expect(lines.filter((l) => l.startsWith('::warning title=agentpprof budget::total: '))).toHaveLength(near.length);
    expect(lines).toHaveLength(over.length + near.length);
    for (const d of over) expect(r.out).toContain(`of 3M tokens/day, +${Math.round((100 * d.totalTokens) / 3e6 - 100)} %25 (${d.date})`);
    // GITHUB_ACTIONS=true picks the annotations without --format.
    const auto = await cli(['check', '--budget', '3Mtok/day', '--since', '2026-05-01', '--until', '2026-05-11', EXAMPLES, '-z', 'UTC'], { env: { GITHUB_ACTIONS: 'true' } });
    expect(auto.out.split('\n')[0]).toMatch(/^::error title=agentpprof budget::/);
  });

  it('by project and by agent', async () => {
    const r = await cli(['check', '--budget', '1usd/month', '--by', 'project', EXAMPLES, '-z', 'UTC', '--all'], at('2026-05-31T20:00:00Z'));
    expect(r.code).toBe(1);
    const projects = r.out.trim().split('\n').map((l) => l.replace(/^(ok|warning): /, '').split(':')[0]).sort();
    expect(projects).toEqual(['agentsight', 'kvstore', 'ml-pipeline', 'webshop']);
    const a = await cli(['check', '--budget', '100usd/month', '--by', 'agent', resolve('examples'), '-z', 'UTC', '--all'], at('2026-05-31T20:00:00Z'));
    expect(a.code).toBe(0);
    expect(a.out.trim().split('\n').map((l) => l.split(':')[1].trim()).sort()).toEqual(['claude', 'codex', 'gemini']);
  });
});

describe('check on a generated history', () => {
  it('the monthly total over all agents is the report\'s, to the cent', async () => {
    const dir = await genCorpus(30, 5);
    const monthly = await cliJson(['report', 'monthly', dir, '-z', 'UTC', '--json', '-q']);
    const m = monthly.monthly[monthly.monthly.length - 1];
    const end = new Date(Date.parse(m.lastActivity) + 1000).toISOString();
    const r = await cli(['check', '--budget', '0.01usd/month', dir, '-z', 'UTC'], at(end));
    expect(r.code).toBe(1);
    expect(r.out).toContain(`total: $${m.totalCost.toFixed(2)} of $0.01/month`);
  }, 300_000);
});

describe('check: bad input', () => {
  it('bad budgets and options: exit 2, one line', async () => {
    for (const [args, what] of [
      [['check', EXAMPLES], 'at least one --budget'], [['check', '--budget', '200usd', EXAMPLES], 'no period'],
      [['check', '--budget', '200usd/fortnight', EXAMPLES], 'unknown period'], [['check', '--budget', '200eur/week', EXAMPLES], 'cannot read the amount'],
      [['check', '--budget', '1usd/day', '--by', 'model', EXAMPLES], '--by'], [['check', '--budget', '1usd/day', '--format', 'gitlab', EXAMPLES], '--format'],
    ] as [string[], string][]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toContain(what);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  });
  it('a missing history is exit 1 with its reason, not a silent pass', async () => {
    const r = await cli(['check', '--budget', '1usd/day', '/nonexistent']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('path not found: /nonexistent');
    expect(r.out).toBe('');
  });
});
