// `agentpprof check --budget 200usd/week`: a CI gate on agent spend. Exit 0 within every budget, 1 over
// any, one line per breach ("debug: $84.10 of $60/week, +40 %"), GitHub annotations with --format github.
import { parseArgs } from 'node:util';
import { taggerOptions } from '../tag/index.js';
import { breachLine, checkBudgets, parseBudget, type ByDimension, type CheckResult } from '../report/budget.js';
import { reportNow } from '../report/clock.js';
import { checkTimeZone, DayKeys, parseWeekday, systemTimeZone } from '../report/periods.js';
import { usageError } from '../util/cli-error.js';
import { COMMON_OPTIONS, loadAndTag, loadPrices, parseDate } from './profile.js';
import { LOCAL_HISTORY_HELP } from './report.js';

export const summary = 'budgets as a CI gate: exit 1 when spend (USD or tokens) per day/week/month is over budget';

export const help = `agentpprof check --budget AMOUNT/PERIOD [--budget …] [OPTIONS] [PATHS…]

Checks the list-price cost (or tokens) of each calendar period against budgets. Exit 0 when every
check is within budget, 1 when any is over (one line per breach) or when the history cannot be read
(one line on stderr says which), 2 on a bad command line. A period without activity spent 0.

Budgets (--budget, repeatable):
  200usd/week  \$200/week     USD per day, week or month
  5Mtok/day    500ktok/day   tokens (input + output + cache) per period
  debug=60usd/week           a budget for one key of --by (here the tag debug); an unkeyed budget with
                             --by applies to every other key
Options:
  --by tag|project|agent     check each tag's, project's or agent's spend (default: the total)
  --since WHEN               check every period from the one holding WHEN (default: the current period only)
  --until WHEN               up to WHEN (default: now)
  -z, --timezone TZ          calendar of the periods (default the system's: ${systemTimeZone()})
  --start-of-week DAY        default sunday
  --warn PERCENT             a check at or above this share of its budget is a warning (default 80)
  --format text|github       github: ::error:: / ::warning:: annotations for the Actions log
                             (default github when GITHUB_ACTIONS=true, else text)
  --all                      also list the checks within budget
  --prices FILE              price overrides (see agentpprof profile --help)
AGENTPPROF_NOW=ISO-TIME sets the clock ("this week").

${LOCAL_HISTORY_HELP.replace(/\n {2}--since\/--until[^\n]*/, '')}

Examples:
  agentpprof check --budget 200usd/week
  agentpprof check --budget 60usd/week --by tag --budget debug=30usd/week --format github
  agentpprof check --budget 5Mtok/day --by project --since 14d`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  budget: { type: 'string', multiple: true },
  by: { type: 'string' },
  timezone: { type: 'string', short: 'z' },
  'start-of-week': { type: 'string' },
  warn: { type: 'string' },
  format: { type: 'string' },
  all: { type: 'boolean' },
  prices: { type: 'string' },
} as const;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { ...taggerOptions(), ...OPTIONS }, allowPositionals: true, strict: true });
  if (!values.budget?.length) throw usageError('check: give at least one --budget (e.g. --budget 200usd/week)');
  const budgets = values.budget.map(parseBudget);
  const by = values.by as ByDimension | undefined;
  if (by !== undefined && !['tag', 'project', 'agent'].includes(by)) throw usageError(`--by: expected tag, project or agent, got "${by}"`);
  const keyedBy = by ?? (budgets.some((b) => b.key !== undefined) ? 'tag' : undefined);
  const timeZone = checkTimeZone(values.timezone ?? systemTimeZone());
  const startOfWeek = parseWeekday(values['start-of-week']);
  const warnAt = values.warn !== undefined ? Number(values.warn) : 80;
  if (!(warnAt > 0)) throw usageError(`--warn expects a percentage > 0, got "${values.warn}"`);
  const format = values.format ?? (process.env.GITHUB_ACTIONS === 'true' ? 'github' : 'text');
  if (format !== 'text' && format !== 'github') throw usageError(`--format: expected text or github, got "${format}"`);
  const now = reportNow();
  const until = parseDate(values.until, '--until') ?? now;
  const since = parseDate(values.since, '--since') ?? until - 1;
  if (since >= until) throw usageError('--since is not before --until');

  // The whole history is read and the window applied to calls here: a quiet period is spend 0 (within
  // budget), not the "no session matches" error a time filter on the reader would give.
  const { batch, tags } = await loadAndTag({ ...values, since: undefined, until: undefined, quiet: true }, positionals);
  const results = checkBudgets(batch, tags, budgets, { by: keyedBy, timeZone, startOfWeek, since, until, prices: loadPrices(values.prices), warnAt });
  const periods = new Set(results.map((r) => `${r.budget.period}:${r.period}`));
  const withPeriod = periods.size > 1 || values.since !== undefined;
  const over = results.filter((r) => r.status === 'over');
  const shown = results.filter((r) => r.status !== 'ok' || values.all);
  const out = shown.map((r) => lineOf(r, format, withPeriod));
  if (out.length) process.stdout.write(out.join('\n') + '\n');
  if (!values.quiet) {
    const keys = new DayKeys(timeZone);
    const window = values.since === undefined ? `this ${[...new Set(budgets.map((b) => b.period))].join('/')} (from ${[...new Set(budgets.map((b) => keys.key(b.period, until - 1, startOfWeek)))].join(', ')})` : `since ${new Date(since).toISOString().slice(0, 10)}`;
    process.stderr.write(`check: ${results.length} check${results.length === 1 ? '' : 's'} of ${budgets.length} budget${budgets.length === 1 ? '' : 's'} ${window}, ${timeZone}: ` +
      `${over.length ? `${over.length} over budget` : 'all within budget'}${results.some((r) => r.status === 'warn') ? `, ${results.filter((r) => r.status === 'warn').length} at ≥ ${warnAt} %` : ''}\n`);
  }
  return over.length ? 1 : 0;
}

function lineOf(r: CheckResult, format: string, withPeriod: boolean): string {
  const text = breachLine(r, withPeriod);
  if (format !== 'github') return r.status === 'warn' ? `warning: ${text}` : r.status === 'ok' ? `ok: ${text}` : text;
  // Workflow commands: the message ends at the line; % and newlines are escaped as the runner expects.
  const msg = text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const level = r.status === 'over' ? 'error' : r.status === 'warn' ? 'warning' : 'notice';
  return `::${level} title=agentpprof budget::${msg}`;
}
