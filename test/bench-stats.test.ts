// The bench's bootstrap interval of a median ratio, and the verdict it supports against a target.
import { describe, expect, it } from 'vitest';
import { medianInterval, verdict } from '../scripts/bench/stats.js';

describe('median interval', () => {
  it('is tight for steady rounds and wide for noisy ones, always around the median, and reproducible', () => {
    const steady = Array.from({ length: 40 }, (_, i) => 1.04 + ((i * 7) % 5) * 0.001); // 1.040 … 1.044
    const s = medianInterval(steady);
    expect(s.lo).toBeGreaterThanOrEqual(1.04);
    expect(s.hi).toBeLessThanOrEqual(1.044);
    expect(verdict(s, 1.05)).toBe('met');
    // the 2-vCPU VM: paired ratios spread ±15 % around +8 %
    const noisy = Array.from({ length: 40 }, (_, i) => 1.08 + (((i * 17) % 31) - 15) / 100);
    const n = medianInterval(noisy);
    expect(n.lo).toBeLessThan(1.08);
    expect(n.hi).toBeGreaterThan(1.08);
    expect(n.hi - n.lo).toBeGreaterThan(0.02);
    expect(verdict(n, 1.05)).toBe('within the noise');
    expect(medianInterval(noisy)).toEqual(n);
  });

  it('says missed when even the low end is over the target', () => {
    const slow = Array.from({ length: 30 }, (_, i) => 1.12 + (i % 3) * 0.01);
    expect(verdict(medianInterval(slow), 1.05)).toBe('missed');
    expect(Number.isNaN(medianInterval([]).lo)).toBe(true);
  });
});
