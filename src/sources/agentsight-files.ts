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

function head(path: string, n = 65536): Buffer {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(n);
    return b.subarray(0, readSync(fd, b, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

/** A first line that is an AgentSight event: a known collector source, an SSL probe call, a process event. */
const EVENT_LINE = /"source"\s*:\s*"(ssl|process|http_parser|sse_processor|system|stdio|agentpprof)"|"function"\s*:\s*"(READ\/RECV|WRITE\/SEND|HANDSHAKE)"|"event"\s*:\s*"[A-Z_]+"/;

/** The recording form of a file, or null when it is not an AgentSight recording. */
export function recordingForm(path: string): RecordingForm | null {
  let b: Buffer;
  try {
    b = head(path);
  } catch {
    return null;
  }
  if (b.subarray(0, 16).toString('latin1') === 'SQLite format 3\u0000') return 'sqlite';
  if (b.length === 0) return /\.(db|sqlite3?)$/.test(path) ? 'sqlite' : null;
  // Our collector's msgpack frames: a 4-byte big-endian length (under 16 MB), then a map.
  if (b[0] === 0 && b.length > 4 && ((b[4] & 0xf0) === 0x80 || b[4] === 0xde || b[4] === 0xdf)) return 'events';
  const text = b.toString('utf8');
  const first = text.split('\n', 1)[0];
  if (/"schema_version"\s*:/.test(text.slice(0, 4096)) && /"(generated_at|token_summary|process_nodes|audit_events)"\s*:/.test(text)) return 'snapshot';
  // Agents' trace lines (a Codex rollout's "source":"cli", a Claude image's "source":{…}) do not match.
  if (first.trimStart().startsWith('{') && EVENT_LINE.test(first)) return 'events';
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

/** First event timestamp in a log part, to order rotated parts. */
function firstTs(path: string): number {
  try {
    const m = /"timestamp(?:_ns)?"\s*:\s*(\d+)/.exec(head(path, 8192).toString('latin1'));
    return m ? Number(m[1]) : Infinity;
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
