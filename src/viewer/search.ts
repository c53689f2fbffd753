// Search: which frames match a regex and what share of the total they cover. Nested matches
// (a matched frame under a matched ancestor) are not counted twice: the share is the union of the
// matched frames' [x, x+w) intervals, as flamegraph.pl does.

export interface Interval {
  x: number;
  w: number;
}

/** Length of the union of intervals (any order). */
export function unionWidth(items: Interval[]): number {
  const sorted = [...items].sort((a, b) => a.x - b.x);
  let total = 0;
  let end = -Infinity;
  for (const { x, w } of sorted) {
    const e = x + w;
    if (e <= end) continue;
    total += e - Math.max(x, end);
    end = e;
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
