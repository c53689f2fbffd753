// `agentpprof tags`: how well prompts are tagged — coverage, count and budget share per tag, the top
// unmatched prompts (on a terminal only, truncated, never in --json) and warnings — the loop the seed
// describes: run, read the unmatched, write rules, repeat until coverage passes 95 %.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { EventBatch } from '../model.js';
import { Pricer, costTotal } from '../cost/pricing.js';
import { tagOf, isTagged } from '../profile/status.js';
import { tagStats } from '../profile/status.js';
import { formatAmount } from '../render/text.js';
import { createTagger, loadRules, taggerOptions } from '../tag/index.js';
import { evaluate, formatEval, parseLabels } from '../tag/eval.js';
import { formatSuggestions, suggestRules } from '../tag/suggest.js';
import { UNMATCHED } from '../tag/types.js';
import { COMMON_HELP, COMMON_OPTIONS, loadAndTag, loadPrices } from './profile.js';

export const summary = 'tag coverage, count and budget share per tag, unmatched prompts to write rules from';

export const help = `agentpprof tags [OPTIONS] [PATHS…]

Coverage of the prompt tags, and per tag: prompts, share of prompts, share of tokens and of list-price cost.
On a terminal it also lists the most frequent unmatched prompts (truncated; never written to files or --json)
so you can add rules to ./agentpprof.rules and run again. Warns when > 5 % of prompts are unmatched or one
tag holds > 40 %.

${COMMON_HELP}
Output:
  --json                 the table as JSON (no prompt text)
  --top N                unmatched prompts to list (default 20)
  --show-unmatched       list unmatched prompts even when stdout is not a terminal
  --prices FILE          price overrides for the cost share (see agentpprof profile --help)
  --eval LABELS.tsv      measure the tagger on TAG<TAB>PROMPT lines: accuracy, coverage, per-tag precision/recall
  --suggest              propose TAG=REGEX rules for the unmatched prompts, with the coverage each would add`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  top: { type: 'string' },
  'show-unmatched': { type: 'boolean' },
  prices: { type: 'string' },
  eval: { type: 'string' },
  suggest: { type: 'boolean' },
} as const;

export interface TagRow {
  tag: string;
  prompts: number;
  prompt_share: number;
  tokens: number;
  token_share: number;
  cost: number;
  cost_share: number;
}

/** Per tag: prompts, and the tokens and cost of the calls answering them. Pure. */
export function tagTable(batch: EventBatch, tags: ReadonlyMap<string, string>, pricer = new Pricer()): TagRow[] {
  const rows = new Map<string, TagRow>();
  const row = (tag: string) => {
    let r = rows.get(tag);
    if (!r) rows.set(tag, (r = { tag, prompts: 0, prompt_share: 0, tokens: 0, token_share: 0, cost: 0, cost_share: 0 }));
    return r;
  };
  const promptTag = new Map<string, string>();
  for (const p of batch.prompts) {
    if (!isTagged(p.kind)) continue;
    const t = tagOf(p, tags);
    promptTag.set(p.id, t);
    row(t).prompts++;
  }
  let tokens = 0, cost = 0, prompts = 0;
  for (const c of batch.calls) {
    const r = row(c.prompt ? promptTag.get(c.prompt) ?? UNMATCHED : 'none');
    const u = c.usage;
    const t = u.input + u.output + u.cacheRead + u.cacheWrite5m + u.cacheWrite1h;
    const parts = pricer.cost(c.model, u);
    const usd = parts ? costTotal(parts) : 0;
    r.tokens += t; tokens += t;
    r.cost += usd; cost += usd;
  }
  for (const r of rows.values()) prompts += r.prompts;
  const share = (x: number, of: number) => (of > 0 ? Math.round((1000 * x) / of) / 10 : 0);
  for (const r of rows.values()) {
    r.prompt_share = share(r.prompts, prompts);
    r.token_share = share(r.tokens, tokens);
    r.cost_share = share(r.cost, cost);
  }
  return [...rows.values()].sort((a, b) => b.tokens - a.tokens || b.prompts - a.prompts || a.tag.localeCompare(b.tag));
}

