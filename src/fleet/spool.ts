// A bounded on-disk FIFO of push batches. Every batch is written here before it is sent and removed
// only after the target accepted it, so an outage (or a crash) loses nothing; when the spool is full
// the oldest batch is dropped and counted — bounded memory and disk win over completeness, visibly.

import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

export class Spool {
  private seq = 0;
  private bytes = 0;
  /** Batch file names, oldest first, with their sizes: the directory is listed once, at start. */
  private readonly queue: { id: string; size: number }[] = [];
  dropped = 0;
  constructor(readonly dir: string, readonly maxBytes = 256 * 1024 * 1024) {
    mkdirSync(dir, { recursive: true });
    for (const id of readdirSync(dir).filter((f) => /^\d{16}\.json$/.test(f)).sort()) {
      const size = statSync(join(dir, id)).size;
      this.queue.push({ id, size });
      this.bytes += size;
      this.seq = Math.max(this.seq, Number(id.slice(0, 16)) + 1);
    }
  }

  get size(): number {
    return this.bytes;
  }

  get length(): number {
    return this.queue.length;
  }

  push(body: string): void {
    const id = String(this.seq++).padStart(16, '0') + '.json';
    const tmp = join(this.dir, id + '.tmp');
    writeFileSync(tmp, body);
    renameSync(tmp, join(this.dir, id)); // a batch is either whole or absent
    const size = Buffer.byteLength(body);
    this.queue.push({ id, size });
    this.bytes += size;
    while (this.bytes > this.maxBytes && this.queue.length > 1) {
      this.remove(this.queue[0].id);
      this.dropped++;
    }
  }

  /** The oldest batch, or null. */
  peek(): { id: string; body: string } | null {
    const head = this.queue[0];
    return head ? { id: head.id, body: readFileSync(join(this.dir, head.id), 'utf8') } : null;
  }

  remove(id: string): void {
    const i = this.queue.findIndex((q) => q.id === id);
    if (i < 0) return;
    this.bytes -= this.queue[i].size;
    this.queue.splice(i, 1);
    rmSync(join(this.dir, id), { force: true });
  }
}
