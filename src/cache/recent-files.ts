// The trace files written at or after a time, found without walking every session's folder: a Claude
// Code root holds a folder per session beside its transcript (<id>.jsonl, <id>/subagents/…), and a
// subagent's file is written while its session's transcript is, so a session folder is entered only
// when its transcript was written since then or the folder itself changed (a file was added). The
// statusline runs after every message on histories of thousands of sessions; this makes its listing a
// stat per transcript instead of a readdir per session. Codex and Gemini roots (a folder per day or
// project) are walked with a stat per file, and the recent files alone go through the readers' listing.
import { existsSync, readdirSync, statSync, type Dirent } from 'node:fs';
import { basename, join, sep } from 'node:path';
import { discoverRoots, entryKind, listTraceFiles, SKIP_DIRS, type TraceFile } from '../sources/roots.js';

export interface RecentListing {
  files: TraceFile[];
  problems: string[];
  /** Directories read (for the bench: what the pruning saved). */
  dirsRead: number;
}

/** Files under PATHS (or the default roots) modified at or after `since`. */
export function recentTraceFiles(paths: string[] | undefined, since: number): RecentListing {
  const out: RecentListing = { files: [], problems: [], dirsRead: 0 };
  const others: string[] = [];
  let claudeRoots: string[];
  let codexDirs: string[] = [];
  let geminiDirs: string[] = [];
  if (paths?.length) {
    claudeRoots = paths.filter((p) => existsSync(join(p, 'projects')));
    others.push(...paths.filter((p) => !claudeRoots.includes(p)));
  } else {
    const r = discoverRoots();
    claudeRoots = r.claude;
    codexDirs = r.codex;
    geminiDirs = r.gemini;
  }
  for (const root of claudeRoots) walkClaude(join(root, 'projects'), since, 'projects', out);
  // Codex and Gemini roots, and any other path: every .json/.jsonl file by stat, and only the recent ones
  // through the readers' listing, which names their format and drops what is not a trace.
  const candidates: string[] = [];
  const archived: string[] = [];
  const liveNames = new Set<string>();
  for (const root of [...codexDirs, ...geminiDirs, ...others]) {
    let st;
    try { st = statSync(root); } catch { out.problems.push(`path not found: ${root}`); continue; }
    if (!st.isDirectory()) { if (st.mtimeMs >= since) candidates.push(root); continue; }
    walkAll(root, since, (p, recent) => {
      // Codex moves a rollout to archived_sessions/; a copy of a live rollout is not read twice (as codexFiles).
      const isArchived = p.includes(`${sep}archived_sessions${sep}`);
      if (!isArchived) liveNames.add(basename(p));
      if (recent) (isArchived ? archived : candidates).push(p);
    }, out);
  }
  candidates.push(...archived.filter((p) => !liveNames.has(basename(p))));
  if (candidates.length) {
    const l = listTraceFiles({ paths: candidates });
    for (const f of l.files) if (f.mtimeMs >= since) out.files.push(f);
  }
  return out;
}

/** Every .json/.jsonl file under dir, told whether it changed since `since`. */
function walkAll(dir: string, since: number, onFile: (path: string, recent: boolean) => void, out: RecentListing): void {
  let entries: Dirent[];
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return; }
  out.dirsRead++;
  for (const e of entries) {
    const p = join(dir, e.name);
    const kind = entryKind(dir, e);
    if (kind === 'dir') { if (!SKIP_DIRS.has(e.name)) walkAll(p, since, onFile, out); continue; }
    if (kind !== 'file') continue;
    if (!/\.jsonl?$/.test(e.name) || e.name.endsWith('.meta.json')) continue;
    let st;
    try { st = statSync(p); } catch { continue; }
    onFile(p, st.mtimeMs >= since);
  }
}

type Level = 'projects' | 'project' | 'whole';

const changedSince = (p: string, since: number): boolean => {
  try { return statSync(p).mtimeMs >= since; } catch { return false; }
};

/**
 * projects/: every project folder is entered. A project folder: its transcripts by stat, and a session
 * folder when its transcript is recent or it (or its subagents/) gained a file since. Inside: everything.
 */
function walkClaude(dir: string, since: number, level: Level, out: RecentListing): void {
  let entries: Dirent[];
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return; }
  out.dirsRead++;
  const recent = new Set<string>();
  const dirs: string[] = [];
  for (const e of entries) {
    const p = join(dir, e.name);
    const kind = entryKind(dir, e);
    if (kind === 'dir') { if (!SKIP_DIRS.has(e.name)) dirs.push(e.name); continue; }
    // Codex rollouts copied into a Claude root are not Claude's (the readers' listing skips them too).
    if (kind !== 'file' || !e.name.endsWith('.jsonl') || e.name.startsWith('rollout-')) continue;
    let st;
    try { st = statSync(p); } catch { continue; }
    if (st.mtimeMs < since) continue;
    out.files.push({ path: p, format: 'claude', size: st.size, mtimeMs: st.mtimeMs });
    recent.add(e.name.slice(0, -'.jsonl'.length));
  }
  for (const name of dirs) {
    const p = join(dir, name);
    if (level === 'projects') walkClaude(p, since, 'project', out);
    else if (level === 'whole' || recent.has(name) || changedSince(p, since) || changedSince(join(p, 'subagents'), since)) walkClaude(p, since, 'whole', out);
  }
}
