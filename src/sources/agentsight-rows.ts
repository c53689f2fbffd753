// Rows of AgentSight's SQLite recording and of its exported snapshot (schema v1) → the model. Both
// forms hold the same tables as objects, so one set of converters serves both. Column names vary
// between AgentSight versions: each field is looked up under its known spellings, and a row missing
// what it needs is skipped with a reason, never fatal.
import { readRequest, readResponse, toApiCall } from '../http/call.js';
import { newAcc } from '../http/acc.js';
import type { ApiCall, HttpMessage } from '../http/types.js';
import { emptyUsage, type Effect, type EffectKind, type Process, type Session, type ToolCall, type Usage } from '../model.js';

export type Row = Record<string, unknown>;

/** First present (non-null, non-empty) value among the spellings. */
export function pick(row: Row, ...names: string[]): unknown {
  for (const n of names) {
    const v = row[n];
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const int = (v: unknown): number | undefined => {
  const x = typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
  return typeof x === 'number' && Number.isFinite(x) ? x : typeof x === 'bigint' ? Number(x) : undefined;
};

/** Epoch ms from seconds, ms, µs or ns since the epoch (told apart by magnitude), or an ISO string. */
export function epochMs(v: unknown): number | undefined {
  const x = int(v);
  if (x !== undefined) {
    if (x > 1e17) return x / 1e6;
    if (x > 1e14) return x / 1e3;
    if (x > 1e11) return x;
    if (x > 1e8) return x * 1000;
    return undefined;
  }
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

const TS = ['timestamp', 'ts', 'start_time', 'started_at', 'created_at', 'start_ts', 'time', 'first_seen'];
const END = ['end_time', 'ended_at', 'finished_at', 'completed_at', 'end_ts', 'last_seen', 'exited_at'];

function when(row: Row): { ts?: number; end?: number } {
  const ts = epochMs(pick(row, ...TS));
  let end = epochMs(pick(row, ...END));
  const dur = int(pick(row, 'duration_ms'));
  if (end === undefined && ts !== undefined && dur !== undefined) end = ts + dur;
  return { ts, end };
}

function json(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

export type Converted<T> = T | { skip: string };

export function rowToProcess(row: Row, host: string): Converted<Process> {
  const pid = int(pick(row, 'pid'));
  if (pid === undefined) return { skip: 'process row without pid' };
  const { ts, end } = when(row);
  const argvRaw = json(pick(row, 'argv_json', 'argv', 'cmdline'));
  const argv = Array.isArray(argvRaw) ? argvRaw.filter((a): a is string => typeof a === 'string')
    : typeof argvRaw === 'string' ? argvRaw.split(' ') : undefined;
  const comm = text(pick(row, 'comm', 'name', 'process_name')) ?? argv?.[0]?.split('/').pop() ?? '';
  const p: Process = { pid, ppid: int(pick(row, 'ppid', 'parent_pid')) ?? 0, comm, start: ts ?? 0, host };
  if (argv) p.argv = argv;
  const cwd = text(pick(row, 'cwd', 'working_dir'));
  if (cwd) p.cwd = cwd;
  if (end !== undefined) p.exit = end;
  const code = int(pick(row, 'exit_code'));
  if (code !== undefined) p.exitCode = code;
  return p;
}

function effectKind(action: string, type: string): EffectKind | undefined {
  const a = `${action} ${type}`.toLowerCase();
  if (/unlink|delete|remove|rmdir/.test(a)) return 'delete';
  if (/exec|spawn/.test(a)) return 'exec';
  if (/connect|network|dns|http/.test(a)) return 'connect';
  if (/write|creat|truncat|rename|mkdir|modify/.test(a)) return 'write';
  if (/open|read|access|stat|file/.test(a)) return 'read';
  return undefined;
}

export function rowToEffect(row: Row, host: string): Converted<Effect> {
  const { ts } = when(row);
  if (ts === undefined) return { skip: 'audit event without time' };
  const kind = effectKind(text(pick(row, 'action', 'operation', 'event')) ?? '', text(pick(row, 'audit_type', 'type', 'kind')) ?? '');
  if (!kind) return { skip: `audit event of unknown kind ${text(pick(row, 'audit_type', 'action'))?.slice(0, 30)}` };
  const target = text(pick(row, 'target', 'path', 'filepath', 'host', 'command'));
  if (!target) return { skip: 'audit event without target' };
  // Rows AgentSight derived from tool arguments are not kernel evidence.
  const view = text(pick(row, 'view_source')) ?? '';
  const evidence = view && !/ebpf|kernel|probe|trace|process|ssl/i.test(view) ? 'tool-input' : 'kernel';
  const e: Effect = { ts, kind, target, evidence, host };
  const pid = int(pick(row, 'pid', 'subject_pid')) ?? int(pick(row, 'subject'));
  if (pid !== undefined) e.pid = pid;
  return e;
}

/** The process AgentSight bound a session to (root_pid / pid columns), with its confidence. */
export function rowSessionPid(row: Row): { pid: number; confidence?: number } | undefined {
  const pid = int(pick(row, 'root_pid', 'pid', 'agent_pid'));
  if (pid === undefined || pid <= 0) return undefined;
  const c = int(pick(row, 'confidence'));
  return c !== undefined && c > 0 && c <= 1 ? { pid, confidence: c } : { pid };
}

export function rowToSession(row: Row, host: string): Converted<Session> {
  const id = text(pick(row, 'session_id', 'id', 'uuid'));
  if (!id) return { skip: 'session row without id' };
  const { ts, end } = when(row);
  const cwd = text(pick(row, 'cwd', 'project_path', 'workdir')) ?? '';
  const s: Session = {
    id, agent: text(pick(row, 'agent', 'agent_type', 'agent_name')) ?? 'agentsight', cwd,
    project: cwd.split('/').filter(Boolean).pop() ?? '', start: ts ?? 0, end: end ?? ts ?? 0, host,
  };
  const file = text(pick(row, 'log_path', 'session_file', 'transcript_path', 'file'));
  if (file) s.file = file;
  return s;
}

export function rowToTool(row: Row): Converted<ToolCall> {
  const id = text(pick(row, 'tool_call_id', 'tool_use_id', 'call_id', 'id'));
  const name = text(pick(row, 'tool_name', 'name'));
  const { ts, end } = when(row);
  if (!id || !name || ts === undefined) return { skip: 'tool call row without id, name or time' };
  const status = text(pick(row, 'status'))?.toLowerCase();
  return {
    id, name, ts, end: end ?? ts, session: text(pick(row, 'session_id', 'session')) ?? '',
    llmCall: text(pick(row, 'llm_call_id', 'message_id')) ?? '',
    status: status === 'ok' || status === 'success' ? 'ok' : status === 'error' || status === 'failed' ? 'error' : 'unknown',
    hints: [],
  };
}

/** Token columns of a token_usage / token_summary row. */
export function rowUsage(row: Row): Usage {
  const u = emptyUsage();
  u.input = int(pick(row, 'input_tokens', 'input')) ?? 0;
  u.output = int(pick(row, 'output_tokens', 'output')) ?? 0;
  u.cacheRead = int(pick(row, 'cache_read_tokens', 'cache_read', 'cache_read_input_tokens')) ?? 0;
  u.cacheWrite5m = int(pick(row, 'cache_creation_tokens', 'cache_creation', 'cache_creation_input_tokens')) ?? 0;
  return u;
}

const bodyOf = (v: unknown): Buffer => Buffer.from(typeof v === 'string' ? v : v && typeof v === 'object' ? JSON.stringify(v) : '', 'utf8');

/** An llm_calls row: its stored request/response bodies go through the same extraction as traffic. */
export function rowToCall(row: Row, host: string, usage: Usage | undefined): Converted<ApiCall> {
  const { ts, end } = when(row);
  if (ts === undefined) return { skip: 'llm call row without time' };
  const path = text(pick(row, 'path', 'url')) ?? '';
  const pid = int(pick(row, 'pid')) ?? 0;
  const headers: Record<string, string> = {};
  const server = text(pick(row, 'host', 'domain'));
  if (server) headers.host = server;
  const req: HttpMessage = { kind: 'request', ts, end: ts, method: 'POST', path, headers, body: bodyOf(pick(row, 'request_body', 'request_json', 'request')) };
  const { info } = readRequest(req);
  const resBody = bodyOf(pick(row, 'response_body', 'response_json', 'response'));
  const res: HttpMessage = { kind: 'response', ts, end: end ?? ts, headers: {}, body: resBody };
  const read = resBody.length ? readResponse(info.api, res) : { api: info.api, acc: newAcc(), badEvents: 0 };
  if ('error' in read) return { skip: `llm call row: ${read.error}` };
  const msgId = text(pick(row, 'message_id', 'response_id'));
  if (msgId) read.acc.id ??= msgId;
  if (usage && !read.acc.sawUsage) {
    read.acc.usage = usage;
    read.acc.sawUsage = true;
  }
  if (!read.acc.model) read.acc.model = text(pick(row, 'model'));
  read.acc.done = true;
  read.api ??= /claude|anthropic/i.test(`${pick(row, 'provider')} ${read.acc.model}`) ? 'anthropic-messages' : 'openai-responses';
  const call = toApiCall(info, read, { pid, host, ts, end: end ?? ts, status: int(pick(row, 'status_code')) });
  if (typeof call === 'string') return { skip: `llm call row: ${call}` };
  if (!msgId && read.acc.id === undefined) call.id = `db:${host}:${text(pick(row, 'id')) ?? ts}`;
  return call;
}

/** Keeps a session row and the pid AgentSight bound it to. */
export function addSession(out: { sessions: Session[]; sessionPids: { pid: number; session: string; confidence?: number; ts: number }[] }, row: Row, s: Session): void {
  out.sessions.push(s);
  const sp = rowSessionPid(row);
  if (sp) out.sessionPids.push({ ...sp, session: s.id, ts: s.start });
}
