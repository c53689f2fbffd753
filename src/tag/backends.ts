// The tagging backends beyond regex rules — `--tagger cluster|llm|hybrid` — as entries for the
// registry in ./index.ts, with the CLI options they read. `hybrid` (rules first, the model only for
// what they leave unmatched) is the practical default once a model or endpoint is configured.

import { ClusterTagger } from './cluster.js';
import type { TaggerContext, TaggerEntry } from './types.js';
import { defaultCacheFile, TagCache } from './llm-cache.js';
import { LlamaCppBackend } from './llama.js';
import { DEFAULT_TAGS, HybridTagger, LlmTagger, OpenAiBackend, type LlmBackend } from './llm.js';
import { RegexTagger } from './regex.js';

const LLM_OPTIONS = {
  model: { type: 'string' },
  'llm-url': { type: 'string' },
  'llm-model': { type: 'string' },
  'max-uncached': { type: 'string' },
  'no-llm-cache': { type: 'boolean' },
} as const;

/** True when the user configured a model: `--tagger` then defaults to hybrid. */
export const modelConfigured = (o: Record<string, unknown>): boolean => Boolean(o.model || o['llm-url']);

function backendOf(o: Record<string, unknown>): LlmBackend {
  if (typeof o.model === 'string') return new LlamaCppBackend(o.model);
  if (typeof o['llm-url'] === 'string') return new OpenAiBackend(o['llm-url'], String(o['llm-model'] ?? 'default'), process.env.AGENTPPROF_LLM_KEY);
  throw new Error('this tagger needs a model: --model FILE.gguf (local, node-llama-cpp) or --llm-url http://127.0.0.1:8080 (llama.cpp server, ollama)');
}

function llmTagger({ rules, options: o }: TaggerContext): LlmTagger {
  const max = o['max-uncached'] === undefined ? undefined : Number(o['max-uncached']);
  if (max !== undefined && !(max >= 0)) throw new Error(`--max-uncached expects a number, got "${String(o['max-uncached'])}"`);
  // The model is offered the rules' tags, so its answers merge with rule-matched prompts.
  const ruleTags = [...new Set(rules.map((r) => r.tag))].filter((t) => /^[a-z]{3,12}$/.test(t));
  return new LlmTagger(backendOf(o), {
    tags: ruleTags.length ? ruleTags : DEFAULT_TAGS,
    maxUncached: max,
    cache: new TagCache(o['no-llm-cache'] ? null : defaultCacheFile()),
  });
}

export const BACKENDS: Record<string, TaggerEntry> = {
  cluster: {
    create: () => new ClusterTagger(),
    help: 'TF-IDF + k-means (k 5–25 by silhouette, fixed seed); tags named by cluster keywords',
  },
  llm: {
    create: llmTagger,
    options: LLM_OPTIONS,
    help: 'a local model (--model FILE.gguf) or an OpenAI-compatible endpoint (--llm-url URL); cached',
  },
  hybrid: {
    create: (ctx) => new HybridTagger(new RegexTagger(ctx.rules), llmTagger(ctx)),
    options: LLM_OPTIONS,
    help: 'rules first, the model only for prompts the rules leave unmatched (default when a model is set)',
  },
};
