// The fleet's events table in ClickHouse: one row per semantic event (the Loki line's fields), its
// stacks and weights per view as Nested columns, so a view's profile reads two array columns only.
//
// 18.16 has no DateTime64 (milliseconds live in ts_ms) and no TTL clause (retention is an ALTER DELETE
// the pusher runs). Every row carries (batch_id, seq): the id its batch got when it was spooled and its
// place in it, which is how the pusher finds what an earlier attempt already stored (clickhouse-push.ts),
// so queries read plain rows. The engine is a ReplacingMergeTree whose sorting key ends with them: should
// a copy ever get in (two pushers sharing one spool), background merges still fold it away.

import type { ViewName } from '../profile/types.js';
import { PUSHED_VIEWS, type SemanticLine } from './events.js';

export const EVENTS_TABLE = 'agentpprof_events';

/** A view's Nested column: the names are ours (PUSHED_VIEWS), never user input. */
export const viewColumn = (view: ViewName): string => {
  if (!PUSHED_VIEWS.includes(view)) throw new Error(`the fleet store holds the ${PUSHED_VIEWS.join(', ')} views, not ${view}`);
  return view;
};

export const CREATE_EVENTS = `CREATE TABLE IF NOT EXISTS ${EVENTS_TABLE} (
  batch_id String, seq UInt32,
  ts DateTime, ts_ms UInt16,
  type Enum8('llm_call' = 1, 'tool_call' = 2, 'effect' = 3),
  host String, agent String, tag String, model String, project String,
${PUSHED_VIEWS.map((v) => `  ${v} Nested(stack String, weight Float64)`).join(',\n')}
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (host, ts, batch_id, seq)`;

/** Epoch ms of a row, in SQL. */
export const TS_MS = '(toUInt64(ts) * 1000 + ts_ms)';

/** One JSONEachRow line for the event `seq` of batch `batchId`. */
export function eventRow(l: SemanticLine, batchId: string, seq: number): string {
  const ms = Math.round(l.ts);
  const row: Record<string, unknown> = {
    batch_id: batchId, seq, ts: Math.floor(ms / 1000), ts_ms: ms - Math.floor(ms / 1000) * 1000,
    type: l.type, host: l.host, agent: l.agent, tag: l.tag, model: l.model ?? '', project: l.project ?? '',
  };
  for (const v of PUSHED_VIEWS) {
    const s = l.samples[v] ?? [];
    row[`${v}.stack`] = s.map((x) => x[0]);
    row[`${v}.weight`] = s.map((x) => x[1]);
  }
  return JSON.stringify(row);
}
