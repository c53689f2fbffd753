// Codex CLI rollouts, three generations:
//  1. legacy TS CLI `rollout-*.json`: one document {session, items}, no tokens;
//  2. mid-2025 flat JSONL: a bare header line, `{record_type:"state"}` markers, bare ResponseItems;
//  3. current envelopes `{timestamp, type, payload}`.
// Tokens come from cumulative `total_token_usage`: one LlmCall per advance of the total.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { LlmCall, Prompt, PromptKind, ResponseShape, Session, ToolCall, Usage } from '../model.js';
import { toolHints, toolSummary } from './hints.js';
import { forEachLine, num, obj, parseObjectLine, SkipLog, str, toMs } from './jsonl.js';
import { emptyFileResult, type FileResult, type ToolResult } from './merge.js';
import { countFences, emptyShape } from './shape.js';

export const CODEX_DEFAULT_MODEL = 'gpt-5';

interface Totals { input: number; cached: number; output: number; reasoning: number; total: number }

export class CodexFile {
  readonly out: FileResult;
  readonly skips = new SkipLog();
  session: Session;
  model: string | undefined;
  /** Prompts from `event_msg.user_message` (A) and from user `response_item` messages (B). */
  promptsA: Prompt[] = [];
  promptsB: Prompt[] = [];
  curA: string | null = null;
  curB: string | null = null;
  callPromptB: (string | null)[] = [];
  prev: Totals | null = null;
  pendingTools: ToolCall[] = [];
  pendingShape: ResponseShape = emptyShape();
  subagent = false;
  /** Time of the last replayed line (a subagent's opening burst, a fork's copy of its parent). */
  burstTs = NaN;
  inBurst = false;
  sawMeta = false;
  lastTs = 0;
  seq = 0;
  anonTools = 0;
  results = new Map<string, ToolResult>();
  failed = new Set<string>();
  usedIds = new Set<string>();
  /** The API response id of the next call (0.1xx `token_usage_record`): joins with live TLS captures. */
  responseId: string | undefined;

  constructor(readonly file: string) {
    this.out = emptyFileResult(file);
    const m = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i.exec(basename(file));
    this.session = { id: m ? m[1] : basename(file).replace(/\.jsonl?$/, ''), agent: 'codex', cwd: '', project: '', file, start: 0, end: 0 };
  }

  ts(v: unknown): number {
    const t = toMs(v);
    if (Number.isFinite(t)) this.lastTs = t;
    if (this.lastTs) {
      if (!this.session.start || this.lastTs < this.session.start) this.session.start = this.lastTs;
      if (this.lastTs > this.session.end) this.session.end = this.lastTs;
    }
    return this.lastTs;
  }

  setCwd(cwd: unknown): void {
    if (typeof cwd === 'string' && cwd && !this.session.cwd) {
      this.session.cwd = cwd;
      this.session.project = basename(cwd);
    }
  }

  meta(p: Record<string, any>): void {
    if (typeof p.id === 'string') this.session.id = p.id;
    this.setCwd(p.cwd);
    if (typeof p.cli_version === 'string') this.session.version = p.cli_version;
    const spawn = obj(obj(obj(p.source)?.subagent)?.thread_spawn);
    if (obj(obj(p.source)?.subagent)) {
      this.subagent = true;
      if (typeof spawn?.parent_thread_id === 'string') this.session.parent = spawn.parent_thread_id;
    }
  }

  // Prompt streams -------------------------------------------------------------------------------
  prompt(which: 'A' | 'B', text: string, ts: number, lineNo: number): void {
    const kind = classifyCodexPrompt(text);
    if (which === 'B') {
      const cwd = /<cwd>([^<]+)<\/cwd>/.exec(text);
      if (cwd) this.setCwd(cwd[1].trim());
    }
    const p: Prompt = { id: `${this.session.id}:${which}${lineNo}`, session: '', ts, text, kind };
    (which === 'A' ? this.promptsA : this.promptsB).push(p);
    if (kind === 'meta') return;
    if (which === 'A') this.curA = p.id; else this.curB = p.id;
  }

