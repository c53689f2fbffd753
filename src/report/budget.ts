// Budgets, data in → data out: `[KEY=]AMOUNT/PERIOD` specs (200usd/week, $60/week, 5Mtok/day,
// debug=60usd/week) checked against the spend of each calendar period of a time zone, in total or per
// tag, project or agent. A budget without a key applies to every key of the --by dimension (or to the
// total without one); a keyed budget replaces it for its key.
import type { EventBatch } from '../model.js';
import type { PriceTable } from '../cost/pricing.js';
import { usageError } from '../util/cli-error.js';
import { DayKeys, type PeriodUnit } from './periods.js';
import { calendarContext } from './usage-sum.js';

export type Metric = 'usd' | 'tokens';
export type ByDimension = 'tag' | 'project' | 'agent';

export interface Budget {
  key?: string;
  metric: Metric;
  limit: number;
  period: PeriodUnit;
  /** As printed: `$60/week`, `5M tokens/day`. */
  label: string;
}

const PERIODS: Record<string, PeriodUnit> = { day: 'day', d: 'day', daily: 'day', week: 'week', w: 'week', wk: 'week', weekly: 'week', month: 'month', mo: 'month', monthly: 'month' };
const SCALE: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9 };

export function parseBudget(spec: string): Budget {
  const bad = (why: string) => usageError(`--budget ${spec}: ${why} (forms: 200usd/week, $60/week, 5Mtok/day, debug=60usd/week)`);
  const eq = spec.indexOf('=');
  const key = eq > 0 ? spec.slice(0, eq).trim() : undefined;
  const rest = (eq > 0 ? spec.slice(eq + 1) : spec).trim().toLowerCase();
  const slash = rest.lastIndexOf('/');
  if (slash < 0) throw bad('no period');
  const period = PERIODS[rest.slice(slash + 1).trim()];
  if (!period) throw bad(`unknown period "${rest.slice(slash + 1)}" (day, week, month)`);
  const amount = rest.slice(0, slash).replace(/\s+/g, '');
  let m = /^\$?(\d+(?:\.\d+)?)(?:usd|\$)?$/.exec(amount);
  if (m && (amount.startsWith('$') || /usd|\$$/.test(amount))) {
    const limit = Number(m[1]);
    return { key, metric: 'usd', limit, period, label: `$${fmtUsdLimit(limit)}/${period}` };
  }
  m = /^(\d+(?:\.\d+)?)([kmg]?)(?:tok|tokens?)$/.exec(amount);
  if (m) {
    const limit = Number(m[1]) * SCALE[m[2]];
    return { key, metric: 'tokens', limit, period, label: `${fmtTokens(limit)} tokens/${period}` };
  }
  throw bad(`cannot read the amount "${amount}" (USD: 200usd or $200; tokens: 5Mtok, 500ktok)`);
}

const fmtUsdLimit = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));

export function fmtTokens(n: number): string {
  for (const [s, v] of [['G', 1e9], ['M', 1e6], ['k', 1e3]] as const) {
    if (n >= v) return `${+(n / v).toFixed(n / v >= 100 ? 0 : 1)}${s}`;
  }
  return String(Math.round(n));
}

export interface CheckOptions {
  by?: ByDimension;
  timeZone: string;
  startOfWeek?: number;
  /** Spend counted from here (epoch ms); each budget's periods from the one holding it. */
  since: number;
  until: number;
  prices?: PriceTable;
  /** Percent of a budget at which a check is a warning (default 80). */
  warnAt?: number;
}

export interface CheckResult {
  budget: Budget;
  /** The tag, project or agent; `total` without --by. */
  key: string;
  /** The period's first day (YYYY-MM-DD) or month (YYYY-MM). */
  period: string;
  spent: number;
  /** Spent over limit, in percent (140 = 40 % over). */
  percent: number;
  status: 'over' | 'warn' | 'ok';
}

