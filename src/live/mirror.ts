// Trace lines → normalized events with the offline readers themselves (sources/), so live and offline
// profiles of the same activity are the same. Each appended line is parsed once, by a per-file reader
// that keeps its state between appends (increment.ts); a read hands the pipeline only what the lines
// since the last read added or changed (trace-join.ts joins them across files), so its cost follows
// the appends, not the files' sizes, and `--record` writes each event once. A truncated or replaced
// file starts its reader over. The processing side may not be allowed to open the agents' files (it
// runs without root): it sees only the lines it is sent, and keeps private copies (same relative
// layout: formats and subagents are told by path) of a file's first line, to detect its format, and
// of the formats read whole.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { EventBatch, Skipped } from '../model.js';
import { detectFormat } from '../sources/roots.js';
import { fileReader, type FileReader } from './increment.js';
import type { TailLines } from './tail.js';
import { TraceJoin, type Delta } from './trace-join.js';

interface Followed {
  /** Private copy of the first lines (format detection) and, for whole-read formats, of the file. */
  copy: string;
  reader: FileReader | null;
  /** Lines that arrived before the format was known. */
  early: TailLines[];
  dirty: boolean;
}

export class TraceMirror {
  readonly root: string;
  readonly #files = new Map<string, Followed>();
  readonly #join = new TraceJoin();
  #last = 0;
  /** Lines of files whose format could not be told (not a trace file after all): skipped, reported once. */
  readonly #unknown: Skipped[] = [];
  #unknownCount = 0;

  constructor(private readonly minIntervalMs = 250) {
    this.root = mkdtempSync(join(tmpdir(), 'agentpprof-mirror-'));
  }

  #entry(file: string): Followed {
    let f = this.#files.get(file);
    if (!f) this.#files.set(file, (f = { copy: join(this.root, file), reader: null, early: [], dirty: false }));
    return f;
  }

  lines(chunks: TailLines[]): void {
    for (const c of chunks) {
      const f = this.#entry(c.file);
      if (!f.reader) {
        // The tailer's bytes are a view of its read buffer: kept lines are copied.
        f.early.push({ ...c, data: Buffer.from(c.data) });
        if (!this.#detect(f, c)) continue;
        f.reader!.lines(f.early);
        f.early = [];
      } else f.reader.lines([c]);
      f.dirty = true;
    }
  }

  /** The format from the file's name, else its first line (the readers' own detection); false: not yet. */
  #detect(f: Followed, c: TailLines): boolean {
    mkdirSync(dirname(f.copy), { recursive: true });
    appendFileSync(f.copy, c.data);
    const format = detectFormat(f.copy);
    if (!format) {
      // Without a format the lines are kept until one tells it, within a bound (then they are counted).
      if (f.early.length > 64) {
        for (const e of f.early) this.#unknownCount += e.data.reduce((n, b) => n + (b === 10 ? 1 : 0), 0);
        if (this.#unknown.length < 20) this.#unknown.push({ file: c.file, line: f.early[0].lineNo, reason: 'not a trace format agentpprof reads' });
        f.early = [];
        rmSync(f.copy, { force: true });
      }
      return false;
    }
    rmSync(f.copy, { force: true });
    f.reader = fileReader(format, c.file, f.copy);
    return true;
  }

  /** The original file was truncated or replaced: its reader starts over. */
  reset(file: string): void {
    const f = this.#files.get(file);
    if (!f) return;
    if (f.reader?.reset) f.reader.reset();
    else { f.reader = null; rmSync(f.copy, { force: true }); }
    f.early = [];
  }

  /** What the files' new lines added or changed, as one batch (throttled unless `force`). */
  read(force = false, now = Date.now()): EventBatch | null {
    if (!force && now - this.#last < this.minIntervalMs) return null;
    this.#last = now;
    const deltas: Delta[] = [];
    for (const f of this.#files.values()) {
      if (!f.dirty) continue;
      f.dirty = false;
      const d = f.reader?.take();
      if (d) deltas.push(d);
    }
    if (!deltas.length && !this.#unknownCount) return null;
    const b = this.#join.add(deltas);
    b.skipped.push(...this.#unknown.splice(0));
    b.skippedCount += this.#unknownCount;
    this.#unknownCount = 0;
    const empty = !b.sessions.length && !b.prompts.length && !b.calls.length && !b.tools.length && !b.skippedCount;
    return empty ? null : b;
  }

  close(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
