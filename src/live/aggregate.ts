// Rolling aggregates for live mode: per view, an all-time table plus sliding windows (5 min, 1 h)
// made of fixed time buckets. Memory is bounded by (distinct stacks × buckets), and distinct stacks
// are capped by the interner: past the cap, new stacks fold into an `other` leaf, so a flood of
// unique file paths cannot grow the process without limit.

export type WindowName = 'all' | '5m' | '1h';
export const WINDOWS: readonly WindowName[] = ['all', '5m', '1h'];

/** Bucket width and bucket count per sliding window (width × count = the window's span). */
const WINDOW_SPECS: Record<Exclude<WindowName, 'all'>, { width: number; count: number }> = {
  '5m': { width: 10_000, count: 30 },
  '1h': { width: 60_000, count: 60 },
};

/** Interns stacks (frames root first) into small integer ids shared by every view and window. */
export class StackTable {
  readonly stacks: string[][] = [];
  readonly #ids = new Map<string, number>();
  overflowed = 0;
  constructor(readonly maxStacks = 200_000) {}

  id(stack: string[]): number {
    const key = stack.join('\u0000');
    const found = this.#ids.get(key);
    if (found !== undefined) return found;
    if (this.stacks.length >= this.maxStacks) {
      this.overflowed++;
      return this.id([...stack.slice(0, 2), 'other:stack-limit']);
    }
    const id = this.stacks.length;
    this.stacks.push(stack);
    this.#ids.set(key, id);
    return id;
  }
}

/** Adds to a table entry; entries that reach zero are removed so tables only hold live stacks. */
function bump(t: Map<number, number>, id: number, w: number): void {
  const v = (t.get(id) ?? 0) + w;
  if (Math.abs(v) <= 1e-9) t.delete(id); else t.set(id, v);
}

/** A time-bucketed sliding sum: totals are updated on add and on bucket expiry, never recomputed. */
class Sliding {
  readonly totals = new Map<number, number>();
  readonly #buckets: Map<number, number>[];
  readonly #starts: number[];
  constructor(readonly width: number, readonly count: number, private readonly dirty: Set<number>) {
    this.#buckets = Array.from({ length: count }, () => new Map());
    this.#starts = new Array(count).fill(-Infinity);
  }

  /** Expires buckets that fell out of [now − span, now]. */
  advance(now: number): void {
    const oldest = Math.floor(now / this.width) * this.width - (this.count - 1) * this.width;
    for (let i = 0; i < this.count; i++) {
      if (this.#starts[i] >= oldest || this.#buckets[i].size === 0) continue;
      for (const [id, w] of this.#buckets[i]) {
        bump(this.totals, id, -w);
        this.dirty.add(id);
      }
      this.#buckets[i].clear();
    }
  }

  add(id: number, weight: number, ts: number, now: number): void {
    const start = Math.floor(ts / this.width) * this.width;
    if (start <= now - this.count * this.width || start > now + this.width) return; // outside the window
    const i = Math.floor(start / this.width) % this.count;
    if (this.#starts[i] !== start) {
      // A stale bucket in this slot: expire it first so its weight leaves the totals.
      this.advance(start);
      this.#buckets[i].clear();
      this.#starts[i] = start;
    }
    bump(this.#buckets[i], id, weight);
    bump(this.totals, id, weight);
    this.dirty.add(id);
  }
}

/** One view's tables: the all-time totals and each sliding window, with per-window dirty sets for deltas. */
export class ViewAggregate {
  readonly all = new Map<number, number>();
  readonly dirty: Record<WindowName, Set<number>> = { all: new Set(), '5m': new Set(), '1h': new Set() };
  readonly #sliding: Record<Exclude<WindowName, 'all'>, Sliding>;
  constructor() {
    this.#sliding = {
      '5m': new Sliding(WINDOW_SPECS['5m'].width, WINDOW_SPECS['5m'].count, this.dirty['5m']),
      '1h': new Sliding(WINDOW_SPECS['1h'].width, WINDOW_SPECS['1h'].count, this.dirty['1h']),
    };
  }

  /** Adds weight (negative when a sample moves to another stack) to every window. */
  add(id: number, weight: number, ts: number, now: number): void {
    if (weight === 0 || !Number.isFinite(weight)) return;
    bump(this.all, id, weight);
    this.dirty.all.add(id);
    this.#sliding['5m'].add(id, weight, ts, now);
    this.#sliding['1h'].add(id, weight, ts, now);
  }

  advance(now: number): void {
    this.#sliding['5m'].advance(now);
    this.#sliding['1h'].advance(now);
  }

  table(window: WindowName): Map<number, number> {
    return window === 'all' ? this.all : this.#sliding[window].totals;
  }

  /** Changed entries of one window since the last call (0 = gone), and clears its dirty set. */
  takeDirty(window: WindowName): [number, number][] {
    const t = this.table(window);
    const out: [number, number][] = [];
    for (const id of this.dirty[window]) out.push([id, t.get(id) ?? 0]);
    this.dirty[window].clear();
    return out;
  }
}

export function isWindow(s: unknown): s is WindowName {
  return s === 'all' || s === '5m' || s === '1h';
}
