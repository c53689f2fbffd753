// The fast path for the bulk of a Claude Code transcript: `user` lines that only carry one tool_result
// (≈70% of the bytes: the tool output, plus its copy in toolUseResult). What the profile needs from them
// — the tool_use id, is_error, the output's length, timestamp, session — is read from the raw bytes by
// walking the JSON structure (json-scan.ts) without decoding the output or building objects.
//
// The walk follows the grammar, not one writer's bytes: any whitespace, key order, escapes or extra
// fields read as JSON.parse reads them. Whatever the full reading (onUser in claude.ts) would do more
// with the line — a prompt, a subagent link, a session's first line — returns null, and the caller
// parses the line.

import { isoMs } from './jsonl.js';
import { keyIs, keyOf, members, skipWs, STOP, stringAt, stringEnd, stringLength, stringValue, valueEnd } from './json-scan.js';

export interface FastToolResult {
  id: string;
  /** NaN when the line has no timestamp. */
  ts: number;
  sessionId: string | undefined;
  error: boolean;
  /** The output's length, as JSON.parse + `.length` would give it. */
  chars: number;
}

const isWs = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/** The one tool_result block of a user message, as the full reading would see it. */
interface Block { id: string; error: boolean; chars: number }

/** What one walk over a line's bytes tells: its kind and, for a tool-result user line, the result. */
export interface LineHead {
  /** The top-level "type" when it is user or assistant, 'other' for any other line, null when unknown. */
  kind: 'user' | 'assistant' | 'other' | null;
  fast: FastToolResult | null;
}

/**
 * Reads the line's top-level type and, with `fast` for a `user` line holding exactly one tool_result
 * with string content, that result. One pass: the message and toolUseResult are read while they are
 * skipped; the walk stops at the type of any other line (usually the tenth key or so, before the
 * message: JSON.parse's last-of-duplicate-keys rule is not followed for the type, as no writer repeats
 * a key). kind null: the bytes are not an object the walk could follow, or its type came after a part
 * the fast path gave up on; the caller parses the line. `isSpawner(id)` says whether the tool_use was a
 * Task/Agent call, whose result links a subagent and so needs the full parse.
 */
export function readHead(line: Buffer, fast: boolean, isSpawner: (id: string) => boolean): LineHead {
  const quick = topType(line);
  if (quick !== undefined && (!fast || quick !== 'user')) return { kind: lastByte(line) === 125 ? kindOf(quick) : null, fast: null };
  let type: string | undefined;
  let typed = false;
  let tsAt = -1, tsEnd = -1, sidAt = -1, sidEnd = -1;
  let block: Block | null = null;
  let link = false;
  // Each member once: its key looked up, its value skipped or read. Later duplicates replace earlier
  // ones, as in JSON.parse.
  const end = members(line, skipWs(line, 0), (m) => {
    const key = keyOf(line, m.ks, m.ke, TOP);
    if (fast && key === MESSAGE) {
      block = null;
      return members(line, m.vs, (c) => {
        if (!keyIs(line, c.ks, c.ke, 'content')) return valueEnd(line, c.vs);
        const r = onlyToolResult(line, c.vs);
        block = r && r.block;
        return r ? r.end : -1;
      });
    }
    // toolUseResult.agentId links a subagent (a spawner this file did not see): the full reading does that.
    if (fast && key === TOOL_USE_RESULT && line[m.vs] === 123) {
      link = false;
      return members(line, m.vs, (x) => {
        link ||= keyIs(line, x.ks, x.ke, 'agentId');
        return valueEnd(line, x.vs);
      });
    }
    const ve = valueEnd(line, m.vs);
    if (ve < 0) return -1;
    if (key === TYPE) {
      type = stringValue(line, m.vs, ve);
      typed = true;
      return !fast || type !== 'user' ? STOP : ve;
    }
    if (key === TIMESTAMP) { tsAt = m.vs; tsEnd = ve; } else if (key === SESSION_ID) { sidAt = m.vs; sidEnd = ve; }
    return ve;
  });
  // A whole object without a type is ignored like any other line, once the bytes after it are checked.
  if (end === -1 || (end > 0 && skipWs(line, end) !== line.length)) return { kind: typed ? kindOf(type) : null, fast: null };
  // Stopped at the type: the rest is not walked, but a line that does not even end its object is bad input.
  if (end === 0 && lastByte(line) !== 125) return { kind: null, fast: null };
  const kind = kindOf(type);
  if (end === 0 || kind !== 'user') return { kind, fast: null };
  const b = block as Block | null;
  if (!b || link || isSpawner(b.id)) return { kind, fast: null };
  let ts = NaN;
  if (tsAt !== -1) {
    const t = stringValue(line, tsAt, tsEnd);
    if (t === undefined) return { kind, fast: null }; // a number or null: the full reading's toMs decides
    ts = isoMs(t);
  }
  let sid: string | undefined;
  if (sidAt !== -1) {
    sid = stringValue(line, sidAt, sidEnd);
    if (sid === undefined) return { kind, fast: null };
  }
  return { kind, fast: { id: b.id, ts, sessionId: sid, error: b.error, chars: b.chars } };
}

