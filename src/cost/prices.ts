// The bundled list-price table (USD per 1M tokens), from LiteLLM's model_prices_and_context_window.json
// as summarized in shared/formats/agent-traces.md §4 (plus Gemini 2.5 from the same source). Checked against ccusage 20.0.24 --offline: Sonnet 4
// and 4.5 charge the tier price for the part of EACH token kind above 200k in one request; Sonnet 4.6,
// Opus and Haiku have no tier; 1h cache writes cost more than 5m ones. Codex/OpenAI models write no cache.

export interface Price {
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
  /** Prices for the tokens of one kind beyond TIER_THRESHOLD in a single request. */
  above200k?: Omit<Price, 'above200k'>;
}

export const TIER_THRESHOLD = 200_000;

const p = (input: number, output: number, cacheWrite5m: number, cacheWrite1h: number, cacheRead: number): Price =>
  ({ input, output, cacheWrite5m, cacheWrite1h, cacheRead });

const OPUS_4 = p(15, 75, 18.75, 30, 1.5);
const OPUS_45 = p(5, 25, 6.25, 10, 0.5);
const SONNET = p(3, 15, 3.75, 6, 0.3);
const SONNET_TIERED: Price = { ...SONNET, above200k: p(6, 22.5, 7.5, 12, 0.6) };
const GPT5 = p(1.25, 10, 0, 0, 0.125);
const GPT52 = p(1.75, 14, 0, 0, 0.175);
const GPT5_MINI = p(0.25, 2, 0, 0, 0.025);

/** Canonical model names (no date suffix, no provider prefix) → price. */
export const BUNDLED_PRICES: Readonly<Record<string, Price>> = {
  'claude-opus-4': OPUS_4,
  'claude-opus-4-1': OPUS_4,
  'claude-opus-4-5': OPUS_45,
  'claude-opus-4-6': OPUS_45,
  'claude-opus-4-7': OPUS_45,
  'claude-opus-4-8': OPUS_45,
  'claude-sonnet-4': SONNET_TIERED,
  'claude-sonnet-4-5': SONNET_TIERED,
  'claude-sonnet-4-6': SONNET,
  'claude-3-7-sonnet': SONNET,
  'claude-3-5-sonnet': SONNET,
  'claude-haiku-4-5': p(1, 5, 1.25, 2, 0.1),
  'claude-3-5-haiku': p(0.8, 4, 1, 1.6, 0.08),
  'claude-3-opus': OPUS_4,
  'claude-3-haiku': p(0.25, 1.25, 0.3, 0.5, 0.03),
  'gpt-5': GPT5,
  'gpt-5-codex': GPT5,
  'gpt-5.1': GPT5,
  'gpt-5.1-codex': GPT5,
  'gpt-5.1-codex-max': GPT5,
  'gpt-5.2': GPT52,
  'gpt-5.2-codex': GPT52,
  'gpt-5.3-codex': GPT52,
  'gpt-5-mini': GPT5_MINI,
  'gpt-5.1-codex-mini': GPT5_MINI,
  // Gemini (LiteLLM, prompts up to 200k tokens; Gemini's long-context price applies to a whole request
  // over 200k and is not modelled). Gemini's cached tokens are billed as cache reads; it writes no cache.
  'gemini-2.5-pro': p(1.25, 10, 0, 0, 0.31),
  'gemini-2.5-flash': p(0.3, 2.5, 0, 0, 0.075),
  'gemini-2.5-flash-lite': p(0.1, 0.4, 0, 0, 0.025),
};
