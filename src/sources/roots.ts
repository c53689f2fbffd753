// Where agent histories live, found the way the agents themselves look for them, and the list of
// trace files under them (with their format detected by name first, then by a peek at the first line).
import { accessSync, closeSync, constants, existsSync, openSync, readdirSync, readSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { basename, join, resolve, sep } from 'node:path';

/** The agents whose history is read (a trace file's format, and --agent's values). */
export const FORMATS = ['claude', 'codex', 'gemini'] as const;
export type Format = (typeof FORMATS)[number];

export interface Roots {
  claude: string[];
  codex: string[];
  gemini: string[];
  /** Every candidate looked at, existing or not (for the "nothing found" message). */
  checked: string[];
  /** Candidates that exist but this user may not read (a root's history seen by another user). */
  denied: string[];
}

export interface TraceFile {
  path: string;
  format: Format;
  size: number;
  mtimeMs: number;
}

/** Default roots: CLAUDE_CONFIG_DIR (comma list) or ~/.config/claude + ~/.claude; CODEX_HOME or ~/.codex; ~/.gemini. */
export function discoverRoots(env: NodeJS.ProcessEnv = process.env, home: string = env.HOME || homedir()): Roots {
  const claudeCands = env.CLAUDE_CONFIG_DIR?.trim()
    ? env.CLAUDE_CONFIG_DIR.split(',').map((s) => s.trim()).filter(Boolean)
    : [join(env.XDG_CONFIG_HOME?.trim() || join(home, '.config'), 'claude'), join(home, '.claude')];
  const codexCands = [env.CODEX_HOME?.trim() || join(home, '.codex')];
  const geminiCands = [join(home, '.gemini')];
  const checked = [...claudeCands, ...codexCands, ...geminiCands];
  const isDir = (p: string) => probe(p) === 'dir';
  return {
    claude: uniq(claudeCands.filter(isDir)),
    codex: uniq(codexCands.filter(isDir)),
    gemini: uniq(geminiCands.filter(isDir)),
    checked,
    denied: uniq(checked.filter((p) => probe(p) === 'denied')),
  };
}

/**
 * What is at a path for this user: a readable directory, a file, nothing, or something it may not
 * read — the last told apart from "missing", since the fix differs (sudo or the owner, not a path).
 */
export function probe(p: string): 'dir' | 'file' | 'missing' | 'denied' {
  let st;
  try { st = statSync(p); } catch (err) { return (err as NodeJS.ErrnoException).code === 'EACCES' ? 'denied' : 'missing'; }
  try {
    accessSync(p, st.isDirectory() ? constants.R_OK | constants.X_OK : constants.R_OK);
  } catch { return 'denied'; }
  return st.isDirectory() ? 'dir' : 'file';
}

/** The problem line for a path this user may not read, with the way out. */
export const deniedProblem = (p: string): string =>
  `permission denied: ${p} exists but user ${userName()} cannot read it (run as its owner, or with sudo)`;

function userName(): string {
  try { return userInfo().username; } catch { return `uid ${process.getuid?.() ?? '?'}`; }
}

const uniq = (xs: string[]) => [...new Set(xs.map((x) => resolve(x)))];

/** Folders a history walk never enters. */
export const SKIP_DIRS: ReadonlySet<string> = new Set(['node_modules', '.git']);

/** A directory entry's kind, a symlink followed to what it points at; null for a dangling link or anything else. */
export function entryKind(dir: string, e: Dirent): 'dir' | 'file' | null {
  if (!e.isSymbolicLink()) return e.isDirectory() ? 'dir' : e.isFile() ? 'file' : null;
  try {
    const st = statSync(join(dir, e.name));
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : null;
  } catch { return null; }
}

/** Lists the files under `dir`; directories it may not list go to `denied` (reported, never silently skipped). */
function walk(dir: string, out: string[], denied: string[]): void {
  let entries;
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EACCES') denied.push(dir);
    return;
  }
  for (const e of entries) {
    const kind = entryKind(dir, e);
    if (kind === 'dir' && !SKIP_DIRS.has(e.name)) walk(join(dir, e.name), out, denied);
    else if (kind === 'file') out.push(join(dir, e.name));
  }
}

const isJsonl = (p: string) => p.endsWith('.jsonl');

/** Claude root: its `projects/` tree (or the dir itself when it has none): every *.jsonl. */
export function claudeFiles(root: string, denied: string[] = []): string[] {
  const base = existsSync(join(root, 'projects')) ? join(root, 'projects') : root;
  const out: string[] = [];
  walk(base, out, denied);
  return out.filter(isJsonl);
}

