// Live reading of growing trace files (tail.ts → mirror.ts → increment.ts → trace-join.ts) against an
// offline read of the same final files: real agents' transcripts written in chunks cut anywhere (mid
// line too), with streamed copies repeated and Codex token counts re-emitted; what the live side handed
// out, folded (the last copy of each id wins), must equal the offline read exactly.
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventBatch } from '../src/model.js';
import { folded } from '../src/live/export.js';
import { TraceMirror } from '../src/live/mirror.js';
import { LiveProcessor } from '../src/live/processor.js';
import { ReplayClock, replayFile } from '../src/live/replay.js';
import { LiveRuntime } from '../src/live/runtime.js';
import { FirstWordTagger } from '../src/live/tagger.js';
import { Tailer } from '../src/live/tail.js';
import { isTraceName, isWholeDocument, TraceFeed } from '../src/live/traces.js';
import { mergeResults } from '../src/sources/merge.js';
import { readTraceFile } from '../src/sources/read.js';
import { detectFormat } from '../src/sources/roots.js';
import { seededRandom } from '../src/tag/random.js';

const FIX = join(__dirname, 'fixtures');
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });
const tmp = () => { const d = mkdtempSync(join(tmpdir(), 'apx-incr-')); dirs.push(d); return d; };

function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).map((n) => join(dir, n)).filter((p) => statSync(p).isFile() && isTraceName(p));
}

/** Everything handed out, folded: the last copy of each item wins (as the pipeline's upserts do). */
class Fold {
  sessions = new Map<string, unknown>();
  prompts = new Map<string, unknown>();
  calls = new Map<string, unknown>();
  tools = new Map<string, unknown>();
  skipped = 0;
  batches = 0;
  add(b: EventBatch | null): void {
    if (!b) return;
    // A copy now: the readers keep changing their objects as lines arrive.
    b = structuredClone(b);
    this.batches++;
    for (const s of b.sessions) this.sessions.set(s.id, s);
    for (const p of b.prompts) this.prompts.set(`${p.session}\u0000${p.id}`, p);
    for (const c of b.calls) this.calls.set(`${c.id}\u0000${c.requestId ?? ''}`, c);
    for (const t of b.tools) this.tools.set(t.id, t);
    this.skipped += b.skippedCount;
  }
}

const byKey = <T>(m: Map<string, T>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);

/** `madeLive`: messages (calls with their tools, prompts) live saw that the final file no longer holds (a Gemini rewind drops them). */
function expectSameAsOffline(fold: Fold, files: string[], madeLive: string[] = []): void {
  const off = mergeResults(files.sort().map((f) => readTraceFile(detectFormat(f)!, f)));
  const o = new Fold();
  o.add(off);
  for (const id of madeLive) {
    expect(o.calls.has(`${id}\u0000`) || [...o.prompts.keys()].some((k) => k.endsWith(`\u0000${id}`))).toBe(false);
    fold.calls.delete(`${id}\u0000`);
    for (const [k, t] of fold.tools) if ((t as { llmCall: string }).llmCall === id) fold.tools.delete(k);
    for (const k of fold.prompts.keys()) if (k.endsWith(`\u0000${id}`)) fold.prompts.delete(k);
  }
  expect(byKey(fold.calls)).toEqual(byKey(o.calls));
  expect(byKey(fold.tools)).toEqual(byKey(o.tools));
  expect(byKey(fold.prompts)).toEqual(byKey(o.prompts));
  expect(byKey(fold.sessions)).toEqual(byKey(o.sessions));
  expect(fold.skipped).toBe(off.skippedCount);
  expect(off.calls.length).toBeGreaterThan(0);
}

/** The lines of a fixture with what live sees and a plain copy would not exercise added. */
function harden(text: string, rand: () => number): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    out.push(line);
    // A streamed response's block written again (Claude dedups by message id + request id).
    if (line.includes('"type":"assistant"') && rand() < 0.4) out.push(line);
    // A token count re-emitted with the same totals (Codex repeats them around turn ends).
    if (line.includes('"type":"token_count"') && rand() < 0.5) out.push(line);
    // Bad input is counted live as offline, once.
    if (rand() < 0.02) out.push('{"truncated by a crash":');
  }
  // The writer finished its last line (live holds a line back until its newline arrives).
  const all = out.join('\n');
  return all.endsWith('\n') ? all : all + '\n';
}

