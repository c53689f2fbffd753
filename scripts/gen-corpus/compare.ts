// Totals of what a reader produced (an EventBatch), in the shape of expected.json, and a readable diff.
// Used by test/gen-corpus.test.ts and scripts/bench/ingest.ts to check readers against the generator.
import type { EventBatch } from '../../src/model.js';
import { emptyTotals, mergeTotals, zeroUsage, addUsage, type Totals, type Expected } from './totals.js';

/** A per-agent figure the batch cannot tell (skipped lines when the reader kept only some examples). */
export const UNKNOWN = -1;

export function totalsOfBatch(b: EventBatch, roots: Record<string, string>): { overall: Totals; agents: Record<string, Totals> } {
  const agents: Record<string, Totals> = {};
  const of = (a: string) => (agents[a] ??= emptyTotals());
  for (const a of Object.keys(roots)) of(a);
  const agentOf = new Map<string, string>();
  for (const s of b.sessions) {
    agentOf.set(s.id, s.agent);
    if (s.parent) of(s.agent).subagents++;
    else of(s.agent).sessions++;
  }
  const agent = (session: string) => agentOf.get(session) ?? 'unknown';
  for (const p of b.prompts) {
    if (p.sidechain) continue;
    if (p.kind === 'human') of(agent(p.session)).prompts.human++;
    else if (p.kind === 'continue') of(agent(p.session)).prompts.continue++;
  }
  for (const c of b.calls) {
    const t = of(agent(c.session));
    const u = { input: c.usage.input, output: c.usage.output, cacheRead: c.usage.cacheRead, cacheWrite5m: c.usage.cacheWrite5m, cacheWrite1h: c.usage.cacheWrite1h };
    t.llmCalls++;
    addUsage(t.usage, u);
    const m = (t.models[c.model] ??= { calls: 0, usage: zeroUsage() });
    m.calls++;
    addUsage(m.usage, u);
  }
  for (const tc of b.tools) of(agent(tc.session)).toolCalls++;
  // Skipped lines per agent: all of them when there is one agent, else from the kept examples — exact
  // only when none were left out; otherwise UNKNOWN (-1), which diffTotals does not compare.
  const names = Object.keys(roots);
  if (names.length === 1) of(names[0]).skippedLines = b.skippedCount;
  else if (b.skipped.length !== b.skippedCount) for (const a of names) of(a).skippedLines = UNKNOWN;
  else {
    for (const s of b.skipped) {
      const a = Object.entries(roots).find(([, dir]) => s.file.includes(`/${dir}/`))?.[0] ?? 'unknown';
      of(a).skippedLines++;
    }
  }
  const overall = emptyTotals();
  for (const t of Object.values(agents)) mergeTotals(overall, { ...t, skippedLines: 0 });
  overall.skippedLines = b.skippedCount;
  return { overall, agents };
}

/**
 * Leaf-by-leaf differences, `path: expected → actual`. Empty when equal. `subagents` is informational
 * (a reader may fold subagent transcripts into their parent session instead of emitting child Sessions).
 */
export function diffTotals(expected: Pick<Expected, 'overall' | 'agents'>, actual: { overall: Totals; agents: Record<string, Totals> }): string[] {
  const out: string[] = [];
  const walk = (path: string, e: unknown, a: unknown) => {
    if (typeof e === 'object' && e !== null || typeof a === 'object' && a !== null) {
      const eo = (e ?? {}) as Record<string, unknown>;
      const ao = (a ?? {}) as Record<string, unknown>;
      for (const k of new Set([...Object.keys(eo), ...Object.keys(ao)])) if (k !== 'subagents') walk(path ? `${path}.${k}` : k, eo[k], ao[k]);
    } else if (e !== a && a !== UNKNOWN) out.push(`${path}: ${String(e)} → ${String(a)}`);
  };
  walk('overall', expected.overall, actual.overall);
  walk('agents', expected.agents, actual.agents);
  return out;
}
