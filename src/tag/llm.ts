// The LLM tagger: asks a model for one short tag per prompt, constrained by a grammar to one of the
// user's tags or one lowercase word of 3–12 letters, temperature 0, a few tokens. Backends: any
// OpenAI-compatible /v1/chat/completions (llama.cpp's server, ollama) or a local GGUF through
// node-llama-cpp. Answers are cached; --max-uncached bounds how many prompts may reach the model.

import { cacheKey, TagCache } from './llm-cache.js';
import { UNMATCHED, type TagResult, type Tagger } from './types.js';

export const DEFAULT_TAGS = ['debug', 'review', 'git', 'test', 'docs', 'code', 'edit', 'refactor', 'perf', 'inspect',
  'continue', 'confirm', 'deploy', 'research'];

export interface LlmBackend {
  /** Identifies the model in cache keys. */
  readonly model: string;
  complete(system: string, user: string, grammar: string): Promise<string>;
}

export const TAG_WORD = /^[a-z]{3,12}$/;

/** GBNF: one of the known tags, or one lowercase word of 3–12 letters. */
export function tagGrammar(tags: string[]): string {
  const known = tags.filter((t) => TAG_WORD.test(t)).map((t) => JSON.stringify(t)).join(' | ');
  const word = '[a-z] [a-z] [a-z]' + ' [a-z]?'.repeat(9);
  return `root ::= ${known ? `${known} | ` : ''}${word}`;
}

export function systemPrompt(tags: string[]): string {
  return 'You label prompts that a developer gave an AI coding agent with the kind of work they ask for. ' +
    `Answer with exactly one lowercase word. Prefer one of: ${tags.join(', ')}. ` +
    'Use continue for requests to keep going, confirm for short approvals.';
}

/** Reduces a model's answer to a valid tag, or null. */
export function cleanAnswer(raw: string): string | null {
  const word = raw.trim().toLowerCase().split(/[^a-z]+/).find((w) => w.length > 0) ?? '';
  return TAG_WORD.test(word) ? word : null;
}

export interface LlmTaggerOptions {
  tags?: string[];
  cache?: TagCache;
  /** At most this many prompts not already cached are sent to the model; the rest stay unmatched. */
  maxUncached?: number;
  /** Skip the cache (stability runs). */
  noCache?: boolean;
  /** Cut prompts to this many characters before sending (compaction summaries run to pages). */
  maxChars?: number;
}

export interface LlmStats { cached: number; asked: number; invalid: number; skippedByLimit: number }

export class LlmTagger implements Tagger {
  readonly name = 'llm';
  readonly stats: LlmStats = { cached: 0, asked: 0, invalid: 0, skippedByLimit: 0 };
  private readonly tags: string[];
  private readonly cache: TagCache;
  constructor(private readonly backend: LlmBackend, private readonly opts: LlmTaggerOptions = {}) {
    this.tags = opts.tags ?? DEFAULT_TAGS;
    this.cache = opts.cache ?? new TagCache(null);
  }

  async tagAll(texts: string[]): Promise<TagResult[]> {
    const answers = new Map<string, string | null>();
    const system = systemPrompt(this.tags);
    const grammar = tagGrammar(this.tags);
    const budget = this.opts.maxUncached ?? Infinity;
    for (const text of texts) {
      if (answers.has(text)) continue;
      const key = cacheKey(this.backend.model, this.tags, text);
      const hit = this.opts.noCache ? undefined : this.cache.get(key);
      if (hit !== undefined) { this.stats.cached++; answers.set(text, hit || null); continue; }
      if (this.stats.asked >= budget) { this.stats.skippedByLimit++; answers.set(text, null); continue; }
      const tag = await this.ask(system, text.slice(0, this.opts.maxChars ?? 1500), grammar);
      answers.set(text, tag);
      if (!this.opts.noCache) this.cache.set(key, tag ?? '');
    }
    return texts.map((t) => {
      const tag = answers.get(t);
      return tag ? { tag, matched: true, source: `llm:${this.backend.model}` } : { tag: UNMATCHED, matched: false };
    });
  }

  /** One retry when the answer is not a valid tag (grammars are not enforced by every server). */
  private async ask(system: string, prompt: string, grammar: string): Promise<string | null> {
    for (let attempt = 0; attempt < 2; attempt++) {
      this.stats.asked += attempt === 0 ? 1 : 0;
      const tag = cleanAnswer(await this.backend.complete(system, prompt, grammar));
      if (tag) return tag;
    }
    this.stats.invalid++;
    return null;
  }
}

/** An OpenAI-compatible chat endpoint (llama.cpp server, ollama, vLLM…). */
export class OpenAiBackend implements LlmBackend {
  constructor(private readonly url: string, readonly model = 'default', private readonly apiKey?: string, private readonly timeoutMs = 30_000) {}
  async complete(system: string, user: string, grammar: string): Promise<string> {
    const endpoint = this.url.replace(/\/+$/, '').replace(/\/v1$/, '') + '/v1/chat/completions';
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}) },
      body: JSON.stringify({
        model: this.model, temperature: 0, max_tokens: 8, grammar,
        messages: [{ role: 'system', content: system }, { role: 'user', content: user }],
      }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok) throw new Error(`LLM endpoint ${endpoint} answered HTTP ${res.status}`);
    const body = (await res.json()) as { choices?: { message?: { content?: string }; text?: string }[] };
    return body.choices?.[0]?.message?.content ?? body.choices?.[0]?.text ?? '';
  }
}

/** Runs the tagger `runs` times without cache and reports the share of prompts tagged identically every time. */
export async function stability(make: () => Tagger, texts: string[], runs: number): Promise<{ stable: number; total: number; share: number }> {
  const uniq = [...new Set(texts)];
  const all: TagResult[][] = [];
  for (let i = 0; i < runs; i++) all.push(await make().tagAll(uniq));
  let stable = 0;
  uniq.forEach((_, j) => { if (all.every((r) => r[j].tag === all[0][j].tag)) stable++; });
  return { stable, total: uniq.length, share: uniq.length ? stable / uniq.length : 1 };
}

/** Rules first; the LLM only sees what the rules leave unmatched. */
export class HybridTagger implements Tagger {
  readonly name = 'hybrid';
  constructor(private readonly rules: Tagger, private readonly llm: Tagger) {}
  async tagAll(texts: string[]): Promise<TagResult[]> {
    const first = await this.rules.tagAll(texts);
    const rest = first.map((r, i) => (r.matched ? -1 : i)).filter((i) => i >= 0);
    const second = await this.llm.tagAll(rest.map((i) => texts[i]));
    rest.forEach((i, j) => { first[i] = second[j]; });
    return first;
  }
}