const ROLLOUT = /^rollout-.*\.jsonl?$/;

/** Codex root: sessions/ and archived_sessions/ rollouts; an archived copy of a live rollout is dropped. */
export function codexFiles(root: string, denied: string[] = []): string[] {
  const live: string[] = [];
  const archived: string[] = [];
  const hasTree = existsSync(join(root, 'sessions')) || existsSync(join(root, 'archived_sessions'));
  walk(hasTree ? join(root, 'sessions') : root, live, denied);
  if (hasTree) walk(join(root, 'archived_sessions'), archived, denied);
  const liveNames = new Set(live.map((p) => basename(p)));
  return [...live, ...archived.filter((p) => !liveNames.has(basename(p)))].filter((p) => ROLLOUT.test(basename(p)));
}

/** Gemini root: tmp/<project>/chats/** session files (.json and .jsonl). */
export function geminiFiles(root: string, denied: string[] = []): string[] {
  const out: string[] = [];
  walk(existsSync(join(root, 'tmp')) ? join(root, 'tmp') : root, out, denied);
  return out.filter((p) => p.split(sep).includes('chats') && /\.jsonl?$/.test(p));
}

/** Format of one file by name, then by its first line; null when it is not a trace we read. */
export function detectFormat(path: string): Format | null {
  const name = basename(path);
  if (ROLLOUT.test(name)) return 'codex';
  if (!/\.jsonl?$/.test(name) || name.endsWith('.meta.json')) return null;
  if (path.split(sep).includes('chats') && /^session-/.test(name)) return 'gemini';
  const head = firstLine(path);
  if (!head) return null;
  // The first line's top-level keys, whatever its spelling (spaces, key order, \u escapes); a line longer
  // than the peek does not parse, and its raw bytes are looked at instead.
  let first: unknown;
  try { first = JSON.parse(head); } catch { return formatOfBytes(head, name); }
  return first && typeof first === 'object' && !Array.isArray(first) ? formatOfKeys(first as Record<string, unknown>, name) : null;
}

/** Claude Code line types that can open a transcript. */
const CLAUDE_OPENERS = new Set(['user', 'assistant', 'summary', 'system', 'file-history-snapshot', 'queue-operation', 'progress', 'attachment', 'last-prompt', 'ai-title', 'mode']);

function formatOfKeys(o: Record<string, unknown>, name: string): Format | null {
  const has = (...keys: string[]) => keys.some((k) => Object.prototype.hasOwnProperty.call(o, k));
  if (has('payload', 'record_type', 'originator', 'cli_version')) return 'codex';
  if (has('projectHash', '$set', '$rewindTo')) return 'gemini';
  if (has('sessionId', 'parentUuid', 'leafUuid', 'uuid')) return 'claude';
  if (typeof o.type === 'string' && CLAUDE_OPENERS.has(o.type)) return 'claude';
  if (name.endsWith('.json') && has('items', 'session')) return 'codex';
  // A legacy Codex rollout opens with its session header: {"id", "timestamp", "instructions", …}.
  if (typeof o.id === 'string' && has('timestamp')) return 'codex';
  return null;
}

