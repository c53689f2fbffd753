// Public API of the readers: find the agents' trace files, read them (on both cores), merge the
// per-file results into one normalized EventBatch, and apply the user's filters.
import type { EventBatch } from '../model.js';
import { mergeResults } from './merge.js';
import { readFiles, type Progress } from './pool.js';
import { listTraceFiles } from './roots.js';

export { discoverRoots, listTraceFiles, detectFormat, type Roots, type TraceFile, type Format } from './roots.js';
export { toolHints, commandHints, patchHints } from './hints.js';
export type { Progress } from './pool.js';

export interface LoadOptions {
  /** Explicit files or directories (format detected); with any of the *Dirs they replace discovery. */
  paths?: string[];
  claudeDirs?: string[];
  codexDirs?: string[];
  geminiDirs?: string[];
  /** Epoch ms bounds: [since, until). */
  since?: number;
  until?: number;
  project?: string;
  agent?: string;
  onProgress?: (p: Progress) => void;
  env?: NodeJS.ProcessEnv;
  /** Worker threads (default: the machine's cores; 0/1 = read on the main thread). */
  threads?: number;
}

/** An EventBatch plus what the scan saw: problems (missing roots/paths) and how much it read. */
export interface History extends EventBatch {
  problems: string[];
  /** Trace files read (after the cheap mtime/agent pre-filter) and their bytes. */
  files: number;
  bytes: number;
  /** Trace files found before any filter. */
  listed: number;
  /** What the files held before --since/--until/--project/--agent: for saying why a filter kept nothing. */
  unfiltered: { sessions: number; projects: string[]; agents: string[]; start?: number; end?: number };
}

export async function loadHistory(opts: LoadOptions = {}): Promise<History> {
  const listing = listTraceFiles(opts);
  // A file untouched since `since` holds nothing newer; another agent's files need not be read at all.
  const files = listing.files.filter((f) => (!opts.since || f.mtimeMs >= opts.since) && (!opts.agent || f.format === opts.agent));
  const results = await readFiles(files, opts.onProgress, opts.threads);
  const all = mergeResults(results);
  const batch = filterBatch(all, opts);
  return {
    ...batch, problems: listing.problems, files: files.length, bytes: files.reduce((n, f) => n + f.size, 0),
    listed: listing.files.length, unfiltered: unfilteredSummary(all),
  };
}

function unfilteredSummary(b: EventBatch): History['unfiltered'] {
  let start = Infinity, end = -Infinity;
  for (const s of b.sessions) { start = Math.min(start, s.start); end = Math.max(end, s.end); }
  return {
    sessions: b.sessions.length,
    projects: [...new Set(b.sessions.map((s) => s.project))].sort(),
    agents: [...new Set(b.sessions.map((s) => s.agent))].sort(),
    ...(start <= end ? { start, end } : {}),
  };
}

/** Keeps what falls in [since, until) and matches project/agent; sessions keep only their kept events. */
export function filterBatch(b: EventBatch, f: { since?: number; until?: number; project?: string; agent?: string }): EventBatch {
  const since = f.since ?? -Infinity;
  const until = f.until ?? Infinity;
  if (since === -Infinity && until === Infinity && !f.project && !f.agent) return b;
  const inTime = (ts: number) => ts >= since && ts < until;
  const proj = f.project?.toLowerCase();
  const keep = new Set<string>();
  for (const s of b.sessions) {
    if (f.agent && s.agent !== f.agent) continue;
    if (proj && s.project.toLowerCase() !== proj && !s.cwd.toLowerCase().includes(proj)) continue;
    keep.add(s.agent + '\u0000' + s.id);
  }
  // Events carry the session id only; ids are unique per agent in practice, so match on id.
  const keepIds = new Set([...keep].map((k) => k.split('\u0000')[1]));
  const prompts = b.prompts.filter((p) => keepIds.has(p.session) && inTime(p.ts));
  const calls = b.calls.filter((c) => keepIds.has(c.session) && inTime(c.ts));
  const callIds = new Set(calls.map((c) => c.id));
  const tools = b.tools.filter((t) => callIds.has(t.llmCall));
  const active = new Set<string>();
  for (const p of prompts) active.add(p.session);
  for (const c of calls) active.add(c.session);
  const sessions = b.sessions.filter((s) => keep.has(s.agent + '\u0000' + s.id)
    && (active.has(s.id) || (s.end >= since && s.start < until)));
  const effects = b.effects.filter((e) => inTime(e.ts) && (!e.session || keepIds.has(e.session)));
  return { ...b, sessions, prompts, calls, tools, effects };
}
