// `agentpprof report daily|weekly|monthly|session|blocks`: the calendar view of the history — ccusage's
// columns per day, week, month, session or 5-hour window, each row with its top prompt tags. Totals are
// the cost and tokens views' totals; tokens and costs equal ccusage's for the same Claude history.
import { parseArgs } from 'node:util';
import { taggerOptions } from '../tag/index.js';
import { calendarReport, type BreakdownBy, type CalendarPeriod, type Report } from '../report/calendar.js';
import { usageBlocks, type Block } from '../report/blocks.js';
import { reportNow } from '../report/clock.js';
import { checkTimeZone, parseWeekday, systemTimeZone, WEEKDAYS } from '../report/periods.js';
import { renderTable, usd } from '../report/table.js';
import { filterBatch } from '../sources/index.js';
import { noDataError, usageError } from '../util/cli-error.js';
import { readSummary } from '../util/warnings.js';
import { COMMON_HELP, COMMON_OPTIONS, loadAndTag, loadPrices } from './profile.js';

export const summary = 'calendar reports: tokens, cost and top tags per day, week, month, session or 5-hour block';

const PERIODS = ['daily', 'weekly', 'monthly', 'session', 'blocks'] as const;
type Period = (typeof PERIODS)[number];

/** The profile's input and tagging help without --from (these commands read local history only). */
export const LOCAL_HISTORY_HELP = COMMON_HELP.replace(/\n {2}--from [^\n]*(?:\n {6,}[^\n]*)*/, '');

export const help = `agentpprof report daily|weekly|monthly|session|blocks [OPTIONS] [PATHS…]

Tokens and list-price cost per calendar day, week (from --start-of-week), month, session, or Claude's
5-hour usage window, in ccusage's columns (input, output, cache create, cache read, total tokens, cost),
with the top prompt tags of each row and their share of its cost. The totals line is the profile's
total (agentpprof --view cost / --view tokens) over the same input.

Report:
  -z, --timezone TZ      group by this zone's calendar (IANA name, e.g. UTC, Europe/Paris; default the system's: ${systemTimeZone()})
  --start-of-week DAY    weekly: first day of the week (${WEEKDAYS.join(', ')}; default sunday, as ccusage)
  --breakdown model|tag  a sub-row per model or per tag under each row
  --top-tags N           tags listed per row (default 3)
  --prices FILE          price overrides (see agentpprof profile --help)
  --json                 rows and totals as JSON, in ccusage's field names plus tags
blocks: windows open at the hour of a call and last 5 hours (or until 5 quiet hours); Claude Code calls
only, since the window is Claude's. The active window shows its burn rate and a projection to its end.
AGENTPPROF_NOW=ISO-TIME sets the clock (which window is active), to reproduce a report on an old history.

${LOCAL_HISTORY_HELP}

Examples:
  agentpprof report daily --since 7d
  agentpprof report weekly --breakdown tag --timezone UTC
  agentpprof report blocks --json`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  timezone: { type: 'string', short: 'z' },
  'start-of-week': { type: 'string' },
  breakdown: { type: 'string' },
  'top-tags': { type: 'string' },
  prices: { type: 'string' },
} as const;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { ...taggerOptions(), ...OPTIONS }, allowPositionals: true, strict: true });
  const [period, ...paths] = positionals;
  if (!period) throw usageError(`report: name a report (${PERIODS.join(', ')})`);
  if (!(PERIODS as readonly string[]).includes(period)) throw usageError(`report: unknown report "${period}" (${PERIODS.join(', ')})`);
  const timeZone = checkTimeZone(values.timezone ?? systemTimeZone());
  const startOfWeek = parseWeekday(values['start-of-week']);
  const breakdown = values.breakdown as BreakdownBy | undefined;
  if (breakdown !== undefined && breakdown !== 'model' && breakdown !== 'tag') throw usageError(`--breakdown: expected model or tag, got "${breakdown}"`);
  const topTags = values['top-tags'] !== undefined ? Number(values['top-tags']) : 3;
  if (!Number.isInteger(topTags) || topTags < 0) throw usageError(`--top-tags expects a whole number ≥ 0, got "${values['top-tags']}"`);
  const prices = loadPrices(values.prices);

  const { batch, tags } = await loadAndTag(values, paths);
  if (period === 'blocks') {
    const claude = filterBatch(batch, { agent: 'claude' });
    if (!claude.calls.length) throw noDataError(`blocks: no Claude Code call in the history (agents read: ${[...new Set(batch.sessions.map((s) => s.agent))].join(', ')}); the 5-hour window is Claude's`);
    const blocks = usageBlocks(claude, tags, { prices, topTags, now: reportNow() });
    // The totals line sums the calls in the batch's order, as the cost view does (not the rounded rows).
    const totals = calendarReport(claude, tags, 'monthly', { timeZone: 'UTC', prices, topTags }).totals;
    const others = batch.calls.length - claude.calls.length;
    if (values.json) process.stdout.write(JSON.stringify({ blocks, totals }, null, 2) + '\n');
    else process.stdout.write(blocksText(blocks, totals));
    if (others && !values.quiet) process.stderr.write(`blocks: ${others} calls of other agents are not in Claude's windows\n`);
  } else {
    const report = calendarReport(batch, tags, period as CalendarPeriod, { timeZone, startOfWeek, breakdown, prices, topTags });
    if (values.json) process.stdout.write(JSON.stringify(reportJson(report, period as CalendarPeriod, timeZone), null, 2) + '\n');
    else process.stdout.write(reportText(report, period as CalendarPeriod, timeZone));
  }
  if (!values.quiet) process.stderr.write(readSummary(batch, { verbose: values.verbose }));
  return 0;
}

