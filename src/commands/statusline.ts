// `agentpprof statusline`: Claude Code's statusLine command. Claude Code writes the session's JSON on
// stdin (session_id, transcript_path, model, workspace, cost, …) and shows the first line of stdout;
// this prints the session's list-price cost and tokens, today's cost over every agent, the tag of the
// current prompt and the burn rate of Claude's active 5-hour window. It runs after every message, so it
// reads only the trace files touched today or in the last 10 hours, each parsed once per change
// (src/cache/parsed-files.ts).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { parseArgs } from 'node:util';
import type { FileResult } from '../sources/merge.js';
import { mergeResults } from '../sources/merge.js';
import { readTraceFile } from '../sources/read.js';
import { listTraceFiles, type TraceFile } from '../sources/roots.js';
import { ParsedFileCache, cacheDir, type Codec } from '../cache/parsed-files.js';
import { recentTraceFiles } from '../cache/recent-files.js';
import { isMainPrompt } from '../model.js';
import { reportNow } from '../report/clock.js';
import { checkTimeZone, DayKeys, systemTimeZone } from '../report/periods.js';
import { statusFigures, statusLineText } from '../report/statusline.js';
import { BLOCK_MS } from '../report/blocks.js';
import { noDataError, usageError } from '../util/cli-error.js';

/** The project's rules file, as src/tag/index.ts reads it (imported from there it would load every tagger). */
const PROJECT_RULES_FILE = 'agentpprof.rules';

export const summary = "Claude Code's statusLine command: session cost and tokens, today's cost, prompt tag, burn rate";

export const help = `agentpprof statusline [OPTIONS] [PATHS…]

Claude Code's status line: reads the status JSON Claude Code writes on stdin and prints one line:

  opus-4-6 │ session $1.23 · 2.1M tok │ today $8.40 │ debug │ $4.10/h · 2h13m left

session: list-price cost and tokens of this session (session_id), subagents included; today: cost of
every agent's calls since midnight (--timezone); then the tag of the session's last prompt (your rules in
the project's ${'agentpprof.rules'} and the defaults) and the burn rate of Claude's active 5-hour window with
the time left in it. Trace files touched today or in the last 10 hours are read (default roots, or PATHS),
each parsed once per change and cached in ${cacheDir()}.

Set it up in ~/.claude/settings.json:
  "statusLine": { "type": "command", "command": "agentpprof statusline" }

Options:
  -z, --timezone TZ   the zone of "today" (default the system's: ${systemTimeZone()})
  --json              the figures as JSON instead of the line
  --no-cache          parse every file (the cache is neither read nor written)
AGENTPPROF_NOW=ISO-TIME sets the clock.`;

export interface StatusInput {
  session_id?: string;
  transcript_path?: string;
  cwd?: string;
  model?: { id?: string; display_name?: string };
  workspace?: { current_dir?: string; project_dir?: string };
}

/** The cache's kind for slimForStatus's entries: change it when the slimming keeps something else. */
const STATUS_CACHE_KIND = 'status-2';

const NO_SHAPE = { toolUses: 0, textChars: 0, thinkingChars: 0, codeBlocks: 0, tools: [] };

/**
 * Only what the statusline reads survives in a cached entry (parsing the entries is most of a warm
 * run): each call's session, time, model, usage and the merge's keys (dedup, subagent repair); each
 * session's last prompt. Call ids, shapes, tools and tool results are dropped.
 */
export function slimForStatus(r: FileResult): FileResult {
  const last = new Map<string, FileResult['prompts'][number]>();
  for (const p of r.prompts) if (isMainPrompt(p) && (!last.has(p.session) || p.ts >= last.get(p.session)!.ts)) last.set(p.session, p);
  return {
    ...r,
    prompts: [...last.values()].map((p) => ({ ...p, text: p.text.slice(0, 2000) })),
    calls: r.calls.map((c) => ({ id: '', session: c.session, prompt: null, ts: c.ts, end: c.ts, model: c.model, usage: c.usage, shape: NO_SHAPE, ...(c.sidechain ? { sidechain: true } : {}) })),
    tools: [], results: [], skipped: r.skipped.slice(0, 5),
  };
}

/**
 * The statusline's entries packed: a call is [session, ts, model, input, output, cacheRead, cacheWrite5m,
 * cacheWrite1h, sidechain] with sessions and models as indexes into tables — a fifth of the bytes of
 * the objects, and as much less to parse on every run.
 */
