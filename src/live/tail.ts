// Follows trace files as agents write them: new files under the roots, appends, a last line that is
// still being written (held back until its newline arrives), truncation and rotation (a new inode at
// the same path starts over; a renamed file keeps its reader state). Polling, not fs.watch: it works
// the same on every filesystem and its cost is one stat per known file per tick.
// `since` skips history only: files already there at the first scan and untouched since then. A file
// that appears later is followed from its start whatever its mtime (`cp -p`, `mv`, `tar x` keep old ones).
// Files written whole (a JSON document rewritten on each change) are sent whole, as a reset and their
// lines, once a change has held still for one poll (a rewrite caught half-way would not parse).

import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';

/** Complete lines of one file, newlines included, as read (blank lines and `\r` left to the reader). */
export interface TailLines { file: string; data: Uint8Array; lineNo: number }

interface Followed {
  path: string;
  ino: number;
  offset: number;
  lineNo: number;
  /** Bytes after the last newline: an incomplete line, completed by a later append. */
  partial: Buffer;
  /** Whole-document files: the size and mtime last sent, and a change seen but not yet stable. */
  sent?: string;
  seen?: string;
}

export interface TailOptions {
  roots: string[];
  /** Which files to follow (by path). */
  match: (path: string) => boolean;
  /** Files last modified before this are skipped until they change (then read from the start). */
  since?: number;
  /** Upper bound on bytes read per file per poll, so one huge file cannot stall the others. */
  maxBytesPerPoll?: number;
  /** Files rewritten whole rather than appended to (sent whole when they change). */
  whole?: (path: string) => boolean;
}

const CHUNK = 1 << 20;
/** Largest read buffer kept between reads (a longer line gets a bigger one, dropped afterwards). */
const KEEP_MAX = 16 << 20;

export interface TailEvents {
  /** `data` is a view of the tailer's read buffer, valid during the call: copy what you keep. */
  lines(batch: TailLines[]): void;
  /** The file shrank or was replaced: its reader state must start over. */
  reset?(file: string, why: 'truncated' | 'replaced'): void;
}

export class Tailer {
  readonly #files = new Map<string, Followed>();
  readonly #byIno = new Map<number, Followed>();
  readonly #skippedOld = new Map<string, number>();
  #scanned = 0;
  /** The read buffer, reused for every read of every file (the lines handed out are views of it). */
  #buf = Buffer.allocUnsafe(CHUNK);
  /** The first scan sees the history `since` may skip; any file found later is new. */
  #firstScan = true;

  constructor(private readonly opts: TailOptions, private readonly on: TailEvents) {}

  get followed(): number {
    return this.#files.size;
  }

