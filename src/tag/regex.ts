// The regex tagger: ordered `TAG=REGEX` rules, the first rule whose regex matches a prompt names its tag
// (the seed's production default). Rules come from the command line, a rules file and the defaults in
// rules.ts; parsing is strict so a typo is an error that names the rule and where it came from.

import { UNMATCHED, type Rule, type TagResult, type Tagger } from './types.js';

export type { Rule } from './types.js';

/** Tags are short lowercase words (a dash or digit allowed after the first letter). */
export const TAG_NAME = /^[a-z][a-z0-9-]{0,19}$/;

/**
 * One rule from `TAG=REGEX`. Accepts the seed's spelling too: `prompt:debug='(?i)fix|error'` (a `prompt:`
 * prefix, quotes around the regex, a leading `(?i)`, which JavaScript regexes lack). Rules are
 * case-insensitive whatever they say: prompts are typed casually.
 */
export function parseRule(spec: string, origin: string): Rule {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new Error(`${origin}: expected TAG=REGEX, got ${JSON.stringify(spec.slice(0, 60))}`);
  const tag = spec.slice(0, eq).trim().replace(/^prompt:/, '').toLowerCase();
  let src = spec.slice(eq + 1).trim();
  if (src.length >= 2 && (src[0] === "'" || src[0] === '"') && src[src.length - 1] === src[0]) src = src.slice(1, -1);
  src = src.replace(/^\(\?i\)/, '');
  if (!TAG_NAME.test(tag)) {
    throw new Error(`${origin}: bad tag ${JSON.stringify(tag)} (a short lowercase word: letters, digits, '-')`);
  }
  if (!src) throw new Error(`${origin}: empty regex for tag "${tag}"`);
  try {
    return { tag, re: new RegExp(src, 'i'), origin };
  } catch (e) {
    throw new Error(`${origin}: bad regex for tag "${tag}": ${(e as Error).message}`);
  }
}

/** A rules file: one `TAG=REGEX` a line; blank lines and `#` comments skipped; errors name file:line. */
export function parseRulesFile(text: string, file: string): Rule[] {
  const rules: Rule[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '').trim();
    if (!line || line.startsWith('#')) return;
    rules.push(parseRule(line, `${file}:${i + 1}`));
  });
  return rules;
}

/**
 * Long prompts (pasted logs, compaction summaries) are matched on their head and tail only: the intent
 * is stated there, and a log's middle would match every rule.
 */
const HEAD = 3000;
const TAIL = 1000;
const window = (t: string) => (t.length <= HEAD + TAIL ? t : t.slice(0, HEAD) + '\n' + t.slice(-TAIL));

/** First matching rule for one text, or undefined. */
export function matchRule(rules: readonly Rule[], text: string): Rule | undefined {
  const t = window(text);
  for (const r of rules) if (r.re.test(t)) return r;
  return undefined;
}

export class RegexTagger implements Tagger {
  readonly name = 'regex';
  constructor(readonly rules: readonly Rule[]) {}
  async tagAll(texts: string[]): Promise<TagResult[]> {
    return this.tagSync(texts);
  }
  /** Same texts repeat a lot (ok, 继续, go on): each distinct text is matched once. */
  tagSync(texts: string[]): TagResult[] {
    const seen = new Map<string, TagResult>();
    return texts.map((text) => {
      let r = seen.get(text);
      if (!r) {
        const rule = matchRule(this.rules, text);
        r = rule ? { tag: rule.tag, matched: true, source: rule.origin } : { tag: UNMATCHED, matched: false };
        seen.set(text, r);
      }
      return r;
    });
  }
}