/** Writes `files` (fixture → destination) interleaved in random chunks, polling live after each. */
function writeLive(pairs: [string, string][], seed: number, fold: Fold, mirror: TraceMirror, tailer: Tailer, maxChunk = 700): void {
  const rand = seededRandom(seed);
  const rest = pairs.map(([src, dst]) => ({ dst, data: Buffer.from(harden(readFileSync(src, 'utf8'), rand)) }));
  for (const r of rest) { mkdirSync(dirname(r.dst), { recursive: true }); writeFileSync(r.dst, ''); }
  while (rest.some((r) => r.data.length)) {
    const r = rest[Math.floor(rand() * rest.length)];
    if (!r.data.length) continue;
    const n = 1 + Math.floor(rand() * maxChunk);
    appendFileSync(r.dst, r.data.subarray(0, n));
    r.data = r.data.subarray(n);
    tailer.poll(0);
    fold.add(mirror.read(true));
  }
  tailer.poll(0);
  fold.add(mirror.read(true));
}

function live(root: string) {
  const mirror = new TraceMirror(0);
  const tailer = new Tailer({ roots: [root], match: isTraceName, whole: isWholeDocument }, {
    lines: (ls) => mirror.lines(ls), reset: (f) => mirror.reset(f),
  });
  return { mirror, tailer, fold: new Fold() };
}

const REAL = join(FIX, 'real');

/** A real agent's transcript (the first of a fixture run) to be written under a fresh root, followed live. */
function oneFixtureFile(name: string) {
  const root = tmp();
  const src = join(REAL, name);
  const [file] = filesUnder(src);
  const dst = join(root, relative(src, file));
  mkdirSync(dirname(dst), { recursive: true });
  return { root, file, dst, ...live(root) };
}
const fixtureDirs = readdirSync(REAL).filter((d) => !d.endsWith('.md'));

describe('live reading = offline reading of the final files', () => {
  for (const name of fixtureDirs) {
    it(`${name}: appended in chunks cut anywhere`, () => {
      const root = tmp();
      const src = join(REAL, name);
      const pairs = filesUnder(src).map((f) => [f, join(root, relative(src, f))] as [string, string]);
      // Side files the readers look up by path (a subagent's .meta.json) are there before the lines.
      for (const f of readdirSync(src, { recursive: true }) as string[]) {
        if (f.endsWith('.meta.json')) { mkdirSync(dirname(join(root, f)), { recursive: true }); cpSync(join(src, f), join(root, f)); }
      }
      const { mirror, tailer, fold } = live(root);
      writeLive(pairs, 7, fold, mirror, tailer);
      expectSameAsOffline(fold, pairs.map(([, d]) => d));
      expect(fold.batches).toBeGreaterThan(5);
      mirror.close();
    });
  }

  it('one line per poll: each poll hands out only what its line added', () => {
    const { file, dst, mirror, tailer, fold } = oneFixtureFile('claude-2.1.197');
    writeFileSync(dst, '');
    let most = 0;
    for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
      appendFileSync(dst, line + '\n');
      tailer.poll(0);
      const b = mirror.read(true);
      if (b) most = Math.max(most, b.calls.length + b.tools.length + b.prompts.length);
      fold.add(b);
    }
    // A tool_result line re-hands its tool (now ended); nothing else is handed out twice.
    expect(most).toBeLessThanOrEqual(3);
    expectSameAsOffline(fold, [dst]);
    mirror.close();
  });

  it('a truncated file is read again from its start', () => {
    const { file, dst, mirror, tailer, fold } = oneFixtureFile('codex-0.171.0');
    writeLive([[file, dst]], 3, fold, mirror, tailer);
    truncateSync(dst, 0);
    tailer.poll(0);
    expect(mirror.read(true)).toBeNull();
    const calls = fold.calls.size;
    fold.calls.clear();
    fold.skipped = 0;
    writeLive([[file, dst]], 4, fold, mirror, tailer);
    // Read again from the start: every call handed out again (prompts are known by id already).
    expect(fold.calls.size).toBe(calls);
    expectSameAsOffline(fold, [dst]);
    mirror.close();
  });

  it('Gemini sessions rewritten whole: changes handed out once the file holds still', () => {
    const root = tmp();
    const src = join(FIX, 'sources', 'gemini');
    const docs = filesUnder(src);
    expect(docs.some(isWholeDocument)).toBe(true);
    const { mirror, tailer, fold } = live(root);
    for (const f of docs) {
      const dst = join(root, relative(src, f));
      mkdirSync(dirname(dst), { recursive: true });
      const text = readFileSync(f, 'utf8');
      if (!isWholeDocument(f)) { writeLive([[f, dst]], 5, fold, mirror, tailer); continue; }
      // A half-written rewrite is not sent: the next poll sees it changed again.
      writeFileSync(dst, text.slice(0, text.length >> 1));
      tailer.poll(0);
      writeFileSync(dst, text);
      utimesSync(dst, new Date(), new Date(Date.now() + 1000));
      tailer.poll(0);
      fold.add(mirror.read(true));
      tailer.poll(0);
      fold.add(mirror.read(true));
      // Rewritten with the same content: nothing new to hand out.
      writeFileSync(dst, text);
      utimesSync(dst, new Date(), new Date(Date.now() + 5000));
      tailer.poll(0); tailer.poll(0);
      expect(mirror.read(true)).toBeNull();
    }
    // The .jsonl rewinds to prompt m4 after writing it and its answer m5.
    expectSameAsOffline(fold, filesUnder(root), ['m4', 'm5']);
    mirror.close();
  });
});

