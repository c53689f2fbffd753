import { existsSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyUsage, type Usage } from '../src/model.js';
import { canonicalModel, costOf, costTotal, parsePrices, Pricer } from '../src/cost/pricing.js';
import { BUNDLED_PRICES } from '../src/cost/prices.js';
import { buildProfile } from '../src/profile/index.js';
import { loadHistory } from '../src/sources/index.js';

const u = (x: Partial<Usage>): Usage => ({ ...emptyUsage(), ...x });
const usd = (model: string, x: Partial<Usage>, pricer = new Pricer()) => costTotal(pricer.cost(model, u(x))!);

describe('price lookup', () => {
  it('strips date suffixes and provider prefixes, never guesses a newer model', () => {
    expect(canonicalModel('claude-sonnet-4-5-20250929')).toBe('claude-sonnet-4-5');
    expect(canonicalModel('anthropic/claude-opus-4-1')).toBe('claude-opus-4-1');
    expect(canonicalModel('us.anthropic.claude-sonnet-4-5-20250929-v1:0')).toBe('claude-sonnet-4-5');
    const p = new Pricer();
    expect(p.lookup('claude-opus-4-5-20251101')).toBe(BUNDLED_PRICES['claude-opus-4-5']);
    expect(p.lookup('openai/gpt-5.1-codex')).toBe(BUNDLED_PRICES['gpt-5.1-codex']);
    expect(p.lookup('claude-sonnet-4-5-thinking')).toBe(BUNDLED_PRICES['claude-sonnet-4-5']);
    expect(p.lookup('claude-opus-4-9')).toBeUndefined();
    expect(p.cost('mystery-model', u({ input: 10 }))).toBeUndefined();
    expect(p.cost('<synthetic>', u({}))).toBeUndefined();
    expect([...p.unknown.keys()]).toEqual(['mystery-model']);
  });
});

// Figures ccusage 20.0.24 --offline printed for the same usages (see src/cost/prices.ts).
describe('costs as ccusage computes them', () => {
  it('charges the >200k tier per token kind for Sonnet 4 / 4.5 only', () => {
    expect(usd('claude-sonnet-4-20250514', { input: 250_000, output: 1000 })).toBeCloseTo(0.915, 12);
    expect(usd('claude-sonnet-4-5-20250929', { input: 100, output: 300_000, cacheWrite5m: 210_000, cacheRead: 220_000 })).toBeCloseTo(6.1473, 12);
    expect(usd('claude-sonnet-4-6', { input: 300_000, output: 1000 })).toBeCloseTo(0.915, 12);
    expect(usd('claude-opus-4-5-20251101', { input: 300_000, output: 1000 })).toBeCloseTo(1.525, 12);
    expect(usd('claude-opus-4-20250514', { input: 300_000, output: 1000 })).toBeCloseTo(4.575, 12);
    expect(usd('claude-haiku-4-5-20251001', { input: 300_000, output: 1000 })).toBeCloseTo(0.305, 12);
    expect(usd('claude-3-5-haiku-20241022', { input: 300_000, output: 1000 })).toBeCloseTo(0.244, 12);
  });

  it('prices 1h cache writes above 5m ones', () => {
    expect(usd('claude-opus-4-1-20250805', { input: 1000, output: 1000, cacheWrite5m: 1000, cacheWrite1h: 2000 })).toBeCloseTo(0.16875, 12);
    expect(usd('claude-sonnet-4-5', { cacheWrite5m: 100_000, cacheWrite1h: 200_000 })).toBeCloseTo(1.575, 12);
  });

  it('prices Codex usage as uncached input + cached reads + output', () => {
    // 2500 input incl. 500 cached → input 2000, cacheRead 500 in the model.
    expect(usd('gpt-5', { input: 2000, cacheRead: 500, output: 300 })).toBeCloseTo((2000 * 1.25 + 500 * 0.125 + 300 * 10) / 1e6, 15);
    expect(costOf(BUNDLED_PRICES['gpt-5.2-codex'], u({ output: 1e6 })).output).toBe(14);
  });

  it('--prices overrides the table and fills missing cache prices; errors name the file', () => {
    const t = parsePrices('{"my-model": {"input": 2, "output": 8}, "gpt-5": {"input": 1, "output": 1, "cache_read": 0}}', 'p.json');
    expect(usd('my-model-20250101', { input: 1e6, cacheWrite5m: 1e6, cacheRead: 1e6 }, new Pricer(t))).toBeCloseTo(2 + 2.5 + 0.2, 12);
    expect(usd('gpt-5', { output: 1e6 }, new Pricer(t))).toBe(1);
    expect(() => parsePrices('{"m": {"input": 1}}', 'p.json')).toThrow(/p\.json: m: input and output prices are required/);
    expect(() => parsePrices('{"m": {"input": 1, "output": 1, "cache_writes": 2}}', 'p.json')).toThrow(/unknown price field "cache_writes"/);
    expect(() => parsePrices('nope', 'p.json')).toThrow(/p\.json: not JSON/);
  });
});

