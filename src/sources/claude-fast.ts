// The fast path for the bulk of a Claude Code transcript: `user` lines that only carry one tool_result
// (≈70% of the bytes: the tool output, plus its copy in toolUseResult). What the profile needs from them
// — the tool_use id, is_error, the output size, timestamp, session — is cut out of the raw bytes without
// decoding or JSON.parse. Every assumption is checked; anything unexpected returns null and the caller
// parses the line normally.
//
// Why byte patterns are safe: inside a JSON string every `"` is escaped as `\"`, so a pattern that
// starts with an unescaped quote and continues with `":` or `","` can only match real JSON structure.
// Keys are looked up outside the tool output, in the line's head and in the few bytes between the
// message and toolUseResult first; keys written after toolUseResult are found from the end of the line
// (toolUseResult of the built-in tools holds no timestamp/sessionId/isSidechain keys of its own).

import { isoMs } from './jsonl.js';

const b = (s: string) => Buffer.from(s);
const K_TOOL_USE_ID = b('"tool_use_id":"');
const AFTER_ID = b('","type":"tool_result","content":"');
const IS_ERROR_AFTER = b('","is_error":');
const END_BLOCK = b('"}]');
/** A key searched in the line's head and middle as latin1 text (cheap builtin searches), in its tail as bytes. */
const key = (s: string) => ({ text: s, bytes: b(s) });
type Key = ReturnType<typeof key>;
const K_TIMESTAMP = key('"timestamp":"');
const K_SESSION = key('"sessionId":"');
const K_SIDECHAIN = key('"isSidechain":');
const K_TOOL_USE_RESULT = b('"toolUseResult":');
const PROGRESS = key('"type":"progress"');
const TRUE = b('true');

export interface FastToolResult {
  id: string;
  /** NaN when the line has no timestamp. */
  ts: number;
  sessionId: string | undefined;
  sidechain: boolean;
  error: boolean;
  /** Characters of the output (escape sequences counted as one; non-ASCII counted per UTF-8 byte). */
  chars: number;
}

/** A plain string value starting at `from` (no escapes expected: ids, ISO times); null if it has any. */
function plainString(line: Buffer, from: number): string | null {
  const end = line.indexOf(34, from);
  if (end === -1) return null;
  const bs = line.indexOf(92, from);
  if (bs !== -1 && bs < end) return null;
  return line.toString('latin1', from, end);
}

/** The same, in the latin1 text of the head or middle; falls back to the bytes when the value runs past it. */
function plainText(text: string, from: number, line: Buffer, lineFrom: number): string | null {
  const end = text.indexOf('"', from);
  if (end === -1) return plainString(line, lineFrom);
  const bs = text.lastIndexOf('\\', end);
  if (bs >= from) return null;
  return text.slice(from, end);
}

/** True when the quote at `q` is unescaped (an even run of backslashes before it). */
function unescaped(line: Buffer, q: number): boolean {
  let k = q - 1;
  while (k >= 0 && line[k] === 92) k--;
  return (q - 1 - k) % 2 === 0;
}

/** Decoded length of the JSON string body line[s, e): escapes count once (\uXXXX too). */
function stringChars(line: Buffer, s: number, e: number): number {
  let n = e - s;
  for (let i = line.indexOf(92, s); i !== -1 && i < e; i = line.indexOf(92, i + 2)) {
    n -= line[i + 1] === 117 ? 5 : 1;
    if (line[i + 1] === 117) i += 4;
  }
  return n;
}

/**
 * Where a top-level key is, searching only outside the output: before the content, between the
 * content and toolUseResult, then backwards from the end of the line (keys written after
 * toolUseResult). Real Claude Code writes timestamp before toolUseResult and sessionId after it.
 */
function findKey(line: Buffer, k: Key, head: string, mid: string, midAt: number, fromEnd = true): number {
  const h = head.indexOf(k.text);
  if (h !== -1) return h;
  const m = mid.indexOf(k.text);
  if (m !== -1) return midAt + m;
  if (!fromEnd) return -1;
  const t = line.lastIndexOf(k.bytes);
  return t >= midAt + mid.length ? t : -1;
}

/** The plain string value of a key found by findKey at `at`. */
function valueAt(line: Buffer, at: number, k: Key, head: string, mid: string, midAt: number): string | null {
  const v = at + k.text.length;
  if (at < head.length) return plainText(head, v, line, v);
  if (at < midAt + mid.length) return plainText(mid, v - midAt, line, v);
  return plainString(line, v);
}

/**
 * Reads a `user` line holding exactly one tool_result with string content; null for anything else.
 * `isSpawner(id)` says whether the tool_use was a Task/Agent call, whose result (toolUseResult.agentId)
 * links a subagent and so needs the full parse.
 */
export function fastToolResult(line: Buffer, isSpawner: (id: string) => boolean): FastToolResult | null {
  const at = line.indexOf(K_TOOL_USE_ID);
  if (at === -1) return null;
  const idStart = at + K_TOOL_USE_ID.length;
  const id = plainString(line, idStart);
  if (!id || isSpawner(id)) return null;
  // The block must read {"tool_use_id":ID,"type":"tool_result","content":"<string>"…: one string output.
  const cStart = idStart + id.length + AFTER_ID.length;
  if (line.compare(AFTER_ID, 0, AFTER_ID.length, idStart + id.length, cStart) !== 0) return null;
  // The content ends at the first unescaped quote followed by `}]` (the block is the only one), or
  // earlier at `","is_error":` (a pattern that cannot occur inside a JSON string).
  let q = line.indexOf(END_BLOCK, cStart);
  while (q !== -1 && !unescaped(line, q)) q = line.indexOf(END_BLOCK, q + 1);
  const ie = (q === -1 ? line.subarray(cStart) : line.subarray(cStart, q)).indexOf(IS_ERROR_AFTER);
  let cEnd: number;
  let error = false;
  let after: number;
  if (ie !== -1) {
    cEnd = cStart + ie;
    const v = cEnd + IS_ERROR_AFTER.length;
    error = line.compare(TRUE, 0, 4, v, v + 4) === 0;
    after = v + (error ? 4 : 5);
    if (line[after] !== 125 || line[after + 1] !== 93) return null; // no second block
    after += 2;
  } else if (q !== -1) {
    cEnd = q;
    after = q + 3;
  } else return null;
  // The rest of the message (up to toolUseResult) is small; search it before the end of the line.
  let midEnd = line.indexOf(K_TOOL_USE_RESULT, after);
  if (midEnd === -1) midEnd = line.length;
  const head = line.toString('latin1', 0, cStart);
  const mid = line.toString('latin1', after, midEnd);
  // A progress line nesting a subagent's tool result names its own type before the nested message.
  if (findKey(line, PROGRESS, head, mid, after, false) !== -1) return null;
  const sideAt = findKey(line, K_SIDECHAIN, head, mid, after);
  const sidechain = sideAt !== -1 && line[sideAt + K_SIDECHAIN.text.length] === 116;
  const tsAt = findKey(line, K_TIMESTAMP, head, mid, after);
  const sAt = findKey(line, K_SESSION, head, mid, after);
  const ts = tsAt === -1 ? NaN : isoMs(valueAt(line, tsAt, K_TIMESTAMP, head, mid, after) ?? '');
  const sessionId = sAt === -1 ? undefined : valueAt(line, sAt, K_SESSION, head, mid, after) ?? undefined;
  return { id, ts, sessionId, sidechain, error, chars: stringChars(line, cStart, cEnd) };
}
