// Runs a tagger over the prompts that carry tags (human and continue) → prompt id → tag.
// Continuations are `continue` by kind whatever the tagger says: they resume, they state no intent.

import type { EventBatch } from '../model.js';
import type { Tagger, TagResult } from '../tag/types.js';
import { isTagged } from './status.js';

export async function tagPrompts(batch: EventBatch, tagger: Tagger): Promise<{ tags: Map<string, string>; results: Map<string, TagResult> }> {
  const human = batch.prompts.filter((p) => p.kind === 'human');
  const answers = await tagger.tagAll(human.map((p) => p.text));
  const tags = new Map<string, string>();
  const results = new Map<string, TagResult>();
  human.forEach((p, i) => { tags.set(p.id, answers[i].tag); results.set(p.id, answers[i]); });
  for (const p of batch.prompts) {
    if (p.kind === 'continue' && isTagged(p.kind)) {
      tags.set(p.id, 'continue');
      results.set(p.id, { tag: 'continue', matched: true, source: 'kind:continue' });
    }
  }
  return { tags, results };
}
