// Drives the writers: picks the user, projects and a 30-day timeline from the seed, then writes sessions
// for each agent until the session count or the byte target is reached. Returns expected.json's content.
import { Rng } from './rng.js';
import { Sink } from './sink.js';
import { Tally, type Expected } from './totals.js';
import { makeProjects, USERS, type Project } from './content.js';
import { planSession, type Ensure } from './plan.js';
import { Showcase } from './showcase.js';
import { writeClaudeSession, type ClaudeEra, type ClaudeSessionOut } from './claude.js';
import { writeCodexSession } from './codex.js';
import { writeGeminiSession } from './gemini.js';

export type AgentKind = 'claude' | 'codex' | 'gemini';

export interface GenOptions {
  out: string;
  seed: number;
  agents: AgentKind[];
  /** Stop after this many sessions… */
  sessions?: number;
  /** …or once this many bytes are written. */
  bytes?: number;
  onProgress?: (bytes: number, sessions: number) => void;
}

export const ROOTS: Record<AgentKind, string> = { claude: 'claude', codex: 'codex', gemini: 'gemini' };

/** Fixed end of the timeline: the same seed gives the same bytes on any day. */
const END = Date.UTC(2026, 4, 31, 18, 0, 0);
const DAY = 86_400_000;

export interface AgentWriter {
  write(plan: ReturnType<typeof planSession>, project: Project): void;
}

export async function generate(o: GenOptions): Promise<Expected> {
  const rng = new Rng(o.seed);
  const user = rng.pick(USERS);
  const projects = makeProjects(rng, user, rng.int(4, 6));
  const sink = new Sink(o.out);
  const tally = new Tally();
  for (const a of o.agents) tally.of(a);
  const lastClaude = new Map<string, ClaudeSessionOut>();
  const show = new Showcase();
  const ERAS: ClaudeEra[] = ['new', 'mid', 'old'];
  const nth: Record<AgentKind, number> = { claude: 0, codex: 0, gemini: 0 };
  const writers: Record<AgentKind, AgentWriter> = {
    claude: {
      write(plan, project) {
        // The first three sessions show each era's subagent layout (subagents/, agent-*.jsonl, inline).
        const era = ERAS[nth.claude] ?? rng.weighted<ClaudeEra>([['new', 5], ['mid', 3], ['old', 2]]);
        const prev = lastClaude.get(project.cwd);
        const resume = prev && prev.era !== 'old' && era !== 'old' && show.take(rng, 'resume', 0.12) ? prev : null;
        lastClaude.set(project.cwd, writeClaudeSession({ rng, tally, sink, root: ROOTS.claude, show }, plan, era, resume));
      },
    },
    codex: { write: (plan) => writeCodexSession({ rng, tally, sink, root: ROOTS.codex, show }, plan) },
    gemini: { write: (plan) => writeGeminiSession({ rng, tally, sink, root: ROOTS.gemini, show }, plan) },
  };
  const weights = o.agents.map((a) => [a, a === 'claude' ? 5.5 : a === 'codex' ? 3 : 1.5] as const);
  let n = 0;
  const target = o.sessions ?? Infinity;
  const bytes = o.bytes ?? Infinity;
  // With a session count, make sure every requested agent appears at least a few times.
  const forced: AgentKind[] = o.sessions ? o.agents.flatMap((a) => [a, a, a]).slice(0, o.sessions) : [];
  while (n < target && sink.bytes < bytes) {
    const agent = forced[n] ?? rng.weighted(weights);
    const project = rng.pick(projects);
    const start = END - 30 * DAY + Math.floor(rng.next() * 29 * DAY);
    const ensure: Ensure = agent === 'claude' && nth.claude < 3 ? { tools: ['task'], minTurns: 6 }
      : agent === 'codex' && nth.codex === 0 ? { tools: ['task', 'search'], minTurns: 4 }
        : agent === 'gemini' && nth.gemini < 2 ? { minTurns: 3 } : {};
    const plan = planSession(rng.fork('plan', n), { seed: o.seed, user, scale: 1 }, project, start, ensure);
    writers[agent].write(plan, project);
    nth[agent]++;
    n++;
    if (n % 20 === 0) o.onProgress?.(sink.bytes, n);
  }
  return {
    schema: 1, generator: 'scripts/gen-corpus.ts', seed: o.seed,
    roots: Object.fromEntries(o.agents.map((a) => [a, ROOTS[a]])),
    overall: tally.overall(), agents: tally.agents,
    written: { files: sink.files, lines: sink.lines, bytes: sink.bytes },
  };
}
