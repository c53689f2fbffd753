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
import { keyIs, keyOf, members, skipWs, stringLength, stringValue, valueEnd, type Member } from './json-scan.js';

export interface FastToolResult {
  id: string;
  /** NaN when the line has no timestamp. */
  ts: number;
  sessionId: string | undefined;
  error: boolean;
  /** The output's length, as JSON.parse + `.length` would give it. */
  chars: number;
}

const copy = (m: Member): Member => ({ ...m });
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
  let type: string | undefined;
  let typed = false;
  let timestamp: Member | undefined, sessionId: Member | undefined;
  let block: Block | null = null;
  let link = false;
  // Each key is looked up once, while its value is skipped (before the member callback).
  let key = -1;
  const skip = (m: Member): number => {
    key = keyOf(line, m.ks, m.ke, TOP);
    if (!fast) return valueEnd(line, m.vs);
    if (key === MESSAGE) {
      block = null;
      return members(line, m.vs, () => {}, (c) => {
        if (!keyIs(line, c.ks, c.ke, 'content')) return valueEnd(line, c.vs);
        const r = onlyToolResult(line, c.vs);
        block = r && r.block;
        return r ? r.end : -1;
      });
    }
    // toolUseResult.agentId links a subagent (a spawner this file did not see): the full reading does that.
    if (key === TOOL_USE_RESULT && line[m.vs] === 123) {
      link = false;
      return members(line, m.vs, (x) => { link ||= keyIs(line, x.ks, x.ke, 'agentId'); });
    }
    return valueEnd(line, m.vs);
  };
  // Later duplicates replace earlier ones, as in JSON.parse.
  const end = members(line, skipWs(line, 0), (m) => {
    if (key === TYPE) {
      type = stringValue(line, m.vs, m.ve);
      typed = true;
      return !fast || type !== 'user';
    }
    if (key === TIMESTAMP) timestamp = copy(m);
    else if (key === SESSION_ID) sessionId = copy(m);
    return false;
  }, skip);
  // A whole object without a type is ignored like any other line, once the bytes after it are checked.
  if (end === -1 || (end > 0 && skipWs(line, end) !== line.length)) return { kind: typed ? kindOf(type) : null, fast: null };
  // Stopped at the type: the rest is not walked, but a line that does not even end its object is bad input.
  if (end === 0 && lastByte(line) !== 125) return { kind: null, fast: null };
  const kind = kindOf(type);
  if (end === 0 || kind !== 'user') return { kind, fast: null };
  return { kind, fast: toolResultOf(line, block, link, timestamp, sessionId, isSpawner) };
}

/** The top-level keys the head walk reads. */
const TOP = ['type', 'timestamp', 'sessionId', 'message', 'toolUseResult'] as const;
const [TYPE, TIMESTAMP, SESSION_ID, MESSAGE, TOOL_USE_RESULT] = [0, 1, 2, 3, 4];

function lastByte(line: Buffer): number {
  let i = line.length - 1;
  while (i > 0 && isWs(line[i])) i--;
  return line[i];
}

const kindOf = (t: string | undefined): LineHead['kind'] => (t === 'user' || t === 'assistant' ? t : 'other');

function toolResultOf(
  line: Buffer, block: Block | null, link: boolean, timestamp: Member | undefined, sessionId: Member | undefined,
  isSpawner: (id: string) => boolean,
): FastToolResult | null {
  if (!block || link || isSpawner(block.id)) return null;
  let ts = NaN;
  if (timestamp) {
    const t = stringValue(line, timestamp.vs, timestamp.ve);
    if (t === undefined) return null; // a number or null: the full reading's toMs decides
    ts = isoMs(t);
  }
  let sid: string | undefined;
  if (sessionId) {
    sid = stringValue(line, sessionId.vs, sessionId.ve);
    if (sid === undefined) return null;
  }
  return { id: block.id, ts, sessionId: sid, error: block.error, chars: block.chars };
}

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
  let type: Member | undefined, id: Member | undefined, out: Member | undefined, err: Member | undefined;
  const after = members(line, skipWs(line, at + 1), (m) => {
    if (keyIs(line, m.ks, m.ke, 'type')) type = copy(m);
    else if (keyIs(line, m.ks, m.ke, 'tool_use_id')) id = copy(m);
    else if (keyIs(line, m.ks, m.ke, 'content')) out = copy(m);
    else if (keyIs(line, m.ks, m.ke, 'is_error')) err = copy(m);
  });
  if (after <= 0) return null;
  let p = after;
  while (isWs(line[p])) p++;
  if (line[p] !== 93 || !type || !id || !out) return null;
  const t = type as Member, i = id as Member, o = out as Member;
  if (stringValue(line, t.vs, t.ve) !== 'tool_result' || line[o.vs] !== 34) return null;
  const toolUseId = stringValue(line, i.vs, i.ve);
  if (!toolUseId) return null;
  const e = err as Member | undefined;
  const error = !!e && e.ve - e.vs === 4 && line.toString('latin1', e.vs, e.ve) === 'true';
  return { block: { id: toolUseId, error, chars: stringLength(line, o.vs + 1, o.ve - 1) }, end: p + 1 };
}
