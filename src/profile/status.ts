// The JSON status block: what was read, how well prompts were tagged, what could not be priced.

import { countBatch, COUNTS_DEFINITION, isMainPrompt, type EventBatch, type Prompt } from '../model.js';
import type { Status } from './types.js';
import { UNMATCHED } from '../tag/types.js';

/** Prompts that carry a tag: typed by a person, or harness text that resumes work. */
export const isTagged = (kind: string): boolean => kind === 'human' || kind === 'continue';

/** A prompt's tag: the tagger's answer; harness continuations are `continue` even when untagged. */
export function tagOf(p: Prompt, tags: ReadonlyMap<string, string>): string {
  return tags.get(p.id) ?? (p.kind === 'continue' ? 'continue' : UNMATCHED);
}

export interface TagStats {
  prompts: number;
  matched: number;
  unmatched: number;
  /** null when there is no prompt to cover (shown as n/a, never as 100 %). */
  coverage_pct: number | null;
  tag_counts: Record<string, number>;
}

export function tagStats(batch: EventBatch, tags: ReadonlyMap<string, string>): TagStats {
  return tagStatsOf(batch.prompts.filter(isMainPrompt).map((p) => tagOf(p, tags)));
}

/** Coverage and counts per tag of the counted prompts' tags (offline from a batch, live as they arrive). */
export function tagStatsOf(promptTags: Iterable<string>): TagStats {
  const counts: Record<string, number> = {};
  let prompts = 0, unmatched = 0;
  for (const tag of promptTags) {
    prompts++;
    if (tag === UNMATCHED) unmatched++;
    counts[tag] = (counts[tag] ?? 0) + 1;
  }
  const matched = prompts - unmatched;
  const sorted = Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
  return { prompts, matched, unmatched, coverage_pct: prompts ? round1((100 * matched) / prompts) : null, tag_counts: sorted };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** "97.5%", or "n/a" when no prompt was read. */
export const coverageText = (st: { coverage_pct: number | null }): string => (st.coverage_pct === null ? 'n/a' : `${st.coverage_pct}%`);

export function timeRange(batch: EventBatch): { start: number; end: number } | undefined {
  let start = Infinity, end = -Infinity;
  for (const s of batch.sessions) {
    if (Number.isFinite(s.start) && s.start < start) start = s.start;
    if (Number.isFinite(s.end) && s.end > end) end = s.end;
  }
  return start <= end ? { start, end } : undefined;
}

export function makeStatus(batch: EventBatch, tags: ReadonlyMap<string, string>, extra: Record<string, unknown>): Status {
  const n = countBatch(batch);
  return {
    sessions: n.sessions,
    subagent_sessions: n.subagents,
    ...tagStats(batch, tags),
    prompt_kinds: n.promptKinds,
    calls: n.calls,
    tool_calls: n.tools,
    counted: COUNTS_DEFINITION,
    unknown_models: [],
    skipped_lines: batch.skippedCount,
    time_range: timeRange(batch),
    ...extra,
  };
}
