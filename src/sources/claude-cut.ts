// Assistant lines carry the model's text, thinking (+ signature) and tool inputs (a whole file for
// Write, old/new strings for Edit): most of their bytes, of which the profile needs only the lengths.
// Long string values of those keys are cut out of the raw line before JSON.parse; each is replaced by a
// placeholder ("\u0000" + its index) that addBlocks resolves to the measured length and fence count.
// Patterns starting with an unescaped quote and containing `":"` only match real keys, never text
// inside a string, and a string ends at its first unescaped quote: the cut is exact.

import { countFences, fenceMarks } from './shape.js';
import { stringLength } from './json-scan.js';

/** The keys whose long string values are cut, without quotes: matched backwards from a `":"`. */
const KEYS = ['text', 'thinking', 'signature', 'content', 'old_string', 'new_string', 'new_source'];

export interface Cut {
  /** The value's length as JavaScript counts it (UTF-16 units of the decoded string). */
  chars: number;
  /** Fenced-code fences (```) at line starts inside the value. */
  fences: number;
}

/** True when the quote at `q` is a real delimiter: an even run of backslashes before it. */
function unescaped(s: string, q: number): boolean {
  let k = q - 1;
  while (k >= 0 && s.charCodeAt(k) === 92) k--;
  return (q - 1 - k) % 2 === 0;
}

/** End of the JSON string whose body starts at `from`: the first quote not escaped by a backslash run. */
function stringEnd(s: string, from: number): number {
  for (let q = s.indexOf('"', from); q !== -1; q = s.indexOf('"', q + 1)) if (unescaped(s, q)) return q;
  return -1;
}

/** Which cut key, if any, ends with the quote at `q` (whose opening quote must be unescaped). */
function isCutKey(s: string, q: number): boolean {
  for (const k of KEYS) {
    const open = q - k.length - 1;
    if (open >= 0 && s.charCodeAt(open) === 34 && s.startsWith(k, open + 1) && unescaped(s, open)) return true;
  }
  return false;
}

/**
 * Length and fences of the string body line[from, e), exactly as JSON.parse + measured() would count
 * them on the decoded text. Without \u escapes a fence can only start the value or follow a \n escape;
 * a value with \u escapes (rare: control characters, or another writer's spelling) is decoded.
 */
function measure(line: Buffer, s: string, from: number, e: number): Cut {
  const u = s.indexOf('\\u', from);
  if (u !== -1 && u < e) {
    const text = JSON.parse(line.toString('utf8', from - 1, e + 1)) as string;
    return { chars: text.length, fences: fenceMarks(text) };
  }
  let fences = s.startsWith('```', from) ? 1 : 0;
  // Two-character escapes only here: step over each pair, so `\\n` is a backslash and an n, not a newline.
  for (let i = s.indexOf('\\', from); i !== -1 && i < e; i = s.indexOf('\\', i + 2)) {
    if (s.charCodeAt(i + 1) === 110 && i + 5 <= e && s.startsWith('```', i + 2)) fences++;
  }
  return { chars: stringLength(line, from, e), fences };
}

/**
 * The line as JSON text with long values of the known keys replaced by placeholders, and what was cut;
 * null when nothing is long enough to be worth it (parse the line as it is).
 * One pass over `":"` (a key's closing quote, the colon, the value's opening quote): the bytes are
 * searched as a latin1 string (offsets = byte offsets, cheap builtin searches), decoded as UTF-8 only
 * for the JSON text kept. A `":"` whose first quote is escaped ends a string value, never a key: skipped.
 */
export function cutLongStrings(line: Buffer, min = 256): { json: string; cuts: Cut[] } | null {
  const s = line.toString('latin1');
  let cuts: Cut[] | null = null;
  let json = '';
  let from = 0;
  for (let p = s.indexOf('":"'); p !== -1;) {
    if (!unescaped(s, p) || !isCutKey(s, p)) { p = s.indexOf('":"', p + 1); continue; }
    const v = p + 3;
    const e = stringEnd(s, v);
    if (e === -1) return null;
    if (e - v >= min) {
      cuts ??= [];
      json += line.toString('utf8', from, v) + '\\u0000' + cuts.length;
      cuts.push(measure(line, s, v, e));
      from = e;
    }
    p = s.indexOf('":"', e + 1);
  }
  if (!cuts) return null;
  return { json: json + line.toString('utf8', from, line.length), cuts };
}

/** Length and fenced code blocks of a string that may be a placeholder. */
export function measured(text: string, cuts: Cut[] | null): { chars: number; codeBlocks: number } {
  if (cuts && text.charCodeAt(0) === 0) {
    const c = cuts[Number(text.slice(1))];
    if (c) return { chars: c.chars, codeBlocks: c.fences >> 1 };
  }
  return { chars: text.length, codeBlocks: countFences(text) };
}
