// `agentpprof [profile]`: read the agents' history, tag prompts, fold one or more views into profiles
// and write them: a text report on a terminal, folded stacks otherwise, any renderer's format with
// `-o PATH` (by extension) or `--format`. A run ends with one summary line on stderr; the JSON status
// block only when asked (--json on stdout, --status on stderr).

import { readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { EventBatch } from '../model.js';
import { parsePrices, type PriceTable } from '../cost/pricing.js';
import { BUNDLED_PRICES } from '../cost/prices.js';
import { buildProfile, CALL_KINDS_HELP, Privacy, DEFAULT_IDLE_CAP_MS, FRAME_KINDS, parseFrameKind, tagPrompts, VIEWS, VIEW_NAMES, viewDef, type FrameKind, type WhereFilter } from '../profile/index.js';
import type { Profile, ViewName } from '../profile/types.js';
import { renderFolded } from '../render/folded.js';
import { renderText } from '../render/text.js';
import { createTagger, loadRules, PROJECT_RULES_FILE, taggerHelp, taggerNames, taggerOptions } from '../tag/index.js';
import { modelConfigured } from '../tag/backends.js';
import type { Tagger, TagResult } from '../tag/types.js';
import { parseTimeArg } from '../util/time.js';
import { readSummary } from '../util/warnings.js';
import { formatBytes, progressLine } from '../util/progress.js';
import { checkAgentFlag, requireHistory, requireRecordings } from './require-data.js';
import { noDataError, usageError } from '../util/cli-error.js';

export const summary = 'semantic flamegraph profiles: tokens, cost, time, files, network, ops (default command)';

/** Options shared with `tags`: input selection and tagging. */
export const COMMON_OPTIONS = {
  rules: { type: 'string', multiple: true },
  'tag-rule': { type: 'string', multiple: true },
  'no-default-rules': { type: 'boolean' },
  tagger: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  project: { type: 'string' },
  agent: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  verbose: { type: 'boolean', short: 'v' },
} as const;

const OPTIONS = {
  ...COMMON_OPTIONS,
  view: { type: 'string', multiple: true },
  stack: { type: 'string' },
  where: { type: 'string', multiple: true },
  format: { type: 'string', short: 'f' },
  output: { type: 'string', short: 'o', multiple: true },
  prices: { type: 'string' },
  'include-prompts': { type: 'boolean' },
  'idle-cap': { type: 'string' },
  'no-labels': { type: 'boolean' },
  user: { type: 'string', multiple: true },
  top: { type: 'string' },
  title: { type: 'string' },
  from: { type: 'string' },
  host: { type: 'string' },
  status: { type: 'boolean' },
} as const;

export const COMMON_HELP = `Input:
  PATHS…                 trace files or directories (default: ~/.claude, ~/.codex, ~/.gemini and their env vars)
  --since/--until DATE   keep events in [since, until) (YYYY-MM-DD, ISO time, or back from now: 12h, 7d, 2w)
  --from URL             draw the team's profile from the semantic events hosts pushed (agentpprof push /
                         live --push) to loki://H:3100 or clickhouse://H:8123[/DB] instead of local history;
                         --host REGEX keeps some hosts; ClickHouse sums in its query and also takes
                         --project NAME and --where on the view's frame kinds
  --project NAME         only sessions of this project; --agent claude|codex|gemini
Tagging (prompt:TAG frames):
  --tagger NAME          backend (default regex; hybrid when --model/--llm-url is given):
${taggerHelp()}
  --rules FILE           TAG=REGEX a line (# comments); repeatable. ./${PROJECT_RULES_FILE} is read automatically
  --tag-rule TAG=REGEX   one rule; repeatable. User rules come first (first match wins), then the defaults
  --no-default-rules     only your rules`;

export const help = `agentpprof [profile] [OPTIONS] [PATHS…]

Fold agent history into semantic profiles: prompt:TAG → call:llm/KIND → tool:NAME → effect.

${COMMON_HELP}
Views (--view, repeatable; default tokens):
${VIEW_NAMES.map((v) => `  ${v.padEnd(8)} ${VIEWS[v].help}\n           stack: ${VIEWS[v].stack.join(',')}`).join('\n')}
  --stack K1,K2,…        replace the view's frame kinds (${FRAME_KINDS.join(', ')});
                         a kind that does not apply to a sample is left out of its stack
  --where KIND=REGEX     keep samples whose KIND frame matches (repeatable, all must match)
  --idle-cap SECONDS     time view: cap on any one interval (default ${DEFAULT_IDLE_CAP_MS / 1000}); user think time is never charged
  --prices FILE          JSON {"model": {"input": 3, "output": 15, "cache_write_5m": 3.75, "cache_write_1h": 6,
                         "cache_read": 0.3}} USD per 1M tokens, over the bundled table; unknown models cost 0
Output:
  -o PATH                write a file, format from the extension (.svg .html .pb.gz .json .folded .txt); repeatable;
                         -o - is stdout, in the --format given (folded by default)
  -f, --format F         stdout format: text (default on a terminal), folded (default otherwise), json-status,
                         or svg|html|pprof|json
  --json                 print the JSON status block on stdout
  --status               print the JSON status block on stderr (scripts; a person gets the summary line)
  -v, --verbose          list every skipped input line (file:line: reason) after the summary line
  -q, --quiet            no summary line
  --top N                stacks in the text report (default 15)
  --include-prompts      add each prompt's first words as a text: frame (off: outputs hold no prompt text)
  --user NAME            another user name to scrub from frames (the current one and home-dir names always are)
  --no-labels            no project/agent/session sample labels (merges samples across sessions)

${CALL_KINDS_HELP}

Privacy: paths outside a session's project root become external/home|tmp|claude|codex|path; localhost,
private addresses and hosts under .local/.internal/.corp or naming the user collapse; user names and
secret-looking strings are replaced in every frame and label.`;

export interface Tagged {
  batch: EventBatch;
  tags: Map<string, string>;
  results: Map<string, TagResult>;
  taggerName: string;
  ruleFiles: string[];
}

/** --since/--until: an ISO date/time, YYYYMMDD, or a duration back from now (30m, 12h, 7d, 2w). */
export const parseDate = (s: string | undefined, flag: string): number | undefined => {
  if (!s) return undefined;
  try {
    return parseTimeArg(/^\d{8}$/.test(s) ? `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6)}` : s);
  } catch {
    throw usageError(`${flag}: cannot read "${s}" (YYYY-MM-DD, ISO time, or a duration back from now such as 7d)`);
  }
};

/** The tagger the options ask for (`--tagger`, hybrid when a model is set), built on the ordered rules. */
export async function taggerFrom(values: Record<string, unknown>): Promise<{ tagger: Tagger; name: string; ruleFiles: string[] }> {
  const { rules, files } = loadRules({
    cli: values['tag-rule'] as string[] | undefined,
    files: values.rules as string[] | undefined,
    projectRoot: process.cwd(),
    noDefaults: Boolean(values['no-default-rules']),
  });
  const name = (values.tagger as string | undefined) ?? (modelConfigured(values) ? 'hybrid' : 'regex');
  return { tagger: await createTagger(name, { rules, options: values }), name, ruleFiles: files };
}

/** Reads the history (the readers' loadHistory) and tags its prompts with the chosen backend. */
export async function loadAndTag(values: Record<string, unknown>, paths: string[]): Promise<Tagged> {
  const { tagger, name: taggerName, ruleFiles } = await taggerFrom(values);
  const { loadHistory, filterBatch } = await import('../sources/index.js');
  const progress = values.quiet ? null : progressLine('reading agent history');
  const filters = {
    since: parseDate(values.since as string | undefined, '--since'),
    until: parseDate(values.until as string | undefined, '--until'),
    project: values.project as string | undefined,
    agent: values.agent as string | undefined,
  };
  checkAgentFlag(filters.agent);
  // Recordings (AgentSight's, our collector's --json, live --record) are joined with the trace files
  // given beside them; everything else is trace history.
  const { splitRecordingArgs } = await import('../sources/agentsight-files.js');
  const { recordings, others } = paths.length ? splitRecordingArgs(paths) : { recordings: [], others: [] };
  let batch: EventBatch;
  if (recordings.length) {
    const { loadRecordings, outputStatus } = await import('../join/recordings.js');
    const traces = others.length ? await loadHistory({ paths: others }) : undefined;
    if (traces) requireHistory(traces, {});
    const rec = await loadRecordings(recordings, { traces });
    if (values.status) process.stderr.write(`${JSON.stringify({ recordings: outputStatus(rec.status) })}\n`);
    requireRecordings(rec, recordings);
    batch = filterBatch(rec, filters);
  } else {
    const history = await loadHistory({ paths: paths.length ? paths : undefined, ...filters, onProgress: progress?.update });
    progress?.done();
    requireHistory(history, filters);
    batch = history;
  }
  const { tags, results } = await tagPrompts(batch, tagger);
  return { batch, tags, results, taggerName, ruleFiles };
}

export function parseWhere(specs: string[] | undefined): WhereFilter[] {
  return (specs ?? []).map((spec) => {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw usageError(`--where: expected KIND=REGEX, got "${spec}"`);
    const kind = parseFrameKind(spec.slice(0, eq), '--where');
    try {
      return { kind, re: new RegExp(spec.slice(eq + 1), 'i') };
    } catch (e) {
      throw usageError(`--where ${spec}: bad regex: ${(e as Error).message}`);
    }
  });
}

export function loadPrices(file: string | undefined): PriceTable {
  return file ? parsePrices(readFileSync(file, 'utf8'), file) : BUNDLED_PRICES;
}

/** The current user's names (login and $USER/$LOGNAME), to scrub besides those found in home paths. */
export function currentUserNames(extra: string[] = []): string[] {
  const names = [...extra, process.env.USER ?? '', process.env.LOGNAME ?? ''];
  try { names.push(userInfo().username); } catch { /* no passwd entry (containers) */ }
  return names.filter(Boolean);
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { ...taggerOptions(), ...OPTIONS }, allowPositionals: true, strict: true });
  const views = (values.view?.length ? values.view : ['tokens']).flatMap((v) => v.split(',')).map((v) => v.trim());
  for (const v of views) viewDef(v);
  if (values.tagger && !taggerNames().includes(values.tagger)) throw usageError(`unknown tagger "${values.tagger}" (have: ${taggerNames().join(', ')})`);
  const stack: FrameKind[] | undefined = values.stack ? values.stack.split(',').filter(Boolean).map((k) => parseFrameKind(k, '--stack')) : undefined;
  const where = parseWhere(values.where);
  const prices = loadPrices(values.prices);
  const idleCap = values['idle-cap'] !== undefined ? Number(values['idle-cap']) : undefined;
  if (idleCap !== undefined && !(idleCap > 0)) throw usageError(`--idle-cap expects seconds > 0, got "${values['idle-cap']}"`);
  const top = values.top !== undefined ? Number(values.top) : undefined;

  if (values.from) return runFromStore(values, views as ViewName[], where);
  if (positionals.length && positionals.every(isProfileFile)) return runFromProfiles(values, positionals, values.view?.length ? views : undefined);
  const { batch, tags } = await loadAndTag(values, positionals);
  const userNames = currentUserNames(values.user);
  const profiles: Profile[] = views.map((view) => buildProfile(batch, tags, {
    view: view as ViewName, stack, where, prices, privacy: { userNames },
    includePrompts: values['include-prompts'], idleCapMs: idleCap !== undefined ? idleCap * 1000 : undefined,
    labels: !values['no-labels'],
  }));
  const status = statusOf(profiles, batch);
  const wrote = await writeRequested(profiles, values);
  const format = stdoutFormat(values);
  if (format === 'json-status' || values.json) process.stdout.write(JSON.stringify(status, null, 2) + '\n');
  else if (format) process.stdout.write(await renderStdout(profiles, format, { top, title: values.title }));
  // The JSON block is for scripts that ask for it; a person gets one line.
  if (values.status) process.stderr.write(JSON.stringify(status, null, 2) + '\n');
  if (!values.quiet) process.stderr.write(readSummary(batch, { verbose: values.verbose, wrote }));
  return 0;
}

