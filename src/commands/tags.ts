// `agentpprof tags`: how well prompts are tagged — coverage, count and budget share per tag, the top
// unmatched prompts (on a terminal only, truncated, never in --json) and warnings — the loop the seed
// describes: run, read the unmatched, write rules, repeat until coverage passes 95 %.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { countBatch, isMainPrompt, type EventBatch } from '../model.js';
import { Pricer, costTotal } from '../cost/pricing.js';
import { tagOf, isTagged } from '../profile/status.js';
import { coverageText, tagStats } from '../profile/status.js';
import { formatAmount } from '../render/text.js';
import { createTagger, loadRules, taggerOptions } from '../tag/index.js';
import { evaluate, formatEval, parseLabels } from '../tag/eval.js';
import { formatSuggestions, suggestRules } from '../tag/suggest.js';
import { clusterPrompts } from '../tag/cluster.js';
import { languageCounts } from '../tag/lang.js';
import { stability } from '../tag/llm.js';
import { modelConfigured } from '../tag/backends.js';
import { UNMATCHED } from '../tag/types.js';
import { COMMON_HELP, COMMON_OPTIONS, loadAndTag, loadPrices, taggerFrom } from './profile.js';
import { usageError } from '../util/cli-error.js';

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
  --suggest              propose TAG=REGEX rules for the unmatched prompts, with the coverage each would add
                         (named by the model when --model/--llm-url is given)
  --clusters             cluster the human prompts (TF-IDF + k-means, k by silhouette): keywords, size and,
                         on a terminal, a few samples per cluster
  --stability N          run the tagger N times (no cache) and report the share of prompts tagged the same
                         every time (with --eval: on the labeled prompts)
