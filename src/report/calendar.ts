// Calendar reports, data in → data out: the calls of a tagged batch summed per day, week or month of a
// time zone, or per session, with ccusage's columns (input, output, cache create, cache read, total
// tokens, cost) and the top prompt tags of each row. One pass over the calls; rows sorted by time.
import type { EventBatch } from '../model.js';
import type { PriceTable } from '../cost/pricing.js';
import { calendarContext, UsageSum, type Breakdown, type TagShare, type TokenColumns } from './usage-sum.js';

export type CalendarPeriod = 'daily' | 'weekly' | 'monthly' | 'session';
export type BreakdownBy = 'model' | 'tag';

export interface ReportOptions {
  timeZone: string;
  /** 0 = Sunday (ccusage's default), 1 = Monday … */
  startOfWeek?: number;
  breakdown?: BreakdownBy;
  prices?: PriceTable;
  /** Tags listed per row (default 3). */
  topTags?: number;
}

export interface ReportRow extends TokenColumns {
  /** The day (YYYY-MM-DD), first day of the week, month (YYYY-MM), or session id. */
  key: string;
  calls: number;
  firstActivity: string;
  lastActivity: string;
  modelsUsed: string[];
  tags: TagShare[];
  breakdown?: Breakdown[];
  /** Session rows: who and where. */
  agent?: string;
  project?: string;
}

export interface Report {
  rows: ReportRow[];
  totals: TokenColumns & { calls: number; tags: TagShare[] };
  /** Models without a price: their tokens are counted, their cost is 0. */
  unknownModels: string[];
}

export function calendarReport(batch: EventBatch, tags: ReadonlyMap<string, string>, period: CalendarPeriod, opts: ReportOptions): Report {
  const { pricer, keys, startDay, tagOf: tagOfCall, sessions } = calendarContext(batch, tags, opts);
  const rows = new Map<string, UsageSum>();
  const total = new UsageSum();
  for (const c of batch.calls) {
    const key = period === 'daily' ? keys.day(c.ts) : period === 'weekly' ? keys.week(c.ts, startDay)
      : period === 'monthly' ? keys.month(c.ts) : c.session;
    const cost = pricer.cost(c.model, c.usage);
    const tag = tagOfCall(c);
    let row = rows.get(key);
    if (!row) rows.set(key, (row = new UsageSum()));
    row.add(c, cost, tag, opts.breakdown === 'model' ? c.model : opts.breakdown === 'tag' ? tag : undefined);
    total.add(c, cost, tag);
  }
  const top = opts.topTags ?? 3;
  const out: ReportRow[] = [...rows].map(([key, s]) => {
    const row: ReportRow = {
      key, calls: s.calls, ...s.columns(), firstActivity: iso(s.first), lastActivity: iso(s.last),
      modelsUsed: [...s.models], tags: s.tagShares(top),
    };
    if (opts.breakdown) row.breakdown = s.breakdown();
    if (period === 'session') {
      const ses = sessions.get(key);
      row.agent = ses?.agent ?? 'unknown';
      row.project = ses?.project ?? 'unknown';
    }
    return row;
  });
  out.sort(period === 'session' ? (a, b) => a.firstActivity.localeCompare(b.firstActivity) || a.key.localeCompare(b.key) : (a, b) => a.key.localeCompare(b.key));
  return {
    rows: out,
    totals: { ...total.columns(), calls: total.calls, tags: total.tagShares(top) },
    unknownModels: [...pricer.unknown.keys()].sort(),
  };
}

export const iso = (t: number): string => (Number.isFinite(t) ? new Date(t).toISOString() : '');
