import { usageTotal, type EventBatch, type LlmCall, type Session } from '../model.js';

/** Rough tokens for text fed back to the model (tool output): ~4 characters a token for code and logs. */
export const CHARS_PER_TOKEN = 4;

export function indexBy<T, K>(xs: T[], key: (x: T) => K): Map<K, T> {
  const m = new Map<K, T>();
  for (const x of xs) m.set(key(x), x);
  return m;
}

export { groupBy } from '../util/collections.js';

/** USD per input-side token over the corpus: prices a saving expressed in tokens re-read. */
export function blendedInputPrice(batch: EventBatch, costOf: (c: LlmCall) => number): number {
  let usd = 0, tokens = 0;
  for (const c of batch.calls) { usd += costOf(c); tokens += usageTotal(c.usage); }
  return tokens ? usd / tokens : 0;
}

export function defaultPathLabel(session: Session | undefined, path: string): string {
  const cwd = session?.cwd;
  if (cwd && path.startsWith(cwd + '/')) return path.slice(cwd.length + 1);
  if (!path.startsWith('/')) return path.replace(/^\.\//, '');
  return 'external/path';
}

export const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i];
}
