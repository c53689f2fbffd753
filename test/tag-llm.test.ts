import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LlmTagger, OpenAiBackend, HybridTagger, stability, tagGrammar, TAG_WORD, DEFAULT_TAGS } from '../src/tag/llm.js';
import { LlamaCppBackend } from '../src/tag/llama.js';
import { TagCache } from '../src/tag/llm-cache.js';
import { evaluate, parseLabels } from '../src/tag/eval.js';
import { UNMATCHED, type Tagger, type TagResult } from '../src/tag/types.js';
import { tinyGguf } from '../scripts/tiny-gguf.js';

const labels = parseLabels(readFileSync('test/fixtures/labels/prompts.tsv', 'utf8'));
const truth = new Map(labels.map((l) => [l.prompt, l.tag]));

/** A rules stand-in with known gaps: matches a few intents by keyword, leaves the rest. */
class KeywordRules implements Tagger {
  readonly name = 'keywords';
  async tagAll(texts: string[]): Promise<TagResult[]> {
    return texts.map((t) =>
      /\bcommit|push|rebase|branch/i.test(t) ? { tag: 'git', matched: true } :
      /\btests?\b|单测/i.test(t) ? { tag: 'test', matched: true } : { tag: UNMATCHED, matched: false });
  }
}

describe('LLM tagger against a scripted OpenAI-compatible server', () => {
  let server: Server;
  let url = '';
  const requests: any[] = [];
  let mode: 'perfect' | 'garbage' = 'perfect';
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const j = JSON.parse(body);
        requests.push(j);
        const prompt = j.messages[1].content as string;
        const answer = mode === 'garbage' ? '!!!' : (truth.get(prompt) ?? 'code');
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: answer } }] }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as any).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('sends temperature 0, a few tokens and the tag grammar', async () => {
    requests.length = 0;
    const t = new LlmTagger(new OpenAiBackend(url, 'scripted'));
    const [r] = await t.tagAll(['fix the failing test in src/app.js']);
    expect(r).toMatchObject({ tag: 'debug', matched: true });
    expect(requests[0]).toMatchObject({ temperature: 0, max_tokens: 8, model: 'scripted' });
    expect(requests[0].grammar).toBe(tagGrammar(DEFAULT_TAGS));
  });

  it('hybrid with a perfect endpoint reaches 100% coverage without changing rule-matched tags', async () => {
    requests.length = 0;
    const rules = new KeywordRules();
    const prompts = labels.map((l) => l.prompt);
    const byRules = await rules.tagAll(prompts);
    const hybrid = await new HybridTagger(rules, new LlmTagger(new OpenAiBackend(url, 'scripted'))).tagAll(prompts);
    const r = evaluate(labels, hybrid);
    expect(r.coverage).toBe(1);
    byRules.forEach((x, i) => { if (x.matched) expect(hybrid[i].tag).toBe(x.tag); });
    // The LLM saw only what the rules left unmatched.
    expect(requests.length).toBe(new Set(prompts.filter((_, i) => !byRules[i].matched)).size);
  });

  it('tags --eval with --llm-url: hybrid by default, 100% coverage, rule-matched prompts unchanged', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const run = (args: string[]) => promisify(execFile)('npx', ['tsx', 'src/cli.ts', 'tags', ...args], { encoding: 'utf8' });
    const cache = join(mkdtempSync(join(tmpdir(), 'agentpprof-cache-')), 'c');
    const env = { XDG_CACHE_HOME: cache };
    Object.assign(process.env, env);
    const rules = JSON.parse((await run(['--eval', 'test/fixtures/labels/prompts.tsv', '--json'])).stdout);
    const hybrid = JSON.parse((await run(['--eval', 'test/fixtures/labels/prompts.tsv', '--json', '--llm-url', url, '--llm-model', 'scripted'])).stdout);
    expect(hybrid.tagger).toBe('hybrid');
    expect(hybrid.coverage).toBe(1);
    expect(hybrid.accuracy).toBeGreaterThan(rules.accuracy);
    // No regression: every tag the rules got right is still right.
    for (const t of rules.perTag) {
      const h = hybrid.perTag.find((x: { tag: string }) => x.tag === t.tag);
      expect(h.recall).toBeGreaterThanOrEqual(t.recall);
    }
    console.log(`tags --eval: rules accuracy ${rules.accuracy} coverage ${rules.coverage}; hybrid (perfect endpoint) accuracy ${hybrid.accuracy} coverage ${hybrid.coverage}`);
  }, 120_000);

  it('retries an invalid answer once, then leaves the prompt unmatched', async () => {
    mode = 'garbage';
    requests.length = 0;
    const t = new LlmTagger(new OpenAiBackend(url, 'scripted'));
    const [r] = await t.tagAll(['something vague']);
    mode = 'perfect';
    expect(r.matched).toBe(false);
    expect(requests.length).toBe(2);
    expect(t.stats.invalid).toBe(1);
  });

  it('caches answers on disk and bounds uncached calls with maxUncached', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'agentpprof-llm-')), 'cache.jsonl');
    const prompts = labels.slice(0, 20).map((l) => l.prompt);
    const first = new LlmTagger(new OpenAiBackend(url, 'scripted'), { cache: new TagCache(file), maxUncached: 5 });
    await first.tagAll(prompts);
    expect(first.stats).toMatchObject({ asked: 5, skippedByLimit: 15 });
    requests.length = 0;
    const second = new LlmTagger(new OpenAiBackend(url, 'scripted'), { cache: new TagCache(file) });
    const res = await second.tagAll(prompts);
    expect(second.stats.cached).toBe(5);
    expect(requests.length).toBe(15);
    expect(res.every((r) => r.matched)).toBe(true);
    // A different tag list is a different cache key.
    const third = new LlmTagger(new OpenAiBackend(url, 'scripted'), { cache: new TagCache(file), tags: ['a', 'b'] });
    await third.tagAll(prompts.slice(0, 3));
    expect(third.stats.cached).toBe(0);
  });
});

describe('LLM tagger with a real local GGUF model (node-llama-cpp, random weights)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentpprof-gguf-'));
  const modelPath = join(dir, 'tiny.gguf');
  writeFileSync(modelPath, tinyGguf(3));
  const backend = new LlamaCppBackend(modelPath, 2);
  afterAll(() => backend.dispose());
  const prompts = labels.slice(0, 12).map((l) => l.prompt);

  it('always produces grammar-valid tags', async () => {
    const res = await new LlmTagger(backend).tagAll(prompts);
    for (const r of res) {
      expect(r.matched).toBe(true);
      expect(DEFAULT_TAGS.includes(r.tag) || TAG_WORD.test(r.tag)).toBe(true);
    }
  }, 120_000);

  it('reports stability over repeated runs', async () => {
    const s = await stability(() => new LlmTagger(backend, { noCache: true }), prompts.slice(0, 6), 3);
    expect(s.total).toBe(6);
    expect(s.stable).toBeGreaterThanOrEqual(0);
    expect(s.share).toBe(s.stable / 6);
  }, 120_000);

  it('routes only rule-unmatched prompts to the model in hybrid mode', async () => {
    const llm = new LlmTagger(backend);
    const res = await new HybridTagger(new KeywordRules(), llm).tagAll(prompts);
    const unmatched = (await new KeywordRules().tagAll(prompts)).filter((r) => !r.matched).length;
    expect(llm.stats.asked).toBe(unmatched);
    expect(res.every((r) => r.matched)).toBe(true);
  }, 120_000);
});
