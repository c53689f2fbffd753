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

/** Trace-file writes only bound the offset roughly: below this, no correction. */
export const MIN_SKEW_MS = 1000;

const median = (d: number[]): number => {
  d.sort((a, b) => a - b);
  return d[d.length >> 1];
};

/** How far a trace line may sit outside its call's [request, response end] for clock jitter (ms). */
const LINE_SLACK_MS = 200;

/**
 * From calls both saw. A trace line is written while its response streams (each content block as it
 * completes), so each pair bounds the offset to [t − end, t − start]; all pairs together narrow it.
 * No skew when 0 is inside; else the offset that puts lines at their responses' ends (where the last
 * block, usually the tool call, completes), kept inside the bounds. Inconsistent bounds (odd pairs):
 * the median of those end anchors.
 */
export function offsetFromCalls(recorded: Iterable<ApiCall>, trace: TraceCalls): Offset | undefined {
  const anchors: number[] = [];
  let lo = -Infinity;
  let hi = Infinity;
  for (const r of recorded) {
    const t = trace.get(r.id);
    if (!t) continue;
    lo = Math.max(lo, t.ts - r.end - LINE_SLACK_MS);
    hi = Math.min(hi, t.ts - r.ts + LINE_SLACK_MS);
    anchors.push(t.ts - r.end);
  }
  if (!anchors.length) return undefined;
  const pairs = anchors.length;
  if (lo <= hi && lo <= 0 && hi >= 0) return { offsetMs: 0, pairs, evidence: 'api-calls' };
  const m = median(anchors);
  return { offsetMs: lo <= hi ? Math.min(hi, Math.max(lo, m)) : m, pairs, evidence: 'api-calls' };
}

const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/**
 * From trace files the recording saw being written: the first write open of a session's file comes at
 * or after its first line's stamp (the session's start), so a recording whose clock is behind shows
 * writes before the start. For agents whose TLS cannot be read (Codex, native Claude Code live).
 * A recording whose clock is ahead cannot be told from a late first write: no correction then.
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
  // A session's first line is written at its start or later (native Claude Code opens its file
  // seconds after the line's stamp), never before: each pair is a lower bound of the offset.
  const d = [...first].map(([b, ts]) => starts.get(b)! - ts);
  return d.length ? { offsetMs: Math.max(0, ...d), pairs: d.length, evidence: 'trace-file-writes' } : undefined;
}
