// A bounded on-disk FIFO of push batches. Every batch is written here before it is sent and removed
// only after the target accepted it, so an outage (or a crash) loses nothing; when the spool is full
// the oldest batch is dropped and counted — bounded memory and disk win over completeness, visibly.

import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

export class Spool {
  private seq = 0;
  private bytes = 0;
  dropped = 0;
  constructor(readonly dir: string, readonly maxBytes = 256 * 1024 * 1024) {
    mkdirSync(dir, { recursive: true });
    for (const f of this.files()) {
      this.bytes += statSync(join(dir, f)).size;
      this.seq = Math.max(this.seq, Number(f.slice(0, 16)) + 1);
    }
  }

  private files(): string[] {
    return readdirSync(this.dir).filter((f) => /^\d{16}\.json$/.test(f)).sort();
  }

  get size(): number {
    return this.bytes;
  }

  get length(): number {
    return this.files().length;
  }

  push(body: string): void {
    const name = String(this.seq++).padStart(16, '0') + '.json';
    const tmp = join(this.dir, name + '.tmp');
    writeFileSync(tmp, body);
    renameSync(tmp, join(this.dir, name)); // a batch is either whole or absent
    this.bytes += Buffer.byteLength(body);
    while (this.bytes > this.maxBytes && this.files().length > 1) {
      const oldest = this.files()[0];
      this.remove(oldest);
      this.dropped++;
    }
  }

  /** The oldest batch, or null. */
  peek(): { id: string; body: string } | null {
    const f = this.files()[0];
    return f ? { id: f, body: readFileSync(join(this.dir, f), 'utf8') } : null;
  }

  remove(id: string): void {
    const p = join(this.dir, id);
    try {
      this.bytes -= statSync(p).size;
      rmSync(p);
    } catch { /* already gone */ }
  }
}
