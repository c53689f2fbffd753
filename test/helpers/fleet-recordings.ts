// Live recordings (`live --record` format, src/live/record.ts) of the examples/ corpus split over
// several hosts by session, one recorded batch per LLM call in time order (src/fleet/call-batches.ts),
// so a replay goes through the live pipeline as the calls happened. Returns each host's offline batch
// too, for the comparisons.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { callBatches } from '../../src/fleet/call-batches.js';
import type { EventBatch } from '../../src/model.js';
import { tagPrompts } from '../../src/profile/index.js';
import { redactPrompt, Recorder } from '../../src/live/record.js';
import { loadHistory } from '../../src/sources/index.js';
import { loadRules, RegexTagger } from '../../src/tag/index.js';

export interface HostRecording { host: string; file: string; batch: EventBatch }

/** Splits a corpus into per-host batches by session, round robin. */
export function splitHosts(b: EventBatch, hosts: string[]): Map<string, EventBatch> {
  const owner = new Map(b.sessions.map((s, i) => [s.id, hosts[i % hosts.length]]));
  return new Map(hosts.map((h) => {
    const keep = (sid: string | undefined) => sid !== undefined && owner.get(sid) === h;
    return [h, {
      sessions: b.sessions.filter((s) => keep(s.id)), prompts: b.prompts.filter((p) => keep(p.session)),
      calls: b.calls.filter((c) => keep(c.session)), tools: b.tools.filter((t) => keep(t.session)),
      effects: b.effects.filter((e) => keep(e.session)), processes: [], skipped: [], skippedCount: 0,
    }];
  }));
}

/**
 * `paceMs`: the recorded line timestamps (which pace a replay) are spaced evenly by paceMs from the
 * first call instead of following the corpus's days-long gaps; the events keep their own times.
 */
export async function hostRecordings(dir: string, hosts: string[], paceMs?: number): Promise<{ recordings: HostRecording[]; tags: Map<string, string> }> {
  const h = await loadHistory({ paths: ['examples'], threads: 0 });
  const { tags } = await tagPrompts(h, new RegexTagger(loadRules({ projectRoot: null }).rules));
  const perHost = splitHosts(h, hosts);
  mkdirSync(dir, { recursive: true });
  const recordings: HostRecording[] = [];
  for (const host of hosts) {
    const batch = perHost.get(host)!;
    const file = join(dir, `${host}.jsonl`);
    const rec = new Recorder(file);
    let line = 0, t0 = 0;
    // Prompts are recorded as `live --record` does: their tag, no text.
    for (const { ts, batch: b } of callBatches(batch, (p) => redactPrompt(p, tags.get(p.id), false))) {
      t0 ||= ts;
      rec.write({ batch: b }, paceMs ? t0 + paceMs * line++ : ts);
    }
    await rec.close();
    recordings.push({ host, file, batch });
  }
  return { recordings, tags };
}