/**
 * Writes every `-o PATH`; `-o -` is stdout in the --format given (or folded). Returns the paths written
 * (with their sizes), for the summary line.
 */
async function writeRequested(profiles: Profile[], values: { output?: string[]; format?: string; title?: string }): Promise<string[]> {
  const outputs = values.output ?? [];
  if (!outputs.length) return [];
  const render = await import('../render/index.js');
  const files = outputs.filter((o) => o !== '-');
  const done = files.length ? render.writeOutputs(profiles, files, { title: values.title }) : [];
  if (outputs.includes('-')) process.stdout.write(await renderStdout(profiles, values.format ?? 'folded', { title: values.title }));
  return done.map((w) => `${w.path} (${formatBytes(w.bytes)})`);
}

/** What goes to stdout besides `-o -`: the --format asked, else text on a terminal, folded in a pipe. */
function stdoutFormat(values: { format?: string; json?: boolean; output?: string[] }): string | undefined {
  const outputs = values.output ?? [];
  if (outputs.includes('-')) return undefined;
  return values.format ?? (values.json || outputs.length ? undefined : process.stdout.isTTY ? 'text' : 'folded');
}

/** Text naming local paths (the scan's problems), made shareable: home dirs → ~, user names scrubbed. */
function localText(s: string): string {
  return new Privacy({ userNames: currentUserNames() }).scrub(s.replace(/(^|[\s'"])\/(?:home|Users)\/[^/\s'"]+/g, '$1~'));
}

/** One status block for the run: the first profile's, plus every view's total. */
function statusOf(profiles: Profile[], batch: EventBatch & { problems?: string[]; files?: number }) {
  const st = { ...(profiles[0].status ?? {}) } as Record<string, unknown>;
  delete st.view; delete st.unit;
  st.totals = Object.fromEntries(profiles.map((p) => [p.view, { total: p.total, unit: p.unit, samples: p.samples.length }]));
  if (batch.files !== undefined) st.files = batch.files;
  // Problems name paths (missing roots): scrubbed like frames, since the block is an output too.
  if (batch.problems?.length) st.problems = batch.problems.map(localText);
  return st;
}

async function renderStdout(profiles: Profile[], format: string, opts: { top?: number; title?: string }): Promise<string | Buffer> {
  switch (format) {
    case 'text': return renderText(profiles, { top: opts.top });
    case 'folded': return renderFolded(profiles);
    default: {
      const render = await import('../render/index.js');
      if (!render.isOutputFormat(format)) throw usageError(`--format: unknown format "${format}" (text, folded, json-status, svg, html, pprof, json)`);
      return render.renderProfiles(profiles, format, { title: opts.title });
    }
  }
}

/** `--from loki://…|clickhouse://…`: the fleet profile, one `host:` subtree per machine, from the store's
 * semantic events (ClickHouse sums them itself and applies --project/--where in its query). */
async function runFromStore(values: Record<string, any>, views: ViewName[], where: WhereFilter[]): Promise<number> {
  const since = parseDate(values.since, '--since') ?? Date.now() - 30 * 86_400_000;
  const until = parseDate(values.until, '--until') ?? Date.now();
  const clickhouse = /^clickhouse:\/\//.test(values.from);
  if (!clickhouse && (values.project || where.length)) throw usageError('--project and --where with --from need a ClickHouse store (clickhouse://…); Loki is read event by event');
  const source = clickhouse ? 'ClickHouse' : 'Loki';
  const profiles: Profile[] = [];
  for (const view of views) {
    if (clickhouse) {
      const { profileFromClickHouse } = await import('../fleet/clickhouse-profile.js');
      profiles.push(await profileFromClickHouse({ url: values.from, view, since, until, host: values.host, project: values.project, where }));
      continue;
    }
    const { profileFromLoki } = await import('../fleet/from-loki.js');
    profiles.push(await profileFromLoki({ url: values.from, view, since, until, host: values.host,
      onProgress: (n) => { if (process.stderr.isTTY && !values.quiet) process.stderr.write(`\rread ${n} events from Loki…`); } }));
  }
  if (process.stderr.isTTY && !values.quiet) process.stderr.write('\r\x1b[K');
  const wrote = await writeRequested(profiles, values);
  const format = stdoutFormat(values);
  if (format) process.stdout.write(await renderStdout(profiles, format, { top: values.top !== undefined ? Number(values.top) : undefined, title: values.title }));
  const st = profiles[0].status ?? {};
  if (values.json) process.stdout.write(JSON.stringify(st, null, 2) + '\n');
  if (values.status) process.stderr.write(JSON.stringify(st, null, 2) + '\n');
  if (!values.quiet) process.stderr.write(`read ${profiles.map((p) => p.samples.length).reduce((a, b) => a + b, 0)} samples from ${source}${wrote.length ? `; wrote ${wrote.join(', ')}` : ''}\n`);
  return 0;
}

/** A folded or pprof file (ours or any), as opposed to a trace file or directory. */
function isProfileFile(path: string): boolean {
  try {
    return statSync(path).isFile() && /\.(pb\.gz|pprof|pb|folded|collapsed)$/i.test(path);
  } catch {
    return false;
  }
}

/** `agentpprof x.pb.gz y.folded`: profiles read back (merged per view) and rendered like any other. */
async function runFromProfiles(values: Record<string, any>, paths: string[], views: string[] | undefined): Promise<number> {
  const { readAll } = await import('./profile-inputs.js');
  const { profiles: all, skipped } = readAll(paths);
  for (const s of skipped.slice(0, 20)) process.stderr.write(`skipped ${s}\n`);
  const profiles = views ? all.filter((p) => views.includes(p.view)) : all;
  if (!profiles.length) throw noDataError(`no ${views ? views.join('/') + ' ' : ''}profile in ${paths.join(', ')}`);
  const wrote = await writeRequested(profiles, values);
  const format = stdoutFormat(values);
  if (format) process.stdout.write(await renderStdout(profiles, format, { top: values.top !== undefined ? Number(values.top) : undefined, title: values.title }));
  if (!values.quiet && wrote.length) process.stderr.write(`wrote ${wrote.join(', ')}\n`);
  return 0;
}

