// AgentSight's sslsniff writes captured bytes into a JSON string as they are when they form valid
// UTF-8, and as \u00XX escapes (one byte each) when they do not. After JSON.parse both become the
// same characters U+0080–U+00FF, so the original bytes (a gzip body, a Latin-1 range character) can
// only be recovered from the line's own bytes: this decodes one string value there, exactly.
import { findMember, skipWs } from './json-scan.js';

const HEX = (c: number): number => (c >= 48 && c <= 57 ? c - 48 : (c | 32) >= 97 && (c | 32) <= 102 ? (c | 32) - 87 : -1);

/** True when buf[start, end) holds a \u0080–\u00ff escape (searched natively, no per-byte loop). */
export function highEscape(buf: Buffer, start: number, end: number): boolean {
  // A bounded view: indexOf on the whole (reused, larger) buffer would scan past the line every time.
  const line = buf.subarray(start, end);
  for (let i = line.indexOf('\\u00'); i !== -1 && i + 5 < line.length; i = line.indexOf('\\u00', i + 4)) {
    const h = line[i + 4] | 32;
    if ((h >= 56 && h <= 57) || (h >= 97 && h <= 102)) return true; // 8 9 a–f
  }
  return false;
}

/** True when JSON.parse's result cannot tell raw UTF-8 from escaped bytes. */
export const ambiguousBytes = (s: string): boolean => /[\u0080-\u00ff]/.test(s);

/**
 * The exact bytes of the sslsniff data string in the JSON line buf[start, end): the line's own `data`
 * (a raw probe line) or its `data` object's `data` (an envelope), found by walking the structure, so
 * any key order, whitespace or extra field finds the same one. Raw bytes copied, \u00XX → that byte,
 * other \uXXXX → UTF-8 (surrogate pairs joined), short escapes → their byte. Undefined when there is
 * no such string or it is cut.
 */
export function jsonStringBytes(buf: Buffer, start: number, end: number): Buffer | undefined {
  const line = buf.subarray(start, end);
  let d = findMember(line, skipWs(line, 0), 'data');
  if (d && d !== -1 && line[d.vs] === 123) d = findMember(line, d.vs, 'data');
  if (!d || d === -1 || line[d.vs] !== 34) return undefined;
  return decodeBytes(line, d.vs + 1, d.ve);
}

/** The bytes the JSON string body line[from, end) stands for (sslsniff's rule for \u0080–\u00ff). */
function decodeBytes(buf: Buffer, from: number, end: number): Buffer | undefined {
  const out = Buffer.allocUnsafe(end - from);
  let o = 0;
  let i = from;
  let pendingHigh = -1;
  while (i < end) {
    const c = buf[i];
    if (c === 34) return out.subarray(0, o); // closing quote
    if (c !== 92) {
      out[o++] = c;
      i++;
      continue;
    }
    const e = buf[i + 1];
    if (e === 117) {
      if (i + 6 > end) return undefined;
      const cp = (HEX(buf[i + 2]) << 12) | (HEX(buf[i + 3]) << 8) | (HEX(buf[i + 4]) << 4) | HEX(buf[i + 5]);
      if (cp < 0) return undefined;
      i += 6;
      if (cp < 0x100) out[o++] = cp;
      else if (cp >= 0xd800 && cp < 0xdc00) pendingHigh = cp;
      else {
        const full = cp >= 0xdc00 && cp < 0xe000 && pendingHigh >= 0 ? 0x10000 + ((pendingHigh - 0xd800) << 10) + (cp - 0xdc00) : cp;
        pendingHigh = -1;
        o += out.write(String.fromCodePoint(full), o, 'utf8');
      }
      continue;
    }
    out[o++] = e === 110 ? 10 : e === 114 ? 13 : e === 116 ? 9 : e === 98 ? 8 : e === 102 ? 12 : e; // n r t b f, or " \ /
    i += 2;
  }
  return undefined;
}
