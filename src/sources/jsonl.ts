// Streaming JSONL: read a file in fixed chunks and hand out each line as a byte range of a Buffer,
// so callers can test cheap byte markers before paying for a string decode or JSON.parse.
import { closeSync, openSync, readSync } from 'node:fs';
import type { Skipped } from '../model.js';

const CHUNK = 1 << 20;
/** Largest buffer kept between files (a longer line gets a buffer of its own, dropped afterwards). */
const KEEP_MAX = 16 << 20;
// One read buffer per thread, reused by every file: a fresh 1 MB buffer per file was most of the GC work
// on histories of thousands of small files. forEachLine is synchronous, so it is never used twice at once.
let shared: Buffer | null = null;

/**
 * Calls `onLine(buf, start, end, lineNo)` for every non-blank line (without its '\n' / '\r\n').
 * `last` is true for a final line that had no terminating newline (possibly truncated by a writer).
 * The buffer is reused: copy what you keep. Returns the number of bytes read.
 */
export function forEachLine(
  path: string,
  onLine: (buf: Buffer, start: number, end: number, lineNo: number, last: boolean) => void,
): number {
  const fd = openSync(path, 'r');
  let buf = shared ?? Buffer.allocUnsafe(CHUNK);
  shared = null;
  let filled = 0;
  let lineNo = 0;
  let total = 0;
  try {
    for (;;) {
      if (filled === buf.length) {
        // A line longer than the buffer: grow it (lines of several MB happen with huge tool outputs).
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      }
      const n = readSync(fd, buf, filled, buf.length - filled, null);
      total += n;
      const end = filled + n;
      let start = 0;
      const scanFrom = filled;
      filled = end;
      // A view bounded at `end`, so indexOf never runs into stale bytes of the previous chunk.
      const view = buf.subarray(0, end);
      let nl = n === 0 ? -1 : view.indexOf(10, scanFrom);
      while (nl !== -1) {
        lineNo++;
        emit(buf, start, nl, lineNo, false, onLine);
        start = nl + 1;
        nl = view.indexOf(10, start);
      }
      if (n === 0) {
        if (start < end) emit(buf, start, end, ++lineNo, true, onLine);
        return total;
      }
      // Keep the partial line at the front of the buffer.
      if (start > 0) {
        buf.copy(buf, 0, start, end);
        filled = end - start;
      }
    }
  } finally {
    closeSync(fd);
    if (buf.length <= KEEP_MAX) shared = buf;
  }
}

function emit(
  buf: Buffer, start: number, end: number, lineNo: number, last: boolean,
  onLine: (buf: Buffer, start: number, end: number, lineNo: number, last: boolean) => void,
): void {
  if (end > start && buf[end - 1] === 13) end--;
  while (start < end && (buf[start] === 32 || buf[start] === 9)) start++;
  if (start === end) return;
  onLine(buf, start, end, lineNo, last);
}

/** Collects skipped lines: counts all, keeps the first `keep` as file:line examples. */
export class SkipLog {
  readonly examples: Skipped[] = [];
  count = 0;
  constructor(private readonly keep = 20) {}
  add(file: string, line: number, reason: string): void {
    this.count++;
    if (this.examples.length < this.keep) this.examples.push({ file, line, reason });
  }
}

/** Parses one line into an object, or records why it was skipped and returns null. */
export function parseObjectLine(
  text: string, file: string, lineNo: number, last: boolean, skips: SkipLog,
): Record<string, any> | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    skips.add(file, lineNo, last ? 'truncated last line' : 'malformed JSON');
    return null;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    skips.add(file, lineNo, v === null ? 'null line' : 'not a JSON object');
    return null;
  }
  return v as Record<string, any>;
}

/** Epoch ms from an ISO string (or number), NaN when absent/invalid. */
export function toMs(v: unknown): number {
  if (typeof v === 'number') return v < 1e12 ? v * 1000 : v;
  if (typeof v !== 'string') return NaN;
  return isoMs(v);
}

const DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22];
const num2 = (s: string, i: number) => (s.charCodeAt(i) - 48) * 10 + s.charCodeAt(i + 1) - 48;

/**
 * Date.parse, with a fast path for what the agents write on every line: `YYYY-MM-DDTHH:MM:SS.sssZ`
 * (Date.parse was ~3% of a scan). Anything else, and days past the 28th, go to Date.parse.
 */
export function isoMs(s: string): number {
  if (s.length !== 24 || s.charCodeAt(23) !== 90 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84
    || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 46) return Date.parse(s);
  for (const i of DIGITS) { const c = s.charCodeAt(i); if (c < 48 || c > 57) return Date.parse(s); }
  const year = num2(s, 0) * 100 + num2(s, 2);
  const month = num2(s, 5);
  const day = num2(s, 8);
  const h = num2(s, 11);
  const m = num2(s, 14);
  const sec = num2(s, 17);
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > 28 || h > 23 || m > 59 || sec > 59) return Date.parse(s);
  return Date.UTC(year, month - 1, day, h, m, sec, num2(s, 20) * 10 + s.charCodeAt(22) - 48);
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);
export const obj = (v: unknown): Record<string, any> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, any>) : undefined;