/** Every (budget, key, period) with its spend, over budget first. */
export function checkBudgets(batch: EventBatch, tags: ReadonlyMap<string, string>, budgets: Budget[], opts: CheckOptions): CheckResult[] {
  const { pricer, keys, startDay, tagOf, sessions } = calendarContext(batch, tags, opts);
  const dimOf = (c: EventBatch['calls'][number]): string => {
    if (opts.by === 'tag') return tagOf(c);
    if (opts.by === 'project') return sessions.get(c.session)?.project ?? 'unknown';
    if (opts.by === 'agent') return sessions.get(c.session)?.agent ?? 'unknown';
    return 'total';
  };
  const units = [...new Set(budgets.map((b) => b.period))];
  // unit → period key → dimension key → spend
  const spend = new Map<PeriodUnit, Map<string, Map<string, { usd: number; tokens: number }>>>(units.map((u) => [u, new Map()]));
  const starts = new Map(units.map((u) => [u, keys.periodStart(u, opts.since, startDay)]));
  const from = Math.min(...starts.values());
  for (const c of batch.calls) {
    if (c.ts < from || c.ts >= opts.until) continue;
    const parts = pricer.cost(c.model, c.usage);
    const usd = parts ? parts.input + parts.output + parts.cache_read + parts.cache_write : 0;
    const u = c.usage;
    const tok = u.input + u.output + u.cacheRead + u.cacheWrite5m + u.cacheWrite1h;
    const dim = dimOf(c);
    for (const unit of units) {
      if (c.ts < starts.get(unit)!) continue;
      const byPeriod = spend.get(unit)!;
      const pk = keys.key(unit, c.ts, startDay);
      let byDim = byPeriod.get(pk);
      if (!byDim) byPeriod.set(pk, (byDim = new Map()));
      let s = byDim.get(dim);
      if (!s) byDim.set(dim, (s = { usd: 0, tokens: 0 }));
      s.usd += usd;
      s.tokens += tok;
    }
  }
  const warnAt = opts.warnAt ?? 80;
  const keyed = new Set(budgets.filter((b) => b.key !== undefined).map((b) => `${b.key}\u0000${b.metric}\u0000${b.period}`));
  const results: CheckResult[] = [];
  for (const b of budgets) {
    const byPeriod = spend.get(b.period)!;
    // The periods checked: every one from --since to now, those without spend at 0 (a quiet week is within budget).
    const periods = periodKeys(keys, b.period, opts.since, opts.until, startDay);
    for (const pk of periods) {
      const byDim = byPeriod.get(pk) ?? new Map<string, { usd: number; tokens: number }>();
      const dims = b.key !== undefined ? [b.key] : opts.by ? [...byDim.keys()].filter((k) => !keyed.has(`${k}\u0000${b.metric}\u0000${b.period}`)) : ['total'];
      if (b.key === undefined && !opts.by && !dims.length) dims.push('total');
      for (const k of dims) {
        const s = byDim.get(k);
        const spent = s ? (b.metric === 'usd' ? s.usd : s.tokens) : 0;
        const percent = b.limit > 0 ? (100 * spent) / b.limit : spent > 0 ? Infinity : 0;
        results.push({ budget: b, key: k, period: pk, spent, percent, status: spent > b.limit ? 'over' : percent >= warnAt ? 'warn' : 'ok' });
      }
    }
  }
  const rank = { over: 0, warn: 1, ok: 2 };
  return results.sort((a, b) => rank[a.status] - rank[b.status] || b.percent - a.percent || a.period.localeCompare(b.period) || a.key.localeCompare(b.key));
}

/** The keys of the periods from the one holding `since` to the one holding `until - 1`. */
function periodKeys(keys: DayKeys, unit: PeriodUnit, since: number, until: number, startDay: number): string[] {
  const out: string[] = [];
  for (let t = keys.periodStart(unit, since, startDay); t < until; t = keys.periodEnd(unit, t, startDay)) out.push(keys.key(unit, t, startDay));
  return out;
}

/** `debug: $84.10 of $60/week, +40 %` (the period named when several are checked). */
export function breachLine(r: CheckResult, withPeriod: boolean): string {
  const b = r.budget;
  const spent = b.metric === 'usd' ? `$${r.spent.toFixed(2)}` : `${fmtTokens(r.spent)} tokens`;
  const pct = r.status === 'over' ? `+${Number.isFinite(r.percent) ? Math.round(r.percent - 100) : '∞'} %` : `${Math.round(r.percent)} %`;
  const when = withPeriod ? ` (${b.period === 'week' ? `week of ${r.period}` : r.period})` : '';
  return `${r.key}: ${spent} of ${b.label}, ${pct}${when}`;
}
