// How far a recording's clock is from the trace files' clock (another machine, a wrong boot-time
// guess). Two kinds of evidence, both seen by the two sides: an API call (same message id) and the
// creation of a session's trace file (the agent's first write is the file's first line).
import type { ApiCall } from '../http/types.js';
import type { Effect, Session } from '../model.js';
import type { TraceCalls } from './calls.js';

export interface Offset {
  /** Add to the recording's times to put them on the traces' clock. */
  offsetMs: number;
  /** Pairs of evidence behind it (0: none, offset 0). */
  pairs: number;
  evidence: 'api-calls' | 'trace-file-writes' | 'none' | 'given';
}

/** Below this, a difference is the time between a request and its trace line, not a clock offset. */
export const MIN_SKEW_MS = 1000;

const median = (d: number[]): number => {
  d.sort((a, b) => a - b);
  return d[d.length >> 1];
};

/**
 * From calls both saw: a trace timestamp within [request − 2 s, response end + 2 s] means no skew for
 * that pair; otherwise the distance to that window. The median over pairs resists odd ones.
 */
export function offsetFromCalls(recorded: Iterable<ApiCall>, trace: TraceCalls): Offset | undefined {
  const d: number[] = [];
  for (const r of recorded) {
    const t = trace.get(r.id);
    if (!t) continue;
    d.push(t.ts < r.ts - 2000 ? t.ts - r.ts : t.ts > r.end + 2000 ? t.ts - r.end : 0);
  }
  return d.length ? { offsetMs: median(d), pairs: d.length, evidence: 'api-calls' } : undefined;
}

const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/**
 * From trace files the recording saw being written: the first write open of a session's file is the
 * moment its first line was written (the session's start). For agents whose TLS cannot be read (Codex).
 */
export function offsetFromTraceWrites(effects: Iterable<Effect>, sessions: Iterable<Session>): Offset | undefined {
  const starts = new Map<string, number>();
  for (const s of sessions) if (s.file && Number.isFinite(s.start)) starts.set(basename(s.file), s.start);
  if (!starts.size) return undefined;
  const first = new Map<string, number>();
  for (const e of effects) {
    if (e.kind !== 'write' && e.kind !== 'create') continue;
    const b = basename(e.target);
    if (!starts.has(b)) continue;
    if (e.ts < (first.get(b) ?? Infinity)) first.set(b, e.ts);
  }
  const d = [...first].map(([b, ts]) => starts.get(b)! - ts);
  return d.length ? { offsetMs: median(d), pairs: d.length, evidence: 'trace-file-writes' } : undefined;
}
