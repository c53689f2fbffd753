// Adjusted Rand index between two labelings: 1 = identical partitions, ~0 = chance agreement.
export function adjustedRandIndex(a: ArrayLike<string | number>, b: ArrayLike<string | number>): number {
  const n = a.length;
  if (n !== b.length) throw new Error('adjustedRandIndex: labelings differ in length');
  const pair = new Map<string, number>(), ra = new Map<string | number, number>(), rb = new Map<string | number, number>();
  for (let i = 0; i < n; i++) {
    const key = `${a[i]}\u0000${b[i]}`;
    pair.set(key, (pair.get(key) ?? 0) + 1);
    ra.set(a[i], (ra.get(a[i]) ?? 0) + 1);
    rb.set(b[i], (rb.get(b[i]) ?? 0) + 1);
  }
  const c2 = (x: number) => (x * (x - 1)) / 2;
  let index = 0, sa = 0, sb = 0;
  for (const v of pair.values()) index += c2(v);
  for (const v of ra.values()) sa += c2(v);
  for (const v of rb.values()) sb += c2(v);
  const expected = (sa * sb) / c2(n);
  const max = (sa + sb) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}