const KEY_FIELD: Record<CalendarPeriod, string> = { daily: 'date', weekly: 'week', monthly: 'month', session: 'sessionId' };

/** ccusage's JSON shape ({daily: [{date, inputTokens, …, totalCost, modelsUsed}], totals}) plus calls and tags. */
function reportJson(r: Report, period: CalendarPeriod, timeZone: string) {
  return {
    [period === 'session' ? 'sessions' : period]: r.rows.map(({ key, breakdown, ...rest }) => ({
      [KEY_FIELD[period]]: key, ...rest,
      ...(breakdown ? { breakdown: breakdown.map(({ name, ...cols }) => ({ name, ...cols })) } : {}),
    })),
    totals: r.totals,
    timezone: timeZone,
    ...(r.unknownModels.length ? { unknownModels: r.unknownModels } : {}),
  };
}

function reportText(r: Report, period: CalendarPeriod, timeZone: string): string {
  const first = { daily: 'Date', weekly: 'Week', monthly: 'Month', session: 'Session' }[period];
  const rows = r.rows.map((x) => ({
    ...x, label: period === 'session' ? `${x.agent}/${x.project} ${x.key.slice(0, 8)} ${x.lastActivity.slice(0, 10)}` : x.key,
    models: x.modelsUsed, sub: x.breakdown,
  }));
  const out = [renderTable(first, rows, { ...r.totals, label: 'Total' })];
  out.push(`${period === 'session' ? '' : `calendar of ${timeZone}; `}cost at list price; tags' share of each row's cost`);
  if (r.unknownModels.length) out.push(`; no price for ${r.unknownModels.join(', ')} (tokens counted, cost 0)`);
  return out.join('') + '\n';
}

function blocksText(blocks: Block[], totals: Report['totals']): string {
  const rows = blocks.filter((b) => !b.isGap).map((b) => ({
    ...b, label: `${b.startTime.slice(0, 16).replace('T', ' ')}${b.isActive ? ' ACTIVE' : ''}`,
  }));
  const out = [renderTable('Block start (UTC)', rows, { ...totals, label: 'Total' })];
  const active = blocks.find((b) => b.isActive);
  if (active?.burnRate && active.projection) {
    out.push(`active block: ${Math.round(active.burnRate.tokensPerMinute).toLocaleString('en-US')} tokens/min, ${usd(active.burnRate.costPerHour)}/h; ` +
      `projected ${active.projection.totalTokens.toLocaleString('en-US')} tokens, ${usd(active.projection.totalCost)} by ${active.endTime.slice(11, 16)} UTC (${active.projection.remainingMinutes} min left)\n`);
  } else if (active) out.push('active block: one call so far, no burn rate yet\n');
  else out.push('no active block (the last call was more than 5 hours ago or its window has ended)\n');
  return out.join('');
}
