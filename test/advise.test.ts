import { describe, it, expect } from 'vitest';
import { advise } from '../src/advise/index.js';
import { adviseMarkdown } from '../src/advise/format.js';
import { emptyBatch, emptyUsage, type EventBatch, type LlmCall, type Usage } from '../src/model.js';
import type { AdviseInput } from '../src/advise/types.js';
import { seededRandom } from '../src/tag/random.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);

/** A corpus builder: sessions of prompts, each answered by a few calls with tools. */
class Corpus {
  batch: EventBatch = emptyBatch();
  tags = new Map<string, string>();
  private n = 0;
  private rand = seededRandom(11);
  session(id: string, start: number) {
    this.batch.sessions.push({ id, agent: 'claude', cwd: '/home/dev/src/shop', project: 'shop', start, end: start + 3_600_000 });
    return id;
  }
  prompt(session: string, ts: number, tag: string, text = `${tag} something`, kind: 'human' | 'continue' = 'human') {
    const id = `p${this.n++}`;
    this.batch.prompts.push({ id, session, ts, text, kind });
    this.tags.set(id, tag);
    return id;
  }
  call(session: string, prompt: string | null, ts: number, usage: Partial<Usage> = {}, sidechain = false): LlmCall {
    const c: LlmCall = {
      id: `m${this.n++}`, session, prompt, ts, end: ts + 2000, model: 'claude-sonnet-4-5',
      usage: { ...emptyUsage(), input: 200, output: 300 + Math.floor(this.rand() * 200), cacheRead: 20_000, ...usage },
      shape: { toolUses: 1, textChars: 100, thinkingChars: 0, codeBlocks: 0, tools: ['Read'] }, sidechain,
    };
    this.batch.calls.push(c);
    return c;
  }
  read(session: string, call: LlmCall, path: string, chars: number) {
    this.batch.tools.push({ id: `t${this.n++}`, session, llmCall: call.id, name: 'Read', ts: call.ts, end: call.ts + 50, status: 'ok', outputChars: chars, hints: [{ kind: 'read', target: path }] });
  }
  input(): AdviseInput {
    return {
      batch: this.batch,
      tagOf: (p) => (p === null ? 'none' : this.tags.get(p) ?? 'unmatched'),
      costOf: (c) => (c.usage.input * 3 + c.usage.output * 15 + c.usage.cacheRead * 0.3 + c.usage.cacheWrite5m * 3.75) / 1e6,
    };
  }
}

/** A healthy month: varied tags, short sessions, small reads of many different files. */
function baseline(c: Corpus, sessions = 30, tagWeights: Record<string, number> = { debug: 3, code: 3, review: 2, test: 2, docs: 1, git: 1 }) {
  const tags = Object.entries(tagWeights).flatMap(([t, w]) => Array(w).fill(t));
  let f = 0;
  for (let s = 0; s < sessions; s++) {
    const sid = c.session(`s${s}-${Math.random().toString(36).slice(2, 6)}`, T0 + s * DAY);
    for (let p = 0; p < 4; p++) {
      const ts = T0 + s * DAY + p * 600_000;
      const pid = c.prompt(sid, ts, tags[(s * 4 + p) % tags.length]);
      for (let k = 0; k < 3; k++) {
        const call = c.call(sid, pid, ts + k * 10_000);
        c.read(sid, call, `/home/dev/src/shop/src/mod${f++ % 50}.ts`, 3000);
      }
    }
  }
}

