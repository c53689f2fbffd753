// Per-second time series for the dashboard's charts (tokens/s, cost/min, events/s, drops): a ring of
// the last hour, so memory is fixed whatever the event rate.

export const SERIES = ['tokens', 'cost', 'events', 'drops'] as const;
export type SeriesName = (typeof SERIES)[number];

export interface SeriesPoints {
  /** Seconds since epoch. */
  t: number[];
  tokens: number[];
  cost: number[];
  events: number[];
  drops: number[];
}

export class Series {
  readonly #sec: Float64Array;
  readonly #vals: Record<SeriesName, Float64Array>;
  constructor(readonly span = 3600) {
    this.#sec = new Float64Array(span).fill(-1);
    this.#vals = Object.fromEntries(SERIES.map((k) => [k, new Float64Array(span)])) as Record<SeriesName, Float64Array>;
  }

  add(name: SeriesName, value: number, tsMs: number): void {
    const s = Math.floor(tsMs / 1000);
    const i = s % this.span;
    if (this.#sec[i] !== s) {
      if (this.#sec[i] > s) return; // older than the ring
      this.#sec[i] = s;
      for (const k of SERIES) this.#vals[k][i] = 0;
    }
    this.#vals[name][i] += value;
  }

  /** Points for seconds in [from, to], zero-filled, oldest first. */
  points(from: number, to: number): SeriesPoints {
    const out: SeriesPoints = { t: [], tokens: [], cost: [], events: [], drops: [] };
    for (let s = Math.max(from, to - this.span + 1); s <= to; s++) {
      const i = s % this.span;
      const here = this.#sec[i] === s;
      out.t.push(s);
      for (const k of SERIES) out[k].push(here ? this.#vals[k][i] : 0);
    }
    return out;
  }
}