  // Tool calls ------------------------------------------------------------------------------------
  tool(rawId: unknown, name: string, input: unknown, ts: number): void {
    // web_search_call items carry no call id: give them one that is unique in the scan.
    const id = typeof rawId === 'string' ? rawId : `${basename(this.file)}#${++this.anonTools}`;
    const hints = toolHints(name, input);
    const t: ToolCall = { id, session: '', llmCall: '', name, ts, end: ts, status: 'unknown', hints };
    const summary = toolSummary(hints);
    if (summary) t.summary = summary;
    this.pendingTools.push(t);
    this.pendingShape.toolUses++;
    this.pendingShape.tools.push(name);
  }

  result(p: Record<string, any>, ts: number): void {
    if (typeof p.call_id !== 'string') return;
    const o = p.output;
    const text = typeof o === 'string' ? o : typeof obj(o)?.content === 'string' ? obj(o)!.content as string : '';
    const status = this.failed.has(p.call_id) ? 'error' : outputStatus(o);
    const r: ToolResult = { id: p.call_id, ts, status, outputChars: text.length };
    this.results.set(r.id, r);
    this.out.results.push(r);
  }

  /** `item_completed` of a CommandExecution carries the exit code itself, keyed by the call id. */
  itemCompleted(item: Record<string, any> | undefined): void {
    if (item?.type !== 'CommandExecution' || typeof item.id !== 'string') return;
    const failed = item.status === 'failed' || (typeof item.exit_code === 'number' && item.exit_code !== 0);
    if (!failed) return;
    this.failed.add(item.id);
    const r = this.results.get(item.id);
    if (r) r.status = 'error';
  }

  // LLM calls -------------------------------------------------------------------------------------
  tokenCount(info: Record<string, any> | undefined, ts: number): void {
    if (!info) return;
    const total = totals(obj(info.total_token_usage));
    const last = totals(obj(info.last_token_usage));
    let delta: Totals | null = null;
    if (total) {
      const prev = this.prev;
      this.prev = total;
      if (this.inBurst) return; // a subagent replaying its parent's history: baseline only
      if (!prev) delta = total;
      else if (total.total === prev.total && total.input === prev.input && total.output === prev.output) return;
      else if (total.total < prev.total || total.input < prev.input || total.output < prev.output) delta = last ?? total;
      else delta = sub(total, prev);
    } else if (last) {
      if (this.inBurst) return;
      delta = last;
    }
    if (!delta) return;
    this.emitCall(ts, {
      input: Math.max(0, delta.input - delta.cached), output: delta.output, cacheRead: delta.cached,
      cacheWrite5m: 0, cacheWrite1h: 0, reasoning: delta.reasoning,
    });
  }

  emitCall(ts: number, usage: Usage): void {
    ++this.seq;
    // A response id seen twice in one file (a replayed history) falls back to the positional id.
    const rid = this.responseId && !this.usedIds.has(this.responseId) ? this.responseId : undefined;
    if (rid) this.usedIds.add(rid);
    const id = rid ?? `${this.session.id}:${this.seq}`;
    this.responseId = undefined;
    const c: LlmCall = {
      id, session: '', prompt: this.curA, ts, end: ts, model: this.model ?? CODEX_DEFAULT_MODEL, usage,
      shape: this.pendingShape,
    };
    if (!this.model) c.modelGuessed = true;
    if (this.subagent) c.sidechain = true;
    for (const t of this.pendingTools) t.llmCall = id;
    this.out.tools.push(...this.pendingTools);
    this.pendingTools = [];
    this.pendingShape = emptyShape();
    this.out.calls.push(c);
    this.out.keys.push('');
    this.out.spawn.push(null);
    this.callPromptB.push(this.curB);
  }

  /**
   * Tool calls not followed by a token count: the tail of a rollout joins its last call; files without
   * any token count (flat and legacy generations) have no LLM calls, so their tools name no call ('').
   */
  flushTail(): void {
    const last = this.out.calls[this.out.calls.length - 1];
    for (const t of this.pendingTools) t.llmCall = last ? last.id : '';
    if (last) {
      last.shape.toolUses += this.pendingShape.toolUses;
      last.shape.tools.push(...this.pendingShape.tools);
    }
    this.out.tools.push(...this.pendingTools);
    this.pendingTools = [];
    this.pendingShape = emptyShape();
  }

