// Live recordings (`live --record` format, src/live/record.ts) of the examples/ corpus split over
// several hosts by session: one recorded batch per LLM call (its session and prompt the first time,
// the call, its tool calls and their effects), in time order, so a replay goes through the live
// pipeline as the calls happened. Returns each host's offline batch too, for the comparisons.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Effect, EventBatch } from '../../src/model.js';
import { tagPrompts } from '../../src/profile/index.js';
import { redactPrompt, Recorder } from '../../src/live/record.js';
import { loadHistory } from '../../src/sources/index.js';
import { loadRules, RegexTagger } from '../../src/tag/index.js';
import { groupBy } from '../../src/util/collections.js';

export interface HostRecording { host: string; file: string; batch: EventBatch }

const only = (b: EventBatch, keep: (sid: string | undefined) => boolean): EventBatch => ({
  sessions: b.sessions.filter((s) => keep(s.id)), prompts: b.prompts.filter((p) => keep(p.session)),
  calls: b.calls.filter((c) => keep(c.session)), tools: b.tools.filter((t) => keep(t.session)),
  effects: b.effects.filter((e) => keep(e.session)), processes: [], skipped: [], skippedCount: 0,
});

/**
 * `paceMs`: the recorded line timestamps (which pace a replay) are spaced evenly by paceMs from the
 * first call instead of following the corpus's days-long gaps; the events keep their own times.
 */
export async function hostRecordings(dir: string, hosts: string[], paceMs?: number): Promise<{ recordings: HostRecording[]; tags: Map<string, string> }> {
  const h = await loadHistory({ paths: ['examples'], threads: 0 });
  const { tags } = await tagPrompts(h, new RegexTagger(loadRules({ projectRoot: null }).rules));
  const owner = new Map(h.sessions.map((s, i) => [s.id, hosts[i % hosts.length]]));
  mkdirSync(dir, { recursive: true });
  const recordings: HostRecording[] = [];
  for (const host of hosts) {
    const batch = only(h, (sid) => sid !== undefined && owner.get(sid) === host);
    const file = join(dir, `${host}.jsonl`);
    const rec = new Recorder(file);
    const sessions = new Map(batch.sessions.map((s) => [s.id, s]));
    const prompts = new Map(batch.prompts.map((p) => [p.id, p]));
    const toolsByCall = groupBy(batch.tools, (t) => t.llmCall);
    const effectsByTool = groupBy(batch.effects, (e) => e.toolCall ?? '');
    const t0 = Math.min(...batch.calls.map((c) => c.ts));
    let line = 0;
    const at = (ts: number) => (paceMs ? t0 + paceMs * line++ : ts);
    const sent = new Set<string>();
    const sentEffects = new Set<Effect>();
    const once = <T>(id: string, v: T | undefined): T[] => (v && !sent.has(id) ? (sent.add(id), [v]) : []);
    for (const c of [...batch.calls].sort((a, b) => a.ts - b.ts)) {
      const tools = toolsByCall.get(c.id) ?? [];
      for (const t of tools) sent.add(t.id);
      const effects = tools.flatMap((t) => effectsByTool.get(t.id) ?? []);
      for (const e of effects) sentEffects.add(e);
      const p = c.prompt ? prompts.get(c.prompt) : undefined;
      rec.write({ batch: {
        sessions: once(c.session, sessions.get(c.session)),
        prompts: once(c.prompt ?? '', p).map((x) => redactPrompt(x, tags.get(x.id), false)),
        calls: [c], tools, effects,
      } }, at(c.ts));
    }
    // Sessions without calls, tools without a known call, effects without a tool: one last batch.
    const rest = {
      sessions: batch.sessions.filter((s) => !sent.has(s.id)),
      prompts: batch.prompts.filter((p) => !sent.has(p.id)).map((x) => redactPrompt(x, tags.get(x.id), false)),
      tools: batch.tools.filter((t) => !sent.has(t.id)), effects: batch.effects.filter((e) => !sentEffects.has(e)),
    };
    const last = Math.max(0, ...batch.calls.map((c) => c.ts));
    rec.write({ batch: rest }, at(last + 1));
    await rec.close();
    recordings.push({ host, file, batch });
  }
  return { recordings, tags };
}
