// The "top frames" table: per label, self weight (summed) and total weight (counted once per stack:
// a label nested under itself is not added again, so totals never exceed the profile).
import type { Nodes } from './flat-tree.js';

export interface FrameTotals {
  name: string;
  self: number;
  total: number;
}

export function frameTotals(t: Nodes): FrameTotals[] {
  const self = new Float64Array(t.names.length);
  const total = new Float64Array(t.names.length);
  const onPath = new Int32Array(t.names.length); // how many ancestors (and self) carry each label
  const path: number[] = [];
  for (let i = 1; i < t.count; i++) {
    const d = t.depth[i];
    while (path.length >= d) onPath[t.name[path.pop()!]]--;
    const n = t.name[i];
    if (onPath[n] === 0) total[n] += t.value[i];
    self[n] += t.self[i];
    onPath[n]++;
    path.push(i);
  }
  const out: FrameTotals[] = [];
  for (let n = 0; n < t.names.length; n++) if (total[n] > 0) out.push({ name: t.names[n], self: self[n], total: total[n] });
  return out;
}

export function topBy(rows: FrameTotals[], key: 'self' | 'total', limit: number): FrameTotals[] {
  return [...rows].sort((a, b) => b[key] - a[key] || (a.name < b.name ? -1 : 1)).slice(0, limit);
}
