// Gemini CLI chat recordings: `tmp/<project>/chats/session-*.json` (one ConversationRecord) or `.jsonl`
// (a metadata line, message records, `{$set:{…}}` metadata patches, `{$rewindTo:id}` truncations; a
// repeated id replaces the earlier record in place: the recorder rewrites a message as its tool calls
// and tokens arrive).
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { LlmCall, Prompt, PromptKind, Session, ToolCall } from '../model.js';
import { toolHints, toolSummary } from './hints.js';
import { forEachLine, num, obj, parseObjectLine, SkipLog, str, toMs } from './jsonl.js';
import { emptyFileResult, type FileResult } from './merge.js';
import { countFences } from './shape.js';

export function readGeminiFile(file: string): FileResult {
  const out = emptyFileResult(file);
  const skips = new SkipLog();
  let meta: Record<string, any> = {};
  const messages = new Map<string, Record<string, any>>();
  let anon = 0;
  const upsert = (m: Record<string, any>) => messages.set(typeof m.id === 'string' ? m.id : `#${++anon}`, m);
  if (file.endsWith('.json') || prettyPrinted(file)) {
    const text = readFileSync(file, 'utf8');
    out.bytes = Buffer.byteLength(text);
    const doc = parseObjectLine(text, file, 1, false, skips);
    if (doc) {
      meta = doc;
      (Array.isArray(doc.messages) ? doc.messages : []).forEach((m: unknown, i: number) => {
        const o = obj(m);
        if (o) upsert(o); else skips.add(file, 1, `message ${i} is not an object`);
      });
    }
  } else {
    out.bytes = forEachLine(file, (buf, start, end, lineNo, last) => {
      const o = parseObjectLine(buf.toString('utf8', start, end), file, lineNo, last, skips);
      if (!o) return;
      if (typeof o.$rewindTo === 'string') {
        // Rewinding to a message drops it and everything after it.
        let drop = false;
        for (const id of [...messages.keys()]) {
          if (id === o.$rewindTo) drop = true;
          if (drop) messages.delete(id);
        }
      } else if (o.$set !== undefined) {
        const patch = obj(o.$set);
        if (!patch) { skips.add(file, lineNo, '$set is not an object'); return; }
        const { messages: ms, ...rest } = patch;
        meta = { ...meta, ...rest };
        if (Array.isArray(ms)) for (const m of ms) { const mo = obj(m); if (mo) upsert(mo); }
      } else if (typeof o.type === 'string' && ('content' in o || 'tokens' in o || 'toolCalls' in o)) {
        upsert(o);
      } else if (lineNo === 1 || typeof o.sessionId === 'string') {
        meta = { ...meta, ...o };
      } else {
        skips.add(file, lineNo, 'unknown record');
      }
    });
  }
  buildSession(out, file, meta, [...messages.values()]);
  out.skipped = skips.examples;
  out.skippedCount = skips.count;
  return out;
}

/**
 * A `.jsonl` name holding one pretty-printed document (a ConversationRecord saved by hand or by a tool
 * that re-indents JSON): its first line is a lone `{`, which no JSONL record can be.
 */
function prettyPrinted(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(256);
    const head = b.toString('utf8', 0, readSync(fd, b, 0, b.length, 0));
    const nl = head.indexOf('\n');
    return nl !== -1 && head.slice(0, nl).trim() === '{';
  } finally {
    closeSync(fd);
  }
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (p && typeof p.text === 'string' ? p.text : '')).join('');
  return '';
}

function classifyGeminiPrompt(text: string): PromptKind {
  const t = text.trimStart();
  return t.startsWith('/') || t.startsWith('<') ? 'meta' : 'human';
}

