// `agentpprof sessions`: one row per agent session with its prompts, calls and tokens by kind.
import { parseArgs } from 'node:util';
import { COUNTS_DEFINITION, isMainPrompt, type EventBatch, type Usage } from '../model.js';
import { loadHistory, type LoadOptions } from '../sources/index.js';
import { progressLine } from '../util/progress.js';
import { parseTimeArg } from '../util/time.js';
import { readSummary } from '../util/warnings.js';
import { checkAgentFlag, requireHistory } from './require-data.js';

export const summary = 'table of sessions: agent, project, session, start, prompts, calls, tokens by kind';

export const help = `agentpprof sessions [OPTIONS] [PATHS…]

List agent sessions with their prompts, LLM calls and tokens by kind
(input, output, cache_read, cache_write), plus a totals row.

Where it looks (unless PATHS or --*-dir are given):
  Claude Code  $CLAUDE_CONFIG_DIR (comma-separated list), else ~/.config/claude
               ($XDG_CONFIG_HOME/claude) and ~/.claude — their projects/**/*.jsonl
  Codex        $CODEX_HOME, else ~/.codex — sessions/ (preferred) and archived_sessions/
  Gemini CLI   ~/.gemini — tmp/<project>/chats/*.json(l)
PATHS may be trace files or directories (an agent root, or any folder holding traces);
the format is detected from the layout, the file name and the first line.

Options:
  --since WHEN        only activity at or after WHEN: an ISO date/time or a duration back from now (30m, 12h, 7d, 2w)
  --until WHEN        only activity before WHEN (same forms)
  --project NAME      only sessions whose project name is NAME or whose path contains NAME
  --agent NAME        only sessions of one agent: claude, codex or gemini
  --claude-dir DIR    read Claude Code history from DIR (repeatable; replaces discovery)
  --codex-dir DIR     read Codex history from DIR (repeatable)
  --gemini-dir DIR    read Gemini CLI history from DIR (repeatable)
  --json              print JSON (sessions, totals, skipped) instead of a table
  --quiet             print nothing; exit 0 if any session was found, else 1
  -v, --verbose       list the skipped lines (file:line: reason) after the summary line
  -h, --help          show this help

Tokens are as the agents reported them; streamed Claude responses are counted once. Sessions are
top-level sessions; a subagent's own session (Codex) is a row marked ↳ and counted apart. Prompts are
the human and continue prompts of the main thread (the ones that become prompt:TAG frames).
Lines that cannot be read are skipped and counted on stderr (--verbose: file:line of each).
A missing or unreadable path, a folder without agent sessions or filters that match nothing is an
error (exit 1) naming the problem.

Examples:
  agentpprof sessions
  agentpprof sessions --since 7d --agent claude
  agentpprof sessions --project myapp --json
  agentpprof sessions examples/
  agentpprof sessions --codex-dir /backup/.codex --since 2026-01-01 --until 2026-02-01`;

interface Row {
  agent: string;
  project: string;
  session: string;
  start: string;
  end: string;
  /** Id of the parent session when this one is a subagent's (counted apart from sessions). */
  parent?: string;
  prompts: number;
  calls: number;
  tokens: { input: number; output: number; cache_read: number; cache_write: number };
}

const tokensOf = (u: Usage) => ({ input: u.input, output: u.output, cache_read: u.cacheRead, cache_write: u.cacheWrite5m + u.cacheWrite1h });

/** One row per session (sorted by start), with its human/continue prompts, calls and tokens. */
export function sessionRows(b: EventBatch): Row[] {
  const rows = new Map<string, Row>();
  const iso = (t: number) => (t ? new Date(t).toISOString() : '');
  for (const s of [...b.sessions].sort((x, y) => x.start - y.start || (x.id < y.id ? -1 : 1))) {
    if (rows.has(s.id)) continue;
    rows.set(s.id, {
      agent: s.agent, project: s.project, session: s.id, start: iso(s.start), end: iso(s.end), ...(s.parent ? { parent: s.parent } : {}),
      prompts: 0, calls: 0, tokens: { input: 0, output: 0, cache_read: 0, cache_write: 0 },
    });
  }
  for (const p of b.prompts) {
    const r = rows.get(p.session);
    if (r && isMainPrompt(p)) r.prompts++;
  }
  for (const c of b.calls) {
    const r = rows.get(c.session);
    if (!r) continue;
    r.calls++;
    const t = tokensOf(c.usage);
    r.tokens.input += t.input; r.tokens.output += t.output; r.tokens.cache_read += t.cache_read; r.tokens.cache_write += t.cache_write;
  }
  return [...rows.values()];
}

