// Live tailing of growing trace files (issue 18), two figures, each against a baseline in the same run:
//  1. CPU per appended line: a Claude Code session file that already holds --big (50 MB) of history
//     and one that holds --small (100 KB) are followed and loaded; then --lines lines of other
//     sessions are appended to each in groups of 5, one tick per group as `agentpprof live` runs it
//     (tail poll → mirror → pipeline, --record on). The server side's CPU per appended line (each
//     round in a fresh process; the first fifth of the lines warms up, unmeasured), big ÷ small per round, median of --rounds paired rounds with its
//     90 % interval. Target ≤ 1.2. Also printed:
//     the bytes --record wrote per appended line, and what one whole re-read of the big file costs
//     (what every tick of the old mirror paid).
//  2. First load: a --load (150 MB) history file read by the live path (tailer → mirror → one batch)
//     vs. the offline read of the same file (readTraceFile + mergeResults): CPU time (both run
//     synchronously here; wall time on a shared machine measures the neighbours), median ratio of
//     --rounds paired rounds, each read in a process of its own. Target ≤ 1.5.
//  3. Responsiveness: the real server (serve(), trace polling every 200 ms as `agentpprof live` does)
//     following the --load file and, as baseline, the --small one; once loaded, 5 lines/s are appended
//     for --seconds while /healthz is fetched every 100 ms: its latency p50 / p99 / max on each.
// Histories: scripts/gen-corpus (seeded) Claude Code transcripts, concatenated into one file per size.
//   node --import tsx scripts/bench/live-tail.ts [--big 50MB] [--small 100KB] [--load 150MB] [--lines 3000] [--rounds 5] [--seconds 10] [--part all|append|load|healthz]
import { execFileSync } from 'node:child_process';
import { appendFileSync, closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { benchArgs } from './args.js';
import { median, medianInterval, verdict } from './stats.js';
import { parseSize } from '../gen-corpus.js';
import { generate } from '../gen-corpus/generate.js';
import { TraceMirror } from '../../src/live/mirror.js';
import { LiveProcessor } from '../../src/live/processor.js';
import { LiveRuntime } from '../../src/live/runtime.js';
import { serve } from '../../src/live/serve.js';
import { FirstWordTagger } from '../../src/live/tagger.js';
import { TraceFeed } from '../../src/live/traces.js';
import { Tailer } from '../../src/live/tail.js';
import { isTraceName } from '../../src/live/traces.js';
import { mergeResults } from '../../src/sources/merge.js';
import { readTraceFile } from '../../src/sources/read.js';

const { values } = benchArgs(import.meta.url, { options: {
  big: { type: 'string', default: '50MB' }, small: { type: 'string', default: '100KB' }, load: { type: 'string', default: '150MB' },
  lines: { type: 'string', default: '3000' }, rounds: { type: 'string', default: '5' }, part: { type: 'string', default: 'all' },
  seconds: { type: 'string', default: '10' },
  child: { type: 'string' }, 'load-child': { type: 'string' }, 'lines-file': { type: 'string' },
} });
const BIG = parseSize(values.big!), SMALL = parseSize(values.small!), LOAD = parseSize(values.load!);
const LINES = Number(values.lines), ROUNDS = Number(values.rounds), GROUP = 5;

const work = mkdtempSync(join(tmpdir(), 'apx-live-tail-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));


/** Generated Claude transcripts: the history bytes (whole lines, to `bytes`) and other lines to append. */
async function corpus(bytes: number): Promise<{ history: (n: number) => Buffer; appended: string[] }> {
  const out = join(work, 'corpus');
  // Enough for the history and the held-out sessions appended live.
  await generate({ out, seed: 11, agents: ['claude'], bytes: Math.max(bytes, 2e6) * 1.05 + LINES * 3000 });
  const files = (readdirSync(out, { recursive: true }) as string[]).filter((f) => f.endsWith('.jsonl')).map((f) => join(out, f)).sort();
  // The lines appended live: sessions that are in no history (the last generated files).
  const appended: string[] = [];
  while (appended.length < LINES && files.length > 1) appended.unshift(...readFileSync(files.pop()!, 'utf8').split('\n').filter(Boolean));
  const all = Buffer.concat(files.map((f) => readFileSync(f)));
  const history = (n: number) => { const cut = all.lastIndexOf(10, Math.min(n, all.length) - 1); return all.subarray(0, cut + 1); };
  rmSync(out, { recursive: true, force: true });
  return { history, appended: appended.slice(0, LINES) };
}

const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

/**
 * One round, in a process of its own (a fresh heap, as a server that loaded only this history): loads
 * the history file live, then appends the lines in ticks of 5. The server's CPU (tail poll, mirror,
 * pipeline; not the writing) and the bytes --record wrote, per appended line.
 */
async function appendRound(history: string, linesFile: string): Promise<{ cpu: number; recorded: number; heapMB: number }> {
  const lines = readFileSync(linesFile, 'utf8').split('\n').filter(Boolean);
  const root = mkdtempSync(join(work, 'round-'));
  const dir = join(root, 'projects', '-home-dev-app');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, '5b0c2c57-6a52-4c1e-9f5e-live00000001.jsonl');
  copyFileSync(history, file);
  const record = join(root, 'record.jsonl');
  const rt = new LiveRuntime({ tagger: new FirstWordTagger(), record });
  const proc = new LiveProcessor(rt);
  const feed = new TraceFeed([root], (m) => proc.handle(m));
  // The first load (8 MB per poll, as live reads it), not measured here.
  while (feed.tailer.poll(0) > 0) proc.traces(true);
  proc.traces(true);
  await rt.flush();
  // What the readers' state (kept between appends) and the pipeline hold after the load.
  globalThis.gc?.();
  const heapMB = process.memoryUsage().heapUsed / 1e6;
  // The first fifth of the lines warms up what the history did not exercise (JIT): not measured.
  const warm = Math.floor(lines.length / 5 / GROUP) * GROUP;
  let recorded0 = 0;
  let cpu = 0;
  for (let i = 0; i < lines.length; i += GROUP) {
    if (i === warm) { await rt.flush(); recorded0 = rt.recorder!.lines; }
    appendFileSync(file, lines.slice(i, i + GROUP).join('\n') + '\n');
    const t0 = cpuMs();
    feed.poll();
    proc.traces(true);
    await rt.flush();
    if (i >= warm) cpu += cpuMs() - t0;
  }
  await rt.recorder!.close();
  // What was recorded after the load: the lines past those the load wrote.
  const recorded = readFileSync(record, 'utf8').split('\n').slice(recorded0).join('\n').length / (lines.length - warm);
  proc.close();
  return { cpu: cpu / (lines.length - warm), recorded, heapMB };
}

function runChild(history: string, linesFile: string): { cpu: number; recorded: number; heapMB: number } {
  const out = execFileSync(process.execPath, [...process.execArgv, '--expose-gc', fileURLToPath(import.meta.url), '--child', history, '--lines-file', linesFile], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!);
}

async function appendPart(): Promise<void> {
  const { history, appended } = await corpus(BIG);
  const big = join(work, 'big.jsonl'), small = join(work, 'small.jsonl'), linesFile = join(work, 'lines.jsonl');
  writeFileSync(big, history(BIG));
  writeFileSync(small, history(SMALL));
  writeFileSync(linesFile, appended.join('\n') + '\n');
  console.log(`appending ${appended.length} lines in ticks of ${GROUP} to a ${(statSync(big).size / 1e6).toFixed(1)} MB and a ${(statSync(small).size / 1e3).toFixed(0)} KB session file, ${ROUNDS} paired rounds (a process each)`);
  const ratios: number[] = [], bigCpu: number[] = [], smallCpu: number[] = [], rec: number[][] = [[], []], heap: number[][] = [[], []];
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate the order so a drift in the machine's speed hits both sides alike.
    const [a, b] = r % 2 ? [runChild(small, linesFile), runChild(big, linesFile)].reverse() : [runChild(big, linesFile), runChild(small, linesFile)];
    bigCpu.push(a.cpu); smallCpu.push(b.cpu);
    ratios.push(a.cpu / b.cpu);
    rec[0].push(a.recorded); rec[1].push(b.recorded);
    heap[0].push(a.heapMB); heap[1].push(b.heapMB);
  }
  const iv = medianInterval(ratios);
  console.log(`CPU per appended line: ${median(bigCpu).toFixed(3)} ms on ${(BIG / 1e6).toFixed(0)} MB vs ${median(smallCpu).toFixed(3)} ms on ${(SMALL / 1e3).toFixed(0)} KB; ratio median ${median(ratios).toFixed(2)} [90 % ${iv.lo.toFixed(2)}–${iv.hi.toFixed(2)}] (rounds: ${ratios.map((x) => x.toFixed(2)).join(' ')})`);
  console.log(`  → target ≤ 1.2: ${verdict(iv, 1.2)}`);
  console.log(`--record bytes per appended line: ${median(rec[0]).toFixed(0)} (big) vs ${median(rec[1]).toFixed(0)} (small)`);
  console.log(`heap used after the load: ${median(heap[0]).toFixed(0)} MB (big) vs ${median(heap[1]).toFixed(0)} MB (small)`);
  readTraceFile('claude', big); // warm-up
  const t0 = cpuMs();
  readTraceFile('claude', big);
  console.log(`for comparison, one whole re-read of the ${(BIG / 1e6).toFixed(0)} MB file (each tick of the old mirror, up to 4×/s): ${(cpuMs() - t0).toFixed(0)} ms CPU`);
}

/** Live path: tailer (8 MB per poll) → mirror → one batch of everything. CPU ms. */
function liveLoad(root: string): { ms: number; calls: number } {
  const mirror = new TraceMirror(0);
  const tailer = new Tailer({ roots: [root], match: isTraceName }, { lines: (ls) => mirror.lines(ls), reset: (f) => mirror.reset(f) });
  const t0 = cpuMs();
  while (tailer.poll(0) > 0);
  const b = mirror.read(true);
  const ms = cpuMs() - t0;
  mirror.close();
  return { ms, calls: b?.calls.length ?? 0 };
}

function offlineLoad(file: string): { ms: number; calls: number } {
  const t0 = cpuMs();
  const b = mergeResults([readTraceFile('claude', file)]);
  return { ms: cpuMs() - t0, calls: b.calls.length };
}

async function loadPart(): Promise<void> {
  const { history } = await corpus(LOAD);
  const data = history(LOAD);
  const root = join(work, 'load');
  const dir = join(root, 'projects', '-home-dev-app');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, '5b0c2c57-6a52-4c1e-9f5e-load00000001.jsonl');
  const fd = openSync(file, 'w'); writeSync(fd, data); closeSync(fd);
  console.log(`first load of a ${(data.length / 1e6).toFixed(0)} MB session file, ${ROUNDS} paired rounds (a process each)`);
  const load = (how: string): { ms: number; calls: number } => JSON.parse(execFileSync(process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--load-child', how, '--lines-file', file], { encoding: 'utf8' }).trim().split('\n').pop()!);
  load('offline'); // warm-up (page cache)
  const ratios: number[] = [], live: number[] = [], off: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const a = r % 2 ? load('offline') : load('live');
    const b = r % 2 ? load('live') : load('offline');
    const [l, o] = r % 2 ? [b, a] : [a, b];
    if (l.calls !== o.calls) throw new Error(`live read ${l.calls} calls, offline ${o.calls}`);
    live.push(l.ms); off.push(o.ms);
    ratios.push(l.ms / o.ms);
  }
  const iv = medianInterval(ratios);
  console.log(`first load: live ${median(live).toFixed(0)} ms vs offline ${median(off).toFixed(0)} ms CPU; ratio median ${median(ratios).toFixed(2)} [90 % ${iv.lo.toFixed(2)}–${iv.hi.toFixed(2)}] (rounds: ${ratios.map((x) => x.toFixed(2)).join(' ')})`);
  console.log(`  → target ≤ 1.5: ${verdict(iv, 1.5)}`);
}

/** /healthz latencies (ms) while a served live run follows `history` and 5 lines/s are appended to it. */
async function healthRound(history: Buffer, lines: string[]): Promise<{ lat: number[]; loadMs: number }> {
  const root = mkdtempSync(join(work, 'health-'));
  const dir = join(root, 'projects', '-home-dev-app');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, '5b0c2c57-6a52-4c1e-9f5e-heal00000001.jsonl');
  writeFileSync(file, history);
  const s = await serve({ tagger: new FirstWordTagger(), port: 0 });
  const base = s.url.slice(0, s.url.indexOf('/?'));
  const feed = new TraceFeed([root], (m) => s.processor.handle(m));
  const poll = setInterval(() => feed.poll(), 200);
  // Loaded: events counted, and no change for a second with nothing queued.
  const t0 = performance.now();
  for (let last = -1, still = 0; still < 10; await new Promise((r) => setTimeout(r, 100))) {
    const ev = s.rt.hub.status.events;
    still = ev > 0 && ev === last && !s.rt.pending ? still + 1 : 0;
    last = ev;
  }
  const loadMs = performance.now() - t0 - 1000;
  const lat: number[] = [];
  const end = Date.now() + Number(values.seconds) * 1000;
  let next = 0;
  const writer = setInterval(() => { appendFileSync(file, lines.slice(next, next + GROUP).join('\n') + '\n'); next += GROUP; }, 1000);
  while (Date.now() < end) {
    const t0 = performance.now();
    await (await fetch(`${base}/healthz`)).text();
    lat.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 100));
  }
  clearInterval(writer);
  clearInterval(poll);
  await s.close();
  return { lat: lat.sort((a, b) => a - b), loadMs };
}

