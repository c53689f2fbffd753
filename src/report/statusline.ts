// The statusline's figures, data in → data out: this session's cost and tokens, today's cost (the
// zone's calendar day), the tag of the session's current prompt, and the burn rate of Claude's active
// 5-hour window — and the one line that shows them.
import type { EventBatch, Prompt } from '../model.js';
import { Pricer, type PriceTable } from '../cost/pricing.js';
import { BUNDLED_PRICES } from '../cost/prices.js';
import { isMainPrompt } from '../model.js';
import { usageBlocks, type Block } from './blocks.js';
import { fmtTokens } from './budget.js';
import { DayKeys } from './periods.js';
import { shortModel } from './table.js';

export interface StatusFigures {
  session: { cost: number; tokens: number; calls: number };
  today: { cost: number; tokens: number; day: string };
  /** The session's last human or continue prompt on the main thread (its text is the caller's to tag). */
  prompt?: Prompt;
  block?: Block;
}

export interface FigureOptions {
  sessionId?: string;
  now: number;
  timeZone: string;
  prices?: PriceTable;
  /** Which sessions are Claude's (the 5-hour window is theirs). */
  claudeSessions?: ReadonlySet<string>;
}

export function statusFigures(batch: EventBatch, opts: FigureOptions): StatusFigures {
  const pricer = new Pricer(opts.prices ?? BUNDLED_PRICES);
  const keys = new DayKeys(opts.timeZone);
  const day = keys.day(opts.now);
  const dayStart = keys.startOfDay(day);
  const dayEnd = keys.periodEnd('day', opts.now);
  const session = { cost: 0, tokens: 0, calls: 0 };
  const today = { cost: 0, tokens: 0, day };
  for (const c of batch.calls) {
    const inSession = c.session === opts.sessionId;
    const inDay = c.ts >= dayStart && c.ts < dayEnd;
    if (!inSession && !inDay) continue;
    const p = pricer.cost(c.model, c.usage);
    const usd = p ? p.input + p.output + p.cache_read + p.cache_write : 0;
    const u = c.usage;
    const tok = u.input + u.output + u.cacheRead + u.cacheWrite5m + u.cacheWrite1h;
    if (inSession) { session.cost += usd; session.tokens += tok; session.calls++; }
    if (inDay) { today.cost += usd; today.tokens += tok; }
  }
  let prompt: Prompt | undefined;
  for (const p of batch.prompts) {
    if (p.session === opts.sessionId && isMainPrompt(p) && p.ts <= opts.now && (!prompt || p.ts >= prompt.ts)) prompt = p;
  }
  const claudeCalls = opts.claudeSessions ? batch.calls.filter((c) => opts.claudeSessions!.has(c.session) && c.ts <= opts.now) : batch.calls;
  const block = usageBlocks({ calls: claudeCalls, prompts: [] }, new Map(), { prices: opts.prices, now: opts.now }).find((b) => b.isActive);
  return { session, today, prompt, block };
}

const usd = (x: number) => `$${x < 10 ? x.toFixed(2) : x.toFixed(1)}`;

/** `opus-4-6 │ session $1.23 · 2.1M tok │ today $8.40 │ debug │ $4.10/h · 2h13m left` */
export function statusLineText(f: StatusFigures, opts: { model?: string; tag?: string; now: number }): string {
  const parts: string[] = [];
  if (opts.model) parts.push(shortModel(opts.model));
  parts.push(`session ${usd(f.session.cost)} · ${fmtTokens(f.session.tokens)} tok`);
  parts.push(`today ${usd(f.today.cost)}`);
  if (opts.tag) parts.push(opts.tag);
  const b = f.block;
  if (b) {
    const left = Math.max(0, Date.parse(b.endTime) - opts.now);
    const h = Math.floor(left / 3_600_000);
    const m = Math.floor((left % 3_600_000) / 60_000);
    parts.push(`${b.burnRate ? `${usd(b.burnRate.costPerHour)}/h` : `block ${usd(b.totalCost)}`} · ${h ? `${h}h` : ''}${String(m).padStart(h ? 2 : 1, '0')}m left`);
  }
  return parts.join(' │ ');
}
