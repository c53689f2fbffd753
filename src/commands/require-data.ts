// The "never silently empty" rule for every command that reads history: a run that read nothing, or
// less than it was given, stops with one line saying why (and the way out) and exit code 1, before
// anything is written. A count of 0 is printed only when 0 is the truth.
import type { EventBatch } from '../model.js';
import type { History } from '../sources/index.js';
import { FORMATS } from '../sources/roots.js';
import { noDataError, usageError } from '../util/cli-error.js';

export interface Filters {
  since?: number;
  until?: number;
  project?: string;
  agent?: string;
}

const day = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Throws a CliError (exit 1) naming what is missing; returns when the history holds sessions to show. */
export function requireHistory(h: History, f: Filters = {}): void {
  if (h.problems.length) {
    const more = h.problems.length > 1 ? ` (and ${h.problems.length - 1} more: ${h.problems.slice(1, 4).join('; ')}${h.problems.length > 4 ? '; …' : ''})` : '';
    throw noDataError(h.problems[0] + more);
  }
  // A file the scan listed but could not open: reported by the reader as a line-0 skip.
  const unreadable = h.skipped.filter((s) => s.line === 0 && s.reason.startsWith('unreadable'));
  if (unreadable.length) {
    throw noDataError(`cannot read ${unreadable[0].file}: ${unreadable[0].reason.replace(/^unreadable: /, '')}` +
      (unreadable.length > 1 ? ` (and ${unreadable.length - 1} more files)` : ''));
  }
  if (!h.listed) throw noDataError('no agent trace files found');
  if (!h.files) {
    const why = [f.since ? 'older' : '', f.agent ? `not ${f.agent}'s` : ''].filter(Boolean).join(' or ');
    throw noDataError(`no ${f.agent ? `${f.agent} ` : ''}trace file${f.since ? ` written since ${day(f.since)}` : ''} (${h.listed} file${h.listed === 1 ? '' : 's'} ${why})`);
  }
  const u = h.unfiltered;
  if (!u.sessions) throw noDataError(`read ${h.files} trace file${h.files === 1 ? '' : 's'} (${h.skippedCount} lines skipped): no agent session in them`);
  if (h.sessions.length) return;
  if (f.agent && !u.agents.includes(f.agent)) throw noDataError(`no ${f.agent} session (agents with sessions: ${u.agents.join(', ')})`);
  if (f.project) {
    const p = f.project.toLowerCase();
    if (!u.projects.some((x) => x.toLowerCase() === p)) {
      throw noDataError(`no project "${f.project}" (projects: ${u.projects.slice(0, 12).join(', ')}${u.projects.length > 12 ? `, … ${u.projects.length - 12} more` : ''})`);
    }
  }
  const span = u.start !== undefined && u.end !== undefined ? `; the history spans ${day(u.start)} to ${day(u.end)}` : '';
  throw noDataError(`no session matches the filters${f.since || f.until ? ` (--since/--until${span})` : ''}`);
}

/** --agent names one of the agents whose history is read. */
export function checkAgentFlag(agent: string | undefined): void {
  if (agent !== undefined && !(FORMATS as readonly string[]).includes(agent)) throw usageError(`--agent: unknown agent "${agent}" (${FORMATS.join(', ')})`);
}

/**
 * A recording that could not be read (a missing file, SQLite without its reader, a malformed log) is
 * named on stderr, one line a problem; when nothing at all came of the recordings, that is the error.
 */
export function requireRecordings(rec: EventBatch & { status: { problems: string[] } }, paths: string[]): void {
  const problems = rec.status.problems;
  const empty = !rec.sessions.length && !rec.calls.length && !rec.effects.length && !rec.processes.length;
  if (empty) {
    throw noDataError(problems.length ? `${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}` : `no event in ${paths.join(', ')}`);
  }
  for (const p of problems.slice(0, 20)) process.stderr.write(`agentpprof: recording: ${p}\n`);
  if (problems.length > 20) process.stderr.write(`agentpprof: recording: … and ${problems.length - 20} more problems\n`);
}