export function totalsOf(rows: Row[]): Omit<Row, 'agent' | 'project' | 'session' | 'start' | 'end' | 'parent'> & { sessions: number; subagent_sessions: number } {
  const subagents = rows.filter((r) => r.parent).length;
  const t = { sessions: rows.length - subagents, subagent_sessions: subagents, prompts: 0, calls: 0, tokens: { input: 0, output: 0, cache_read: 0, cache_write: 0 } };
  for (const r of rows) {
    t.prompts += r.prompts; t.calls += r.calls;
    t.tokens.input += r.tokens.input; t.tokens.output += r.tokens.output;
    t.tokens.cache_read += r.tokens.cache_read; t.tokens.cache_write += r.tokens.cache_write;
  }
  return t;
}

export function renderTable(rows: Row[]): string {
  const head = ['agent', 'project', 'session', 'start', 'prompts', 'calls', 'input', 'output', 'cache_read', 'cache_write'];
  const fmt = (n: number) => n.toLocaleString('en-US');
  const body = rows.map((r) => [
    r.agent, r.project, (r.parent ? '↳ ' : '') + r.session.slice(0, 8), r.start.slice(0, 16).replace('T', ' '), fmt(r.prompts), fmt(r.calls),
    fmt(r.tokens.input), fmt(r.tokens.output), fmt(r.tokens.cache_read), fmt(r.tokens.cache_write),
  ]);
  const t = totalsOf(rows);
  const subs = t.subagent_sessions ? ` + ${t.subagent_sessions} subagent` : '';
  body.push(['total', `${t.sessions} session${t.sessions === 1 ? '' : 's'}${subs}`, '', '', fmt(t.prompts), fmt(t.calls),
    fmt(t.tokens.input), fmt(t.tokens.output), fmt(t.tokens.cache_read), fmt(t.tokens.cache_write)]);
  const all = [head, ...body];
  const width = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const numeric = (i: number) => i >= 4;
  const line = (r: string[]) => r.map((c, i) => (numeric(i) ? c.padStart(width[i]) : c.padEnd(width[i]))).join('  ').trimEnd();
  const sep = width.map((w) => '-'.repeat(w)).join('  ');
  return [line(head), sep, ...body.slice(0, -1).map(line), sep, line(body[body.length - 1])].join('\n') + '\n';
}

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        since: { type: 'string' }, until: { type: 'string' }, project: { type: 'string' }, agent: { type: 'string' },
        'claude-dir': { type: 'string', multiple: true }, 'codex-dir': { type: 'string', multiple: true },
        'gemini-dir': { type: 'string', multiple: true }, json: { type: 'boolean' }, quiet: { type: 'boolean' }, verbose: { type: 'boolean', short: 'v' },
      },
    });
  } catch (err) {
    process.stderr.write(`agentpprof sessions: ${(err as Error).message}\nRun \`agentpprof sessions --help\` for the options.\n`);
    return 2;
  }
  const v = parsed.values;
  const opts: LoadOptions = {
    paths: parsed.positionals, claudeDirs: v['claude-dir'], codexDirs: v['codex-dir'], geminiDirs: v['gemini-dir'],
    project: v.project, agent: v.agent,
  };
  checkAgentFlag(v.agent);
  try {
    if (v.since) opts.since = parseTimeArg(v.since);
    if (v.until) opts.until = parseTimeArg(v.until);
  } catch (err) {
    process.stderr.write(`agentpprof sessions: ${(err as Error).message}\n`);
    return 2;
  }
  const progress = v.quiet ? null : progressLine('reading agent history');
  if (progress) opts.onProgress = progress.update;
  const h = await loadHistory(opts);
  progress?.done();
  if (v.quiet) return sessionRows(h).length ? 0 : 1;
  requireHistory(h, opts);
  const rows = sessionRows(h);
  if (v.json) {
    process.stdout.write(JSON.stringify({ sessions: rows, totals: totalsOf(rows), skipped: h.skippedCount, counted: COUNTS_DEFINITION }, null, 2) + '\n');
  } else {
    process.stdout.write(renderTable(rows));
  }
  process.stderr.write(readSummary(h, { verbose: v.verbose }));
  return 0;
}
