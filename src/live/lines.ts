// Per-line, per-file incremental parsing of Claude Code and Codex traces for tailing. The offline
// readers work file-at-a-time; live mode needs line-at-a-time with state kept between appends. This
// is the thin incremental layer: it reuses sources/ helpers (hints, JSON line handling) and keeps
// only what one file needs (its session, current prompt, Codex's running token total).

import { basename } from 'node:path';
import { emptyUsage, type EventBatch, type LlmCall, type PromptKind, type ResponseShape } from '../model.js';
import { toolHints } from '../sources/hints.js';
import { obj, str, toMs } from '../sources/jsonl.js';

export type Piece = Pick<EventBatch, 'sessions' | 'prompts' | 'calls' | 'tools' | 'skipped'> & { skippedCount: number };
export const emptyPiece = (): Piece => ({ sessions: [], prompts: [], calls: [], tools: [], skipped: [], skippedCount: 0 });

export interface LineParser {
  line(text: string, lineNo: number, out: Piece): void;
}

const HARNESS = /^\s*(<command-name>|<local-command-stdout>|<system-reminder>|<command-message>|Caveat:|\[Request interrupted by user)/;
const CONTINUE = /^(This session is being continued|\[Session continued)/;

function shapeOf(blocks: any[]): ResponseShape {
  const s: ResponseShape = { toolUses: 0, textChars: 0, thinkingChars: 0, codeBlocks: 0, tools: [] };
  for (const b of blocks) {
    if (b?.type === 'text' && typeof b.text === 'string') { s.textChars += b.text.length; s.codeBlocks += (b.text.match(/```/g)?.length ?? 0) >> 1; }
    else if (b?.type === 'thinking') s.thinkingChars += String(b.thinking ?? '').length;
    else if (b?.type === 'tool_use') { s.toolUses++; s.tools.push(String(b.name)); }
  }
  return s;
}

const mergeShape = (a: ResponseShape, b: ResponseShape): ResponseShape => ({
  toolUses: a.toolUses + b.toolUses, textChars: a.textChars + b.textChars, thinkingChars: a.thinkingChars + b.thinkingChars,
  codeBlocks: a.codeBlocks + b.codeBlocks, tools: [...a.tools, ...b.tools],
});

/** Claude Code: one session per file, one LlmCall per message.id (its lines merged, usage kept at max). */
export class ClaudeLines implements LineParser {
  #session?: string;
  #prompt: string | null = null;
  readonly #shapes = new Map<string, ResponseShape>();
  constructor(readonly file: string) {}

  line(text: string, lineNo: number, out: Piece): void {
    let o: any;
    try { o = JSON.parse(text); } catch { return skip(out, this.file, lineNo, 'malformed JSON'); }
    if (!obj(o)) return skip(out, this.file, lineNo, 'not a JSON object');
    const ts = toMs(o.timestamp);
    const sid = str(o.sessionId);
    if (!sid || !Number.isFinite(ts)) return; // summaries, snapshots and other envelope-less lines
    if (sid !== this.#session) {
      this.#session = sid;
      const cwd = str(o.cwd) ?? '';
      out.sessions.push({ id: sid, agent: 'claude', cwd, project: basename(cwd) || '?', file: this.file, start: ts, end: ts, version: str(o.version) });
    }
    const msg = obj(o.message);
    if (o.type === 'user' && msg) this.#user(o, msg, ts, sid, out);
    else if (o.type === 'assistant' && msg) this.#assistant(o, msg, ts, sid, out);
  }

  #user(o: any, msg: any, ts: number, sid: string, out: Piece): void {
    const blocks: any[] = typeof msg.content === 'string' ? [{ type: 'text', text: msg.content }] : Array.isArray(msg.content) ? msg.content : [];
    for (const b of blocks) {
      if (b?.type !== 'tool_result' || typeof b.tool_use_id !== 'string') continue;
      const chars = typeof b.content === 'string' ? b.content.length : JSON.stringify(b.content ?? '').length;
      out.tools.push({ id: b.tool_use_id, session: sid, llmCall: '', name: '', ts, end: ts, status: b.is_error ? 'error' : 'ok', outputChars: chars, hints: [] });
    }
    const textBlock = blocks.find((b) => b?.type === 'text' && typeof b.text === 'string');
    if (!textBlock || blocks.some((b) => b?.type === 'tool_result')) return;
    const text: string = textBlock.text;
    const kind: PromptKind = o.isCompactSummary || CONTINUE.test(text) ? 'continue' : o.isMeta || HARNESS.test(text) ? 'meta' : 'human';
    const id = str(o.uuid) ?? `${sid}:${ts}`;
    out.prompts.push({ id, session: sid, ts, text, kind, sidechain: !!o.isSidechain });
    if (kind !== 'meta') this.#prompt = id;
  }

  #assistant(o: any, msg: any, ts: number, sid: string, out: Piece): void {
    const id = str(msg.id);
    const u = obj(msg.usage);
    if (!id || msg.model === '<synthetic>') return;
    const blocks: any[] = Array.isArray(msg.content) ? msg.content : [];
    const shape = mergeShape(this.#shapes.get(id) ?? shapeOf([]), shapeOf(blocks));
    this.#shapes.set(id, shape);
    if (this.#shapes.size > 5000) this.#shapes.delete(this.#shapes.keys().next().value!);
    const cc = obj(u?.cache_creation);
    const usage = emptyUsage();
    if (u) {
      usage.input = +u.input_tokens || 0;
      usage.output = +u.output_tokens || 0;
      usage.cacheRead = +u.cache_read_input_tokens || 0;
      usage.cacheWrite1h = +(cc?.ephemeral_1h_input_tokens ?? 0) || 0;
      usage.cacheWrite5m = cc ? +cc.ephemeral_5m_input_tokens || 0 : +u.cache_creation_input_tokens || 0;
    }
    const call: LlmCall = { id, requestId: str(o.requestId), session: sid, prompt: this.#prompt, ts, end: ts, model: str(msg.model) ?? '?', usage, shape, sidechain: !!o.isSidechain };
    out.calls.push(call);
    for (const b of blocks) {
      if (b?.type !== 'tool_use' || typeof b.id !== 'string') continue;
      out.tools.push({ id: b.id, session: sid, llmCall: id, name: String(b.name), ts, end: ts, status: 'unknown', hints: toolHints(String(b.name), b.input) });
    }
  }
}

/** Codex rollouts: calls from token_count deltas of the running total (re-emitted totals count once). */
export class CodexLines implements LineParser {
  #session?: string;
  #prompt: string | null = null;
  #model = 'gpt-5';
  #total = -1;
  #shape: ResponseShape = shapeOf([]);
  #n = 0;
  constructor(readonly file: string) {}

  line(text: string, lineNo: number, out: Piece): void {
    let o: any;
    try { o = JSON.parse(text); } catch { return skip(out, this.file, lineNo, 'malformed JSON'); }
    if (!obj(o)) return skip(out, this.file, lineNo, 'not a JSON object');
    const ts = toMs(o.timestamp);
    const p = obj(o.payload);
    if (!p || !Number.isFinite(ts)) return;
    if (o.type === 'session_meta') {
      this.#session = str(p.id) ?? basename(this.file);
      const cwd = str(p.cwd) ?? '';
      out.sessions.push({ id: this.#session, agent: 'codex', cwd, project: basename(cwd) || '?', file: this.file, start: ts, end: ts, version: str(p.cli_version) });
      return;
    }
    const sid = this.#session ??= basename(this.file);
    if (o.type === 'turn_context' && str(p.model)) this.#model = p.model;
    else if (o.type === 'event_msg' && p.type === 'user_message' && typeof p.message === 'string') {
      const id = `${sid}:u${lineNo}`;
      out.prompts.push({ id, session: sid, ts, text: p.message, kind: CONTINUE.test(p.message) ? 'continue' : 'human' });
      this.#prompt = id;
    } else if (o.type === 'response_item') this.#item(p, ts, sid, out);
    else if (o.type === 'event_msg' && p.type === 'token_count') this.#tokens(p, ts, sid, out);
  }

  #item(p: any, ts: number, sid: string, out: Piece): void {
    const callId = str(p.call_id);
    if ((p.type === 'function_call' || p.type === 'custom_tool_call' || p.type === 'local_shell_call') && callId) {
      let input: unknown = p.input ?? p.action;
      if (typeof p.arguments === 'string') { try { input = JSON.parse(p.arguments); } catch { input = {}; } }
      const name = String(p.name ?? 'local_shell');
      this.#shape = mergeShape(this.#shape, { toolUses: 1, textChars: 0, thinkingChars: 0, codeBlocks: 0, tools: [name] });
      // The call that asked for this tool is only known at the next token_count: link to it then.
      out.tools.push({ id: callId, session: sid, llmCall: `${sid}:call${this.#n + 1}`, name, ts, end: ts, status: 'unknown', hints: toolHints(name, input) });
    } else if ((p.type === 'function_call_output' || p.type === 'custom_tool_call_output') && callId) {
      out.tools.push({ id: callId, session: sid, llmCall: '', name: '', ts, end: ts, status: 'ok', outputChars: String(p.output ?? '').length, hints: [] });
    } else if (p.type === 'message' && p.role === 'assistant') {
      const chars = (Array.isArray(p.content) ? p.content : []).reduce((n: number, c: any) => n + String(c?.text ?? '').length, 0);
      this.#shape = mergeShape(this.#shape, { toolUses: 0, textChars: chars, thinkingChars: 0, codeBlocks: 0, tools: [] });
    }
  }

  #tokens(p: any, ts: number, sid: string, out: Piece): void {
    const info = obj(p.info);
    const total = obj(info?.total_token_usage);
    const last = obj(info?.last_token_usage);
    if (total) {
      const t = +total.total_tokens || 0;
      if (t === this.#total) return; // re-emitted unchanged total
      this.#total = t; // also after a reset (total went down): then last_token_usage is the call
    }
    const use = last ?? total;
    if (!use) return;
    const cached = +use.cached_input_tokens || 0;
    const usage = { ...emptyUsage(), input: Math.max(0, (+use.input_tokens || 0) - cached), output: +use.output_tokens || 0, cacheRead: cached, reasoning: +use.reasoning_output_tokens || 0 };
    this.#n++;
    out.calls.push({ id: `${sid}:call${this.#n}`, session: sid, prompt: this.#prompt, ts, end: ts, model: this.#model, usage, shape: this.#shape });
    this.#shape = shapeOf([]);
  }
}

function skip(out: Piece, file: string, line: number, reason: string): void {
  out.skippedCount++;
  if (out.skipped.length < 20) out.skipped.push({ file, line, reason });
}

/** Which parser a trace path needs, or null when it is not an agent trace we follow. */
export function parserFor(file: string): LineParser | null {
  if (/\/rollout-[^/]*\.jsonl$/.test(file)) return new CodexLines(file);
  if (/\.jsonl$/.test(file) && /\/projects\//.test(file)) return new ClaudeLines(file);
  return null;
}
