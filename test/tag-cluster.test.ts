import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { clusterPrompts, ClusterTagger } from '../src/tag/cluster.js';
import { adjustedRandIndex } from '../src/tag/ari.js';
import { evaluate, parseLabels } from '../src/tag/eval.js';
import { terms } from '../src/tag/tokenize.js';
import { INTENT_LEXICON } from '../src/tag/lexicon.js';
import { seededRandom } from '../src/tag/random.js';

// Prompts of known intent, composed like real ones: an intent phrase (English, Chinese or mixed), an
// object and a context shared by every intent, so only the intent words separate the groups.
const INTENTS: Record<string, string[]> = {
  debug: ['fix the error in', '为啥报错了', 'why does it crash', '修复 bug', 'the test fails with an error in', 'debug the failure in'],
  git: ['commit and push', '提交并推送', 'rebase onto main', 'git commit with a message for', 'push the branch with', '合并分支'],
  docs: ['update the docs for', '写文档', 'write documentation in the readme for', 'document the options of', '更新文档'],
  test: ['write unit tests for', '加单测', 'add test cases for', 'run the tests for', '补充测试用例'],
  perf: ['make it faster, optimize', '优化性能', 'profile and reduce latency of', 'speed up the slow', '太慢了 优化一下'],
  deploy: ['deploy to staging', '部署到生产环境', 'release and deploy to prod', 'deploy the service', '发布上线'],
};
const OBJECTS = ['the parser', 'the server', 'main.rs', 'auth module', 'the cache', 'router', 'database layer', 'settings page', '用户模块', '订单接口'];
const CONTEXTS = ['', 'please', 'before the demo', 'for the new release', 'today', 'when the input is empty', '谢谢', 'asap', 'on linux', 'again'];

function generate(n: number, seed: number) {
  const rand = seededRandom(seed);
  const pick = <T,>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const names = Object.keys(INTENTS);
  const out: { tag: string; prompt: string }[] = [];
  for (let i = 0; i < n; i++) {
    const tag = pick(names);
    out.push({ tag, prompt: `${pick(INTENTS[tag])} ${pick(OBJECTS)} ${pick(CONTEXTS)}`.trim() });
  }
  return out;
}

describe('clustering tagger', () => {
  it('splits CJK into character bigrams and latin into words and bigrams', () => {
    expect(terms('修一下这个 bug')).toEqual(['fix', '修一', '一下', '下这', '这个', 'bug']);
    expect(terms('Fix the failing test')).toEqual(['fix', 'failing', 'fix failing', 'test', 'failing test']);
    expect(terms('嗯')).toEqual(['confirm', '嗯']);
  });

  it('recovers known intents (ARI reported) and names clusters by keyword', () => {
    const data = generate(600, 1);
    const res = clusterPrompts(data.map((d) => d.prompt));
    expect(res.k).toBeGreaterThanOrEqual(5);
    expect(res.k).toBeLessThanOrEqual(25);
    const ari = adjustedRandIndex(data.map((d) => d.tag), Array.from(res.assign));
    console.log(`cluster ARI on 600 generated prompts of 6 intents: ${ari.toFixed(3)} (k=${res.k}, silhouette ${res.silhouette})`);
    expect(ari).toBeGreaterThan(0.3);
    for (const c of res.clusters) expect(c.tag).toMatch(/^[a-z]{2,12}\d*$/);
    // Clusters of one intent share its name (they fold together); keyword names stay distinct.
    const INTENT_NAMES = new Set(Object.values(INTENT_LEXICON));
    const other = res.clusters.map((c) => c.tag).filter((t) => !INTENT_NAMES.has(t));
    expect(new Set(other).size).toBe(other.length);
  });

  it('is deterministic: the same input gives the same tags', async () => {
    const prompts = generate(300, 2).map((d) => d.prompt);
    const a = await new ClusterTagger().tagAll(prompts);
    const b = await new ClusterTagger().tagAll(prompts);
    expect(a).toEqual(b);
  });

  it('gives Chinese and English prompts of one intent the same cluster more often than not', () => {
    const data = generate(600, 3);
    const res = clusterPrompts(data.map((d) => d.prompt));
    const r = evaluate(data.map((d, i) => ({ ...d, line: i })), Array.from(res.assign, (c) => ({ tag: String(c), matched: c >= 0 })));
    expect(r.purity).toBeGreaterThan(0.7);
  });

  it('evaluates against the hand-labeled set', async () => {
    const labels = parseLabels(readFileSync('test/fixtures/labels/prompts.tsv', 'utf8'));
    expect(labels.length).toBeGreaterThanOrEqual(150);
    const results = await new ClusterTagger().tagAll(labels.map((l) => l.prompt));
    const r = evaluate(labels, results);
    console.log(`cluster on labeled set: coverage ${r.coverage} purity ${r.purity} ARI ${r.ari}`);
    expect(r.coverage).toBeGreaterThan(0.8);
  });
});

describe('agentpprof tags --clusters --stability on the example corpus', () => {
  it('reports clusters, languages and stability as JSON without prompt text', async () => {
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync('npx', ['tsx', 'src/cli.ts', 'tags', '--clusters', '--stability', '2', '--json', 'examples'], { encoding: 'utf8' });
    const r = JSON.parse(out);
    expect(r.clusters.k).toBeGreaterThanOrEqual(5);
    expect(r.clusters.k).toBeLessThanOrEqual(25);
    expect(r.clusters.list.reduce((s: number, c: { size: number }) => s + c.size, 0)).toBeGreaterThan(100);
    expect(Object.keys(r.languages)).toEqual(expect.arrayContaining(['en', 'zh', 'mixed']));
    expect(r.stability).toMatchObject({ runs: 2, share: 1 });
    expect(out).not.toMatch(/samples/);
  }, 60_000);
});
