// The dashboard's copy of the live profile: stack definitions and weights merged from the server's
// msgpack snapshot and deltas, and the chart series. Pure data (no DOM) so it is testable in node.
import { buildTree } from '../../src/render/tree.js';
import { decodeTree, flattenTree, type Nodes } from '../../src/viewer/flat-tree.js';
import type { Delta, Snapshot } from '../../src/live/protocol.js';
import type { SeriesPoints } from '../../src/live/series.js';

export const KEEP_SECONDS = 600;

export class LiveModel {
  stacks = new Map<number, string[]>();
  weights = new Map<number, number>();
  series = new Map<number, [tokens: number, cost: number, events: number, drops: number]>();
  last: Snapshot | null = null;
  status: Snapshot['status'] | null = null;
  sessions: Snapshot['sessions'] = [];
  latency: Snapshot['latency'] = [];
  unit = 'tokens';
  view = 'tokens';
  window = 'all';
  now = 0;
  /** Messages applied (the page shows it; tests wait on it). */
  applied = 0;

  apply(m: Snapshot | Delta): void {
    if (m.type === 'snapshot') {
      this.stacks.clear();
      this.weights.clear();
      this.series.clear();
      this.view = m.view;
      this.window = m.window;
      this.unit = m.unit;
      this.last = m;
    }
    for (const [id, s] of m.stacks) this.stacks.set(id, s);
    for (const [id, w] of m.weights) {
      if (w > 0) this.weights.set(id, w); else this.weights.delete(id);
    }
    this.#series(m.series);
    this.status = m.status;
    this.sessions = m.sessions;
    this.latency = m.latency;
    this.now = m.now;
    this.applied++;
  }

  #series(p: SeriesPoints): void {
    p.t.forEach((t, i) => this.series.set(t, [p.tokens[i], p.cost[i], p.events[i], p.drops[i]]));
    const oldest = (p.t.at(-1) ?? 0) - KEEP_SECONDS;
    for (const t of this.series.keys()) if (t < oldest) this.series.delete(t);
  }

  total(): number {
    let t = 0;
    for (const w of this.weights.values()) t += w;
    return t;
  }

  tree(): Nodes {
    const samples = [...this.weights].map(([id, weight]) => ({ stack: this.stacks.get(id) ?? ['?'], weight }));
    return decodeTree(flattenTree(buildTree(samples, 'all')));
  }

  /** Chart columns: seconds, tokens/s, cost per minute (trailing 60 s sum), events/s, drops/s. */
  chartData(): [number[], number[], number[], number[], number[]] {
    const ts = [...this.series.keys()].sort((a, b) => a - b);
    const tokens: number[] = [], cost: number[] = [], events: number[] = [], drops: number[] = [], perMin: number[] = [];
    let window = 0;
    ts.forEach((t, i) => {
      const v = this.series.get(t)!;
      tokens.push(v[0]); cost.push(v[1]); events.push(v[2]); drops.push(v[3]);
      window += v[1];
      const j = i - 60;
      if (j >= 0) window -= cost[j];
      perMin.push(window);
    });
    return [ts, tokens, perMin, events, drops];
  }
}

/** The path of names from the root to node i: how a zoom survives a tree rebuild. */
export function pathOf(t: Nodes, i: number): string[] {
  const out: string[] = [];
  for (let n = i; n > 0; n = t.parent[n]) out.unshift(t.names[t.name[n]]);
  return out;
}

export function findPath(t: Nodes, path: string[]): number {
  let node = 0;
  for (const name of path) {
    let found = -1;
    for (let c = node + 1; c < t.end[node]; c = t.end[c]) {
      if (t.names[t.name[c]] === name) { found = c; break; }
    }
    if (found < 0) return node;
    node = found;
  }
  return node;
}