export const STATUS_CODEC: Codec = {
  encode(r) {
    const strings: string[] = [];
    const index = new Map<string, number>();
    const at = (s: string) => { let i = index.get(s); if (i === undefined) { index.set(s, (i = strings.length)); strings.push(s); } return i; };
    const calls = r.calls.map((c) => [at(c.session), c.ts, at(c.model), c.usage.input, c.usage.output, c.usage.cacheRead, c.usage.cacheWrite5m, c.usage.cacheWrite1h, c.sidechain ? 1 : 0]);
    return { ...r, calls, strings };
  },
  decode(x) {
    const o = x as Omit<FileResult, 'calls'> & { calls: number[][]; strings: string[] };
    if (!Array.isArray(o.strings) || !Array.isArray(o.calls)) throw new Error('not a packed status entry');
    const calls = o.calls.map((a) => ({
      id: '', session: o.strings[a[0]], prompt: null, ts: a[1], end: a[1], model: o.strings[a[2]],
      usage: { input: a[3], output: a[4], cacheRead: a[5], cacheWrite5m: a[6], cacheWrite1h: a[7] }, shape: NO_SHAPE, ...(a[8] ? { sidechain: true } : {}),
    }));
    const { strings: _, ...rest } = o;
    return { ...rest, calls };
  },
};

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true, strict: true,
    options: { timezone: { type: 'string', short: 'z' }, json: { type: 'boolean' }, 'no-cache': { type: 'boolean' } },
  });
  const input = readStatusInput();
  const timeZone = checkTimeZone(values.timezone ?? systemTimeZone());
  const s = await computeStatus(input, { paths: positionals, timeZone, now: reportNow(), cache: !values['no-cache'] });
  if (values.json) {
    process.stdout.write(JSON.stringify({ ...s.figures, prompt: undefined, tag: s.tag, files: s.files, cache: s.cache, ms: s.ms }, null, 2) + '\n');
  } else process.stdout.write(s.line + '\n');
  return 0;
}

export interface StatusOptions {
  paths?: string[];
  timeZone: string;
  now: number;
  /** Use the parsed-file cache (default true); `cacheDir` overrides where it lives. */
  cache?: boolean;
  cacheDir?: string;
}

/** The statusline for one status JSON: its figures, the prompt's tag, the line, and what it read. */
export async function computeStatus(input: StatusInput, opts: StatusOptions) {
  const keys = new DayKeys(opts.timeZone);
  const now = opts.now;
  // Today's calls and the active window's (a window opens at most 5 hours back, after a call at most 5 more).
  const from = Math.min(keys.startOfDay(keys.day(now)), now - 2 * BLOCK_MS);
  const t0 = performance.now();
  const listing = recentTraceFiles(opts.paths, from);
  if (listing.problems.length && !listing.files.length && !input.transcript_path) throw noDataError(listing.problems[0]);
  const files = listing.files;
  if (input.transcript_path) addTranscript(files, input.transcript_path);
  const t1 = performance.now();
  const cache = opts.cache === false ? null : new ParsedFileCache(STATUS_CACHE_KIND, slimForStatus, opts.cacheDir, STATUS_CODEC);
  const results = files.sort((a, b) => (a.path < b.path ? -1 : 1))
    .map((f) => (cache ? cache.read(f.format, f.path, f) : slimForStatus(readTraceFile(f.format, f.path))));
  const t2 = performance.now();
  const batch = mergeResults(results);
  const claudeSessions = new Set(batch.sessions.filter((s) => s.agent === 'claude').map((s) => s.id));
  const figures = statusFigures(batch, { sessionId: input.session_id, now, timeZone: opts.timeZone, claudeSessions });
  const t3 = performance.now();
  const tag = figures.prompt ? await tagOf(figures.prompt.text, figures.prompt.kind, input.workspace?.project_dir ?? input.cwd) : undefined;
  const line = statusLineText(figures, { model: input.model?.id ?? input.model?.display_name, tag, now });
  return { figures, tag, line, files: files.length, bytes: files.reduce((n, f) => n + f.size, 0), dirsRead: listing.dirsRead, cache: cache?.stats,
    /** Where the time went (ms): listing, reading (cache or parse), merge + figures, tagging + the line. */
    ms: { list: t1 - t0, read: t2 - t1, figures: t3 - t2, tag: performance.now() - t3 } };
}

function readStatusInput(): StatusInput {
  if (process.stdin.isTTY) throw usageError("statusline reads Claude Code's status JSON on stdin (configure it as the statusLine command; see --help)");
  let text: string;
  try { text = readFileSync(0, 'utf8'); } catch (e) { throw usageError(`statusline: cannot read stdin: ${(e as Error).message}`); }
  let doc: unknown;
  try { doc = JSON.parse(text); } catch {
    throw usageError(`statusline: stdin is not JSON (${text.trim() ? `starts ${JSON.stringify(text.trim().slice(0, 40))}` : 'empty'}); Claude Code writes its status JSON there`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw usageError('statusline: stdin JSON is not an object with session_id, transcript_path, model…');
  return doc as StatusInput;
}

/** The session's transcript and its subagents' (<session>/subagents/*.jsonl), when the listing missed them. */
function addTranscript(files: TraceFile[], transcript: string): void {
  const have = new Set(files.map((f) => f.path));
  const sub = join(dirname(transcript), basename(transcript, '.jsonl'), 'subagents');
  const extra = listTraceFiles({ paths: existsSync(sub) ? [transcript, sub] : [transcript] });
  for (const f of extra.files) if (!have.has(f.path)) files.push(f);
}

/** The prompt's tag by the project's rules and the defaults (the regex tagger: no model is started here). */
async function tagOf(text: string, kind: string, projectRoot: string | undefined): Promise<string> {
  if (kind === 'continue') return 'continue';
  // regex.js and rules.js only: the tag index would load every backend's module (~70 ms under load).
  const { parseRulesFile, RegexTagger } = await import('../tag/regex.js');
  const { defaultRules } = await import('../tag/rules.js');
  const file = join(projectRoot ?? process.cwd(), PROJECT_RULES_FILE);
  let own: ReturnType<typeof parseRulesFile> = [];
  try { own = parseRulesFile(readFileSync(file, 'utf8'), file); } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return new RegexTagger([...own, ...defaultRules()]).tagSync([text])[0].tag;
}