  /** Finds new files (at most every `scanEveryMs`), then reads what each followed file gained. */
  poll(scanEveryMs = 1000, now = Date.now()): number {
    if (now - this.#scanned >= scanEveryMs) {
      this.#scanned = now;
      for (const root of this.opts.roots) this.#scan(root);
      this.#firstScan = false;
    }
    let n = 0;
    for (const f of [...this.#files.values()]) n += this.#read(f);
    return n;
  }

  #scan(root: string): void {
    let names: string[];
    try {
      names = readdirSync(root, { recursive: true }) as string[];
    } catch {
      return; // a root that does not exist yet (no agent ran) is normal
    }
    for (const name of names) {
      const path = join(root, name);
      if (this.#files.has(path) || !this.opts.match(path)) continue;
      let st: Stats;
      try { st = statSync(path); } catch { continue; }
      if (!st.isFile()) continue;
      const renamed = this.#byIno.get(st.ino);
      if (renamed && !this.#exists(renamed.path, st.ino)) {
        // Rotation by rename: same bytes under a new name, keep reading where we were.
        this.#files.delete(renamed.path);
        renamed.path = path;
        this.#files.set(path, renamed);
        continue;
      }
      if (this.opts.since && st.mtimeMs < this.opts.since && this.#skippedOld.get(path) === st.mtimeMs) continue;
      if (this.opts.since && st.mtimeMs < this.opts.since && this.#firstScan) {
        this.#skippedOld.set(path, st.mtimeMs);
        continue;
      }
      this.#follow(path, st.ino);
    }
  }

  #exists(path: string, ino: number): boolean {
    try { return statSync(path).ino === ino; } catch { return false; }
  }

  #follow(path: string, ino: number): Followed {
    const f: Followed = { path, ino, offset: 0, lineNo: 0, partial: Buffer.alloc(0) };
    this.#files.set(path, f);
    this.#byIno.set(ino, f);
    return f;
  }

  #read(f: Followed): number {
    let st: Stats;
    try { st = statSync(f.path); } catch { return 0; } // moved away: the next scan finds it by inode
    if (st.ino !== f.ino) {
      this.#byIno.delete(f.ino);
      this.#files.delete(f.path);
      this.on.reset?.(f.path, 'replaced');
      return this.#read(this.#follow(f.path, st.ino));
    }
    if (this.opts.whole?.(f.path)) return this.#readWhole(f, st);
    if (st.size < f.offset) {
      f.offset = 0; f.lineNo = 0; f.partial = Buffer.alloc(0);
      this.on.reset?.(f.path, 'truncated');
    }
    if (st.size === f.offset) return 0;
    // Read through one reused buffer, a chunk at a time: a fresh buffer per read cost more in page
    // faults and copies than the readers' parsing (a 150 MB first load: +0.7 s CPU).
    let budget = Math.min(st.size - f.offset, this.opts.maxBytesPerPoll ?? 8 << 20);
    let n = 0;
    const fd = openSync(f.path, 'r');
    try {
      while (budget > 0) {
        const keep = f.partial.length;
        // A line longer than the buffer: grow it (lines of several MB happen with huge tool outputs).
        if (keep + CHUNK > this.#buf.length) this.#buf = Buffer.allocUnsafe(Math.max(2 * this.#buf.length, keep + CHUNK));
        const buf = this.#buf;
        f.partial.copy(buf, 0);
        const got = readSync(fd, buf, keep, Math.min(budget, buf.length - keep), f.offset);
        if (got <= 0) break;
        f.offset += got;
        budget -= got;
        const data = buf.subarray(0, keep + got);
        // Complete lines go out as bytes, undecoded: the readers test byte markers before decoding.
        const end = data.lastIndexOf(10) + 1;
        f.partial = Buffer.from(data.subarray(end));
        if (!end) continue;
        const chunk = data.subarray(0, end);
        const lineNo = f.lineNo + 1;
        const lines = countLines(chunk);
        f.lineNo += lines;
        n += lines;
        this.on.lines([{ file: f.path, data: chunk, lineNo }]);
      }
    } finally {
      closeSync(fd);
      if (this.#buf.length > KEEP_MAX) this.#buf = Buffer.allocUnsafe(CHUNK);
    }
    return n;
  }

  #readWhole(f: Followed, st: Stats): number {
    const stamp = `${st.size}:${st.mtimeMs}`;
    if (stamp === f.sent) return 0;
    if (stamp !== f.seen) { f.seen = stamp; return 0; }
    let data: Buffer;
    try { data = readFileSync(f.path); } catch { return 0; }
    f.sent = stamp;
    if (f.offset) this.on.reset?.(f.path, 'replaced');
    f.offset = data.length;
    if (!data.length) return 0;
    // The document as it stands is complete: its last line too.
    const chunk = data[data.length - 1] === 10 ? data : Buffer.concat([data, Buffer.from('\n')]);
    this.on.lines([{ file: f.path, data: chunk, lineNo: 1 }]);
    return countLines(chunk);
  }
}

function countLines(b: Uint8Array): number {
  let n = 0;
  for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) n++;
  return n;
}
