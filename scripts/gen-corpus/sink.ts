// Writes the corpus files and counts what was written (files, lines, bytes) for expected.json and
// for the size target. Whole files are written at once: a session is at most a few MB.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export class Sink {
  files = 0;
  lines = 0;
  bytes = 0;
  constructor(readonly root: string) {}

  /** JSONL: one string per line; `truncatedTail` appends an unterminated partial line. */
  writeLines(rel: string, lines: string[], truncatedTail?: string): void {
    let text = lines.length ? lines.join('\n') + '\n' : '';
    if (truncatedTail) text += truncatedTail;
    this.writeText(rel, text);
    this.lines += lines.length + (truncatedTail ? 1 : 0);
  }

  writeText(rel: string, text: string): void {
    const path = join(this.root, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    this.files++;
    this.bytes += Buffer.byteLength(text);
  }
}

/** Malformed lines a reader must count and skip (never crash on). */
export const NON_OBJECT_LINES = ['null', '42', '"assistant"', '[1,2,3]', 'true'];
export const BROKEN_LINES = ['{"type":"assistant","message":{"id":"msg_', '{"type": "user", "message": {"role": "user", "content": "unterminated', 'not json at all', '}{'];