/** ccusage's native binary where scripts/bench/ingest.ts installs it (or $CCUSAGE_BIN). */
function ccusageBin(): string | undefined {
  const cands = [process.env.CCUSAGE_BIN, resolve('.cache/ccusage'), '/tmp/agentpprof-bench/ccusage', '/tmp/ccusage'].filter(Boolean) as string[];
  for (const c of cands) {
    if (existsSync(c) && !existsSync(join(c, 'node_modules'))) return c;
    const bin = join(c, 'node_modules', '@ccusage', `ccusage-${process.platform}-${process.arch}`, 'bin', 'ccusage');
    if (existsSync(bin)) return bin;
  }
  return undefined;
}

describe('cost view vs ccusage', () => {
  const bin = ccusageBin();
  const corpus = resolve('examples/claude');
  const present = Boolean(bin) && existsSync(corpus) && readdirSync(corpus).length > 0;
  if (!present) console.log('skipped: ccusage not installed (scripts/setup.sh ccusage, or set CCUSAGE_BIN) or examples/ missing');
  it.skipIf(!present)('the cost view total equals ccusage --mode calculate within 0.1 % on examples/claude', async () => {
    const out = execFileSync(bin!, ['claude', 'session', '--json', '--offline', '--mode', 'calculate'], {
      env: { ...process.env, CLAUDE_CONFIG_DIR: corpus }, encoding: 'utf8',
    });
    const theirs = (JSON.parse(out) as { totals: { totalCost: number; totalTokens: number } }).totals;
    const h = await loadHistory({ claudeDirs: [corpus], threads: 1 });
    const cost = buildProfile(h, new Map(), { view: 'cost' });
    const tokens = buildProfile(h, new Map(), { view: 'tokens' });
    console.log(`examples/claude: ours $${cost.total.toFixed(6)}, ccusage $${theirs.totalCost.toFixed(6)}; tokens ${tokens.total} vs ${theirs.totalTokens}`);
    expect(tokens.total).toBe(theirs.totalTokens);
    expect(Math.abs(cost.total - theirs.totalCost) / theirs.totalCost).toBeLessThan(0.001);
  });
  it.skipIf(!present)('and equals ccusage in its default mode (which uses the costUSD old versions wrote) within 0.1 %', async () => {
    const out = execFileSync(bin!, ['claude', 'session', '--json', '--offline'], { env: { ...process.env, CLAUDE_CONFIG_DIR: corpus }, encoding: 'utf8' });
    const theirs = (JSON.parse(out) as { totals: { totalCost: number } }).totals;
    const cost = buildProfile(await loadHistory({ claudeDirs: [corpus], threads: 1 }), new Map(), { view: 'cost' });
    console.log(`examples/claude, ccusage default mode: ours $${cost.total.toFixed(6)}, ccusage $${theirs.totalCost.toFixed(6)}`);
    expect(Math.abs(cost.total - theirs.totalCost) / theirs.totalCost).toBeLessThan(0.001);
  });
});
