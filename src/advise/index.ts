// `agentpprof advise`: every detector over the same input, findings ranked by estimated saving.

import { compareTags } from './compare.js';
import { contextGrowth, longToolOutputs } from './context.js';
import { repeatedReads } from './reads.js';
import type { AdviseInput, Finding } from './types.js';
import { callBursts, compactions, continuationChurn, subagentFanout, unmatchedShare } from './workflow.js';

export type { AdviseInput, Finding } from './types.js';

export async function advise(input: AdviseInput, base?: AdviseInput): Promise<Finding[]> {
  const findings = [
    ...repeatedReads(input),
    ...contextGrowth(input),
    ...longToolOutputs(input),
    ...continuationChurn(input),
    ...compactions(input),
    ...callBursts(input),
    ...subagentFanout(input),
    ...(await unmatchedShare(input)),
    ...(base ? compareTags(base, input) : []),
  ];
  return findings.sort((a, b) => b.savingUsd - a.savingUsd || b.savingTokens - a.savingTokens || a.kind.localeCompare(b.kind));
}
