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
  blocks: Row[];
}

/** Assistant lines grouped by message.id, in order of first appearance. */
export function claudeResponses(rows: Row[]): ClaudeResponse[] {
  const byId = new Map<string, ClaudeResponse>();
  for (const r of rows) {
    if (r.type !== 'assistant') continue;
    const m = r.message;
    let g = byId.get(m.id);
    if (!g) byId.set(m.id, (g = { id: m.id, requestIds: [], models: [], usages: [], blocks: [] }));
    g.requestIds.push(r.requestId);
    g.models.push(m.model);
    g.usages.push(m.usage);
    g.blocks.push(...m.content);
  }
  return [...byId.values()];
}

export const codexRows = (rows: Row[], type: string, payloadType?: string): Row[] =>
  rows.filter((r) => r.type === type && (payloadType === undefined || r.payload?.type === payloadType)).map((r) => r.payload);
