// The benches' statistics: the median they print, and how sure a bench can be of a median ratio on a
// noisy machine — a percentile bootstrap over the paired rounds (resampled with replacement, a fixed
// seed so a run's printout is reproducible from its rounds). On the 2-vCPU test VM two adjacent
// baseline rounds differ by up to 30 %, so one run's median alone cannot say whether a 5 % target was
// met; the interval can say "met", "missed" or "within the noise".

import { seededRandom } from '../../src/tag/random.js';

/** The upper median (the middle element of an even count, as the benches have always printed). */
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The [lo, hi] percentile interval (default 90 %) of the median of `ratios` under resampling. */
export function medianInterval(ratios: number[], level = 0.9, draws = 2000, seed = 1): { lo: number; hi: number } {
  if (ratios.length === 0) return { lo: NaN, hi: NaN };
  const rand = seededRandom(seed);
  const medians: number[] = [];
  const sample = new Array<number>(ratios.length);
  for (let d = 0; d < draws; d++) {
    for (let i = 0; i < ratios.length; i++) sample[i] = ratios[Math.floor(rand() * ratios.length)];
    medians.push(median(sample));
  }
  medians.sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  return { lo: medians[Math.floor(tail * (draws - 1))], hi: medians[Math.ceil((1 - tail) * (draws - 1))] };
}

/** Whether a slowdown target (e.g. 1.05) was met, given the interval of the ratio. */
export function verdict(interval: { lo: number; hi: number }, target: number): 'met' | 'missed' | 'within the noise' {
  if (interval.hi <= target) return 'met';
  if (interval.lo > target) return 'missed';
  return 'within the noise';
}
