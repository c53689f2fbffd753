// Finding values in the bytes of one JSON text without JSON.parse: the readers' fast paths use it to
// learn a line's top-level type, or to measure a long string, without building the objects. It follows
// the JSON grammar (any whitespace, any key order, escaped keys and values), so a fast path built on it
// reads every spelling of a line as JSON.parse would; what it cannot vouch for it reports as -1 and
// the caller parses the line.
//
// Positions are indexes into the given buffer, which must end where the JSON text ends (a subarray of
// the line): Buffer.indexOf would otherwise run on into the bytes after it.
import { isAscii } from 'node:buffer';

const QUOTE = 34;
const BACKSLASH = 92;

const isWs = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

export function skipWs(b: Buffer, i: number): number {
  while (i < b.length && isWs(b[i])) i++;
  return i;
}

/** Strings shorter than this are scanned here: a native indexOf call costs about as much as this many bytes. */
const SHORT = 48;

/** Index of the closing quote of the string whose opening quote is at `i`, or -1. */
export function stringEnd(b: Buffer, i: number): number {
  // Keys, ids and times by hand; long values (tool output, file bodies) by the native search.
  const stop = Math.min(b.length, i + SHORT);
  let p = i + 1;
  for (; p < stop; p++) {
    const c = b[p];
    if (c === QUOTE) return p;
    if (c === BACKSLASH) break;
  }
  if (p === b.length) return -1;
  for (let q = b.indexOf(QUOTE, p); q !== -1; q = b.indexOf(QUOTE, q + 1)) {
    let k = q - 1;
    while (b[k] === BACKSLASH) k--;
    if ((q - 1 - k) % 2 === 0) return q;
  }
  return -1;
}

/** Index just past the value starting at `i` (no leading whitespace), or -1 when it is cut or malformed. */
export function valueEnd(b: Buffer, i: number): number {
  const c = b[i];
  if (c === QUOTE) {
    const e = stringEnd(b, i);
    return e === -1 ? -1 : e + 1;
  }
  if (c === 123 || c === 91) {
    // Brackets are counted outside strings only; which kind closes which is left to JSON.parse (a fast
    // path reads only lines that are whole objects at the levels it walks).
    let depth = 0;
    for (let p = i; p < b.length; p++) {
      const x = b[p];
      if (x === QUOTE) {
        p = stringEnd(b, p);
        if (p === -1) return -1;
      } else if (x === 123 || x === 91) depth++;
      else if (x === 125 || x === 93) {
        if (--depth === 0) return p + 1;
      }
    }
    return -1;
  }
  // A number or a literal: up to the next delimiter.
  let p = i;
  while (p < b.length) {
    const x = b[p];
    if (x === 44 || x === 125 || x === 93 || isWs(x)) break;
    p++;
  }
  return p > i ? p : -1;
}

/** A member of an object: key quotes at ks/ke, value starting at vs. */
export interface Member { ks: number; ke: number; vs: number }

/** What a visitor returns to end the walk early (members then returns 0). */
export const STOP = -2;

/**
 * Calls `visit` for each member of the object starting at `i`, in order. The visitor skips the value
 * (valueEnd, or its own reading of it, so that no value is scanned twice) and returns the index just
 * past it, -1 to give up, or STOP. Returns the index just past the object's `}`, 0 after STOP, or -1
 * when the bytes are not an object (or the visitor gave up).
 */
export function members(b: Buffer, i: number, visit: (m: Member) => number): number {
  if (b[i] !== 123) return -1;
  let p = skipWs(b, i + 1);
  if (b[p] === 125) return p + 1;
  const m: Member = { ks: 0, ke: 0, vs: 0 };
  for (;;) {
    if (b[p] !== QUOTE) return -1;
    m.ks = p;
    m.ke = stringEnd(b, p);
    if (m.ke === -1) return -1;
    p = skipWs(b, m.ke + 1);
    if (b[p] !== 58) return -1;
    m.vs = skipWs(b, p + 1);
    const ve = visit(m);
    if (ve === STOP) return 0;
    if (ve < 0) return -1;
    p = skipWs(b, ve);
    if (b[p] === 44) p = skipWs(b, p + 1);
    else if (b[p] === 125) return p + 1;
    else return -1;
  }
}

/** Whether b[s, e) holds a backslash; short ranges by hand, as indexOf would search on past `e`. */
function hasBackslash(b: Buffer, s: number, e: number): boolean {
  if (e - s > 64) return b.subarray(s, e).indexOf(BACKSLASH) !== -1;
  for (let i = s; i < e; i++) if (b[i] === BACKSLASH) return true;
  return false;
}

