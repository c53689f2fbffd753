// Claude's 5-hour usage windows, found as ccusage finds them: a window opens at the hour (UTC) of the
// first call after the previous one closed, and closes 5 hours later or when 5 hours pass without a
// call; a quiet stretch longer than a window is a gap row. The window still open has a burn rate
// (tokens per minute and USD per hour between its first and last call) and a projection to its end.
import type { EventBatch, LlmCall } from '../model.js';
import { Pricer, type PriceTable } from '../cost/pricing.js';
import { BUNDLED_PRICES } from '../cost/prices.js';
import { iso } from './calendar.js';
import { callTagger, UsageSum, type TagShare, type TokenColumns } from './usage-sum.js';

export const BLOCK_MS = 5 * 3_600_000;
const HOUR = 3_600_000;

export interface BurnRate {
  tokensPerMinute: number;
  /** Input + output tokens per minute (ccusage's indicator, without the cache). */
  tokensPerMinuteForIndicator: number;
  costPerHour: number;
}

export interface Projection {
  totalTokens: number;
  totalCost: number;
  remainingMinutes: number;
}

export interface Block extends TokenColumns {
  id: string;
  startTime: string;
  endTime: string;
  actualEndTime: string | null;
  isActive: boolean;
  isGap: boolean;
  entries: number;
  models: string[];
  tags: TagShare[];
  burnRate: BurnRate | null;
  projection: Projection | null;
}

export interface BlocksOptions {
  prices?: PriceTable;
  now?: number;
  topTags?: number;
}

/** The windows of the batch's calls, oldest first (gaps included). */
export function usageBlocks(batch: Pick<EventBatch, 'calls' | 'prompts'>, tags: ReadonlyMap<string, string>, opts: BlocksOptions = {}): Block[] {
  const pricer = new Pricer(opts.prices ?? BUNDLED_PRICES);
  const now = opts.now ?? Date.now();
  const tagOfCall = callTagger(tags, batch.prompts);
  const calls = [...batch.calls].sort((a, b) => a.ts - b.ts);
  const blocks: Block[] = [];
  let start = 0;
  let open: LlmCall[] = [];
  const close = () => {
    const s = new UsageSum();
    for (const c of open) s.add(c, pricer.cost(c.model, c.usage), tagOfCall(c));
    blocks.push(blockOf(start, s, now, opts.topTags ?? 3));
  };
  for (const c of calls) {
    if (open.length) {
      const last = open[open.length - 1].ts;
      if (c.ts - start > BLOCK_MS || c.ts - last > BLOCK_MS) {
        close();
        if (c.ts - last > BLOCK_MS) blocks.push(gapBlock(last + BLOCK_MS, c.ts));
        open = [];
      }
    }
    if (!open.length) start = Math.floor(c.ts / HOUR) * HOUR;
    open.push(c);
  }
  if (open.length) close();
  // A gap starts 5 hours after a window's last call, which can be after the next window opened (on the
  // hour before its first call): ordered by start, as ccusage lists them.
  return blocks.sort((a, b) => (a.startTime < b.startTime ? -1 : a.startTime > b.startTime ? 1 : 0));
}

function blockOf(start: number, s: UsageSum, now: number, top: number): Block {
  const end = start + BLOCK_MS;
  const isActive = now - s.last < BLOCK_MS && now < end;
  const minutes = (s.last - s.first) / 60_000;
  const burnRate = isActive && minutes > 0
    ? { tokensPerMinute: s.tokens / minutes, tokensPerMinuteForIndicator: (s.input + s.output) / minutes, costPerHour: (s.cost / minutes) * 60 }
    : null;
  const remainingMinutes = Math.max(0, (end - now) / 60_000);
  return {
    id: iso(start), startTime: iso(start), endTime: iso(end), actualEndTime: iso(s.last), isActive, isGap: false,
    entries: s.calls, ...s.columns(), models: [...s.models], tags: s.tagShares(top), burnRate,
    projection: burnRate ? {
      totalTokens: Math.round(s.tokens + burnRate.tokensPerMinute * remainingMinutes),
      totalCost: s.cost + (burnRate.costPerHour / 60) * remainingMinutes,
      remainingMinutes: Math.round(remainingMinutes),
    } : null,
  };
}

function gapBlock(from: number, to: number): Block {
  return {
    id: `gap-${iso(from)}`, startTime: iso(from), endTime: iso(to), actualEndTime: null, isActive: false, isGap: true,
    entries: 0, inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, totalTokens: 0, totalCost: 0,
    models: [], tags: [], burnRate: null, projection: null,
  };
}