function formatOfBytes(head: string, name: string): Format | null {
  if (/"(payload|record_type|originator|cli_version)"\s*:/.test(head)) return 'codex';
  if (/"(projectHash|\$set|\$rewindTo)"\s*:/.test(head)) return 'gemini';
  if (/"(sessionId|parentUuid|leafUuid|uuid)"\s*:/.test(head)) return 'claude';
  const type = /^\{\s*"type"\s*:\s*"([a-z-]+)"/.exec(head);
  if (type && CLAUDE_OPENERS.has(type[1])) return 'claude';
  if (name.endsWith('.json') && /"(items|session)"\s*:/.test(head)) return 'codex';
  if (/^\{\s*"id"\s*:\s*"[^"]+"\s*,\s*"timestamp"/.test(head)) return 'codex';
  return null;
}

function firstLine(path: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(16384);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const text = buf.toString('utf8', 0, n);
    return text.split('\n').find((l) => l.trim()) ?? '';
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export interface ListOptions {
  paths?: string[];
  claudeDirs?: string[];
  codexDirs?: string[];
  geminiDirs?: string[];
  env?: NodeJS.ProcessEnv;
}

export interface Listing {
  files: TraceFile[];
  /** Human-readable problems: a given path that does not exist, no roots found. */
  problems: string[];
  roots: { format: Format; dir: string }[];
}

/**
 * Trace files to read: explicit paths and per-agent dirs when given (they replace discovery),
 * else the discovered default roots. Each file appears once (by real path).
 */
export function listTraceFiles(opts: ListOptions = {}): Listing {
  const problems: string[] = [];
  const deniedDirs: string[] = [];
  const roots: { format: Format; dir: string }[] = [];
  const found = new Map<string, Format>();
  const add = (p: string, f: Format) => {
    let real = p;
    // The native realpath(3): one call per file, where the JS version lstat()s every path component.
    try { real = realpathSync.native(p); } catch { /* keep the given path */ }
    if (!found.has(real)) found.set(real, f);
  };
  const addRoot = (format: Format, dir: string) => {
    roots.push({ format, dir });
    const list = format === 'claude' ? claudeFiles(dir, deniedDirs) : format === 'codex' ? codexFiles(dir, deniedDirs) : geminiFiles(dir, deniedDirs);
    for (const p of list) {
      // Inside a root the layout names the format, but a stray file of another kind is skipped.
      if (format === 'claude' && ROLLOUT.test(basename(p))) continue;
      add(p, format);
    }
  };
  // A directory: an agent root when it looks like one, else its files by detection and its
  // subdirectories the same way (so a folder holding claude/ and codex/ roots works).
  const addTree = (dir: string) => {
    if (existsSync(join(dir, 'projects'))) return addRoot('claude', dir);
    if (existsSync(join(dir, 'sessions')) || existsSync(join(dir, 'archived_sessions'))) return addRoot('codex', dir);
    if (existsSync(join(dir, 'tmp')) && geminiFiles(dir).length) return addRoot('gemini', dir);
    let entries;
    try { entries = readdirSync(dir, { withFileTypes: true }); } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EACCES') deniedDirs.push(dir);
      return;
    }
    for (const e of entries) {
      const q = join(dir, e.name);
      const kind = entryKind(dir, e);
      if (kind === 'dir') { if (!SKIP_DIRS.has(e.name)) addTree(q); continue; }
      if (kind !== 'file') continue;
      const fmt = detectFormat(q);
      if (fmt) add(q, fmt);
    }
  };
  const explicit = !!(opts.paths?.length || opts.claudeDirs?.length || opts.codexDirs?.length || opts.geminiDirs?.length);
  const dirsFor = (format: Format, dirs: string[] | undefined) => {
    for (const d of dirs ?? []) {
      const what = probe(d);
      if (what === 'denied') problems.push(deniedProblem(d));
      else if (what !== 'dir') problems.push(`${format} dir not found: ${d}`);
      else addRoot(format, d);
    }
  };
  dirsFor('claude', opts.claudeDirs);
  dirsFor('codex', opts.codexDirs);
  dirsFor('gemini', opts.geminiDirs);
  for (const p of opts.paths ?? []) {
    const what = probe(p);
    if (what === 'missing') { problems.push(`path not found: ${p}`); continue; }
    if (what === 'denied') { problems.push(deniedProblem(p)); continue; }
    if (what === 'file') {
      const f = detectFormat(p);
      if (f) add(p, f); else problems.push(`not a Claude Code, Codex or Gemini trace: ${p}`);
      continue;
    }
    const before = found.size;
    addTree(p);
    if (found.size === before && !deniedDirs.length) problems.push(`no Claude Code, Codex or Gemini trace files in ${p}`);
  }
  if (!explicit) {
    const r = discoverRoots(opts.env ?? process.env);
    for (const d of r.claude) addRoot('claude', d);
    for (const d of r.codex) addRoot('codex', d);
    for (const d of r.gemini) addRoot('gemini', d);
    for (const d of r.denied) problems.push(deniedProblem(d));
    if (!roots.length && !r.denied.length) problems.push(`no agent history found (looked in ${r.checked.join(', ')})`);
  }
  for (const d of deniedDirs) problems.push(deniedProblem(d));
  // An archived Codex rollout duplicates the live one with the same name (found by any route).
  const liveCodex = new Set<string>();
  for (const [path, format] of found) if (format === 'codex' && !path.includes(`${sep}archived_sessions${sep}`)) liveCodex.add(basename(path));
  const files: TraceFile[] = [];
  for (const [path, format] of found) {
    if (format === 'codex' && path.includes(`${sep}archived_sessions${sep}`) && liveCodex.has(basename(path))) continue;
    try {
      const st = statSync(path);
      files.push({ path, format, size: st.size, mtimeMs: st.mtimeMs });
    } catch { /* vanished between listing and stat */ }
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, problems, roots };
}