  item(p: Record<string, any>, ts: number, lineNo: number): void {
    switch (p.type) {
      case 'message': {
        const text = Array.isArray(p.content)
          ? p.content.map((c: any) => (c && typeof c.text === 'string' ? c.text : '')).join('') : '';
        if (p.role === 'user') {
          this.prompt('B', text, ts, lineNo);
        } else if (p.role === 'assistant') {
          this.pendingShape.textChars += text.length;
          this.pendingShape.codeBlocks += countFences(text);
        }
        break;
      }
      case 'reasoning':
        for (const s of Array.isArray(p.summary) ? p.summary : []) if (typeof s?.text === 'string') this.pendingShape.thinkingChars += s.text.length;
        break;
      case 'function_call': {
        let args: unknown = p.arguments;
        if (typeof args === 'string') { try { args = JSON.parse(args); } catch { /* keep the raw string */ } }
        this.tool(p.call_id ?? p.id, str(p.name) ?? 'function', args, ts);
        break;
      }
      case 'custom_tool_call':
        this.tool(p.call_id ?? p.id, str(p.name) ?? 'custom', { input: p.input }, ts);
        break;
      case 'local_shell_call':
        this.tool(p.call_id ?? p.id, 'local_shell', { command: obj(p.action)?.command }, ts);
        break;
      case 'web_search_call':
        this.tool(p.call_id ?? p.id, 'web_search', obj(p.action) ?? {}, ts);
        break;
      case 'function_call_output': case 'custom_tool_call_output': case 'local_shell_call_output':
        this.result(p, ts);
        break;
    }
  }

  line(o: Record<string, any>, lineNo: number): void {
    // Generation 3 envelope.
    if (typeof o.type === 'string' && 'payload' in o) {
      const p = obj(o.payload);
      if (!p && o.type !== 'compacted') { this.skips.add(this.file, lineNo, `${o.type} without payload object`); return; }
      const ts = this.ts(o.timestamp);
      if (o.type === 'session_meta') {
        // The first session_meta is this rollout's own. A later one is a forked child's copy of its parent's
        // meta, followed by the parent's history: a replay, like a subagent's opening burst.
        const own = !this.sawMeta;
        this.sawMeta = true;
        if (own) this.meta(p!);
        if (this.subagent || !own) { this.burstTs = ts; this.inBurst = true; }
        return;
      }
      // A replay is written in one go: lines within a couple of milliseconds of the previous replayed one.
      // The child's own work (its first request takes longer than that) ends it.
      if (this.inBurst) {
        if (ts - this.burstTs > BURST_GAP_MS) this.inBurst = false;
        else this.burstTs = ts;
      }
      switch (o.type) {
        case 'turn_context':
          if (typeof p!.model === 'string' && p!.model) this.model = p!.model;
          this.setCwd(p!.cwd);
          return;
        case 'response_item':
          if (!this.inBurst) this.item(p!, ts, lineNo);
          return;
        case 'event_msg':
          if (p!.type === 'token_count') this.tokenCount(obj(p!.info), ts);
          else if (p!.type === 'user_message' && !this.inBurst && typeof p!.message === 'string') this.prompt('A', p!.message, ts, lineNo);
          else if (p!.type === 'item_completed') this.itemCompleted(obj(p!.item));
          return;
        case 'token_usage_record':
          // Same response as the token_count that follows: only its id is taken, never its usage.
          if (!this.inBurst && typeof p!.response_id === 'string') this.responseId = p!.response_id;
          return;
        // `compacted` records hold the harness's summary, not a prompt: the next user message follows it.
      }
      return;
    }
    // Generation 2: bare header, state markers, bare items.
    if (o.record_type === 'state') return;
    if (lineNo <= 2 && typeof o.id === 'string' && typeof o.type !== 'string') {
      this.session.id = o.id;
      this.ts(o.timestamp);
      return;
    }
    if (typeof o.type === 'string') this.item(o, this.ts(o.timestamp), lineNo);
  }

