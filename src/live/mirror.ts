// Trace lines → normalized events with the offline readers themselves (sources/), so live and offline
// profiles of the same activity are the same. The processing side may not be allowed to open the
// agents' files (it runs without root), so it keeps a private mirror of the complete lines it was sent
// (same relative layout: readers detect formats and subagents from paths) and re-reads a mirror file
// with its reader when it grew, at most every `minIntervalMs`. The pipeline deduplicates by id, so a
// re-read only adds what is new.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { EventBatch } from '../model.js';
import { mergeResults } from '../sources/merge.js';
import { readTraceFile } from '../sources/read.js';
import { detectFormat, type Format } from '../sources/roots.js';
import type { TailLine } from './tail.js';

interface Mirrored { path: string; format: Format | null; dirty: boolean; skipped: number }

export class TraceMirror {
  readonly root: string;
  readonly #files = new Map<string, Mirrored>();
  #last = 0;

  constructor(private readonly minIntervalMs = 250) {
    this.root = mkdtempSync(join(tmpdir(), 'agentpprof-mirror-'));
  }

  #entry(file: string): Mirrored {
    let m = this.#files.get(file);
    if (!m) {
      const path = join(this.root, file);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, '');
      this.#files.set(file, (m = { path, format: null, dirty: false, skipped: 0 }));
    }
    return m;
  }

  lines(lines: TailLine[]): void {
    const byFile = new Map<string, string[]>();
    for (const l of lines) {
      const list = byFile.get(l.file) ?? [];
      list.push(l.text);
      byFile.set(l.file, list);
    }
    for (const [file, texts] of byFile) {
      const m = this.#entry(file);
      appendFileSync(m.path, texts.join('\n') + '\n');
      m.dirty = true;
    }
  }

  /** The original file was truncated or replaced: its mirror starts over. */
  reset(file: string): void {
    const m = this.#files.get(file);
    if (!m) return;
    writeFileSync(m.path, '');
    m.skipped = 0;
  }

  /** Re-reads grown files (throttled unless `force`); one batch with what they hold now. */
  read(force = false, now = Date.now()): EventBatch | null {
    if (!force && now - this.#last < this.minIntervalMs) return null;
    this.#last = now;
    const results = [];
    for (const [file, m] of this.#files) {
      if (!m.dirty) continue;
      m.dirty = false;
      m.format ??= detectFormat(m.path);
      if (!m.format) continue;
      const r = readTraceFile(m.format, m.path);
      // Back to the real paths: sessions are bound to pids by the trace file they write.
      for (const s of r.sessions) if (s.file) s.file = s.file.startsWith(this.root) ? s.file.slice(this.root.length) : s.file;
      for (const s of r.skipped) s.file = file;
      // Each re-read reports every bad line again: only new ones count.
      const fresh = r.skippedCount - m.skipped;
      m.skipped = r.skippedCount;
      r.skippedCount = Math.max(0, fresh);
      r.file = file;
      results.push(r);
    }
    return results.length ? mergeResults(results) : null;
  }

  close(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
