// From a read history to what `advise` works on: the prompt tags, list prices and privacy labels that
// `agentpprof advise` and the live server's /api/advice share, so both give the same findings on the
// same files.

import { costTotal, Pricer, type PriceTable } from '../cost/pricing.js';
import { countBatch, type EventBatch, type Session } from '../model.js';
import { Privacy, tagOf, tagPrompts, userNamesIn } from '../profile/index.js';
import { loadHistory } from '../sources/index.js';
import type { Tagger } from '../tag/types.js';
import { advise } from './index.js';
import type { AdviseInput, Finding } from './types.js';

export interface AdviseContext {
  /** Prompt id → tag, for every prompt of the history. */
  tags: Map<string, string>;
  prices?: PriceTable;
  /** User names to scrub besides those found in the sessions' home directories. */
  userNames?: string[];
  includePrompts?: boolean;
}

/**
 * The AdviseInput of any slice of `all` (the current period, the base period): one tag map, one price
 * table and one privacy scrubber for every slice, so periods compare like with like.
 */
export function adviseInputs(all: EventBatch, ctx: AdviseContext): (batch: EventBatch) => AdviseInput {
  const pricer = new Pricer(ctx.prices);
  const privacy = new Privacy({ userNames: [...(ctx.userNames ?? []), ...userNamesIn(all.sessions.map((s) => s.cwd))] });
  const { tags } = ctx;
  return (batch) => {
    const prompts = new Map(batch.prompts.map((p) => [p.id, p]));
    return {
      batch,
      tagOf: (id) => {
        const p = id ? prompts.get(id) : undefined;
        return p ? tagOf(p, tags) : id ? tags.get(id) ?? 'unmatched' : 'none';
      },
      costOf: (c) => {
        const parts = pricer.cost(c.model, c.usage);
        return parts ? costTotal(parts) : 0;
      },
      pathLabel: (s: Session | undefined, path: string) => privacy.fileLabel(path, s?.cwd ?? ''),
      includePrompts: ctx.includePrompts,
    };
  };
}

export interface TraceAdvice {
  findings: Finding[];
  sessions: number;
  prompts: number;
  calls: number;
  files: number;
  /** Roots or paths that could not be read (missing, no permission). */
  problems: string[];
  /** Lines the readers skipped as malformed (counted, never fatal). */
  skipped: number;
}

export interface TraceAdviceOptions extends Omit<AdviseContext, 'tags'> {
  /** Trace roots or files (format detected). */
  paths: string[];
  since?: number;
  until?: number;
  tagger: Tagger;
}

/** Reads the trace files under `paths`, tags their prompts and runs every detector (no period comparison). */
export async function adviseTraces(opts: TraceAdviceOptions): Promise<TraceAdvice> {
  const history = await loadHistory({ paths: opts.paths, since: opts.since, until: opts.until });
  const { tags } = await tagPrompts(history, opts.tagger);
  const findings = await advise(adviseInputs(history, { ...opts, tags })(history));
  const counts = countBatch(history);
  return {
    findings,
    sessions: counts.sessions,
    prompts: counts.prompts,
    calls: counts.calls,
    files: history.files,
    problems: history.problems,
    skipped: history.skippedCount,
  };
}