/** The most frequent unmatched prompt texts, whitespace-collapsed and cut to `width` characters. */
export function topUnmatched(batch: EventBatch, tags: ReadonlyMap<string, string>, n: number, width = 100): { text: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const p of batch.prompts) {
    if (p.kind !== 'human' || tagOf(p, tags) !== UNMATCHED) continue;
    let t = p.text.replace(/\s+/g, ' ').trim();
    if (t.length > width) t = t.slice(0, width - 1) + '…';
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  return [...counts].map(([text, count]) => ({ text, count })).sort((a, b) => b.count - a.count || a.text.localeCompare(b.text)).slice(0, n);
}

export function tagWarnings(st: { prompts: number; unmatched: number; tag_counts: Record<string, number> }): string[] {
  const w: string[] = [];
  if (!st.prompts) return w;
  const un = (100 * st.unmatched) / st.prompts;
  if (un > 5) w.push(`${un.toFixed(1)}% of prompts are unmatched (> 5%): add rules for them`);
  for (const [tag, n] of Object.entries(st.tag_counts)) {
    const s = (100 * n) / st.prompts;
    if (tag !== UNMATCHED && s > 40) w.push(`tag "${tag}" holds ${s.toFixed(1)}% of prompts (> 40%): split it with more specific rules`);
  }
  return w;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { ...taggerOptions(), ...OPTIONS }, allowPositionals: true, strict: true });
  const top = values.top !== undefined ? Number(values.top) : 20;
  if (values.eval) return runEval(values, values.eval);

  const { batch, tags, results, taggerName, ruleFiles } = await loadAndTag(values, positionals);
  const st = tagStats(batch, tags);
  const rows = tagTable(batch, tags, new Pricer(loadPrices(values.prices)));
  const warns = tagWarnings(st);
  if (values.json) {
    process.stdout.write(JSON.stringify({ tagger: taggerName, rule_files: ruleFiles.length, sessions: batch.sessions.length, ...st, warnings: warns, tags: rows }, null, 2) + '\n');
    return 0;
  }
  const out: string[] = [];
  out.push(`tagger ${taggerName}${ruleFiles.length ? ` (rules: ${ruleFiles.length} file${ruleFiles.length > 1 ? 's' : ''} + defaults)` : ''}: ` +
    `${st.prompts} prompts in ${batch.sessions.length} sessions, coverage ${st.coverage_pct}% (${st.matched} matched, ${st.unmatched} unmatched)`);
  out.push('', `  ${'tag'.padEnd(12)} ${'prompts'.padStart(8)} ${'share'.padStart(7)} ${'tokens'.padStart(9)} ${'share'.padStart(7)} ${'cost'.padStart(9)} ${'share'.padStart(7)}`);
  for (const r of rows) {
    out.push(`  ${r.tag.padEnd(12)} ${String(r.prompts).padStart(8)} ${(r.prompt_share + '%').padStart(7)} ${formatAmount(r.tokens, 'tokens').padStart(9)} ${(r.token_share + '%').padStart(7)} ${formatAmount(r.cost, 'usd').padStart(9)} ${(r.cost_share + '%').padStart(7)}`);
  }
  if (process.stdout.isTTY || values['show-unmatched']) {
    const un = topUnmatched(batch, tags, top);
    if (un.length) {
      out.push('', `Top unmatched prompts (shown here only, never written to outputs):`);
      for (const u of un) out.push(`  ${String(u.count).padStart(4)}×  ${u.text}`);
    }
  }
  if (values.suggest) {
    const human = batch.prompts.filter((p) => p.kind === 'human');
    const s = await suggestRules(human.map((p) => p.text), human.map((p) => results.get(p.id)?.matched ?? false));
    out.push('', formatSuggestions(s));
  }
  for (const w of warns) out.push(`warning: ${w}`);
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}

async function runEval(values: Record<string, unknown>, file: string): Promise<number> {
  const labels = parseLabels(readFileSync(file, 'utf8'), file);
  const { rules } = loadRules({
    cli: values['tag-rule'] as string[] | undefined,
    files: values.rules as string[] | undefined,
    projectRoot: process.cwd(),
    noDefaults: Boolean(values['no-default-rules']),
  });
  const name = (values.tagger as string | undefined) ?? 'regex';
  const tagger = await createTagger(name, { rules, options: values });
  const report = evaluate(labels, await tagger.tagAll(labels.map((l) => l.prompt)));
  process.stdout.write(values.json ? JSON.stringify({ tagger: name, ...report }, null, 2) + '\n' : formatEval(name, report) + '\n');
  return 0;
}
