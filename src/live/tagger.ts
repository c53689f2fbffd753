// The tagger live mode uses when the caller gives none: the first intent word of the prompt (via the
// shared lexicon). A stand-in for the regex rules tagger; `live --tagger` picks any tag/ backend.
import { keywordToTag } from '../tag/lexicon.js';
import { segments } from '../tag/tokenize.js';
import { UNMATCHED, type TagResult, type Tagger } from '../tag/types.js';

export class FirstWordTagger implements Tagger {
  readonly name = 'first-word';
  async tagAll(texts: string[]): Promise<TagResult[]> {
    return texts.map((t) => {
      const tag = segments(t).map(keywordToTag).find((x): x is string => !!x);
      return tag ? { tag, matched: true, source: 'first-word' } : { tag: UNMATCHED, matched: false };
    });
  }
}
