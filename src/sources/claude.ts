// Claude Code transcripts (`projects/<enc-cwd>/*.jsonl`, legacy `agent-*.jsonl`,
// `<session>/subagents/agent-*.jsonl` + `.meta.json`, inline `isSidechain` lines) → per-file results.
// Streamed responses (one line per content block, same message.id) are merged here within the file and
// again globally in merge.ts. Only `user` and `assistant` lines matter; others are skipped unparsed,
// told apart by their top-level "type" read from the bytes (json-scan.ts), whatever the line's spelling.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { LlmCall, Prompt, Session, ToolCall, Usage } from '../model.js';
import { readHead, type FastToolResult, type LineHead } from './claude-fast.js';
import { cutLongStrings, measured, type Cut } from './claude-cut.js';
import type { Spawn } from './claude-subagent.js';
import { classifyClaudePrompt } from './claude-prompts.js';
import { toolHints, toolSummary } from './hints.js';
import { forEachLine, num, obj, parseObjectLine, SkipLog, str, toMs } from './jsonl.js';
import { emptyFileResult, type FileResult, type ToolResult } from './merge.js';
import { emptyShape } from './shape.js';

/**
 * Assistant lines shorter than this are parsed whole, and only strings this long are cut: the cut
 * costs about as much per byte of the line as JSON.parse saves per byte of a cut string (measured on
 * the 500 MB bench corpus: 256-byte strings in 1 KB lines cost ~5% more than no cut at all).
 */
const CUT_MIN_LINE = 4096;
const CUT_MIN_STRING = 2048;

export interface FileState {
  file: string;
  out: FileResult;
  skips: SkipLog;
  sessions: Map<string, Session>;
  /** Current prompt per thread (session main thread, or one per sidechain agent). */
  threads: Map<string, string | null>;
  callAt: Map<string, number>;
  toolIds: Set<string>;
  /** Task/Agent tool_use ids: their results link subagents, so they are always parsed in full. */
  spawners: Set<string>;
  /** Subagent file: the agentId from its name and the spawning tool_use id from its .meta.json. */
  spawn: Spawn | null;
  fallbackSession: string;
  lastTs: number;
}

export function readClaudeFile(file: string): FileResult {
  const r = claudeLines(file);
  r.state.out.bytes = forEachLine(file, r.line);
  return r.result();
}

export type LineFn = (buf: Buffer, start: number, end: number, lineNo: number, last: boolean) => void;

/**
 * One transcript read line by line, in order: `line` for each line (as forEachLine hands them out),
 * `result()` for what the lines so far hold (callable again after more lines). The live mirror feeds
 * appended lines through this, so each line is parsed once.
 */
export function claudeLines(file: string): { state: FileState; line: LineFn; result(): FileResult } {
  const out = emptyFileResult(file);
  const st: FileState = {
    file, out, skips: new SkipLog(), sessions: new Map(), threads: new Map(), callAt: new Map(),
    toolIds: new Set(), spawners: new Set(), spawn: subagentSpawn(file), fallbackSession: sessionFromPath(file), lastTs: 0,
  };
  const isSpawner = (id: string) => st.spawners.has(id);
  const line: LineFn = (buf, start, end, lineNo, last) => {
    const view = buf.subarray(start, end);
    // The fast path reads whole lines only: a last line may be cut by a writer, and is parsed to say so.
    let head: LineHead | null;
    try {
      head = readHead(view, !last, isSpawner);
    } catch {
      head = null; // an escape JSON.parse rejects: the parse below reports the line
    }
    const kind = head?.kind ?? null;
    const isUser = kind === 'user';
    const isAssistant = kind === 'assistant';
    if (!isUser && !isAssistant) {
      // Other line types (summary, system, progress, snapshots…) never carry usage: skip them unparsed.
      // A line whose structure the scan could not follow, or a last line, is parsed so that bad input is
      // reported; a parsed one that is a user/assistant line after all is read.
      if (kind !== null && !last) return;
      const o = parseObjectLine(buf.toString('utf8', start, end), file, lineNo, last, st.skips);
      if (o?.type === 'assistant') onAssistant(st, o, lineNo, null);
      else if (o?.type === 'user') onUser(st, o, lineNo);
      return;
    }
    if (head?.fast && onFastResult(st, head.fast)) return;
    // Long assistant lines: parse them without the text/thinking/file bodies the profile only measures.
    const cut = isAssistant && !last && end - start > CUT_MIN_LINE ? tryOrNull(() => cutLongStrings(view, CUT_MIN_STRING)) : null;
    let o = parseObjectLine(cut ? cut.json : buf.toString('utf8', start, end), file, lineNo, last, st.skips);
    if (!o) return;
    // The bytes gave the first top-level "type"; JSON.parse keeps the last. A line that repeats the key
    // and is not an assistant line after all is read uncut.
    if (cut && o.type !== 'assistant') o = parseObjectLine(buf.toString('utf8', start, end), file, lineNo, last, st.skips)!;
    if (o.type === 'assistant') onAssistant(st, o, lineNo, cut?.cuts ?? null);
    else if (o.type === 'user') onUser(st, o, lineNo);
  };
  const result = (): FileResult => {
    out.sessions = [...st.sessions.values()];
    out.skipped = st.skips.examples;
    out.skippedCount = st.skips.count;
    return out;
  };
  return { state: st, line, result };
}