describe('--record', () => {
  it('writes each change once, and its replay is the live profile', async () => {
    const { file, dst, root } = oneFixtureFile('claude-2.1.112');
    writeFileSync(dst, '');
    const record = join(root, 'record.jsonl');
    const rt = new LiveRuntime({ tagger: new FirstWordTagger(), record });
    const proc = new LiveProcessor(rt);
    const feed = new TraceFeed([root], (m) => proc.handle(m));
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    for (const line of lines) {
      appendFileSync(dst, line + '\n');
      feed.tailer.poll(0);
      proc.traces(true);
    }
    await rt.flush();
    await rt.recorder!.close();
    proc.close();
    const recs = readFileSync(record, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).data.batch);
    // A call is recorded again only when a line changed it (another block of its streamed response).
    const assistantLines = lines.filter((l) => l.includes('"type":"assistant"')).length;
    const callCopies = recs.reduce((n, b) => n + (b.calls?.length ?? 0), 0);
    expect(callCopies).toBeGreaterThan(0);
    expect(callCopies).toBeLessThanOrEqual(assistantLines);
    const prompts = recs.flatMap((b) => b.prompts ?? []).map((p: { id: string }) => p.id);
    expect(new Set(prompts).size).toBe(prompts.length);
    const replayed = new LiveRuntime({ tagger: new FirstWordTagger() });
    await replayFile(record, replayed, new ReplayClock(0));
    expect(folded(rt.hub.profile('tokens', 'all'))).toContain('token:output');
    for (const view of ['tokens', 'cost', 'ops', 'time'] as const) {
      expect(folded(replayed.hub.profile(view, 'all'))).toBe(folded(rt.hub.profile(view, 'all')));
    }
  });
});

describe('following files', () => {
  it('a .jsonl that is no trace format: its lines are counted as skipped, naming the file', () => {
    const root = tmp();
    const { mirror, tailer } = live(root);
    const file = join(root, 'projects', 'x', 'notes.jsonl');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, '');
    let skipped = 0;
    const examples: string[] = [];
    for (let i = 0; i < 70; i++) {
      appendFileSync(file, `{"note":${i}}\n`);
      tailer.poll(0);
      const b = mirror.read(true);
      skipped += b?.skippedCount ?? 0;
      examples.push(...(b?.skipped ?? []).map((s) => `${s.file}:${s.line} ${s.reason}`));
    }
    expect(skipped).toBe(65);
    expect(examples).toEqual([`${file}:1 not a trace format agentpprof reads`]);
    mirror.close();
  });

  it('a file copied (cp -p) or moved (mv) in after start with an old mtime is followed; history before start is not', () => {
    const root = tmp();
    const src = join(REAL, 'claude-2.1.112');
    const [file] = filesUnder(src);
    const old = new Date('2025-01-01T00:00:00Z');
    const before = join(root, 'p', 'before.jsonl');
    mkdirSync(dirname(before), { recursive: true });
    cpSync(file, before);
    utimesSync(before, old, old);
    const mirror = new TraceMirror(0);
    const tailer = new Tailer({ roots: [root], match: isTraceName, since: Date.now() - 60_000 }, { lines: (ls) => mirror.lines(ls) });
    tailer.poll(0);
    expect(tailer.followed).toBe(0);
    // As `cp -p` / `tar x` / `mv` leave it: the agent's file with its original mtime.
    const after = join(root, 'q', relative(src, file));
    mkdirSync(dirname(after), { recursive: true });
    cpSync(file, after, { preserveTimestamps: true });
    utimesSync(after, old, old);
    tailer.poll(0);
    expect(tailer.followed).toBe(1);
    const fold = new Fold();
    fold.add(mirror.read(true));
    expectSameAsOffline(fold, [after]);
    // `mv` from elsewhere (a new inode to the tailer) keeps the mtime too.
    const outside = join(tmp(), 'moved.jsonl');
    cpSync(file, outside);
    utimesSync(outside, old, old);
    mkdirSync(join(root, 'r'));
    renameSync(outside, join(root, 'r', 'moved.jsonl'));
    tailer.poll(0);
    expect(tailer.followed).toBe(2);
    // The history file is followed once it changes.
    appendFileSync(before, '\n');
    tailer.poll(0);
    expect(tailer.followed).toBe(3);
    mirror.close();
  });
});
