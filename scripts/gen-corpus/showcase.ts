// Rare layouts and pitfalls must appear even in a small corpus (examples/ has 30 sessions), whatever the
// seed: the first chance to write each one takes it; later chances follow their usual probability.
import type { Rng } from './rng.js';

export class Showcase {
  private readonly seen = new Set<string>();

  /** Not written yet. */
  want(name: string): boolean {
    return !this.seen.has(name);
  }

  mark(name: string): void {
    this.seen.add(name);
  }

  /** True exactly once: the first time it is asked. */
  first(name: string): boolean {
    if (this.seen.has(name)) return false;
    this.seen.add(name);
    return true;
  }

  /** The first time, then with probability p. */
  take(r: Rng, name: string, p: number): boolean {
    return this.first(name) || r.chance(p);
  }
}
