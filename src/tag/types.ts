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
