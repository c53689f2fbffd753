// What one reader returns for one file, and how the per-file results become one EventBatch:
// Claude Code calls are deduplicated GLOBALLY (resumed sessions copy earlier lines into new files,
// subagent lines reappear inline), tool results are joined to their tool calls, and sidechain calls
// inherit the prompt of the parent call that spawned them.
import type { EventBatch, LlmCall, Prompt, Session, Skipped, ToolCall } from '../model.js';
import { repairPartialSubagents, spawnerOf, type Spawn, type SubagentFinal } from './claude-subagent.js';

export interface ToolResult {
  id: string;
  ts: number;
  status: 'ok' | 'error';
  outputChars: number;
}

export interface FileResult {
  file: string;
  bytes: number;
  sessions: Session[];
  prompts: Prompt[];
  calls: LlmCall[];
  /** Parallel to `calls`: the dedup key (Claude `message.id:requestId`), or '' for calls that are unique. */
  keys: string[];
  /** Parallel to `calls`: the subagent's agentId / spawning tool_use id when known (sidechain calls only). */
  spawn: (Spawn | null)[];
  tools: ToolCall[];
  results: ToolResult[];
  /** agentId → the Task/Agent tool_use id whose result names it. */
  agentLinks: [string, string][];
  /** Claude Agent/Task results' toolUseResult.usage: only completes a subagent's partial last call (claude-subagent.ts). */
  subagentFinals: SubagentFinal[];
  skipped: Skipped[];
  skippedCount: number;
}

export const emptyFileResult = (file: string): FileResult => ({
  file, bytes: 0, sessions: [], prompts: [], calls: [], keys: [], spawn: [], tools: [], results: [],
  agentLinks: [], subagentFinals: [], skipped: [], skippedCount: 0,
});

const MAX_SKIPPED_EXAMPLES = 20;

/** Merges per-file results (in a stable order: sort by file first) into one batch. */
export function mergeResults(results: FileResult[]): EventBatch {
  const batch: EventBatch = {
    sessions: [], prompts: [], calls: [], tools: [], effects: [], processes: [], skipped: [], skippedCount: 0,
  };
  const sessions = new Map<string, Session>();
  const callIndex = new Map<string, number>();
  const spawnOf = new Map<LlmCall, Spawn>();
  const seenTools = new Map<string, ToolCall>();
  const toolResults = new Map<string, ToolResult>();
  const agentToTool = new Map<string, string>();
  const finals = new Map<string, SubagentFinal>();
  const seenPrompts = new Set<string>();

  for (const r of results) {
    for (const s of r.sessions) mergeSession(sessions, s);
    for (const p of r.prompts) {
      // Resumed sessions copy earlier user lines (same uuid) into the new file.
      const k = p.session + '\u0000' + p.id;
      if (seenPrompts.has(k)) continue;
      seenPrompts.add(k);
      batch.prompts.push(p);
    }
    for (let i = 0; i < r.calls.length; i++) {
      const c = r.calls[i];
      const key = r.keys[i];
      const spawn = r.spawn[i];
      if (!key) {
        batch.calls.push(c);
        if (spawn) spawnOf.set(c, spawn);
        continue;
      }
      const at = callIndex.get(key);
      if (at === undefined) {
        callIndex.set(key, batch.calls.length);
        batch.calls.push(c);
        if (spawn) spawnOf.set(c, spawn);
        continue;
      }
      const prev = batch.calls[at];
      batch.calls[at] = pickCopy(prev, c);
      if (batch.calls[at] === c) {
        spawnOf.delete(prev); // no longer a call of the batch
        if (spawn) spawnOf.set(c, spawn);
      }
    }
    for (const t of r.tools) if (!seenTools.has(t.id)) { seenTools.set(t.id, t); batch.tools.push(t); }
    for (const [a, t] of r.agentLinks) if (!agentToTool.has(a)) agentToTool.set(a, t);
    for (const f of r.subagentFinals) if (!finals.has(f.toolUseId)) finals.set(f.toolUseId, f);
    batch.skippedCount += r.skippedCount;
    for (const s of r.skipped) if (batch.skipped.length < MAX_SKIPPED_EXAMPLES) batch.skipped.push(s);
  }

  // The first result of each tool_use id wins: set in reverse order, one map operation per result.
  for (let f = results.length - 1; f >= 0; f--) {
    const rs = results[f].results;
    for (let i = rs.length - 1; i >= 0; i--) toolResults.set(rs[i].id, rs[i]);
  }
  for (const t of batch.tools) {
    const res = toolResults.get(t.id);
    if (!res) continue;
    t.end = Math.max(t.ts, res.ts);
    t.status = res.status;
    t.outputChars = res.outputChars;
  }

  if (finals.size) repairPartialSubagents(spawnOf, agentToTool, finals);

  // A sidechain call answers the prompt of the parent call that spawned its subagent.
  if (spawnOf.size) {
    // The spawning tool of each sidechain call, then the last main-thread call with that tool's call id.
    const spawner = new Map<LlmCall, ToolCall>();
    const parentIds = new Map<string, LlmCall | null>();
    for (const [c, sp] of spawnOf) {
      const toolId = spawnerOf(sp, agentToTool);
      const tool = toolId ? seenTools.get(toolId) : undefined;
      if (!tool) continue;
      spawner.set(c, tool);
      parentIds.set(tool.llmCall, null);
    }
    for (const c of batch.calls) if (!c.sidechain && parentIds.has(c.id)) parentIds.set(c.id, c);
    for (const [c, tool] of spawner) {
      const parent = parentIds.get(tool.llmCall);
      if (parent?.prompt) c.prompt = parent.prompt;
    }
  }

  batch.sessions = [...sessions.values()];
  return batch;
}

/** Of two copies of one streamed response: the non-sidechain copy's identity, the max output, the first ts. */
export function pickCopy(a: LlmCall, b: LlmCall): LlmCall {
  const base = a.sidechain && !b.sidechain ? b : a;
  const other = base === a ? b : a;
  const best = other.usage.output > base.usage.output ? other.usage : base.usage;
  base.usage = best;
  base.ts = Math.min(a.ts, b.ts);
  base.end = Math.max(a.end, b.end);
  if (!base.prompt && other.prompt && !other.sidechain) base.prompt = other.prompt;
  return base;
}

function mergeSession(map: Map<string, Session>, s: Session): void {
  const k = s.agent + '\u0000' + s.id;
  const prev = map.get(k);
  if (!prev) { map.set(k, s); return; }
  prev.start = Math.min(prev.start, s.start);
  prev.end = Math.max(prev.end, s.end);
  if (!prev.cwd && s.cwd) { prev.cwd = s.cwd; prev.project = s.project; }
  if (!prev.version && s.version) prev.version = s.version;
  // The main transcript, not a subagent file, names the session's file.
  if (s.file && (!prev.file || (/[\\/]agent-[^\\/]*\.jsonl$/.test(prev.file) && !/[\\/]agent-[^\\/]*\.jsonl$/.test(s.file)))) prev.file = s.file;
}
