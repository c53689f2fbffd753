// List prices (USD per 1M tokens) for the cost view, from the table in formats/agent-traces.md.
// Stand-in until profile/ exports its pricing; lookup: exact, then without -YYYYMMDD, then prefix.

import type { Usage } from '../model.js';

type Price = [input: number, output: number, cw5m: number, cw1h: number, cacheRead: number];
const TABLE: [RegExp, Price][] = [
  [/^claude-opus-4(-1)?$/, [15, 75, 18.75, 30, 1.5]],
  [/^claude-opus-4-[5-8]/, [5, 25, 6.25, 10, 0.5]],
  [/^claude-(sonnet-4|3-7-sonnet|sonnet-3-7)/, [3, 15, 3.75, 6, 0.3]],
  [/^claude-haiku-4-5/, [1, 5, 1.25, 2, 0.1]],
  [/^claude-3-5-haiku/, [0.8, 4, 1, 1.6, 0.08]],
  [/^gpt-5(-mini|\.1-codex-mini)/, [0.25, 2, 0, 0, 0.025]],
  [/^gpt-5\.[23]/, [1.75, 14, 0, 0, 0.175]],
  [/^gpt-5/, [1.25, 10, 0, 0, 0.125]],
];

export function priceOf(model: string): Price | undefined {
  const m = model.toLowerCase().replace(/^(anthropic|openai|bedrock)[/.]/, '').replace(/-\d{8}$/, '');
  return TABLE.find(([re]) => re.test(m))?.[1];
}

/** Cost per token kind, in USD; unknown models cost 0 (and are reported by the caller). */
export function costByKind(model: string, u: Usage): Record<'input' | 'output' | 'cache_read' | 'cache_write', number> | undefined {
  const p = priceOf(model);
  if (!p) return undefined;
  const M = 1e6;
  return {
    input: (u.input * p[0]) / M,
    output: (u.output * p[1]) / M,
    cache_write: (u.cacheWrite5m * p[2] + u.cacheWrite1h * p[3]) / M,
    cache_read: (u.cacheRead * p[4]) / M,
  };
}
