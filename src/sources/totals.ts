// Totals of a scan in the shape of the corpus generator's expected.json (scripts/gen-corpus/totals.ts):
// what tests and the ingest benchmark compare exactly.
import type { EventBatch, Usage } from '../model.js';

export interface Usage5 { input: number; output: number; cacheRead: number; cacheWrite5m: number; cacheWrite1h: number }

export interface ScanTotals {
  /** Top-level sessions (not subagent rollouts). */
  sessions: number;
  prompts: { human: number; continue: number };
  llmCalls: number;
  toolCalls: number;
  usage: Usage5;
  skippedLines: number;
  models: Record<string, { calls: number; usage: Usage5 }>;
}

const zero = (): Usage5 => ({ input: 0, output: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 });

function add(into: Usage5, u: Usage): void {
  into.input += u.input; into.output += u.output; into.cacheRead += u.cacheRead;
  into.cacheWrite5m += u.cacheWrite5m; into.cacheWrite1h += u.cacheWrite1h;
}

/** Totals overall (agent undefined) or for one agent. Skipped lines are per scan, so only overall. */
export function scanTotals(b: EventBatch, agent?: string): ScanTotals {
  const sessionAgent = new Map(b.sessions.map((s) => [s.id, s.agent]));
  const mine = (session: string) => !agent || sessionAgent.get(session) === agent;
  const t: ScanTotals = {
    sessions: b.sessions.filter((s) => (!agent || s.agent === agent) && !s.parent).length,
    prompts: { human: 0, continue: 0 }, llmCalls: 0, toolCalls: 0, usage: zero(),
    skippedLines: agent ? 0 : b.skippedCount, models: {},
  };
  for (const p of b.prompts) if (!p.sidechain && p.kind !== 'meta' && mine(p.session)) t.prompts[p.kind]++;
  for (const c of b.calls) {
    if (!mine(c.session)) continue;
    t.llmCalls++;
    add(t.usage, c.usage);
    const m = (t.models[c.model] ??= { calls: 0, usage: zero() });
    m.calls++;
    add(m.usage, c.usage);
  }
  for (const x of b.tools) if (mine(x.session)) t.toolCalls++;
  return t;
}
