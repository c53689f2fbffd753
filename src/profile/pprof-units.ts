// pprof sample types per view: the writer (render/pprof.ts) and the reader (sources/pprof.ts) must agree,
// so the table belongs to the profile model both use.
import type { Unit } from './types.js';

/**
 * Sample type per view. pprof values are int64, so dollars are written as micro-dollars and seconds as
 * nanoseconds (a unit `go tool pprof` scales by itself); the reader divides them back.
 */
export const SAMPLE_TYPES: Record<string, { type: string; unit: string; scale: number; profileUnit: Unit }> = {
  tokens: { type: 'tokens', unit: 'count', scale: 1, profileUnit: 'tokens' },
  cost: { type: 'cost', unit: 'usd-micros', scale: 1e6, profileUnit: 'usd' },
  time: { type: 'time', unit: 'nanoseconds', scale: 1e9, profileUnit: 'seconds' },
  files: { type: 'files', unit: 'count', scale: 1, profileUnit: 'count' },
  network: { type: 'network', unit: 'count', scale: 1, profileUnit: 'count' },
  ops: { type: 'ops', unit: 'count', scale: 1, profileUnit: 'count' },
};

/** A view name → its pprof sample type (unknown views by unit). */
export function sampleTypeFor(view: string, unit: Unit): { type: string; unit: string; scale: number } {
  const known = SAMPLE_TYPES[view];
  if (known) return known;
  if (unit === 'usd') return { type: view, unit: 'usd-micros', scale: 1e6 };
  if (unit === 'seconds') return { type: view, unit: 'nanoseconds', scale: 1e9 };
  return { type: view, unit: 'count', scale: 1 };
}

/** A pprof sample type → the profile's unit and the scale its integers carry. */
export function profileUnitOf(type: string, unit: string): { unit: Unit; scale: number } {
  const known = SAMPLE_TYPES[type];
  if (known && known.unit === unit) return { unit: known.profileUnit, scale: known.scale };
  if (unit === 'usd-micros') return { unit: 'usd', scale: 1e6 };
  if (unit === 'nanoseconds') return { unit: 'seconds', scale: 1e9 };
  if (unit === 'tokens') return { unit: 'tokens', scale: 1 };
  return { unit: 'count', scale: 1 };
}
