// The LLM tagger's cache: one JSON line per answer in the user's cache dir, keyed by a hash of
// model + tag list + prompt, so a prompt is sent to a model once per tag vocabulary.

import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export function defaultCacheFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'agentpprof', 'llm-tags.jsonl');
}

export const cacheKey = (model: string, tags: string[], prompt: string): string =>
  createHash('sha256').update(`${model}\u0000${tags.join(',')}\u0000${prompt}`).digest('hex').slice(0, 32);

export class TagCache {
  private readonly map = new Map<string, string>();
  constructor(readonly file: string | null) {
    if (file && existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        try {
          const { k, t } = JSON.parse(line) as { k: string; t: string };
          if (typeof k === 'string' && typeof t === 'string') this.map.set(k, t);
        } catch { /* a torn last line from an interrupted run: ignore */ }
      }
    }
  }
  get(key: string): string | undefined {
    return this.map.get(key);
  }
  set(key: string, tag: string): void {
    this.map.set(key, tag);
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    appendFileSync(this.file, JSON.stringify({ k: key, t: tag }) + '\n');
  }
  get size(): number {
    return this.map.size;
  }
}
