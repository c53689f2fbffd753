// Pricing: model name → price (bundled table, overridable by --prices FILE) and usage → USD per token
// kind. Lookup: exact, then without a date suffix (-YYYYMMDD, @YYYYMMDD) and provider prefixes
// (anthropic/, openai/, bedrock/, vertex_ai/, us.anthropic.…-v1:0), then a known name followed by a
// non-numeric suffix (-latest, -thinking). Unknown models cost 0 and are listed by the caller.

import type { Usage } from '../model.js';
import { BUNDLED_PRICES, TIER_THRESHOLD, type Price } from './prices.js';

export type PriceTable = Readonly<Record<string, Price>>;

/** Cost of one call by token-frame kind (cache_write sums 5m and 1h writes). */
export interface CostParts {
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
}

export function canonicalModel(model: string): string {
  return model.trim().toLowerCase()
    .replace(/^(?:[a-z_]+\/)+/, '') // anthropic/, openai/, bedrock/, vertex_ai/, openrouter/anthropic/
    .replace(/^(?:(?:us|eu|apac|global)\.)?anthropic\./, '')
    .replace(/-v\d+(?::\d+)?$/, '')
    .replace(/[-@]\d{8}$/, '');
}

export class Pricer {
  private readonly cache = new Map<string, Price | null>();
  /** Models seen with no price, with how many calls each. */
  readonly unknown = new Map<string, number>();
  constructor(private readonly table: PriceTable = BUNDLED_PRICES) {}

  lookup(model: string): Price | undefined {
    let hit = this.cache.get(model);
    if (hit === undefined) {
      hit = this.find(model) ?? null;
      this.cache.set(model, hit);
    }
    return hit ?? undefined;
  }

  private find(model: string): Price | undefined {
    const t = this.table;
    if (t[model]) return t[model];
    const c = canonicalModel(model);
    if (t[c]) return t[c];
    // `claude-sonnet-4-5-thinking` → claude-sonnet-4-5; never `claude-opus-4-9` → claude-opus-4.
    let best = '';
    for (const name of Object.keys(t)) {
      if (name.length > best.length && c.startsWith(name + '-') && !/^\d/.test(c.slice(name.length + 1))) best = name;
    }
    return best ? t[best] : undefined;
  }

  /** USD by token kind for one call; undefined (and counted) when the model is unknown. */
  cost(model: string, u: Usage): CostParts | undefined {
    const price = this.lookup(model);
    if (!price) {
      if (model !== '<synthetic>') this.unknown.set(model, (this.unknown.get(model) ?? 0) + 1);
      return undefined;
    }
    return costOf(price, u);
  }
}

const tiered = (tokens: number, base: number, above: number | undefined): number =>
  above === undefined || tokens <= TIER_THRESHOLD ? tokens * base : TIER_THRESHOLD * base + (tokens - TIER_THRESHOLD) * above;

export function costOf(price: Price, u: Usage): CostParts {
  const a = price.above200k;
  const M = 1e6;
  return {
    input: tiered(u.input, price.input, a?.input) / M,
    output: tiered(u.output, price.output, a?.output) / M,
    cache_read: tiered(u.cacheRead, price.cacheRead, a?.cacheRead) / M,
    cache_write: (tiered(u.cacheWrite5m, price.cacheWrite5m, a?.cacheWrite5m) + tiered(u.cacheWrite1h, price.cacheWrite1h, a?.cacheWrite1h)) / M,
  };
}

export const costTotal = (c: CostParts): number => c.input + c.output + c.cache_read + c.cache_write;

const FIELDS = ['input', 'output', 'cacheWrite5m', 'cacheWrite1h', 'cacheRead'] as const;
const ALIASES: Record<string, (typeof FIELDS)[number]> = {
  input: 'input', output: 'output', cache_read: 'cacheRead', cacheRead: 'cacheRead',
  cache_write: 'cacheWrite5m', cache_write_5m: 'cacheWrite5m', cacheWrite5m: 'cacheWrite5m',
  cache_write_1h: 'cacheWrite1h', cacheWrite1h: 'cacheWrite1h',
};

/**
 * A --prices FILE (JSON): `{"model": {"input": 3, "output": 15, "cache_write_5m": 3.75, "cache_write_1h": 6,
 * "cache_read": 0.3, "above_200k": {…}}}`, USD per 1M tokens. Missing cache prices default to input × 1.25
 * (5m), × 2 (1h) and × 0.1 (read), Anthropic's ratios. Entries replace bundled ones of the same name.
 */
export function parsePrices(json: string, file: string, base: PriceTable = BUNDLED_PRICES): PriceTable {
  let doc: unknown;
  try { doc = JSON.parse(json); } catch (e) { throw new Error(`${file}: not JSON: ${(e as Error).message}`); }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${file}: expected an object of model → prices`);
  const out: Record<string, Price> = { ...base };
  for (const [model, v] of Object.entries(doc as Record<string, unknown>)) {
    const price = parseOne(v, `${file}: ${model}`);
    const tier = (v as Record<string, unknown>).above_200k ?? (v as Record<string, unknown>).above200k;
    if (tier !== undefined) price.above200k = parseOne(tier, `${file}: ${model}.above_200k`);
    out[model] = price;
    out[canonicalModel(model)] ??= price;
  }
  return out;
}

function parseOne(v: unknown, where: string): Price {
  if (!v || typeof v !== 'object') throw new Error(`${where}: expected an object of prices`);
  const got: Partial<Record<(typeof FIELDS)[number], number>> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (k === 'above_200k' || k === 'above200k') continue;
    const f = ALIASES[k];
    if (!f) throw new Error(`${where}: unknown price field "${k}" (input, output, cache_write_5m, cache_write_1h, cache_read)`);
    if (typeof x !== 'number' || !(x >= 0)) throw new Error(`${where}: ${k} must be a number ≥ 0`);
    got[f] = x;
  }
  if (got.input === undefined || got.output === undefined) throw new Error(`${where}: input and output prices are required`);
  return {
    input: got.input, output: got.output,
    cacheWrite5m: got.cacheWrite5m ?? got.input * 1.25,
    cacheWrite1h: got.cacheWrite1h ?? got.input * 2,
    cacheRead: got.cacheRead ?? got.input * 0.1,
  };
}
