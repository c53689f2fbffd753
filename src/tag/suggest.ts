// Rule suggestions for the prompts the rules leave unmatched: cluster them, turn each cluster's most
// frequent distinctive terms into one `tag=regex` rule, and measure what the rule would gain (newly
// matched prompts) and disturb (already-matched prompts it would re-tag, since user rules come first).

import { clusterPrompts } from './cluster.js';
import { keywordToTag, usefulTerm } from './lexicon.js';
import { isCjk, terms } from './tokenize.js';
import type { Tagger } from './types.js';

export interface Suggestion {
  tag: string;
  regex: string;
  /** Unmatched prompts the rule would match. */
  gain: number;
  /** Coverage gain in percentage points of all tagged prompts. */
  gainPct: number;
  /** Already-matched prompts the rule would re-tag. */
  retags: number;
  keywords: string[];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function termRegex(term: string): string {
  if (isCjk(term)) return escape(term);
  return '\\b' + term.split(' ').map(escape).join('\\s+') + '\\b';
}

export interface SuggestOptions {
  /** At most this many rules. */
  max?: number;
  /** Ignore rules gaining fewer prompts. */
  minGain?: number;
  /** Names a cluster from its samples (e.g. the LLM tagger's majority answer). */
  namer?: Tagger;
}

export async function suggestRules(all: string[], matched: boolean[], opts: SuggestOptions = {}): Promise<Suggestion[]> {
  const unmatched = all.filter((_, i) => !matched[i]);
  if (unmatched.length < 2) return [];
  const clustering = clusterPrompts(unmatched, { kMin: Math.min(5, unmatched.length - 1) });
  // Clusters that name the same intent become one rule: tag → its keywords, most frequent first.
  const byTag = new Map<string, string[]>();
  for (const [ci, c] of clustering.clusters.entries()) {
    const members = unmatched.filter((_, i) => clustering.assign[i] === ci);
    // Terms present in at least a quarter of the cluster, most frequent first, at most three.
    const df = new Map<string, number>();
    for (const m of members) for (const t of new Set(terms(m))) df.set(t, (df.get(t) ?? 0) + 1);
    const keywords = [...df].filter(([t, n]) => n >= Math.max(2, members.length / 4) && usefulTerm(t))
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 3).map(([t]) => t);
    if (!keywords.length) continue;
    let tag = keywords.map(keywordToTag).find((t): t is string => Boolean(t)) ?? c.tag;
    if (opts.namer) {
      const votes = new Map<string, number>();
      for (const r of await opts.namer.tagAll(members.slice(0, 8))) if (r.matched) votes.set(r.tag, (votes.get(r.tag) ?? 0) + 1);
      tag = [...votes].sort((a, b) => b[1] - a[1])[0]?.[0] ?? tag;
    }
    byTag.set(tag, [...new Set([...(byTag.get(tag) ?? []), ...keywords])].slice(0, 6));
  }
  const out: Suggestion[] = [];
  for (const [tag, keywords] of byTag) {
    const regex = `(?i)(${keywords.map(termRegex).join('|')})`;
    const re = new RegExp(regex.slice(4), 'i');
    let gain = 0, retags = 0;
    all.forEach((p, i) => { if (re.test(p)) matched[i] ? retags++ : gain++; });
    if (gain < (opts.minGain ?? 2)) continue;
    out.push({ tag, regex, gain, gainPct: Math.round((gain / all.length) * 1000) / 10, retags, keywords });
  }
  return out.sort((a, b) => b.gain - a.gain || a.tag.localeCompare(b.tag)).slice(0, opts.max ?? 10);
}

export function formatSuggestions(s: Suggestion[]): string {
  if (!s.length) return '# no rule suggestions: too few unmatched prompts share words';
  return ['# paste into agentpprof.rules (user rules run before the defaults)',
    ...s.map((x) => `${x.tag}=${x.regex}    # +${x.gain} prompts (+${x.gainPct} pts coverage)${x.retags ? `, re-tags ${x.retags} matched` : ''}`)].join('\n');
}
