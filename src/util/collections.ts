// Small collection helpers shared across stages.

/** Groups items by a key, keeping their order inside each group. */
export function groupBy<T, K>(xs: Iterable<T>, key: (x: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const x of xs) {
    const k = key(x);
    const arr = m.get(k);
    if (arr) arr.push(x); else m.set(k, [x]);
  }
  return m;
}

/**
 * In a list sorted so that `before` holds for a prefix and then never again, the length of that prefix
 * (binary search): the index of the first item for which `before` is false.
 */
export function partitionPoint<T>(xs: readonly T[], before: (x: T) => boolean): number {
  let lo = 0, hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(xs[mid])) lo = mid + 1; else hi = mid;
  }
  return lo;
}
