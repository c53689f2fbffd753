// A history as the live pipeline would receive it: one batch per LLM call in time order (its session
// and prompt the first time they appear, the call, its tool calls and their effects), then one batch
// with whatever no call claimed. Used to record fleet test activity and to drive the push benchmark.
import type { Effect, EventBatch, Prompt } from '../model.js';
import { groupBy } from '../util/collections.js';

export function* callBatches(batch: EventBatch, prompt: (p: Prompt) => Prompt = (p) => p): Generator<{ ts: number; batch: Partial<EventBatch> }> {
  const sessions = new Map(batch.sessions.map((s) => [s.id, s]));
  const prompts = new Map(batch.prompts.map((p) => [p.id, p]));
  const toolsByCall = groupBy(batch.tools, (t) => t.llmCall);
  const effectsByTool = groupBy(batch.effects, (e) => e.toolCall ?? '');
  const sent = new Set<string>();
  const sentEffects = new Set<Effect>();
  const once = <T>(id: string, v: T | undefined): T[] => (v && !sent.has(id) ? (sent.add(id), [v]) : []);
  let last = 0;
  for (const c of [...batch.calls].sort((a, b) => a.ts - b.ts)) {
    const tools = toolsByCall.get(c.id) ?? [];
    for (const t of tools) sent.add(t.id);
    const effects = tools.flatMap((t) => effectsByTool.get(t.id) ?? []);
    for (const e of effects) sentEffects.add(e);
    last = c.ts;
    yield { ts: c.ts, batch: {
      sessions: once(c.session, sessions.get(c.session)),
      prompts: once(c.prompt ?? '', c.prompt ? prompts.get(c.prompt) : undefined).map(prompt),
      calls: [c], tools, effects,
    } };
  }
  yield { ts: last + 1, batch: {
    sessions: batch.sessions.filter((s) => !sent.has(s.id)),
    prompts: batch.prompts.filter((p) => !sent.has(p.id)).map(prompt),
    tools: batch.tools.filter((t) => !sent.has(t.id)), effects: batch.effects.filter((e) => !sentEffects.has(e)),
  } };
}
