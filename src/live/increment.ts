// Per-file readers for the live mirror. Appended lines go once each through the offline readers' own
// per-line code (claudeLines, CodexFile), which keep their state between appends (Claude's streamed
// copies merged by message id + request id, Codex's cumulative token totals turned into per-call
// deltas); `take()` hands out only what is new or changed since the last take. Folding every take
// (the last copy of each id wins) gives what an offline read of the file holds.
// Files written whole (Gemini sessions, Codex's legacy `rollout-*.json`, and Gemini's `.jsonl`, whose
// records are rewritten in place by id) are kept as a private copy, read whole when they changed and
// diffed against what was handed out: they are small, and their readers have no per-line state.
// One difference stays: a Gemini `$rewindTo` drops messages from the offline read, but live they were
// handed out when written (the calls were made); nothing handed out is taken back.
import { appendFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Session, ToolCall } from '../model.js';
import { claudeLines } from '../sources/claude.js';
import { CodexFile } from '../sources/codex.js';
import { parseObjectLine } from '../sources/jsonl.js';
import { emptyFileResult, type FileResult } from '../sources/merge.js';
import { readTraceFile } from '../sources/read.js';
import type { Format } from '../sources/roots.js';
import type { TailLines } from './tail.js';

export interface FileReader {
  /** Complete lines, in file order. */
  lines(chunks: TailLines[]): void;
  /** What changed since the last take (null: nothing); `whole` when it is a re-read of the entire file. */
  take(): (FileResult & { whole?: boolean }) | null;
  /** The file was truncated or replaced; readers without it are replaced by a fresh one. */
  reset?(): void;
}

/** The reader for one followed file; `copy` is a private path for formats read whole. */
export function fileReader(format: Format, file: string, copy: string): FileReader {
  if (format === 'gemini' || file.endsWith('.json')) return new WholeReader(format, file, copy);
  return format === 'claude' ? new ClaudeReader(file) : new CodexReader(file);
}

/** Counts of what a file's result held at the last take: everything past them is new. */
interface Seen { calls: number; tools: number; prompts: number; results: number; links: number; finals: number; skipped: number; examples: number }
const noneSeen = (): Seen => ({ calls: 0, tools: 0, prompts: 0, results: 0, links: 0, finals: 0, skipped: 0, examples: 0 });

/** The appended parts of a result's lists (the readers only ever append to them) and the new bad lines. */
function appended(from: FileResult, seen: Seen, to: FileResult): void {
  to.tools.push(...from.tools.slice(seen.tools));
  to.results.push(...from.results.slice(seen.results));
  to.agentLinks.push(...from.agentLinks.slice(seen.links));
  to.subagentFinals.push(...from.subagentFinals.slice(seen.finals));
  to.skipped.push(...from.skipped.slice(seen.examples));
  to.skippedCount = from.skippedCount - seen.skipped;
  Object.assign(seen, {
    tools: from.tools.length, results: from.results.length, links: from.agentLinks.length, finals: from.subagentFinals.length,
    skipped: from.skippedCount, examples: from.skipped.length,
  });
}

/** Sessions whose fields changed since they were last handed out (a session's end moves with every line). */
class SessionDiff {
  readonly #last = new Map<string, string>();
  changed(sessions: Session[]): Session[] {
    return sessions.filter((s) => {
      const fp = `${s.id}\u0000${s.start}\u0000${s.end}\u0000${s.cwd}\u0000${s.project}\u0000${s.version ?? ''}\u0000${s.parent ?? ''}`;
      if (this.#last.get(s.id) === fp) return false;
      this.#last.set(s.id, fp);
      return true;
    }).map((s) => ({ ...s }));
  }
}

/** Each non-blank line of a chunk as forEachLine hands them out (`\r` and leading blanks trimmed). */
export function eachLine(c: TailLines, fn: (buf: Buffer, start: number, end: number, lineNo: number) => void): void {
  // Over IPC the bytes arrive as a plain Uint8Array: a Buffer view of them, not a copy.
  const buf = Buffer.isBuffer(c.data) ? c.data : Buffer.from(c.data.buffer, c.data.byteOffset, c.data.byteLength);
  let lineNo = c.lineNo;
  let start = 0;
  for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10, start)) {
    let s = start;
    let e = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
    while (s < e && (buf[s] === 32 || buf[s] === 9)) s++;
    if (s < e) fn(buf, s, e, lineNo);
    lineNo++;
    start = nl + 1;
  }
}

