// The /ws protocol (msgpack): a snapshot on connect or view change, then deltas a few times a second.
// Stacks travel once per client as id → frames; weights travel as [id, value] pairs (0 = gone). Pure
// message builders: the hub in, plain objects out; the ws plugin encodes and sends them.

import type { ViewName } from '../profile/types.js';
import type { WindowName } from './aggregate.js';
import { UNITS, type LatencyRow, type LiveHub, type LiveStatus, type SessionRow } from './hub.js';
import type { SeriesPoints } from './series.js';

export interface ClientView { view: ViewName; window: WindowName }

/** What every message carries: new stack definitions, changed weights, and the small tables. */
interface Message {
  stacks: [number, string[]][];
  weights: [number, number][];
  series: SeriesPoints;
  sessions: SessionRow[];
  latency: LatencyRow[];
  status: LiveStatus;
  now: number;
}

export interface Snapshot extends Message {
  type: 'snapshot';
  view: ViewName;
  window: WindowName;
  unit: string;
}

export interface Delta extends Message {
  type: 'delta';
}

/** Seconds of chart history in a snapshot, and re-sent in each delta (the current second keeps growing). */
export const SNAPSHOT_SECONDS = 600;
const DELTA_SECONDS = 3;

/**
 * What the page may see of session rows: prompt text only with --include-prompts. With no session
 * active in the last minutes, the last one seen (the page says it is idle) rather than none.
 */
function sessionRows(hub: LiveHub): SessionRow[] {
  const active = hub.activeSessions();
  return (active.length ? active.slice(0, 50) : hub.activeSessions(Infinity).slice(0, 1)).map((r) => {
    if (hub.status.includePrompts) return r;
    const { prompt: _drop, ...rest } = r;
    return rest;
  });
}

function common(hub: LiveHub, seconds: number) {
  const now = hub.now();
  const sec = Math.floor(now / 1000);
  return { series: hub.series.points(sec - seconds + 1, sec), sessions: sessionRows(hub), latency: hub.latencyRows().slice(0, 40), status: hub.status, now };
}

export function snapshot(hub: LiveHub, cv: ClientView, known: Set<number>): Snapshot {
  known.clear();
  const stacks: [number, string[]][] = [];
  const weights: [number, number][] = [];
  for (const [id, w] of hub.views[cv.view].table(cv.window)) {
    known.add(id);
    stacks.push([id, hub.stacks.stacks[id]]);
    weights.push([id, w]);
  }
  return { type: 'snapshot', view: cv.view, window: cv.window, unit: UNITS[cv.view], stacks, weights, ...common(hub, SNAPSHOT_SECONDS) };
}

/** Changes of every (view, window) since the last tick; clears the hub's dirty sets. */
export function takeChanges(hub: LiveHub): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  for (const view of Object.keys(hub.views) as ViewName[]) {
    for (const window of ['all', '5m', '1h'] as WindowName[]) out.set(`${view}/${window}`, hub.views[view].takeDirty(window));
  }
  return out;
}

export function delta(hub: LiveHub, changes: [number, number][], known: Set<number>, shared = common(hub, DELTA_SECONDS)): Delta {
  const stacks: [number, string[]][] = [];
  for (const [id] of changes) {
    if (known.has(id)) continue;
    known.add(id);
    stacks.push([id, hub.stacks.stacks[id]]);
  }
  return { type: 'delta', stacks, weights: changes, ...shared };
}

export const commonPart = (hub: LiveHub) => common(hub, DELTA_SECONDS);