function tryOrNull<T>(fn: () => T | null): T | null {
  try {
    return fn();
  } catch {
    return null;
  }
}

function lineTs(st: FileState, o: Record<string, any>): number {
  const t = toMs(o.timestamp);
  if (Number.isFinite(t)) st.lastTs = t;
  return st.lastTs;
}

function touchSession(st: FileState, o: Record<string, any>, ts: number): string {
  const id = str(o.sessionId) ?? st.fallbackSession;
  let s = st.sessions.get(id);
  if (!s) {
    const cwd = str(o.cwd) ?? '';
    s = {
      id, agent: 'claude', cwd, project: cwd ? basename(cwd) : basename(dirname(st.file)), file: st.file,
      start: ts, end: ts, version: str(o.version),
    };
    st.sessions.set(id, s);
  } else {
    if (ts && (ts < s.start || !s.start)) s.start = ts;
    if (ts > s.end) s.end = ts;
    if (!s.cwd && typeof o.cwd === 'string') { s.cwd = o.cwd; s.project = basename(o.cwd); }
  }
  return id;
}

function threadKey(session: string, o: Record<string, any>, sidechain: boolean): string {
  return sidechain ? `${session}\u0000${str(o.agentId) ?? ''}` : session;
}

function onUser(st: FileState, o: Record<string, any>, lineNo: number): void {
  const msg = obj(o.message);
  const content = msg?.content;
  if (!msg || (typeof content !== 'string' && !Array.isArray(content))) {
    st.skips.add(st.file, lineNo, 'user line without message content');
    return;
  }
  const ts = lineTs(st, o);
  const session = touchSession(st, o, ts);
  const sidechain = o.isSidechain === true || st.spawn !== null;
  let text = typeof content === 'string' ? content : '';
  let firstResult: string | undefined;
  if (Array.isArray(content)) {
    for (const b of content) {
      if (!b || typeof b !== 'object') continue;
      if (b.type === 'text' && typeof b.text === 'string') text += (text ? '\n' : '') + b.text;
      else if (b.type === 'tool_result' && typeof b.tool_use_id === 'string') {
        firstResult ??= b.tool_use_id;
        st.out.results.push(toolResult(b, ts));
      }
    }
  }
  const spawned = obj(o.toolUseResult);
  const agentId = str(spawned?.agentId);
  if (agentId && firstResult) {
    st.out.agentLinks.push([agentId, firstResult]);
    // The subagent's last usage: merged later with the subagent's calls (claude-subagent.ts), never a call.
    const u = obj(spawned!.usage);
    if (u) st.out.subagentFinals.push({ toolUseId: firstResult, ts, usage: usageOf(u) });
  }
  if (!text) return;
  const kind = classifyClaudePrompt(text, o);
  const id = str(o.uuid) ?? `${st.file}:${lineNo}`;
  const p: Prompt = { id, session, ts, text, kind };
  if (sidechain) p.sidechain = true;
  st.out.prompts.push(p);
  if (kind === 'meta') return;
  const tk = threadKey(session, o, sidechain);
  // A sidechain keeps its first prompt (the task it was given); the main thread follows each new prompt.
  if (!sidechain || !st.threads.get(tk)) st.threads.set(tk, id);
}

/** A tool_result line read by byte patterns; false when the line must be parsed after all. */
function onFastResult(st: FileState, fr: FastToolResult): boolean {
  const s = st.sessions.get(fr.sessionId ?? st.fallbackSession);
  // A session's first line (or one still without a cwd): parse it for cwd and version.
  if (!s || !s.cwd) return false;
  if (Number.isFinite(fr.ts)) st.lastTs = fr.ts;
  const ts = st.lastTs;
  if (ts && (ts < s.start || !s.start)) s.start = ts;
  if (ts > s.end) s.end = ts;
  st.out.results.push({ id: fr.id, ts, status: fr.error ? 'error' : 'ok', outputChars: fr.chars });
  return true;
}

function toolResult(b: Record<string, any>, ts: number): ToolResult {
  const c = b.content;
  let chars = 0;
  if (typeof c === 'string') chars = c.length;
  else if (Array.isArray(c)) for (const x of c) if (x && typeof x.text === 'string') chars += x.text.length;
  return { id: b.tool_use_id, ts, status: b.is_error === true ? 'error' : 'ok', outputChars: chars };
}

