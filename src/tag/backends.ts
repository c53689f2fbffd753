// Builds the tagger the user asked for (`--tagger regex|cluster|llm|hybrid`) from the command-line
// options. The regex tagger is passed in (it carries the user's rules); `hybrid` is the practical
// default once a model or endpoint is configured: rules first, the model only for the rest.

import { ClusterTagger } from './cluster.js';
import { defaultCacheFile, TagCache } from './llm-cache.js';
import { LlamaCppBackend } from './llama.js';
import { HybridTagger, LlmTagger, OpenAiBackend, type LlmBackend } from './llm.js';
import type { Tagger } from './types.js';

export type TaggerName = 'regex' | 'cluster' | 'llm' | 'hybrid';
export const TAGGER_NAMES: TaggerName[] = ['regex', 'cluster', 'llm', 'hybrid'];

export interface BackendOptions {
  tagger?: string;
  /** Local GGUF model for node-llama-cpp. */
  model?: string;
  /** OpenAI-compatible endpoint (llama.cpp server, ollama). */
  llmUrl?: string;
  llmModel?: string;
  maxUncached?: number;
  /** The tag vocabulary offered to the model (defaults to the rules' tags). */
  tags?: string[];
  /** Cache file; null disables the on-disk cache. */
  cacheFile?: string | null;
  seed?: number;
}

export function llmBackend(opts: BackendOptions): LlmBackend | null {
  if (opts.model) return new LlamaCppBackend(opts.model);
  if (opts.llmUrl) return new OpenAiBackend(opts.llmUrl, opts.llmModel ?? 'default', process.env.AGENTPPROF_LLM_KEY);
  return null;
}

export function createTagger(rules: Tagger, opts: BackendOptions): Tagger {
  const backend = llmBackend(opts);
  const name = opts.tagger ?? (backend ? 'hybrid' : 'regex');
  if (!TAGGER_NAMES.includes(name as TaggerName)) {
    throw new Error(`unknown tagger "${name}": choose one of ${TAGGER_NAMES.join(', ')}`);
  }
  if (name === 'regex') return rules;
  if (name === 'cluster') return new ClusterTagger({ seed: opts.seed });
  if (!backend) throw new Error(`--tagger ${name} needs a model: --model FILE.gguf or --llm-url http://127.0.0.1:8080`);
  const llm = new LlmTagger(backend, {
    tags: opts.tags, maxUncached: opts.maxUncached,
    cache: new TagCache(opts.cacheFile === undefined ? defaultCacheFile() : opts.cacheFile),
  });
  return name === 'llm' ? llm : new HybridTagger(rules, llm);
}
