// The profile: what every view produces and every renderer consumes. Folded stacks are the one
// contract between profile/ and render/ (as in flamegraph.pl): root frame first, one weight each.

export type ViewName = 'tokens' | 'cost' | 'time' | 'files' | 'network' | 'ops';

/** Unit of a view's weights, as shown to people and written into pprof sample types. */
export type Unit = 'tokens' | 'usd' | 'seconds' | 'count';

export interface Sample {
  /** Frames root first, each `prefix:value` (agent:, project:, session:, prompt:, call:llm/KIND, …). */
  stack: string[];
  weight: number;
  /** project / agent / session / host, carried as pprof labels. */
  labels?: Record<string, string>;
}

/** The JSON status block (stderr, --json, and embedded in JSON/HTML outputs). */
export interface Status {
  sessions: number;
  prompts: number;
  matched: number;
  unmatched: number;
  coverage_pct: number | null;
  tag_counts: Record<string, number>;
  unknown_models: string[];
  skipped_lines: number;
  time_range?: { start: number; end: number };
  [extra: string]: unknown;
}

export interface Profile {
  view: ViewName | string;
  unit: Unit;
  samples: Sample[];
  total: number;
  status?: Status;
}
