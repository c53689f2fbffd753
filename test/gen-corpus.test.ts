// The corpus generator: same seed → same bytes; the committed examples/ are what the generator writes;
// they contain every format pitfall; the prompts cover every intent in three languages; and the readers
// (src/sources) reproduce the generator's intended totals exactly.
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Rng } from '../scripts/gen-corpus/rng.js';
import { planSession } from '../scripts/gen-corpus/plan.js';
import { makeProjects } from '../scripts/gen-corpus/content.js';
import { INTENTS } from '../scripts/gen-corpus/prompts.js';
import { diffTotals, totalsOfBatch } from '../scripts/gen-corpus/compare.js';
import type { Expected } from '../scripts/gen-corpus/totals.js';
import { loadHistory } from '../src/sources/index.js';
import { defaultRules } from '../src/tag/rules.js';
import { matchRule } from '../src/tag/regex.js';

const ROOT = join(import.meta.dirname, '..');
const EXAMPLES = join(ROOT, 'examples');
// Must match the command in examples/README.md.
const EXAMPLE_ARGS = ['--seed', '42', '--sessions', '30'];

function gen(out: string, args: string[]): void {
  execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/gen-corpus.ts'), '--out', out, '--quiet', ...args], { cwd: ROOT });
}

function treeHash(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e !== 'README.md') out.set(relative(dir, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

const readAll = (dir: string): string => [...treeHash(dir).keys()].map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');

describe('gen-corpus', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'gen-corpus-'));
    return () => rmSync(tmp, { recursive: true, force: true });
  });

  it('writes the same bytes for the same seed, and different bytes for another seed', () => {
    gen(join(tmp, 'a'), ['--seed', '5', '--sessions', '12']);
    gen(join(tmp, 'b'), ['--seed', '5', '--sessions', '12']);
    gen(join(tmp, 'c'), ['--seed', '6', '--sessions', '12']);
    const a = treeHash(join(tmp, 'a'));
    expect(a.size).toBeGreaterThan(12);
    expect(treeHash(join(tmp, 'b'))).toEqual(a);
    expect(treeHash(join(tmp, 'c'))).not.toEqual(a);
  });

  it('the committed examples/ are exactly what the generator writes (regenerate: see examples/README.md)', () => {
    gen(join(tmp, 'ex'), EXAMPLE_ARGS);
    expect(treeHash(EXAMPLES)).toEqual(treeHash(join(tmp, 'ex')));
  });

  it('examples/ hold every layout and pitfall of the formats doc', () => {
    const text = readAll(EXAMPLES);
    const files = [...treeHash(EXAMPLES).keys()];
    const expected = JSON.parse(readFileSync(join(EXAMPLES, 'expected.json'), 'utf8')) as Expected;
    for (const marker of ['"isCompactSummary":true', '"subtype":"compact_boundary"', '"model":"<synthetic>"', '"isApiErrorMessage":true',
      '"type":"summary"', '"isSidechain":true', '"isMeta":true', '<command-name>', '"toolUseResult":{"status":"completed"',
      '"ephemeral_1h_input_tokens"', '"info":null', '"thread_spawn"', '{"record_type":"state"}', '"type":"custom_tool_call"',
      '"type":"local_shell_call"', '"type":"web_search_call"', '"$rewindTo"', '"$set"', '"type":"gemini"', '[Request interrupted by user]', '"type":"compacted"', '"type":"file-history-snapshot"',
      '"type":"queue-operation"', '"type":"last-prompt"', '"type":"attachment"', '"sourceToolAssistantUUID"', '"originalFile":"',
      '"type":"token_usage_record"', '"type":"item_completed"', '"name":"exec_command"']) {
      expect(text.includes(marker), marker).toBe(true);
    }
    expect(files.some((f) => /\/subagents\/agent-\w+\.jsonl$/.test(f))).toBe(true);
    expect(files.some((f) => /\/subagents\/agent-\w+\.meta\.json$/.test(f))).toBe(true);
    expect(files.some((f) => /projects\/[^/]+\/agent-\w+\.jsonl$/.test(f))).toBe(true);
    expect(files.some((f) => f.startsWith('codex/archived_sessions/'))).toBe(true);
    expect(files.some((f) => /^codex\/sessions\/rollout-[\d-]+-[\w-]+\.json$/.test(f))).toBe(true);
    expect(files.some((f) => /^gemini\/tmp\/\w+\/chats\/session-.*\.json$/.test(f))).toBe(true);
    expect(files.some((f) => /^gemini\/tmp\/\w+\/chats\/session-.*\.jsonl$/.test(f))).toBe(true);
    for (const m of ['claude-opus-4-6', 'claude-sonnet-4-5-20250929', 'claude-haiku-4-5', 'gpt-5.1-codex', 'gpt-5.2-codex', 'gpt-5', 'gemini-2.5-pro', 'gemini-2.5-flash']) {
      expect(Object.keys(expected.overall.models), m).toContain(m);
    }
    expect(expected.overall.skippedLines).toBeGreaterThan(0);
    const bytes = files.reduce((n, f) => n + statSync(join(EXAMPLES, f)).size, 0);
    expect(bytes).toBeLessThan(8_000_000);
  });

  const planned = () => {
    const r = new Rng(9);
    const projects = makeProjects(r, 'dev', 6);
    return Array.from({ length: 300 }, (_, i) => planSession(r.fork(i), { seed: 9, user: 'dev', scale: 1 }, projects[i % projects.length], 0).turns).flat();
  };

  it('plans prompts of every intent, in English, Chinese and mixed, with 3–12 % vague ones', () => {
    const intents = new Map<string, number>();
    const langs = new Map<string, number>();
    const texts = new Set<string>();
    let n = 0;
    for (const t of planned()) {
      intents.set(t.intent, (intents.get(t.intent) ?? 0) + 1);
      langs.set(t.lang, (langs.get(t.lang) ?? 0) + 1);
      texts.add(t.text);
      n++;
    }
    for (const i of INTENTS) expect(intents.get(i) ?? 0, i).toBeGreaterThan(5);
    const vague = (intents.get('vague') ?? 0) / n;
    expect(vague).toBeGreaterThan(0.03);
    expect(vague).toBeLessThan(0.12);
    for (const l of ['en', 'zh', 'mixed']) expect(langs.get(l) ?? 0, l).toBeGreaterThan(n * 0.1);
    // Varied, not a handful of templates.
    expect(texts.size).toBeGreaterThan(n * 0.4);
  });

  it('the default regex rules tag at least 85 % of the generated prompts', () => {
    const rules = defaultRules();
    const turns = planned();
    const matched = turns.filter((t) => matchRule(rules, t.text)).length;
    expect(matched / turns.length).toBeGreaterThanOrEqual(0.85);
  });

  it('--size stops at the byte target and --agents limits the agents', () => {
    gen(join(tmp, 'sz'), ['--seed', '3', '--size', '300KB', '--agents', 'codex']);
    const e = JSON.parse(readFileSync(join(tmp, 'sz', 'expected.json'), 'utf8')) as Expected;
    expect(Object.keys(e.agents)).toEqual(['codex']);
    expect(e.written.bytes).toBeGreaterThanOrEqual(300_000);
    expect(e.written.bytes).toBeLessThan(3_000_000);
    expect([...treeHash(join(tmp, 'sz')).keys()].every((f) => f === 'expected.json' || f.startsWith('codex/'))).toBe(true);
  });
});

// Differences the readers' owner has been told about (/work/notes/readers-mismatch.md) and not yet fixed.
// Each entry is `path` of diffTotals; remove it once the readers agree.
const KNOWN_READER_GAPS: string[] = [];

describe('readers on examples/', () => {
  it('loadHistory equals expected.json exactly', async () => {
    const expected = JSON.parse(readFileSync(join(EXAMPLES, 'expected.json'), 'utf8')) as Expected;
    const dirs = (a: string) => (expected.roots[a] ? [join(EXAMPLES, expected.roots[a])] : []);
    const h = await loadHistory({ claudeDirs: dirs('claude'), codexDirs: dirs('codex'), geminiDirs: dirs('gemini'), threads: 1 });
    const diff = diffTotals(expected, totalsOfBatch(h, expected.roots));
    expect(diff.filter((d) => !KNOWN_READER_GAPS.includes(d.split(':')[0]))).toEqual([]);
  });
});
