// Context size per call: cache-read tokens per call over a session's life. A session whose context
// keeps growing pays for its whole history on every call; past a point, a fresh session (or an
// earlier /compact) is cheaper. Also long tool outputs fed back to the model.

import { emptyUsage } from '../model.js';
import type { AdviseInput, Finding } from './types.js';
import { CHARS_PER_TOKEN, contextTokens, blendedInputPrice, groupBy, round } from './util.js';
import { fmtTokens } from './reads.js';

/** Context per call above which carrying history is flagged (tokens). */
const CONTEXT_BASELINE = 60_000;

export function contextGrowth(input: AdviseInput, opts: { minCalls?: number; minPeak?: number } = {}): Finding[] {
  const { batch } = input;
  const out: Finding[] = [];
  for (const [session, calls] of groupBy(batch.calls, (c) => c.session)) {
    if (calls.length < (opts.minCalls ?? 10)) continue;
    calls.sort((a, b) => a.ts - b.ts);
    const ctx = calls.map((c) => contextTokens(c.usage));
    const peak = Math.max(...ctx);
    if (peak < (opts.minPeak ?? 150_000)) continue;
    const third = Math.max(1, Math.floor(ctx.length / 3));
    const early = mean(ctx.slice(0, third)), late = mean(ctx.slice(-third));
    if (late < early * 1.5) continue;
    const excess = ctx.reduce((s, x) => s + Math.max(0, x - CONTEXT_BASELINE), 0);
    // The history carried beyond the baseline is billed as cache reads of that call's model.
    const usd = calls.reduce((s, c, i) => s + input.costOf({ ...c, usage: { ...emptyUsage(), cacheRead: Math.max(0, ctx[i] - CONTEXT_BASELINE) } }), 0);
    const saving = Math.round(excess);
    out.push({
      kind: 'context-growth',
      title: `a session grew its context from ~${fmtTokens(early)} to ~${fmtTokens(late)} tokens per call over ${calls.length} calls`,
      advice: 'Start a new session (or /compact) when switching tasks; keep long-lived facts in CLAUDE.md / AGENTS.md instead ' +
        `of the conversation. Calls beyond ~${fmtTokens(CONTEXT_BASELINE)} of context re-bill history every turn.`,
      evidence: { calls: calls.length, context_first_third: Math.round(early), context_last_third: Math.round(late), peak, tokens_above_baseline: excess },
      trace: { view: 'tokens', search: 'token:cache_read', stacks: [`session:${session.slice(0, 8)};token:cache_read`] },
      savingTokens: saving,
      savingUsd: round(usd, 4),
    });
  }
  return out;
}

export function longToolOutputs(input: AdviseInput, opts: { minChars?: number; minCount?: number } = {}): Finding[] {
  const { batch } = input;
  const minChars = opts.minChars ?? 40_000;
  const price = blendedInputPrice(batch, input.costOf);
  const big = batch.tools.filter((t) => (t.outputChars ?? 0) >= minChars);
  const out: Finding[] = [];
  for (const [name, tools] of groupBy(big, (t) => t.name)) {
    if (tools.length < (opts.minCount ?? 3)) continue;
    const chars = tools.reduce((s, t) => s + (t.outputChars ?? 0), 0);
    const tokens = Math.round(chars / CHARS_PER_TOKEN);
    // Capping each output at ~8k characters keeps what agents usually use from it.
    const saving = Math.round(tools.reduce((s, t) => s + Math.max(0, (t.outputChars ?? 0) - 8000), 0) / CHARS_PER_TOKEN);
    out.push({
      kind: 'long-output',
      title: `${tools.length} ${name} calls returned over ${fmtTokens(minChars / CHARS_PER_TOKEN)} tokens each: ~${fmtTokens(tokens)} tokens fed back`,
      advice: name === 'Bash' || /exec|shell/.test(name)
        ? 'Add to CLAUDE.md / AGENTS.md: "Pipe long command output through `| tail -n 50` or `| grep -E \'error|FAIL\'`; never cat build logs whole."'
        : `Add to CLAUDE.md / AGENTS.md: "Use ${name} with offset/limit (or Grep first) on large files instead of reading them whole."`,
      evidence: { tool: name, calls: tools.length, tokens },
      trace: { view: 'tokens', search: `tool:${name}`, stacks: [`tool:${name}`] },
      savingTokens: saving,
      savingUsd: round(saving * price, 4),
    });
  }
  return out;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