function buildSession(out: FileResult, file: string, meta: Record<string, any>, messages: Record<string, any>[]): void {
  const id = str(meta.sessionId) ?? basename(file).replace(/\.jsonl?$/, '');
  const dirs = Array.isArray(meta.directories) ? meta.directories : [];
  // tmp/<project>/chats/<file>: newer gemini-cli writes the project's path to tmp/<project>/.project_root;
  // otherwise the project id (a hash or a short name) names the project.
  let chats = dirname(file);
  while (basename(chats) !== 'chats' && dirname(chats) !== chats) chats = dirname(chats);
  const projectDir = basename(chats) === 'chats' ? dirname(chats) : dirname(file);
  const cwd = str(meta.projectRoot) ?? str(meta.cwd) ?? str(dirs[0]) ?? projectRoot(projectDir) ?? '';
  const projectId = basename(projectDir);
  const start = toMs(meta.startTime);
  const session: Session = {
    id, agent: 'gemini', cwd, project: cwd ? basename(cwd) : projectId, file,
    start: Number.isFinite(start) ? start : 0, end: Number.isFinite(start) ? start : 0,
  };
  let lastTs = session.start;
  let prompt: string | null = null;
  for (const m of messages) {
    const t = toMs(m.timestamp);
    const ts = Number.isFinite(t) ? t : lastTs;
    lastTs = ts;
    if (ts && (!session.start || ts < session.start)) session.start = ts;
    if (ts > session.end) session.end = ts;
    const mid = str(m.id) ?? `${id}:${out.calls.length + out.prompts.length}`;
    if (m.type === 'user') {
      const text = textOf(m.content);
      const kind = classifyGeminiPrompt(text);
      const p: Prompt = { id: mid, session: id, ts, text, kind };
      out.prompts.push(p);
      if (kind !== 'meta') prompt = mid;
    } else if (m.type === 'gemini') {
      const tk = obj(m.tokens);
      const tools = Array.isArray(m.toolCalls) ? m.toolCalls.map(obj).filter((x): x is Record<string, any> => !!x) : [];
      addTools(out, tools, id, mid, ts);
      // A message still being streamed (no tokens yet) is not a call.
      if (!tk) continue;
      const input = num(tk?.input), cached = Math.min(num(tk?.cached), input), thoughts = num(tk?.thoughts);
      const text = textOf(m.content);
      const call: LlmCall = {
        id: mid, session: id, prompt, ts, end: ts, model: str(m.model) ?? 'gemini-unknown',
        usage: { input: input - cached, output: num(tk?.output) + thoughts, cacheRead: cached, cacheWrite5m: 0, cacheWrite1h: 0, reasoning: thoughts },
        shape: {
          toolUses: tools.length, textChars: text.length, codeBlocks: countFences(text), tools: tools.map((x) => str(x.name) ?? 'tool'),
          thinkingChars: (Array.isArray(m.thoughts) ? m.thoughts : []).reduce((n: number, x: any) => n + (typeof x?.description === 'string' ? x.description.length : 0), 0),
        },
      };
      out.calls.push(call);
      out.keys.push('');
      out.spawn.push(null);
    }
  }
  const last = toMs(meta.lastUpdated);
  if (Number.isFinite(last) && last > session.end) session.end = last;
  out.sessions.push(session);
}

function addTools(out: FileResult, tools: Record<string, any>[], session: string, mid: string, ts: number): void {
  for (const [i, x] of tools.entries()) {
    const name = str(x.name) ?? 'tool';
    const hints = toolHints(name, x.args);
    const tts = toMs(x.timestamp);
    const status = x.status === 'success' ? 'ok' : x.status === 'error' || x.status === 'cancelled' ? 'error' : 'unknown';
    const tool: ToolCall = {
      id: str(x.id) ?? `${mid}:${i}`, session, llmCall: mid, name, ts: Number.isFinite(tts) ? tts : ts,
      end: Number.isFinite(tts) ? tts : ts, status, hints,
    };
    if (typeof x.resultDisplay === 'string') tool.outputChars = x.resultDisplay.length;
    const summary = toolSummary(hints);
    if (summary) tool.summary = summary;
    out.tools.push(tool);
  }
}

function projectRoot(projectDir: string): string | undefined {
  const f = join(projectDir, '.project_root');
  if (!existsSync(f)) return undefined;
  try { return readFileSync(f, 'utf8').trim() || undefined; } catch { return undefined; }
}
