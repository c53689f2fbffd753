// One running sum of calls for a report row: tokens by ccusage's four columns, list-price cost, the
// models used, and the cost and tokens of each prompt tag (the semantic split of the row). Costs are
// added part by part in the calls' order, as the cost view adds them, so a sum over every call equals
// the profile's total to the last bit.
import type { EventBatch, LlmCall, Prompt, Session } from '../model.js';
import { Pricer, type CostParts, type PriceTable } from '../cost/pricing.js';
import { BUNDLED_PRICES } from '../cost/prices.js';
import { DayKeys } from './periods.js';
import { tagOf } from '../profile/status.js';
import { UNMATCHED } from '../tag/types.js';

export interface TokenColumns {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  totalTokens: number;
  totalCost: number;
}

export interface TagShare {
  tag: string;
  cost: number;
  tokens: number;
  /** Share of the row's cost in percent (of its tokens when the row costs nothing: unpriced models). */
  share: number;
}

export interface Breakdown extends TokenColumns {
  name: string;
}

export class UsageSum {
  input = 0;
  output = 0;
  cacheCreate = 0;
  cacheRead = 0;
  cost = 0;
  calls = 0;
  first = Infinity;
  last = -Infinity;
  readonly models = new Set<string>();
  private readonly tags = new Map<string, { cost: number; tokens: number }>();
  private readonly parts = new Map<string, UsageSum>();

  add(c: LlmCall, cost: CostParts | undefined, tag: string, breakdownKey?: string): void {
    const u = c.usage;
    this.input += u.input;
    this.output += u.output;
    this.cacheCreate += u.cacheWrite5m + u.cacheWrite1h;
    this.cacheRead += u.cacheRead;
    const usd = cost ? addParts(this, cost) : 0;
    this.calls++;
    if (c.ts < this.first) this.first = c.ts;
    if (c.ts > this.last) this.last = c.ts;
    if (c.model && c.model !== '<synthetic>') this.models.add(c.model);
    let t = this.tags.get(tag);
    if (!t) this.tags.set(tag, (t = { cost: 0, tokens: 0 }));
    t.cost += usd;
    t.tokens += u.input + u.output + u.cacheRead + u.cacheWrite5m + u.cacheWrite1h;
    if (breakdownKey !== undefined) {
      let p = this.parts.get(breakdownKey);
      if (!p) this.parts.set(breakdownKey, (p = new UsageSum()));
      p.add(c, cost, tag);
    }
  }

  get tokens(): number {
    return this.input + this.output + this.cacheCreate + this.cacheRead;
  }

  columns(): TokenColumns {
    return {
      inputTokens: this.input, outputTokens: this.output, cacheCreationTokens: this.cacheCreate,
      cacheReadTokens: this.cacheRead, totalTokens: this.tokens, totalCost: this.cost,
    };
  }

  /** Tags by cost (tokens when the row costs nothing), largest first. */
  tagShares(top = Infinity): TagShare[] {
    const byCost = this.cost > 0;
    const whole = byCost ? this.cost : this.tokens;
    return [...this.tags]
      .map(([tag, v]) => ({ tag, cost: v.cost, tokens: v.tokens, share: whole > 0 ? (100 * (byCost ? v.cost : v.tokens)) / whole : 0 }))
      .sort((a, b) => (byCost ? b.cost - a.cost : b.tokens - a.tokens) || a.tag.localeCompare(b.tag))
      .slice(0, top);
  }

  breakdown(): Breakdown[] {
    return [...this.parts].map(([name, s]) => ({ name, ...s.columns() }))
      .sort((a, b) => b.totalCost - a.totalCost || b.totalTokens - a.totalTokens || a.name.localeCompare(b.name));
  }
}

/** Adds a call's cost in the cost view's order (input, output, cache read, cache write); returns it. */
function addParts(s: UsageSum, p: CostParts): number {
  s.cost += p.input;
  s.cost += p.output;
  s.cost += p.cache_read;
  s.cost += p.cache_write;
  return p.input + p.output + p.cache_read + p.cache_write;
}

/**
 * The `prompt:` frame value of a call, as the profile names it: its prompt's tag, `continue` for an
 * untagged continuation, `unmatched` for an untagged prompt, `none` for a call without a prompt.
 */
export function callTagger(tags: ReadonlyMap<string, string>, prompts: readonly Prompt[]): (c: LlmCall) => string {
  let byId: Map<string, Prompt> | undefined;
  return (c) => {
    if (!c.prompt) return 'none';
    const t = tags.get(c.prompt);
    if (t !== undefined) return t;
    byId ??= new Map(prompts.map((p) => [p.id, p]));
    const p = byId.get(c.prompt);
    return p ? tagOf(p, tags) : UNMATCHED;
  };
}

/**
 * What the calendar figures of a batch (report rows, budget checks) are computed with: list prices, the
 * time zone's period keys, the first day of a week, each call's tag, and each session by id (its first record).
 */
export function calendarContext(batch: EventBatch, tags: ReadonlyMap<string, string>, opts: { prices?: PriceTable; timeZone: string; startOfWeek?: number }) {
  const sessions = new Map<string, Session>();
  for (const s of batch.sessions) if (!sessions.has(s.id)) sessions.set(s.id, s);
  return {
    pricer: new Pricer(opts.prices ?? BUNDLED_PRICES), keys: new DayKeys(opts.timeZone), startDay: opts.startOfWeek ?? 0,
    tagOf: callTagger(tags, batch.prompts), sessions,
  };
}
