// What every tagger backend (regex rules, clustering, local LLM, hybrid) provides: prompt text in,
// one short lowercase tag out, in the same order. Only human and continue prompts are tagged.

export interface TagResult {
  /** Short lowercase word: debug, review, git, … or `unmatched`. */
  tag: string;
  matched: boolean;
  /** Which rule / cluster / model produced it (for `tags` diagnostics). */
  source?: string;
}

export interface Tagger {
  readonly name: string;
  tagAll(texts: string[]): Promise<TagResult[]>;
}

export const UNMATCHED = 'unmatched';

/** What a backend factory gets: the ordered rules (user first, then defaults) and every parsed CLI value. */
export interface TaggerContext {
  rules: Rule[];
  options: Record<string, unknown>;
}

/** A parseArgs option spec, as node:util's parseArgs takes it. */
export type OptionSpec = { type: 'string' | 'boolean'; multiple?: boolean; short?: string; default?: string | boolean };

export interface TaggerEntry {
  create(ctx: TaggerContext): Tagger | Promise<Tagger>;
  /** Extra CLI options this backend reads from ctx.options (merged into `profile` and `tags`). */
  options?: Record<string, OptionSpec>;
  /** One line for --help. */
  help: string;
}

/** One tagging rule: the first whose regex matches a prompt gives its tag. */
export interface Rule {
  tag: string;
  re: RegExp;
  /** Where the rule came from: `file:line`, `--tag-rule #2` or `default #5` — named in errors and by `tags`. */
  origin: string;
}