/** The decoded string whose quotes are at s and e (escapes decoded by JSON.parse, which is exact). */
export function stringAt(b: Buffer, s: number, e: number): string {
  if (!hasBackslash(b, s + 1, e)) return b.toString('utf8', s + 1, e);
  return JSON.parse(b.toString('utf8', s, e + 1)) as string;
}

/** Whether the key whose quotes are at ks/ke is `key` (plain ASCII), however it is escaped. */
export function keyIs(b: Buffer, ks: number, ke: number, key: string): boolean {
  if (ke - ks - 1 === key.length) {
    let same = true;
    for (let j = 0; j < key.length; j++) if (b[ks + 1 + j] !== key.charCodeAt(j)) { same = false; break; }
    if (same) return true;
  }
  // An escaped spelling is longer than the key itself.
  if (ke - ks - 1 <= key.length || !hasBackslash(b, ks + 1, ke)) return false;
  return stringAt(b, ks, ke) === key;
}

/** Which of `keys` (plain ASCII) the key whose quotes are at ks/ke is, however it is escaped; -1 for none. */
export function keyOf(b: Buffer, ks: number, ke: number, keys: readonly string[]): number {
  const len = ke - ks - 1;
  for (let j = 0; j < keys.length; j++) {
    const k = keys[j];
    if (k.length !== len) continue;
    let i = 0;
    while (i < len && b[ks + 1 + i] === k.charCodeAt(i)) i++;
    if (i === len) return j;
  }
  return hasBackslash(b, ks + 1, ke) ? keys.indexOf(stringAt(b, ks, ke)) : -1;
}

/** The string value in [vs, ve), or undefined when the value is not a string. */
export function stringValue(b: Buffer, vs: number, ve: number): string | undefined {
  return b[vs] === QUOTE ? stringAt(b, vs, ve - 1) : undefined;
}

/** The value [vs, ve) of the top-level member named `key` (the last one, as JSON.parse keeps), or null; -1 when not an object. */
export function findMember(b: Buffer, i: number, key: string): { vs: number; ve: number } | null | -1 {
  let found: { vs: number; ve: number } | null = null;
  const end = members(b, i, (m) => {
    const ve = valueEnd(b, m.vs);
    if (keyIs(b, m.ks, m.ke, key)) found = { vs: m.vs, ve };
    return ve;
  });
  return end === -1 ? -1 : found;
}

/**
 * The length in UTF-16 units (JavaScript's `.length`) of the decoded JSON string body b[s, e), counted
 * on the bytes: an escape counts once (each half of an escaped surrogate pair once), a UTF-8 sequence
 * once, a 4-byte one twice (a surrogate pair).
 */
export function stringLength(b: Buffer, s: number, e: number): number {
  let n = e - s;
  const body = b.subarray(s, e);
  for (let i = body.indexOf(BACKSLASH); i !== -1; i = body.indexOf(BACKSLASH, i + 2)) {
    if (body[i + 1] === 117) { n -= 5; i += 4; } else n -= 1;
  }
  return isAscii(body) ? n : n + multiByteAdjust(body);
}

const pop32 = (x: number): number => {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
};

/** UTF-16 units minus UTF-8 bytes of one byte: continuation bytes do not count, 4-byte leads count twice. */
const adjust1 = (c: number): number => (c < 0x80 ? 0 : c < 0xc0 ? -1 : c >= 0xf0 ? 1 : 0);

/**
 * UTF-16 length minus byte length of UTF-8 text, four bytes at a time (a byte loop was most of a
 * transcript's read time on non-ASCII tool output): a continuation byte is 10xxxxxx, a 4-byte lead 1111xxxx.
 */
function multiByteAdjust(b: Buffer): number {
  let d = 0;
  let i = 0;
  const lead = Math.min(b.length, (4 - (b.byteOffset & 3)) & 3);
  for (; i < lead; i++) d += adjust1(b[i]);
  const words = (b.length - i) >>> 2;
  const w32 = new Uint32Array(b.buffer, b.byteOffset + i, words);
  for (let k = 0; k < words; k++) {
    const w = w32[k];
    if ((w & 0x80808080) === 0) continue;
    d += pop32(w & (w << 1) & (w << 2) & (w << 3) & 0x80808080) - pop32(w & ~(w << 1) & 0x80808080);
  }
  for (i += words * 4; i < b.length; i++) d += adjust1(b[i]);
  return d;
}