class ClaudeReader implements FileReader {
  readonly #r: ReturnType<typeof claudeLines>;
  readonly #seen = noneSeen();
  readonly #sessions = new SessionDiff();
  /** Calls a later line changed in place (another block of the same streamed response). */
  readonly #touched = new Set<number>();
  readonly #touchedSessions = new Set<string>();
  #fresh = false;

  constructor(file: string) {
    this.#r = claudeLines(file);
    const { callAt, sessions } = this.#r.state;
    const get = callAt.get.bind(callAt);
    // The reader finds the call a repeated key belongs to here, and only here: that call may change.
    callAt.get = (key: string) => {
      const at = get(key);
      if (at !== undefined) this.#touched.add(at);
      return at;
    };
    // Likewise each line's session (its end moves): only those are compared, not all the file's.
    const getSession = sessions.get.bind(sessions);
    sessions.get = (id: string) => {
      this.#touchedSessions.add(id);
      return getSession(id);
    };
  }

  lines(chunks: TailLines[]): void {
    for (const c of chunks) eachLine(c, (buf, start, end, lineNo) => this.#r.line(buf, start, end, lineNo, false));
    this.#fresh = true;
  }

  take(): FileResult | null {
    if (!this.#fresh) return null;
    this.#fresh = false;
    // The reader's lists as they stand (result() would also list every session of the file).
    const { out: res, skips, sessions } = this.#r.state;
    res.skipped = skips.examples;
    res.skippedCount = skips.count;
    const d = emptyFileResult(res.file);
    const seen = this.#seen;
    const pick = (i: number) => { d.calls.push(res.calls[i]); d.keys.push(res.keys[i]); d.spawn.push(res.spawn[i]); };
    for (const i of this.#touched) if (i < seen.calls) pick(i);
    this.#touched.clear();
    for (let i = seen.calls; i < res.calls.length; i++) pick(i);
    seen.calls = res.calls.length;
    d.prompts = res.prompts.slice(seen.prompts);
    seen.prompts = res.prompts.length;
    appended(res, seen, d);
    const touched = [...this.#touchedSessions].map((id) => sessions.get(id)).filter((x): x is Session => !!x);
    this.#touchedSessions.clear();
    d.sessions = this.#sessions.changed(touched);
    return d;
  }
}

/**
 * Codex: CodexFile fed line by line. Its finish() settles what only the end of a file decides (tools
 * after the last token count join the last call; user_message prompts, when the file has any, win over
 * response-item ones), so each take shows that settlement as it stands, on copies, without finishing.
 */
class CodexReader implements FileReader {
  readonly #cf: CodexFile;
  #seen = noneSeen();
  readonly #sessions = new SessionDiff();
  #sid = '';
  #useA = false;
  #failed = 0;
  /** The call handed out with the pending tools' shape added (it must be handed out again without). */
  #withPending = -1;
  #fresh = false;

  constructor(readonly file: string) {
    this.#cf = new CodexFile(file);
  }

  lines(chunks: TailLines[]): void {
    const cf = this.#cf;
    for (const c of chunks) {
      eachLine(c, (buf, start, end, lineNo) => {
        const o = parseObjectLine(buf.toString('utf8', start, end), this.file, lineNo, false, cf.skips);
        if (o) cf.line(o, lineNo);
      });
    }
    this.#fresh = true;
  }

  take(): FileResult | null {
    if (!this.#fresh) return null;
    this.#fresh = false;
    const cf = this.#cf;
    const sid = cf.session.id;
    const useA = cf.promptsA.length > 0;
    // A new session id (a late header) or the first user_message changes every earlier item: all again.
    if (sid !== this.#sid || useA !== this.#useA) {
      this.#seen = { ...noneSeen(), skipped: this.#seen.skipped, examples: this.#seen.examples };
      this.#sid = sid;
      this.#useA = useA;
    }
    const seen = this.#seen;
    const out = cf.out;
    const d = emptyFileResult(this.file);
    const prompts = useA ? cf.promptsA : cf.promptsB;
    for (const p of prompts.slice(seen.prompts)) {
      p.session = sid;
      if (cf.subagent) p.sidechain = true;
      d.prompts.push(p);
    }
    seen.prompts = prompts.length;
    const last = out.calls.length - 1;
    const pending = cf.pendingTools;
    const lastId = last >= 0 ? out.calls[last].id : '';
    // Tools of the response still being written: the call they will join once its token count comes,
    // when its response id is known already (token_usage_record precedes the tool's run), else the
    // last call's, as finish() would place them now (and that call's shape then counts them).
    const next = cf.responseId && !cf.usedIds.has(cf.responseId) ? cf.responseId : lastId;
    const merge = pending.length > 0 && next === lastId;
    const from = this.#withPending >= 0 && this.#withPending < seen.calls ? this.#withPending : seen.calls;
    for (let i = from; i < out.calls.length; i++) {
      const c = out.calls[i];
      c.session = sid;
      let v = useA ? c : { ...c, prompt: cf.callPromptB[i] };
      if (i === last && merge) {
        const shape = { ...c.shape, toolUses: c.shape.toolUses + cf.pendingShape.toolUses, tools: [...c.shape.tools, ...cf.pendingShape.tools] };
        v = { ...v, shape };
      }
      d.calls.push(v);
      d.keys.push('');
      d.spawn.push(null);
    }
    this.#withPending = merge ? last : -1;
    seen.calls = out.calls.length;
    for (const t of out.tools.slice(seen.tools)) t.session = sid;
    // The counts finish() would copy from the skip log.
    out.skipped = cf.skips.examples;
    out.skippedCount = cf.skips.count;
    appended(out, seen, d);
    for (const t of pending) d.tools.push({ ...t, session: sid, llmCall: next } satisfies ToolCall);
    // A command's failure can arrive after its output (item_completed): that result changed in place.
    if (cf.failed.size > this.#failed) {
      for (const id of [...cf.failed].slice(this.#failed)) {
        const r = cf.results.get(id);
        if (r && !d.results.includes(r)) d.results.push(r);
      }
      this.#failed = cf.failed.size;
    }
    d.sessions = this.#sessions.changed([{ ...cf.session, project: cf.session.project || 'unknown' }]);
    return d;
  }
}

/** A file read whole on each change from a private copy; what differs from the last read is handed out. */
class WholeReader implements FileReader {
  readonly #last = new Map<string, string>();
  #fresh = false;
  #skipped = 0;

  constructor(readonly format: Format, readonly file: string, readonly copy: string) {
    mkdirSync(dirname(copy), { recursive: true });
    writeFileSync(copy, '');
    // Gemini names a session's project in tmp/<project>/.project_root, beside its chats/ directory.
    const chats = file.lastIndexOf('/chats/');
    if (format === 'gemini' && chats > 0) {
      const side = file.slice(0, chats) + '/.project_root';
      const at = copy.slice(0, copy.length - file.length) + side;
      try { symlinkSync(side, at); } catch { /* already linked, or the processing side cannot see it */ }
    }
  }

  lines(chunks: TailLines[]): void {
    for (const c of chunks) appendFileSync(this.copy, c.data);
    this.#fresh = true;
  }

  /** The file was truncated or replaced: its copy starts over (a rewrite arrives as reset + lines). */
  reset(): void {
    writeFileSync(this.copy, '');
    this.#skipped = 0;
  }

  take(): (FileResult & { whole: boolean }) | null {
    if (!this.#fresh) return null;
    this.#fresh = false;
    const r = readTraceFile(this.format, this.copy);
    const d = { ...emptyFileResult(this.file), whole: true };
    const changed = <T extends { id: string }>(kind: string, xs: T[], keep: (x: T, i: number) => void) => {
      xs.forEach((x, i) => {
        const fp = JSON.stringify(x);
        const k = `${kind}\u0000${x.id}`;
        if (this.#last.get(k) === fp) return;
        this.#last.set(k, fp);
        keep(x, i);
      });
    };
    // Back to the real path: sessions are bound to pids by the trace file they write.
    for (const s of r.sessions) s.file = this.file;
    changed('s', r.sessions, (s) => d.sessions.push(s));
    changed('p', r.prompts, (p) => d.prompts.push(p));
    changed('c', r.calls, (c, i) => { d.calls.push(c); d.keys.push(r.keys[i]); d.spawn.push(r.spawn[i]); });
    changed('t', r.tools, (t) => d.tools.push(t));
    changed('r', r.results, (x) => d.results.push(x));
    d.agentLinks = r.agentLinks;
    d.subagentFinals = r.subagentFinals;
    // Each read reports every bad line again: only the count beyond the last read is new.
    d.skippedCount = Math.max(0, r.skippedCount - this.#skipped);
    this.#skipped = r.skippedCount;
    d.skipped = d.skippedCount ? r.skipped.map((s) => ({ ...s, file: this.file })) : [];
    return d;
  }
}