const TYPE_KEY = Buffer.from('"type":"');

/**
 * The top-level type found by one native search, when the bytes prove it top-level: no `{` or `[`
 * before it but the line's own (so it is at depth 1), and its quote not preceded by a backslash (so it
 * opens a key: in valid JSON an unescaped quote followed by `type":` can be nothing else). Undefined
 * when unproven; the walk decides. Claude Code writes the type among plain strings and booleans, before
 * the message.
 */
function topType(line: Buffer): string | undefined {
  const s = skipWs(line, 0);
  if (line[s] !== 123) return undefined;
  const p = line.indexOf(TYPE_KEY, s);
  if (p === -1 || line[p - 1] === 92) return undefined;
  const brace = line.indexOf(123, s + 1);
  const bracket = line.indexOf(91, s + 1);
  if ((brace !== -1 && brace < p) || (bracket !== -1 && bracket < p)) return undefined;
  const v = p + TYPE_KEY.length - 1;
  const e = stringEnd(line, v);
  return e === -1 ? undefined : stringAt(line, v, e);
}

function lastByte(line: Buffer): number {
  let i = line.length - 1;
  while (i > 0 && isWs(line[i])) i--;
  return line[i];
}

const kindOf = (t: string | undefined): LineHead['kind'] => (t === 'user' || t === 'assistant' ? t : 'other');

/** The top-level keys the head walk reads. */
const TOP = ['type', 'timestamp', 'sessionId', 'message', 'toolUseResult'] as const;
const [TYPE, TIMESTAMP, SESSION_ID, MESSAGE, TOOL_USE_RESULT] = [0, 1, 2, 3, 4];
/** The keys of a tool_result block the full reading looks at. */
const BLOCK = ['type', 'tool_use_id', 'content', 'is_error'] as const;

/** The tool_result of a user line, or null when the line is anything else (the fast path's test entry). */
export function fastToolResult(line: Buffer, isSpawner: (id: string) => boolean): FastToolResult | null {
  return readHead(line, true, isSpawner).fast;
}

/**
 * message.content = [ {"type":"tool_result", "tool_use_id": "<id>", "content": "<output>", "is_error": …} ]
 * and nothing else in the array: the block and the index past the array, or null. Other keys of the
 * block are ignored, as the full reading ignores them.
 */
function onlyToolResult(line: Buffer, at: number): { block: Block; end: number } | null {
  if (line[at] !== 91) return null;
  let typeAt = -1, typeEnd = -1, idAt = -1, idEnd = -1, outAt = -1, outEnd = -1, errAt = -1, errEnd = -1;
  const after = members(line, skipWs(line, at + 1), (m) => {
    const ve = valueEnd(line, m.vs);
    const k = keyOf(line, m.ks, m.ke, BLOCK);
    if (k === 0) { typeAt = m.vs; typeEnd = ve; } else if (k === 1) { idAt = m.vs; idEnd = ve; }
    else if (k === 2) { outAt = m.vs; outEnd = ve; } else if (k === 3) { errAt = m.vs; errEnd = ve; }
    return ve;
  });
  if (after <= 0) return null;
  let p = after;
  while (isWs(line[p])) p++;
  if (line[p] !== 93 || typeAt === -1 || idAt === -1 || outAt === -1) return null;
  if (stringValue(line, typeAt, typeEnd) !== 'tool_result' || line[outAt] !== 34) return null;
  const toolUseId = stringValue(line, idAt, idEnd);
  if (!toolUseId) return null;
  const error = errAt !== -1 && errEnd - errAt === 4 && line.toString('latin1', errAt, errEnd) === 'true';
  return { block: { id: toolUseId, error, chars: stringLength(line, outAt + 1, outEnd - 1) }, end: p + 1 };
}
