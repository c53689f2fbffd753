// Claude Code sometimes logs a subagent's response only before its message_delta (2.1.112 and 2.1.197,
// when the end of the stream comes late): one copy, stop_reason null, output_tokens = message_start's
// partial count; the final count is in no line of the subagent file. The parent's Agent/Task tool_result
// repeats the final usage of the subagent's LAST call in toolUseResult.usage. That copy is never counted
// as a call of its own; it only completes that one call when the two clearly describe the same response.
import type { LlmCall, Usage } from '../model.js';

/** Where a sidechain call came from: its subagent's agentId and/or the spawning tool_use id. */
export interface Spawn {
  agentId?: string;
  toolUseId?: string;
}

/** A parent's Agent/Task result: the spawning tool_use id, when the result was logged, and its usage. */
export interface SubagentFinal {
  toolUseId: string;
  ts: number;
  usage: Usage;
}

/** The Task/Agent tool_use that spawned a sidechain call: named by the subagent's .meta.json, else by its result. */
export function spawnerOf(sp: Spawn, agentToTool: Map<string, string>): string | undefined {
  return sp.toolUseId ?? (sp.agentId ? agentToTool.get(sp.agentId) : undefined);
}

/**
 * Gives the last call of each subagent run its final usage from the parent's result, when that call's
 * output is partial; returns how many calls were completed. Runs once on the merged calls: one pass over
 * the sidechain calls, one check per subagent run.
 */
export function repairPartialSubagents(
  spawnOf: Map<LlmCall, Spawn>, agentToTool: Map<string, string>, finals: Map<string, SubagentFinal>,
): number {
  if (!finals.size) return 0;
  // The run's last call is the latest one logged before the parent got the result: a subagent resumed
  // later (SendMessage) writes more calls to the same file, and those are not this run's.
  const last = new Map<string, LlmCall>();
  for (const [c, sp] of spawnOf) {
    const toolId = spawnerOf(sp, agentToTool);
    const fin = toolId ? finals.get(toolId) : undefined;
    if (!fin || (fin.ts && c.ts > fin.ts)) continue;
    const prev = last.get(toolId!);
    if (!prev || c.ts >= prev.ts) last.set(toolId!, c);
  }
  let repaired = 0;
  for (const [toolId, c] of last) if (completeUsage(c, finals.get(toolId)!.usage)) repaired++;
  return repaired;
}

/**
 * The parent's output count replaces a smaller one when both copies have the same input side (the
 * input side is message_start's, final from the first line): anything else is another response or
 * another reading of usage (older CLIs summed the run) and leaves the call as logged. The call keeps
 * its own 5m/1h split, equal in total to the parent's, which may lack the breakdown.
 */
function completeUsage(c: LlmCall, fin: Usage): boolean {
  const u = c.usage;
  if (u.output >= fin.output) return false;
  if (u.input !== fin.input || u.cacheRead !== fin.cacheRead) return false;
  if (u.cacheWrite5m + u.cacheWrite1h !== fin.cacheWrite5m + fin.cacheWrite1h) return false;
  c.usage = { ...u, output: fin.output };
  return true;
}
