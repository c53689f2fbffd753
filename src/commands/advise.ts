// `agentpprof advise`: from where the budget went to what to change — repeated file reads, growing
// context, long tool outputs, call bursts, continuation churn, compactions, unmatched prompts, subagent
// fan-out, and the shift against the previous period — each a ranked suggestion with its saving.

import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { advise } from '../advise/index.js';
import { adviseInputs } from '../advise/from-history.js';
import { adviseJson, adviseMarkdown } from '../advise/format.js';
import { countBatch, type EventBatch } from '../model.js';
import { buildProfile, VIEW_NAMES } from '../profile/index.js';
import { filterBatch } from '../sources/index.js';
import { taggerOptions } from '../tag/index.js';
import { COMMON_HELP, COMMON_OPTIONS, currentUserNames, loadAndTag, loadPrices, parseDate } from './profile.js';
import { noDataError, usageError } from '../util/cli-error.js';

export const summary = 'ranked advice with estimated savings: re-read files, context growth, churn, bursts, shifts';

export const help = `agentpprof advise [OPTIONS] [PATHS…]

Finds what drives the budget and turns each finding into a concrete change with its estimated
saving and the flamegraph frames it came from:
  repeated-read   a file read again and again across sessions → a CLAUDE.md / AGENTS.md line
  context-growth  sessions whose context per call keeps growing → split sessions, compact earlier
  long-output     tool outputs fed back whole → limit output (tail/grep, offset/limit)
  call-burst      prompts answered by many more calls than usual (tdigest percentiles) → say what done is
  churn           "continue"/"ok" turns and chains of them → a prompt template that plans up front
  compaction      sessions compacted repeatedly → one session per task
  unmatched       prompts no rule tags → rules to paste into agentpprof.rules
  fanout          subagent share of the cost → when to use subagents
  shift           tags whose cost share changed against the previous period (with --since/--until
                  the previous period of the same length; or --base-since/--base-until)

${COMMON_HELP}
Output:
  --format md|json       (default md)
  -o FILE                write the report to FILE instead of stdout; repeatable. FILE.html is the HTML
                         flamegraph viewer (tokens + the findings' views) with an Advice section: click a finding
                         to open the flamegraph on its frames (search and matched share)
  --prices FILE          price overrides (see agentpprof --help)
  --base-since/--base-until DATE   the period to compare against
  --no-compare           no period comparison
  --include-prompts      allow prompt text in findings (off: findings hold paths, tags and figures only)

Savings are estimates at list price; each finding names its stacks so you can open the flamegraph on it:
  agentpprof --view files -o files.html    then search the finding's regex.`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  format: { type: 'string', short: 'f' },
  output: { type: 'string', short: 'o', multiple: true },
  prices: { type: 'string' },
  'base-since': { type: 'string' },
  'base-until': { type: 'string' },
  'no-compare': { type: 'boolean' },
  'include-prompts': { type: 'boolean' },
  user: { type: 'string', multiple: true },
} as const;

const DAY = 86_400_000;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { ...taggerOptions(), ...OPTIONS }, allowPositionals: true, strict: true });
  const format = values.format ?? 'md';
  if (format !== 'md' && format !== 'json') throw usageError(`--format: md or json, got "${format}"`);
  const since = parseDate(values.since, '--since');
  const until = parseDate(values.until, '--until');
  // Read everything once (without the period filter), then cut the current and the base period.
  const { batch: all, tags } = await loadAndTag({ ...values, since: undefined, until: undefined }, positionals);
  const input = adviseInputs(all, {
    tags, prices: loadPrices(values.prices), userNames: currentUserNames(values.user), includePrompts: values['include-prompts'],
  });
  const current = filterBatch(all, { since, until });
  if (!current.sessions.length) throw noDataError(`no session between ${values.since ?? 'the start'} and ${values.until ?? 'now'} (${countBatch(all).sessions} sessions in all)`);
  let base: EventBatch | undefined;
  if (!values['no-compare']) {
    const bs = values['base-since'] ? parseDate(values['base-since'], '--base-since') : since !== undefined ? since - ((until ?? Date.now()) - since) : undefined;
    const bu = values['base-until'] ? parseDate(values['base-until'], '--base-until') : since;
    if (bs !== undefined && bu !== undefined) base = filterBatch(all, { since: bs, until: bu });
    else if (!since && all.calls.length) {
      // No period given: compare the last 30 days with the 30 before, when the history spans both.
      const end = Math.max(...all.calls.map((c) => c.ts));
      const first = Math.min(...all.calls.map((c) => c.ts));
      if (end - first > 45 * DAY) base = filterBatch(all, { since: end - 60 * DAY, until: end - 30 * DAY });
    }
  }
  const findings = await advise(input(current), base && base.calls.length ? input(base) : undefined);
  const n = countBatch(current);
  const header = `${n.sessions} sessions, ${n.prompts} prompts, ${n.calls} LLM calls` +
    (base ? `; compared with ${base.calls.length} calls of the previous period` : '') + '.';
  const text = format === 'json'
    ? adviseJson(findings, { sessions: n.sessions, prompts: n.prompts, calls: n.calls, compared: Boolean(base) })
    : adviseMarkdown(findings, header);
  for (const path of values.output ?? []) {
    let page = text;
    if (/\.html?$/i.test(path)) {
      // The flamegraph of each view a finding points at, folded from the same batch and tags.
      const { adviceViews, renderAdviceHtml } = await import('../render/advice-html.js');
      const profiles = adviceViews(findings).filter((v) => VIEW_NAMES.includes(v)).map((view) => buildProfile(current, tags, {
        view, prices: loadPrices(values.prices), privacy: { userNames: currentUserNames(values.user) }, includePrompts: values['include-prompts'],
      }));
      page = renderAdviceHtml(profiles, findings, { header });
    }
    if (path === '-') { process.stdout.write(page); continue; }
    writeFileSync(path, page);
    if (!values.quiet) process.stderr.write(`wrote ${path} (${findings.length} findings)\n`);
  }
  if (!values.output?.length) process.stdout.write(text);
  return 0;
}
