// Finding and recognizing AgentSight recordings: `HOST=PATH` arguments, directories, rotated log
// parts grouped into one recording (oldest part first), and the form of each file from its bytes.
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { RecordingForm } from './agentsight-types.js';

export interface RecordingInput {
  host: string;
  form: RecordingForm;
  /** One file, or a log's parts in time order. */
  files: string[];
}

const HEAD = 65536;

function head(path: string, n = HEAD): Buffer {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(n);
    return b.subarray(0, readSync(fd, b, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

const SOURCES = new Set(['ssl', 'process', 'http_parser', 'sse_processor', 'system', 'stdio', 'agentpprof']);
const SSL_FUNCTIONS = new Set(['READ/RECV', 'WRITE/SEND', 'HANDSHAKE']);
const SNAPSHOT_TABLES = ['generated_at', 'token_summary', 'process_nodes', 'audit_events'];

/** An AgentSight event: a known collector source, an SSL probe call, a process event. */
const isEvent = (o: Record<string, unknown>) => (typeof o.source === 'string' && SOURCES.has(o.source))
  || (typeof o.function === 'string' && SSL_FUNCTIONS.has(o.function)) || (typeof o.event === 'string' && /^[A-Z_]+$/.test(o.event));

/** The same test on text too long to parse here (a first line past the head): keys as usually spelled. */
const EVENT_LINE = /"source"\s*:\s*"(ssl|process|http_parser|sse_processor|system|stdio|agentpprof)"|"function"\s*:\s*"(READ\\?\/RECV|WRITE\\?\/SEND|HANDSHAKE)"|"event"\s*:\s*"[A-Z_]+"/;

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The recording form of a file, or null when it is not an AgentSight recording. A head holding the
 * whole file or a whole first line is parsed, so any JSON spelling of the same records is recognized;
 * past that the keys are matched as text.
 */
export function recordingForm(path: string): RecordingForm | null {
  let b: Buffer;
  let whole = false;
  try {
    b = head(path);
    whole = b.length < HEAD;
  } catch {
    return null;
  }
  if (b.subarray(0, 16).toString('latin1') === 'SQLite format 3\u0000') return 'sqlite';
  if (b.length === 0) return /\.(db|sqlite3?)$/.test(path) ? 'sqlite' : null;
  // Our collector's msgpack frames: a 4-byte big-endian length (under 16 MB), then a map.
  if (b[0] === 0 && b.length > 4 && ((b[4] & 0xf0) === 0x80 || b[4] === 0xde || b[4] === 0xdf)) return 'events';
  const text = b.toString('utf8');
  const doc = whole ? parseObject(text) : null;
  if (doc) {
    if (doc.schema_version !== undefined && SNAPSHOT_TABLES.some((k) => k in doc)) return 'snapshot';
    if (isEvent(doc)) return 'events';
  } else if (/"schema_version"\s*:/.test(text.slice(0, 4096)) && /"(generated_at|token_summary|process_nodes|audit_events)"\s*:/.test(text)) return 'snapshot';
  // Agents' trace lines (a Codex rollout's "source":"cli", a Claude image's "source":{…}) are not events.
  const nl = text.indexOf('\n');
  const first = (nl === -1 ? text : text.slice(0, nl)).trim();
  if (first.startsWith('{')) {
    const o = nl !== -1 || whole ? parseObject(first) : null;
    if (o ? isEvent(o) : EVENT_LINE.test(first)) return 'events';
  }
  return /\.(db|sqlite3?)$/.test(path) ? 'sqlite' : null;
}

const isRecordingName = (name: string) => /(\.log(\.\d+)?|\.jsonl(\.\d+)?|\.db|\.sqlite3?|\.json|\.rec|\.msgpack)$/.test(name);

/** Parses `HOST=PATH`; the default host label is the recording's own name (directory or file stem). */
export function parseArg(arg: string): { host: string; path: string } {
  const m = /^([A-Za-z0-9_.-]+)=(.+)$/.exec(arg);
  if (m) return { host: m[1], path: m[2] };
  const name = basename(arg.replace(/\/+$/, '')) || 'local';
  return { host: name.replace(/(\.(log|jsonl|db|sqlite3?|json|rec|msgpack))+(\.\d+)?$/, '') || name, path: arg };
}

/** First event timestamp in a log part (the envelope's epoch ms, else the probe's own), to order rotated parts. */
function firstTs(path: string): number {
  try {
    const text = head(path).toString('utf8');
    const nl = text.indexOf('\n');
    const o = parseObject(nl === -1 ? text : text.slice(0, nl));
    const ts = o ? (typeof o.timestamp === 'number' ? o.timestamp : o.timestamp_ns) : undefined;
    return typeof ts === 'number' ? ts : Infinity;
  } catch {
    return Infinity;
  }
}

/** Expands arguments into recordings; `problems` names paths that hold none. */
export function listRecordings(args: string[]): { inputs: RecordingInput[]; problems: string[] } {
  const inputs: RecordingInput[] = [];
  const problems: string[] = [];
  for (const arg of args) {
    const { host, path } = parseArg(arg);
    let files: string[];
    try {
      files = statSync(path).isDirectory()
        ? readdirSync(path).filter(isRecordingName).map((f) => join(path, f)).filter((f) => statSync(f).isFile()).sort()
        : [path];
    } catch (e) {
      problems.push(`${path}: ${(e as Error).message}`);
      continue;
    }
    const logs = new Map<string, string[]>();
    let found = 0;
    for (const f of files) {
      const form = recordingForm(f);
      if (!form) continue;
      found++;
      if (form !== 'events') {
        inputs.push({ host, form, files: [f] });
        continue;
      }
      // record.log, record.log.1, … are one recording.
      const base = join(dirname(f), basename(f).replace(/\.\d+$/, ''));
      const parts = logs.get(base) ?? [];
      parts.push(f);
      logs.set(base, parts);
    }
    for (const parts of logs.values()) {
      parts.sort((a, b) => firstTs(a) - firstTs(b) || b.localeCompare(a));
      inputs.push({ host, form: 'events', files: parts });
    }
    if (!found) problems.push(`${path}: no AgentSight recording found`);
  }
  return { inputs, problems };
}

/** Separates recording arguments (`HOST=PATH`, recording files, directories holding one) from the rest. */
export function splitRecordingArgs(args: string[]): { recordings: string[]; others: string[] } {
  const recordings: string[] = [];
  const others: string[] = [];
  for (const a of args) {
    const { path } = parseArg(a);
    let isRec = path !== a;
    if (!isRec) {
      try {
        isRec = statSync(path).isDirectory() ? listRecordings([path]).inputs.length > 0 : recordingForm(path) !== null;
      } catch {
        isRec = false;
      }
    }
    (isRec ? recordings : others).push(a);
  }
  return { recordings, others };
}