async function healthPart(): Promise<void> {
  const { history, appended } = await corpus(LOAD);
  const q = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))].toFixed(1);
  const show = (name: string, xs: number[]) => `${name}: p50 ${q(xs, 0.5)} ms, p99 ${q(xs, 0.99)} ms, max ${xs.at(-1)!.toFixed(1)} ms (${xs.length} requests)`;
  const small = await healthRound(history(SMALL), appended);
  const big = await healthRound(history(LOAD), appended);
  console.log(`/healthz while 5 lines/s are appended for ${values.seconds} s — ${show(`${(LOAD / 1e6).toFixed(0)} MB`, big.lat)}; ${show(`${(SMALL / 1e3).toFixed(0)} KB`, small.lat)}`);
  console.log(`  (the ${(LOAD / 1e6).toFixed(0)} MB history took ${(big.loadMs / 1000).toFixed(1)} s to load and apply, wall)`);
}

if (values.child) {
  process.stdout.write(JSON.stringify(await appendRound(values.child, values['lines-file']!)) + '\n');
} else if (values['load-child']) {
  const file = values['lines-file']!;
  process.stdout.write(JSON.stringify(values['load-child'] === 'live' ? liveLoad(dirname(dirname(dirname(file)))) : offlineLoad(file)) + '\n');
} else {
  if (values.part === 'all' || values.part === 'append') await appendPart();
  if (values.part === 'all' || values.part === 'load') await loadPart();
  if (values.part === 'all' || values.part === 'healthz') await healthPart();
}
