// Assistant lines carry the model's text, thinking (+ signature) and tool inputs (a whole file for
// Write, old/new strings for Edit): most of their bytes, of which the profile needs only the lengths.
// Long string values of those keys are cut out of the raw line before JSON.parse; each is replaced by a
// placeholder ("\u0000" + its index) that addBlocks resolves to the measured length and fence count.
// Patterns starting with an unescaped quote and containing `":"` only match real keys, never text
// inside a string, and a string ends at its first unescaped quote: the cut is exact.

import { countFences } from './shape.js';

const KEYS = ['"text":"', '"thinking":"', '"signature":"', '"content":"', '"old_string":"', '"new_string":"', '"new_source":"']
  .map((k) => Buffer.from(k));

export interface Cut {
  /** Characters of the value (escape sequences count once; non-ASCII counts its UTF-8 bytes). */
  chars: number;
  /** Fenced-code fences (```) at line starts inside the value. */
  fences: number;
}

/** End of the JSON string whose body starts at `s`: the first quote not escaped by a backslash run. */
function stringEnd(line: Buffer, s: number): number {
  for (let q = line.indexOf(34, s); q !== -1; q = line.indexOf(34, q + 1)) {
    let k = q - 1;
    while (k >= s && line[k] === 92) k--;
    if ((q - 1 - k) % 2 === 0) return q;
  }
  return -1;
}

function measure(line: Buffer, s: number, e: number): Cut {
  let chars = e - s;
  let fences = 0;
  for (let i = line.indexOf(92, s); i !== -1 && i < e; i = line.indexOf(92, i + 2)) {
    const u = line[i + 1] === 117;
    chars -= u ? 5 : 1;
    if (u) i += 4;
  }
  // ``` at the start of the value or right after an escaped newline (\n).
  for (let i = line.indexOf('```', s); i !== -1 && i + 3 <= e; i = line.indexOf('```', i + 3)) {
    if (i === s || (line[i - 1] === 110 && line[i - 2] === 92 && line[i - 3] !== 92)) fences++;
  }
  return { chars, fences };
}

/**
 * The line as JSON text with long values of the known keys replaced by placeholders, and what was cut;
 * null when nothing is long enough to be worth it (parse the line as it is).
 */
export function cutLongStrings(line: Buffer, min = 256): { json: string; cuts: Cut[] } | null {
  const at: number[] = [];
  for (const k of KEYS) for (let p = line.indexOf(k); p !== -1; p = line.indexOf(k, p + k.length)) at.push(p + k.length);
  if (!at.length) return null;
  at.sort((a, b) => a - b);
  const cuts: Cut[] = [];
  let json = '';
  let from = 0;
  for (const s of at) {
    if (s < from) continue; // cannot happen for real keys; kept as a guard
    const e = stringEnd(line, s);
    if (e === -1) return null;
    if (e - s < min) continue;
    json += line.toString('utf8', from, s) + '\\u0000' + cuts.length;
    cuts.push(measure(line, s, e));
    from = e;
  }
  if (!cuts.length) return null;
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
