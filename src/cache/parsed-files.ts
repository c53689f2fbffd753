// A cache of the readers' per-file results on disk, so a command that runs every few hundred
// milliseconds (the statusline) reads only the trace files that changed since its last run. An entry is
// keyed by the file's real path, size and mtime; it holds the FileResult as the reader returned it
// (less what the caller says it does not need). Entries are one file each, written to a temp name and
// renamed, so a reader sees a whole entry or none; an entry that does not parse, has another version
// or another key is a miss and is rewritten.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { FileResult } from '../sources/merge.js';
import { readTraceFile } from '../sources/read.js';
import type { Format } from '../sources/roots.js';

/** Bump when FileResult's shape or the readers' output for the same bytes changes. */
export const CACHE_VERSION = 1;

export interface CacheStats {
  hits: number;
  misses: number;
  /** Entries that existed but could not be used (half-written, corrupt, another version). */
  rejected: number;
  writeErrors: number;
}

/** $XDG_CACHE_HOME/agentpprof, else ~/.cache/agentpprof. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME?.trim() || join(env.HOME || homedir(), '.cache');
  return join(base, 'agentpprof');
}

interface Entry {
  v: number;
  /** What the slimming kept: entries of another purpose are not interchangeable. */
  kind: string;
  path: string;
  size: number;
  mtimeMs: number;
  /** The slimmed result as the codec stored it. */
  result: unknown;
}

/** How a slimmed result is stored: parsing entries is most of a warm run, so callers may pack them. */
export interface Codec {
  encode(r: FileResult): unknown;
  /** The stored form back; throws (a miss) when it is not one encode made. */
  decode(x: unknown): FileResult;
}

const PLAIN: Codec = { encode: (r) => r, decode: (x) => x as FileResult };

export class ParsedFileCache {
  readonly stats: CacheStats = { hits: 0, misses: 0, rejected: 0, writeErrors: 0 };
  private readonly dir: string;
  private made = false;

  /**
   * @param kind names the slimming (e.g. `usage`): results slimmed differently live apart.
   * @param slim drops what the caller never reads, before the result is stored and returned.
   */
  constructor(private readonly kind: string, private readonly slim: (r: FileResult) => FileResult = (r) => r, dir = cacheDir(), private readonly codec: Codec = PLAIN) {
    this.dir = join(dir, `parsed-v${CACHE_VERSION}`, kind);
  }

  /** The file's result: from the cache when its size and mtime are those stored, else read and stored. */
  read(format: Format, path: string, stat?: { size: number; mtimeMs: number }): FileResult {
    let st = stat;
    if (!st) {
      try { st = statSync(path); } catch { return this.slim(readTraceFile(format, path)); }
    }
    const file = this.entryPath(path);
    try {
      const e = JSON.parse(readFileSync(file, 'utf8')) as Entry;
      if (e.v === CACHE_VERSION && e.kind === this.kind && e.path === path && e.size === st.size && e.mtimeMs === st.mtimeMs && e.result) {
        const result = this.codec.decode(e.result);
        this.stats.hits++;
        return result;
      }
      this.stats.rejected++;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.stats.rejected++;
    }
    this.stats.misses++;
    const result = this.slim(readTraceFile(format, path));
    // A file that changed while it was read is not stored under the stat taken before: next run reads it again.
    let after;
    try { after = statSync(path); } catch { return result; }
    if (after.size === st.size && after.mtimeMs === st.mtimeMs && !result.skipped.some((s) => s.line === 0)) {
      this.write(file, { v: CACHE_VERSION, kind: this.kind, path, size: st.size, mtimeMs: st.mtimeMs, result: this.codec.encode(result) });
    }
    return result;
  }

  private entryPath(path: string): string {
    return join(this.dir, `${createHash('sha1').update(path).digest('hex')}.json`);
  }

  private write(file: string, e: Entry): void {
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      if (!this.made) { mkdirSync(this.dir, { recursive: true, mode: 0o700 }); this.made = true; }
      writeFileSync(tmp, JSON.stringify(e), { mode: 0o600 });
      renameSync(tmp, file);
    } catch {
      // A cache that cannot be written (read-only home, full disk) costs speed, never the answer.
      this.stats.writeErrors++;
      try { unlinkSync(tmp); } catch { /* never created */ }
    }
  }
}