function usageOf(u: Record<string, any>): Usage {
  // The 5m/1h breakdown when present; without it every cache write is a 5-minute write.
  const cc = obj(u.cache_creation);
  return {
    input: num(u.input_tokens), output: num(u.output_tokens), cacheRead: num(u.cache_read_input_tokens),
    cacheWrite5m: cc ? num(cc.ephemeral_5m_input_tokens) : num(u.cache_creation_input_tokens),
    cacheWrite1h: cc ? num(cc.ephemeral_1h_input_tokens) : 0,
  };
}

function onAssistant(st: FileState, o: Record<string, any>, lineNo: number, cuts: Cut[] | null): void {
  const msg = obj(o.message);
  if (!msg) { st.skips.add(st.file, lineNo, 'assistant line without message'); return; }
  // Synthetic rows and API errors carry no real usage.
  if (msg.model === '<synthetic>' || o.isApiErrorMessage === true) return;
  const u = obj(msg.usage);
  if (!u) return;
  const ts = lineTs(st, o);
  const session = touchSession(st, o, ts);
  const sidechain = o.isSidechain === true || st.spawn !== null;
  const id = str(msg.id);
  const requestId = str(o.requestId);
  const key = id ? (requestId ? `${id}:${requestId}` : id) : '';
  const usage = usageOf(u);
  let at = key ? st.callAt.get(key) : undefined;
  let call: LlmCall;
  if (at === undefined) {
    call = {
      id: id ?? `${st.file}:${lineNo}`, session, prompt: st.threads.get(threadKey(session, o, sidechain)) ?? null,
      ts, end: ts, model: str(msg.model) ?? 'unknown', usage, shape: emptyShape(),
    };
    if (requestId) call.requestId = requestId;
    if (sidechain) call.sidechain = true;
    at = st.out.calls.length;
    st.out.calls.push(call);
    st.out.keys.push(key);
    st.out.spawn.push(sidechain ? (st.spawn ?? { agentId: str(o.agentId) }) : null);
    if (key) st.callAt.set(key, at);
  } else {
    call = st.out.calls[at];
    if (usage.output > call.usage.output) call.usage = usage;
    if (ts < call.ts) call.ts = ts;
    if (ts > call.end) call.end = ts;
    if (call.sidechain && !sidechain) {
      // The main-thread copy wins: its session, prompt and thread.
      delete call.sidechain;
      call.session = session;
      call.prompt = st.threads.get(threadKey(session, o, false)) ?? call.prompt;
      st.out.spawn[at] = null;
    }
  }
  if (Array.isArray(msg.content)) addBlocks(st, call, msg.content, ts, cuts);
}

function addBlocks(st: FileState, call: LlmCall, blocks: unknown[], ts: number, cuts: Cut[] | null): void {
  const shape = call.shape;
  for (const b of blocks as Record<string, any>[]) {
    if (!b || typeof b !== 'object') continue;
    if (b.type === 'text' && typeof b.text === 'string') {
      const m = measured(b.text, cuts);
      shape.textChars += m.chars;
      shape.codeBlocks += m.codeBlocks;
    } else if (b.type === 'thinking' && typeof b.thinking === 'string') {
      shape.thinkingChars += measured(b.thinking, cuts).chars;
    } else if (b.type === 'tool_use' && typeof b.id === 'string' && typeof b.name === 'string') {
      if (st.toolIds.has(b.id)) continue;
      st.toolIds.add(b.id);
      if (b.name === 'Task' || b.name === 'Agent') st.spawners.add(b.id);
      shape.toolUses++;
      shape.tools.push(b.name);
      const hints = toolHints(b.name, b.input);
      const t: ToolCall = {
        id: b.id, session: call.session, llmCall: call.id, name: b.name, ts, end: ts, status: 'unknown', hints,
      };
      const summary = toolSummary(hints);
      if (summary) t.summary = summary;
      st.out.tools.push(t);
    }
  }
}

function sessionFromPath(file: string): string {
  const name = basename(file).replace(/\.jsonl$/, '');
  // <session>/subagents/agent-x.jsonl belongs to <session>.
  if (basename(dirname(file)) === 'subagents') return basename(dirname(dirname(file)));
  return name;
}

/** For `<session>/subagents/agent-<id>.jsonl`: the agent id and the Task tool_use that spawned it. */
function subagentSpawn(file: string): Spawn | null {
  if (basename(dirname(file)) !== 'subagents') return null;
  const agentId = basename(file).replace(/^agent-/, '').replace(/\.jsonl$/, '');
  const metaPath = join(dirname(file), basename(file).replace(/\.jsonl$/, '.meta.json'));
  let toolUseId: string | undefined;
  if (existsSync(metaPath)) {
    try {
      toolUseId = str(obj(JSON.parse(readFileSync(metaPath, 'utf8')))?.toolUseId);
    } catch { /* a bad meta file only loses the link to the parent prompt */ }
  }
  return { agentId, toolUseId };
}