describe('advise on planted patterns', () => {
  const c = new Corpus();
  baseline(c);
  // Planted 1: src/x.ts re-read 41 times across 12 sessions, 12,000 characters each.
  const sids = c.batch.sessions.slice(0, 12).map((s) => s.id);
  for (let i = 0; i < 41; i++) {
    const sid = sids[i % 12];
    const call = c.call(sid, c.batch.prompts.find((p) => p.session === sid)!.id, T0 + i * 1000);
    c.read(sid, call, '/home/dev/src/shop/src/x.ts', 12_000);
  }
  // Planted 2: a continuation chain of 5 in one session.
  const chainSid = c.session('chain', T0 + 40 * DAY);
  c.prompt(chainSid, T0 + 40 * DAY, 'code');
  ['继续', 'ok', 'go on', '好的', 'continue'].forEach((t, i) => {
    const pid = c.prompt(chainSid, T0 + 40 * DAY + (i + 1) * 60_000, /ok|好的/.test(t) ? 'confirm' : 'continue', t);
    c.call(chainSid, pid, T0 + 40 * DAY + (i + 1) * 60_000 + 1000);
  });
  // Planted 3: one session whose context grows from 20k to 320k tokens over 30 calls.
  const growSid = c.session('grow', T0 + 41 * DAY);
  const gp = c.prompt(growSid, T0 + 41 * DAY, 'debug');
  for (let i = 0; i < 30; i++) c.call(growSid, gp, T0 + 41 * DAY + i * 30_000, { cacheRead: 20_000 + i * 10_345 });

  it('finds each planted pattern with the right figures, biggest saving first', async () => {
    const findings = await advise(c.input());
    const kinds = findings.map((f) => f.kind);
    const read = findings.find((f) => f.kind === 'repeated-read')!;
    expect(read.evidence).toMatchObject({ file: 'src/x.ts', reads: 41, sessions: 12, tokens: 41 * 3000 });
    expect(read.title).toContain('src/x.ts was read 41 times in 12 sessions');
    expect(read.advice).toContain('CLAUDE.md');
    expect(read.trace.search).toBe('file:src/x\\.ts$');
    const churn = findings.find((f) => f.kind === 'churn')!;
    expect(churn.evidence).toMatchObject({ churn_prompts: 5, chains: 1, longest_chain: 5 });
    const grow = findings.find((f) => f.kind === 'context-growth')!;
    expect(grow.evidence.calls).toBe(30);
    expect(grow.evidence.peak).toBe(200 + 20_000 + 29 * 10_345);
    // Cache reads beyond 60k per call, priced as sonnet cache reads ($0.30/M).
    let excess = 0;
    for (let i = 0; i < 30; i++) excess += Math.max(0, 200 + 20_000 + i * 10_345 - 60_000);
    expect(grow.savingTokens).toBe(excess);
    expect(grow.savingUsd).toBeCloseTo((excess * 0.3) / 1e6, 4);
    // Only the planted patterns fire, and the biggest planted saving ranks first.
    // The context-growth session is also one prompt answered by 30 calls: a burst, rightly.
    const burst = findings.find((f) => f.kind === 'call-burst')!;
    expect(burst.evidence).toMatchObject({ outliers: 1 });
    expect(new Set(kinds)).toEqual(new Set(['repeated-read', 'churn', 'context-growth', 'call-burst']));
    const biggest = [...findings].sort((a, b) => b.savingUsd - a.savingUsd)[0];
    expect(findings[0]).toBe(biggest);
    expect(findings[0].kind).toBe('context-growth');
    const md = adviseMarkdown(findings, 'test corpus');
    expect(md).toContain('## 1. a session grew its context');
  });

  it('reports the period-over-period shift in tag cost share', async () => {
    const base = new Corpus();
    baseline(base);
    const cur = new Corpus();
    baseline(cur, 30, { debug: 1, code: 1, review: 8, test: 1, docs: 1, git: 1 });
    const findings = await advise(cur.input(), base.input());
    const shift = findings.find((f) => f.kind === 'shift' && f.evidence.tag === 'review')!;
    const share = (c: Corpus) => {
      const i = c.input();
      const total = c.batch.calls.reduce((s, x) => s + i.costOf(x), 0);
      return (100 * c.batch.calls.filter((x) => i.tagOf(x.prompt) === 'review').reduce((s, x) => s + i.costOf(x), 0)) / total;
    };
    expect(shift.evidence.base_share_pct).toBeCloseTo(share(base), 1);
    expect(shift.evidence.new_share_pct).toBeCloseTo(share(cur), 1);
    expect(shift.title).toMatch(/"review" grew from 1\d\.\d % to 6\d\.\d % of the cost/);
    expect(findings.filter((f) => f.kind === 'shift').every((f) => ['review', 'debug', 'code', 'test'].includes(String(f.evidence.tag)))).toBe(true);
  });

  it('raises no alarm on a corpus without patterns', async () => {
    const clean = new Corpus();
    baseline(clean, 40);
    expect(await advise(clean.input())).toEqual([]);
  });
});

describe('agentpprof advise on the example corpus', () => {
  it('prints ranked findings as JSON with traceable stacks and no prompt text', async () => {
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync('npx', ['tsx', 'src/cli.ts', 'advise', '--format', 'json', 'examples'], { encoding: 'utf8' });
    const report = JSON.parse(out) as { findings: { kind: string; savingUsd: number; trace: { search: string } }[] };
    expect(report.findings.length).toBeGreaterThan(0);
    for (let i = 1; i < report.findings.length; i++) expect(report.findings[i - 1].savingUsd).toBeGreaterThanOrEqual(report.findings[i].savingUsd);
    for (const f of report.findings) expect(() => new RegExp(f.trace.search)).not.toThrow();
    // No human prompt text of the corpus leaks into the report.
    const { loadHistory } = await import('../src/sources/index.js');
    const h = await loadHistory({ paths: ['examples'], threads: 0 });
    const texts = h.prompts.filter((p) => p.kind === 'human' && p.text.length > 12).map((p) => p.text.slice(0, 40));
    expect(texts.length).toBeGreaterThan(20);
    for (const t of texts) expect(out).not.toContain(t);
  }, 60_000);
});
