// Workflow patterns: continuation churn (continue/confirm prompts and chains of them), compactions and
// the context they threw away, calls-per-prompt outliers, the unmatched-prompt share, subagent fan-out.

import TDigestPkg from 'tdigest';
import { usageTotal, type LlmCall, type Prompt } from '../model.js';
import { suggestRules, formatSuggestions } from '../tag/suggest.js';
import type { AdviseInput, Finding } from './types.js';
import { contextTokens, groupBy, round } from './util.js';
import { fmtTokens } from './reads.js';

const { TDigest } = TDigestPkg as unknown as { TDigest: new () => { push(x: number): void; compress(): void; percentile(p: number): number } };

const COMPACTION = /^(This session is being continued|\[Session continued)/;

function callsByPrompt(calls: LlmCall[]): Map<string | null, LlmCall[]> {
  return groupBy(calls, (c) => c.prompt);
}

const sumCost = (input: AdviseInput, calls: LlmCall[] | undefined) => (calls ?? []).reduce((s, c) => s + input.costOf(c), 0);

export function continuationChurn(input: AdviseInput, opts: { minShare?: number; minChain?: number } = {}): Finding[] {
  const { batch } = input;
  const tagged = batch.prompts.filter((p) => p.kind !== 'meta');
  if (!tagged.length) return [];
  const byPrompt = callsByPrompt(batch.calls);
  const churn = tagged.filter((p) => ['continue', 'confirm'].includes(input.tagOf(p.id)) && !COMPACTION.test(p.text));
  const share = churn.length / tagged.length;
  // Chains: runs of ≥ minChain consecutive continue/confirm prompts in one session.
  let chains = 0, longest = 0;
  for (const ps of groupBy(tagged, (p) => p.session).values()) {
    let run = 0;
    for (const p of ps.sort((a, b) => a.ts - b.ts)) {
      if (['continue', 'confirm'].includes(input.tagOf(p.id)) && !COMPACTION.test(p.text)) { run++; longest = Math.max(longest, run); }
      else { if (run >= (opts.minChain ?? 3)) chains++; run = 0; }
    }
    if (run >= (opts.minChain ?? 3)) chains++;
  }
  if (share < (opts.minShare ?? 0.15) && chains === 0) return [];
  const usd = churn.reduce((s, p) => s + sumCost(input, byPrompt.get(p.id)), 0);
  const tokens = churn.reduce((s, p) => s + (byPrompt.get(p.id) ?? []).reduce((t, c) => t + usageTotal(c.usage), 0), 0);
  // A plan agreed up front removes about half of the go-on / ok turns.
  return [{
    kind: 'churn',
    title: `${churn.length} of ${tagged.length} prompts (${Math.round(share * 100)} %) were "continue"/"ok" turns, ${chains} chains of ≥ ${opts.minChain ?? 3}`,
    advice: 'Start multi-step tasks with a prompt template that removes the need to say "continue": ' +
      '"Goal: … Done when: … Steps you may take without asking: edit, run tests, commit. Stop only to ask about: …". ' +
      'In Claude Code, accept edits for the session (shift+tab) instead of confirming each step.',
    evidence: { churn_prompts: churn.length, prompts: tagged.length, share_pct: round(share * 100, 1), chains, longest_chain: longest, tokens, usd: round(usd, 4) },
    trace: { view: 'tokens', search: '^prompt:(continue|confirm)$', stacks: ['prompt:continue', 'prompt:confirm'] },
    savingTokens: Math.round(tokens / 2),
    savingUsd: round(usd / 2, 4),
  }];
}

export function compactions(input: AdviseInput, opts: { minPerSession?: number } = {}): Finding[] {
  const { batch } = input;
  const comp = batch.prompts.filter((p) => p.kind === 'continue' && COMPACTION.test(p.text));
  if (!comp.length) return [];
  const callsBySession = groupBy(batch.calls, (c) => c.session);
  const perSession = groupBy(comp, (p) => p.session);
  let before = 0;
  for (const p of comp) {
    const prior = (callsBySession.get(p.session) ?? []).filter((c) => c.ts < p.ts).sort((a, b) => b.ts - a.ts)[0];
    if (prior) before += contextTokens(prior.usage);
  }
  const heavy = [...perSession.values()].filter((ps) => ps.length >= (opts.minPerSession ?? 2));
  if (!heavy.length) return [];
  const mean = Math.round(before / comp.length);
  return [{
    kind: 'compaction',
    title: `${comp.length} compactions in ${perSession.size} sessions (${heavy.length} compacted ≥ ${opts.minPerSession ?? 2} times), ~${fmtTokens(mean)} tokens of context before each`,
    advice: 'Sessions that compact repeatedly are doing several tasks in one thread: split them — one session per task — and put the ' +
      'facts every task needs in CLAUDE.md / AGENTS.md so a fresh session starts with them.',
    evidence: { compactions: comp.length, sessions: perSession.size, sessions_compacted_repeatedly: heavy.length, mean_context_before: mean },
    trace: { view: 'tokens', search: '^prompt:continue$', stacks: ['prompt:continue'] },
    savingTokens: 0,
    savingUsd: 0,
  }];
}

export function callBursts(input: AdviseInput, opts: { factor?: number; minPrompts?: number } = {}): Finding[] {
  const { batch } = input;
  const counts: number[] = [];
  const perPrompt = [...callsByPrompt(batch.calls)].filter(([p]) => p !== null) as [string, LlmCall[]][];
  if (perPrompt.length < (opts.minPrompts ?? 20)) return [];
  const digest = new TDigest();
  for (const [, calls] of perPrompt) { digest.push(calls.length); counts.push(calls.length); }
  digest.compress();
  const p50 = round(digest.percentile(0.5), 1), p95 = digest.percentile(0.95), p99 = digest.percentile(0.99);
  const limit = Math.max(10, p50 * (opts.factor ?? 5));
  const outliers = perPrompt.filter(([, calls]) => calls.length > limit);
  if (!outliers.length) return [];
  const byTag = groupBy(outliers, ([p]) => input.tagOf(p));
  const [topTag, topList] = [...byTag].sort((a, b) => b[1].length - a[1].length)[0];
  const usd = outliers.reduce((s, [, c]) => s + sumCost(input, c), 0);
  const excessCalls = outliers.reduce((s, [, c]) => s + c.length - p50, 0);
  const tokens = outliers.reduce((s, [, c]) => s + c.reduce((t, x) => t + usageTotal(x.usage), 0), 0);
  // The calls beyond the median, priced at the outliers' average call; half of them is what a clearer goal saves.
  const excessShare = excessCalls / Math.max(1, outliers.reduce((s, [, c]) => s + c.length, 0)) / 2;
  return [{
    kind: 'call-burst',
    title: `${outliers.length} prompts took over ${Math.round(limit)} LLM calls each (median ${p50}, p95 ${round(p95, 1)}); most were "${topTag}" (${topList.length})`,
    advice: `For "${topTag}" prompts, say what done looks like and which command verifies it ("run npm test -- foo; stop when it passes"); ` +
      'an open-ended request lets the agent loop. Consider a cheaper model for exploratory loops.',
    evidence: { prompts: perPrompt.length, outliers: outliers.length, p50, p95: round(p95, 1), p99: round(p99, 1), excess_calls: Math.round(excessCalls), tokens, usd: round(usd, 4) },
    trace: { view: 'ops', search: `^prompt:${topTag}$`, stacks: [`prompt:${topTag};call:llm/tool`] },
    savingTokens: Math.round(tokens * excessShare),
    savingUsd: round(usd * excessShare, 4),
  }];
}

export async function unmatchedShare(input: AdviseInput, opts: { maxShare?: number } = {}): Promise<Finding[]> {
  const human = input.batch.prompts.filter((p: Prompt) => p.kind === 'human');
  if (!human.length) return [];
  const matched = human.map((p) => input.tagOf(p.id) !== 'unmatched');
  const unmatched = matched.filter((m) => !m).length;
  const share = unmatched / human.length;
  if (share <= (opts.maxShare ?? 0.05)) return [];
  // Suggested rules are made of the prompts' own words: written into a report only when prompts may be.
  const suggestions = input.includePrompts ? await suggestRules(human.map((p) => p.text), matched, { max: 5 }) : [];
  const gain = suggestions.reduce((s, x) => s + x.gain, 0);
  return [{
    kind: 'unmatched',
    title: `${unmatched} of ${human.length} human prompts (${Math.round(share * 100)} %) match no tag rule`,
    advice: (suggestions.length ? `Add rules to agentpprof.rules (would tag ${gain} more prompts):\n` + formatSuggestions(suggestions) :
      'Run `agentpprof tags --suggest` (it shows the unmatched prompts and proposes rules, in your terminal only) and add the rules to agentpprof.rules.') +
      '\nVague prompts ("it doesn\'t work") cost more turns: a prompt template with the failing command and expected result helps.',
    evidence: { unmatched, prompts: human.length, share_pct: round(share * 100, 1), suggested_rules: suggestions.length, suggested_gain: gain },
    trace: { view: 'tokens', search: '^prompt:unmatched$', stacks: ['prompt:unmatched'] },
    savingTokens: 0,
    savingUsd: 0,
  }];
}

export function subagentFanout(input: AdviseInput, opts: { minShare?: number } = {}): Finding[] {
  const { batch } = input;
  const total = batch.calls.reduce((s, c) => s + input.costOf(c), 0);
  const side = batch.calls.filter((c) => c.sidechain);
  const usd = side.reduce((s, c) => s + input.costOf(c), 0);
  if (!total || usd / total < (opts.minShare ?? 0.25)) return [];
  const sessions = new Set(side.map((c) => c.session)).size;
  return [{
    kind: 'fanout',
    title: `subagents cost ${Math.round((usd / total) * 100)} % of the budget (${side.length} calls in ${sessions} sessions)`,
    advice: 'Subagents re-read context the main thread already has. Add to CLAUDE.md: "Use the Task tool only for searches ' +
      'across more than ~20 files; otherwise search directly." and give subagents a cheaper model (agent `model:` field).',
    evidence: { subagent_calls: side.length, sessions, usd: round(usd, 4), share_pct: round((usd / total) * 100, 1) },
    trace: { view: 'cost', search: 'tool:(Task|Agent)', stacks: ['tool:Task'] },
    savingTokens: 0,
    savingUsd: round(usd * 0.3, 4),
  }];
}
