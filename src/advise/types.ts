// What `agentpprof advise` works on and what it produces: findings with the figures that support
// them, the flamegraph frames they came from, and an estimated saving, ranked by that saving.

import type { EventBatch, LlmCall, Session } from '../model.js';

export interface AdviseInput {
  batch: EventBatch;
  /** Tag of a prompt id (`unmatched` when rules did not match, `none` for calls without a prompt). */
  tagOf: (promptId: string | null) => string;
  /** List-price USD of one LLM call. */
  costOf: (call: LlmCall) => number;
  /** Privacy-safe label of a path a session touched (project-relative or an external/… bucket). */
  pathLabel?: (session: Session | undefined, path: string) => string;
  includePrompts?: boolean;
}

export interface Finding {
  /** Stable identifier of the pattern: repeated-read, context-growth, long-output, call-burst, churn, compaction, unmatched, fanout. */
  kind: string;
  title: string;
  /** The concrete change to make: a CLAUDE.md / AGENTS.md line, a prompt template, a rules-file line. */
  advice: string;
  /** Figures the finding rests on. */
  evidence: Record<string, number | string>;
  /** Where to look in the flamegraph: a view and a search regex over frames, plus example stacks. */
  trace: { view: string; search: string; stacks: string[] };
  savingTokens: number;
  savingUsd: number;
}
