// Reads the real agents' trace files directly (no project reader), grouped the way the comparisons in
// real-agents.test.ts need them. Deliberately naive: it is the independent check of the readers.
import { readFileSync } from 'node:fs';

export type Row = Record<string, any>;

export const readJsonl = (file: string): Row[] =>
  readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Row);

export interface ClaudeResponse {
  id: string;
  requestIds: string[];
  models: string[];
  usages: Row[];
  stopReasons: (string | null)[];
  blocks: Row[];
}

/** Assistant lines grouped by message.id, in order of first appearance. */
export function claudeResponses(rows: Row[]): ClaudeResponse[] {
  const byId = new Map<string, ClaudeResponse>();
  for (const r of rows) {
    if (r.type !== 'assistant') continue;
    const m = r.message;
    let g = byId.get(m.id);
    if (!g) byId.set(m.id, (g = { id: m.id, requestIds: [], models: [], usages: [], stopReasons: [], blocks: [] }));
    g.requestIds.push(r.requestId);
    g.models.push(m.model);
    g.usages.push(m.usage);
    g.stopReasons.push(m.stop_reason ?? null);
    g.blocks.push(...m.content);
  }
  return [...byId.values()];
}

export const codexRows = (rows: Row[], type: string, payloadType?: string): Row[] =>
  rows.filter((r) => r.type === type && (payloadType === undefined || r.payload?.type === payloadType)).map((r) => r.payload);

export interface LoggedOutput {
  /** The largest output_tokens over the response's copies. */
  output: number;
  /** Some copy was written after message_delta (stop_reason set), so `output` is the final count. */
  final: boolean;
}

/**
 * Claude's logged output count per message.id across files. A response whose copies were all written before
 * its message_delta keeps message_start's partial count (1) and stop_reason null; the final count is then
 * nowhere in the trace (seen in 2.1.112 subagent files on a loaded machine).
 */
export function claudeLoggedOutputs(files: string[]): Map<string, LoggedOutput> {
  const out = new Map<string, LoggedOutput>();
  for (const r of files.flatMap(readJsonl)) {
    if (r.type !== 'assistant' || !r.message?.usage) continue;
    const prev = out.get(r.message.id) ?? { output: 0, final: false };
    out.set(r.message.id, {
      output: Math.max(prev.output, r.message.usage.output_tokens ?? 0),
      final: prev.final || r.message.stop_reason != null,
    });
  }
  return out;
}