  finish(): FileResult {
    this.flushTail();
    const useA = this.promptsA.length > 0;
    const prompts = useA ? this.promptsA : this.promptsB;
    const sid = this.session.id;
    for (const p of prompts) { p.session = sid; if (this.subagent) p.sidechain = true; }
    this.out.calls.forEach((c, i) => {
      c.session = sid;
      if (!useA) c.prompt = this.callPromptB[i];
    });
    for (const t of this.out.tools) t.session = sid;
    if (!this.session.project) this.session.project = 'unknown';
    this.out.prompts = prompts;
    this.out.sessions = [this.session];
    this.out.skipped = this.skips.examples;
    this.out.skippedCount = this.skips.count;
    return this.out;
  }
}

const BURST_GAP_MS = 2;

function totals(u: Record<string, any> | undefined): Totals | null {
  if (!u) return null;
  const input = num(u.input_tokens), cached = num(u.cached_input_tokens), output = num(u.output_tokens);
  return {
    input, cached, output, reasoning: num(u.reasoning_output_tokens),
    total: num(u.total_tokens) || input + output,
  };
}

const sub = (a: Totals, b: Totals): Totals => ({
  input: Math.max(0, a.input - b.input), cached: Math.max(0, a.cached - b.cached),
  output: Math.max(0, a.output - b.output), reasoning: Math.max(0, a.reasoning - b.reasoning),
  total: a.total - b.total,
});

const HARNESS_PREFIXES = ['<environment_context>', '<user_instructions>', '# AGENTS.md instructions', '<INSTRUCTIONS>', '<user_shell_command>', '<turn_aborted>'];

export function classifyCodexPrompt(text: string): PromptKind {
  const t = text.trimStart();
  if (t.startsWith('[Session continued') || t.startsWith('This session is being continued')) return 'continue';
  // Harness-injected context (<environment_context>, <user_instructions>, …) is tagged markup.
  return t.startsWith('<') || HARNESS_PREFIXES.some((p) => t.startsWith(p)) ? 'meta' : 'human';
}

/** A tool output's status: explicit `success:false`, a non-zero `exit_code`, or "Exit code: N". */
function outputStatus(o: unknown): 'ok' | 'error' {
  const ob = obj(o);
  if (ob) return ob.success === false ? 'error' : 'ok';
  if (typeof o !== 'string') return 'ok';
  if (o.startsWith('{')) {
    try {
      const j = JSON.parse(o);
      const code = obj(j?.metadata)?.exit_code ?? j?.exit_code;
      return typeof code === 'number' && code !== 0 ? 'error' : 'ok';
    } catch { /* plain text */ }
  }
  // "Exit code: N" (older shells) or "Process exited with code N" (exec_command, 0.1xx).
  const m = /^(?:Exit code:|Process exited with code) (\d+)/m.exec(o.slice(0, 300));
  return m && m[1] !== '0' ? 'error' : 'ok';
}

export function readCodexFile(file: string): FileResult {
  const cf = new CodexFile(file);
  if (file.endsWith('.json')) {
    // Generation 1: one small document per session.
    const text = readFileSync(file, 'utf8');
    cf.out.bytes = Buffer.byteLength(text);
    const doc = parseObjectLine(text, file, 1, false, cf.skips);
    const s = obj(doc?.session);
    if (doc && s) {
      const ts = cf.ts(s.timestamp);
      if (typeof s.id === 'string') cf.session.id = s.id;
      (Array.isArray(doc.items) ? doc.items : []).forEach((it: unknown, i: number) => {
        const p = obj(it);
        if (p) cf.item(p, ts, i + 1);
        else cf.skips.add(file, 1, `item ${i} is not an object`);
      });
    } else if (doc) cf.skips.add(file, 1, 'legacy rollout without session');
    return cf.finish();
  }
  cf.out.bytes = forEachLine(file, (buf, start, end, lineNo, last) => {
    const o = parseObjectLine(buf.toString('utf8', start, end), file, lineNo, last, cf.skips);
    if (o) cf.line(o, lineNo);
  });
  return cf.finish();
}
