import { usageTotal, type EventBatch, type LlmCall, type Session, type Usage } from '../model.js';

/** Rough tokens for text fed back to the model (tool output): ~4 characters a token for code and logs. */
export const CHARS_PER_TOKEN = 4;

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

/** Tokens a call sent as context (everything but its output): what a growing history costs per call. */
export const contextTokens = (u: Usage): number => u.input + u.cacheRead + u.cacheWrite5m + u.cacheWrite1h;

export const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