Languages (fastText lid.176: en, zh, mixed, …) are counted per prompt and reported with the table.`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  top: { type: 'string' },
  'show-unmatched': { type: 'boolean' },
  prices: { type: 'string' },
  eval: { type: 'string' },
  suggest: { type: 'boolean' },
  clusters: { type: 'boolean' },
  stability: { type: 'string' },
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
    // A subagent's task prompt names the tag of its unlinked calls but is not a prompt of its own.
    if (isMainPrompt(p)) row(t).prompts++;
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
    if (p.kind !== 'human' || !isMainPrompt(p) || tagOf(p, tags) !== UNMATCHED) continue;
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
  const counts = countBatch(batch);
  const rows = tagTable(batch, tags, new Pricer(loadPrices(values.prices)));
  const warns = tagWarnings(st);
  const human = batch.prompts.filter((p) => p.kind === 'human');
  const languages = await languageCounts(human.map((p) => p.text));
  const stab = values.stability ? await stabilityOf(values, human.map((p) => p.text)) : undefined;
  const clusters = values.clusters ? clusterPrompts(human.map((p) => p.text)) : undefined;
  if (values.json) {
    process.stdout.write(JSON.stringify({
      tagger: taggerName, rule_files: ruleFiles.length, sessions: counts.sessions, calls: counts.calls, ...st, languages, warnings: warns, tags: rows,
      ...(stab ? { stability: stab } : {}),
      ...(clusters ? { clusters: { k: clusters.k, silhouette: clusters.silhouette, tried: clusters.tried, list: clusters.clusters.map(({ tag, keywords, size }) => ({ tag, keywords, size })) } } : {}),
    }, null, 2) + '\n');
    return 0;
  }
  const out: string[] = [];
  out.push(`tagger ${taggerName}${ruleFiles.length ? ` (rules: ${ruleFiles.length} file${ruleFiles.length > 1 ? 's' : ''}${values['no-default-rules'] ? '' : ' + defaults'})` : ''}: ` +
    `${st.prompts} prompts in ${counts.sessions} sessions, coverage ${coverageText(st)} (${st.matched} matched, ${st.unmatched} unmatched)`);
  out.push('', `  ${'tag'.padEnd(12)} ${'prompts'.padStart(8)} ${'share'.padStart(7)} ${'tokens'.padStart(9)} ${'share'.padStart(7)} ${'cost'.padStart(9)} ${'share'.padStart(7)}`);
  for (const r of rows) {
    out.push(`  ${r.tag.padEnd(12)} ${String(r.prompts).padStart(8)} ${(r.prompt_share + '%').padStart(7)} ${formatAmount(r.tokens, 'tokens').padStart(9)} ${(r.token_share + '%').padStart(7)} ${formatAmount(r.cost, 'usd').padStart(9)} ${(r.cost_share + '%').padStart(7)}`);
  }
  const langTotal = Object.values(languages).reduce((a, b) => a + b, 0);
  if (langTotal) out.push('', `  languages: ${Object.entries(languages).sort((a, b) => b[1] - a[1]).map(([l, n]) => `${l} ${Math.round((100 * n) / langTotal)}%`).join(', ')}`);
  if (stab) out.push(`  stability: ${stab.stable}/${stab.total} prompts tagged identically in ${stab.runs} runs (${(stab.share * 100).toFixed(1)}%)`);
  const local = process.stdout.isTTY || values['show-unmatched'];
  if (clusters) {
    out.push('', `Clusters of the human prompts: k=${clusters.k} (silhouette ${clusters.silhouette}; tried ${clusters.tried.map((t) => `${t.k}:${t.silhouette}`).join(' ')})`);
    for (const c of [...clusters.clusters].sort((a, b) => b.size - a.size)) {
      out.push(`  ${c.tag.padEnd(12)} ${String(c.size).padStart(6)}  ${c.keywords.join(', ')}`);
      if (local) for (const i of c.samples.slice(0, 3)) out.push(`      · ${human[i].text.replace(/\s+/g, ' ').slice(0, 90)}`);
    }
  }
  if (local) {
    const un = topUnmatched(batch, tags, top);
    if (un.length) {
      out.push('', `Top unmatched prompts (shown here only, never written to outputs):`);
      for (const u of un) out.push(`  ${String(u.count).padStart(4)}×  ${u.text}`);
    }
  }
  if (values.suggest) {
    const namer = modelConfigured(values) ? await createTagger('llm', { rules: loadRules({ projectRoot: null }).rules, options: values }) : undefined;
    const s = await suggestRules(human.map((p) => p.text), human.map((p) => results.get(p.id)?.matched ?? false), { namer });
    out.push('', formatSuggestions(s));
  }
  for (const w of warns) out.push(`warning: ${w}`);
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}

async function runEval(values: Record<string, unknown>, file: string): Promise<number> {
  const labels = parseLabels(readFileSync(file, 'utf8'), file);
  const { tagger, name } = await taggerFrom(values);
  const report = evaluate(labels, await tagger.tagAll(labels.map((l) => l.prompt)));
  const stab = values.stability ? await stabilityOf(values, labels.map((l) => l.prompt)) : undefined;
  process.stdout.write(values.json ? JSON.stringify({ tagger: name, ...report, ...(stab ? { stability: stab } : {}) }, null, 2) + '\n'
    : formatEval(name, report) + (stab ? `\n  stability: ${stab.stable}/${stab.total} identical in ${stab.runs} runs (${(stab.share * 100).toFixed(1)}%)` : '') + '\n');
  return 0;
}

/** Runs the chosen tagger N times on the prompts, without the LLM cache, and reports the stable share. */
async function stabilityOf(values: Record<string, unknown>, texts: string[]) {
  const runs = Number(values.stability);
  if (!(runs >= 2)) throw usageError(`--stability expects a number of runs ≥ 2, got "${String(values.stability)}"`);
  // A fresh tagger per run, without the LLM cache, built from the same options as the tagging itself.
  const fresh = { ...values, 'no-llm-cache': true };
  const r = await stability(() => ({ name: 'fresh', tagAll: async (t: string[]) => (await taggerFrom(fresh)).tagger.tagAll(t) }), texts, runs);
  return { runs, ...r };
}
