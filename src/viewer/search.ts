// Search: which frames match a regex and what share of the total they cover. Nested matches
// (a matched frame under a matched ancestor) are not counted twice: the share is the union of the
// matched frames' [x, x+w) intervals, as flamegraph.pl does.
import type { Nodes } from './flat-tree.js';

export interface Interval {
  x: number;
  w: number;
}

/**
 * Sum of the values of the outermost matches: a match inside another match's interval adds nothing.
 * Intervals nest in a flamegraph, so this is the union of the matched intervals, summed in the frames'
 * own weights (exact, where x/w fractions would round).
 */
export function outermostValue(items: (Interval & { v: number })[]): number {
  const sorted = [...items].sort((a, b) => a.x - b.x || b.w - a.w);
  const eps = 1e-6; // data-x/data-w are rounded to 7 decimals
  let total = 0;
  let end = -Infinity;
  for (const it of sorted) {
    if (it.x + it.w <= end + eps) continue;
    total += it.v;
    end = it.x + it.w;
  }
  return total;
}

/** A user's search text as a RegExp; an invalid regex is searched literally rather than failing. */
export function searchRegex(text: string): RegExp | null {
  if (!text) return null;
  try {
    return new RegExp(text);
  } catch {
    return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  }
}

/** Every node of a decoded tree whose label matches: a mask, the matched weight (union) and count. */
export function matchNodes(t: Nodes, re: RegExp): { mask: Uint8Array; value: number; frames: number } {
  const nameHit = t.names.map((n) => re.test(n));
  const mask = new Uint8Array(t.count);
  let value = 0;
  let frames = 0;
  // Pre-order: a match inside an already-counted match's subtree adds nothing (no double counting).
  let coveredUntil = 0;
  for (let i = 1; i < t.count; i++) {
    if (!nameHit[t.name[i]]) continue;
    mask[i] = 1;
    frames++;
    if (i >= coveredUntil) {
      value += t.value[i];
      coveredUntil = t.end[i];
    }
  }
  return { mask, value, frames };
}
