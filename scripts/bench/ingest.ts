// Ingest benchmark: agentpprof's readers vs ccusage's native binary vs a naive JSON.parse loop, on the
// same generated Claude Code corpus, in one run, with ratios — and an exact check of our totals
// against the generator's expected.json (ccusage's totals are reported too).
//
//   npx tsx scripts/bench/ingest.ts [--size 500MB] [--seed 1] [--runs 1] [--regen]
//
// The corpus is cached under /tmp/agentpprof-bench/ (keyed by size, seed and a hash of the generator's
// sources); ccusage@20.0.24 is installed into /tmp/agentpprof-bench/ccusage, never into the project.
// Wall time is the best of --runs; peak RSS comes from /usr/bin/time (GNU time) when present.
import { benchArgs } from './args.js';
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { parseSize } from '../gen-corpus.js';
import { diffTotals } from '../gen-corpus/compare.js';
import type { Expected, Totals } from '../gen-corpus/totals.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BENCH = '/tmp/agentpprof-bench';
const CCUSAGE_VERSION = '20.0.24';
const TIME = '/usr/bin/time';

interface Run {
  wallMs: number;
  rssMB: number | null;
  /** user + sys CPU seconds: steadier than wall time on a machine shared with other work. */
  cpuS: number | null;
  stdout: string;
  status: number | null;
  stderr: string;
}

function measure(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Run {
  const timed = existsSync(TIME);
  const t0 = process.hrtime.bigint();
  const p = spawnSync(timed ? TIME : cmd, timed ? ['-f', '@@RSS %M %U %S', cmd, ...args] : args, { env, maxBuffer: 1 << 30, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const m = /@@RSS (\d+) ([\d.]+) ([\d.]+)\s*$/.exec(p.stderr ?? '');
  return { wallMs, rssMB: m ? Number(m[1]) / 1024 : null, cpuS: m ? Number(m[2]) + Number(m[3]) : null, stdout: p.stdout ?? '', status: p.status,
    stderr: (p.stderr ?? '').replace(/@@RSS [\d. ]+\s*$/, '') };
}

/** Fastest wall (and least CPU) of the runs (a failed run wins, to be reported); peak RSS is the max over runs. */
function best(all: Run[]): Run {
  const failed = all.find((r) => r.status !== 0);
  if (failed) return failed;
  const fastest = all.reduce((a, r) => (r.wallMs < a.wallMs ? r : a));
  const rss = all.map((r) => r.rssMB).filter((x): x is number => x !== null);
  const cpu = all.map((r) => r.cpuS).filter((x): x is number => x !== null);
  return { ...fastest, rssMB: rss.length ? Math.max(...rss) : null, cpuS: cpu.length ? Math.min(...cpu) : null };
}

interface Contender {
  name: string;
  cmd: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Ours: a wrong total or a failure fails the bench. */
  ours: boolean;
  once?: boolean;
  check: (stdout: string) => { ok: boolean; text: string };
}

function generatorHash(): string {
  const h = createHash('sha256');
  const dir = join(ROOT, 'scripts/gen-corpus');
  // compare.ts reads corpora, it does not write them: changing it must not invalidate the cache.
  for (const f of readdirSync(dir).sort()) if (f !== 'compare.ts') h.update(readFileSync(join(dir, f)));
  h.update(readFileSync(join(ROOT, 'scripts/gen-corpus.ts')));
  return h.digest('hex').slice(0, 10);
}

function ensureCorpus(size: string, seed: number, regen: boolean): string {
  const dir = join(BENCH, `corpus-claude-${size}-s${seed}-${generatorHash()}`);
  if (!regen && existsSync(join(dir, 'expected.json'))) return dir;
  // Generated beside it and renamed into place: another bench run may be generating the same corpus.
  const tmp = `${dir}.tmp-${process.pid}`;
  process.stderr.write(`generating a ${size} Claude Code corpus in ${dir} …\n`);
  const p = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/gen-corpus.ts'), '--out', tmp, '--seed', String(seed), '--size', size, '--agents', 'claude'],
    { stdio: 'inherit', cwd: ROOT });
  if (p.status !== 0) throw new Error('corpus generation failed');
  if (regen) rmSync(dir, { recursive: true, force: true });
  try {
    renameSync(tmp, dir);
  } catch {
    if (existsSync(join(dir, 'expected.json'))) rmSync(tmp, { recursive: true, force: true }); // another run finished first
    else {
      rmSync(dir, { recursive: true, force: true }); // a half-written leftover
      renameSync(tmp, dir);
    }
  }
  return dir;
}

/** The native binary inside ccusage's platform package, installed on first use into a scratch dir. */
function ensureCcusage(): string | null {
  const dir = join(BENCH, 'ccusage');
  const bin = join(dir, 'node_modules', '@ccusage', `ccusage-${process.platform}-${process.arch}`, 'bin', 'ccusage');
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), '{"name":"ccusage-bench","private":true}\n');
    process.stderr.write(`installing ccusage@${CCUSAGE_VERSION} into ${dir} …\n`);
    spawnSync('npm', ['i', '-E', `ccusage@${CCUSAGE_VERSION}`, '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
  }
  if (!existsSync(bin)) return null;
  chmodSync(bin, 0o755); // the registry tarball does not keep the executable bit
  return bin;
}

/** Reads every byte once so that no contender pays for a cold page cache. */
function warm(dir: string): void {
  const buf = Buffer.allocUnsafe(1 << 20);
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const fd = openSync(p, 'r');
        while (readSync(fd, buf, 0, buf.length, null) > 0);
        closeSync(fd);
      }
    }
  };
  walk(dir);
}

const fmt = (n: number | null, d = 2) => (n === null ? 'n/a' : n.toFixed(d));

async function main(): Promise<number> {
  const { values } = benchArgs(import.meta.url, { options: { size: { type: 'string', default: '500MB' }, seed: { type: 'string', default: '1' },
    runs: { type: 'string', default: '1' }, regen: { type: 'boolean', default: false } } });
  parseSize(values.size!);
  const runs = Math.max(1, Number(values.runs));
  const corpus = ensureCorpus(values.size!, Number(values.seed), values.regen!);
  const expected = JSON.parse(readFileSync(join(corpus, 'expected.json'), 'utf8')) as Expected;
  const exp = expected.agents.claude;
  const claudeDir = join(corpus, 'claude');
  const ccusage = ensureCcusage();
  spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  warm(corpus);
  process.stderr.write(`corpus: ${(expected.written.bytes / 1e6).toFixed(0)} MB, ${expected.written.lines} lines, ${expected.written.files} files; best of ${runs} run(s)\n`);

  const claudeExp = (t: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheCreationTokens: number }) =>
    t.inputTokens === exp.usage.input && t.outputTokens === exp.usage.output && t.cacheReadTokens === exp.usage.cacheRead
      && t.cacheCreationTokens === exp.usage.cacheWrite5m + exp.usage.cacheWrite1h;
  const contenders: Contender[] = [];
  if (ccusage) {
    contenders.push({
      name: `ccusage ${CCUSAGE_VERSION} native`, cmd: ccusage, args: ['claude', 'session', '--json', '--offline'],
      env: { ...process.env, CLAUDE_CONFIG_DIR: claudeDir }, ours: false,
      check: (out) => {
        const t = JSON.parse(out).totals;
        return { ok: true, text: `${claudeExp(t) ? 'tokens = expected' : 'tokens DIFFER'} (in ${t.inputTokens}, out ${t.outputTokens}, cr ${t.cacheReadTokens}, cw ${t.cacheCreationTokens})` };
      },
    });
  } else process.stderr.write('ccusage native binary unavailable: no baseline\n');
  contenders.push({
    name: 'naive JSON.parse loop', cmd: process.execPath, args: [join(ROOT, 'scripts/bench/ingest/naive.mjs'), claudeDir], ours: false,
    check: (out) => {
      const n = JSON.parse(out) as { lines: number; failed: number };
      return { ok: true, text: `${n.lines} lines, ${n.failed} unparsable` };
    },
  });
  contenders.push({
    name: 'agentpprof sessions --json', cmd: process.execPath, args: [join(ROOT, 'dist/cli.js'), 'sessions', '--json', '--claude-dir', claudeDir], ours: true,
    check: (out) => {
      const t = JSON.parse(out).totals as { sessions: number; prompts: number; calls: number; tokens: Record<string, number> };
      const want = { sessions: exp.sessions, prompts: exp.prompts.human + exp.prompts.continue, calls: exp.llmCalls,
        input: exp.usage.input, output: exp.usage.output, cache_read: exp.usage.cacheRead, cache_write: exp.usage.cacheWrite5m + exp.usage.cacheWrite1h };
      const got: Record<string, number> = { sessions: t.sessions, prompts: t.prompts, calls: t.calls, ...t.tokens };
      const diff = Object.entries(want).filter(([k, v]) => got[k] !== v).map(([k, v]) => `${k}: ${v} → ${got[k]}`);
      return { ok: !diff.length, text: diff.length ? `DIFFER: ${diff.join(', ')}` : 'sessions, prompts, calls, tokens = expected' };
    },
  });
  // The full check (per model, 5m/1h cache writes, tool calls, skipped lines) through loadHistory; run once.
  contenders.push({
    name: 'loadHistory (tsx child)', cmd: process.execPath, args: ['--import', 'tsx', join(ROOT, 'scripts/bench/ingest/ours.ts'), corpus], ours: true, once: true,
    check: (out) => {
      const diff = diffTotals(expected, JSON.parse(out) as { overall: Totals; agents: Record<string, Totals> });
      return { ok: !diff.length, text: diff.length ? `DIFFER: ${diff.slice(0, 6).join('; ')}` : 'all totals = expected.json' };
    },
  });

  // Rounds interleave the contenders so a burst of load on a shared machine hits them alike.
  const runsOf = new Map<Contender, Run[]>(contenders.map((c) => [c, []]));
  for (let round = 0; round < runs; round++) {
    for (const c of contenders) if (!c.once || round === 0) runsOf.get(c)!.push(measure(c.cmd, c.args, c.env));
  }
  let ok = true;
  const rows = contenders.map((c) => {
    const run = best(runsOf.get(c)!);
    let totals: string;
    if (run.status !== 0) totals = `exit ${run.status}: ${run.stderr.slice(0, 200)}`;
    else {
      const r = c.check(run.stdout);
      totals = r.text;
      if (c.ours && !r.ok) ok = false;
    }
    if (c.ours && run.status !== 0) ok = false;
    return { name: c.name, run, totals };
  });
  const checks: string[] = [];

  const base = rows.find((r) => r.name.startsWith('ccusage'))?.run;
  const w = Math.max(...rows.map((r) => r.name.length));
  const out: string[] = [`${'contender'.padEnd(w)}  wall s  ×ccusage  cpu s  ×ccusage  peak RSS MB  ×ccusage  totals`];
  const ratio = (a: number | null, b: number | null | undefined) => (a !== null && b ? a / b : null);
  for (const r of rows) {
    out.push(`${r.name.padEnd(w)}  ${fmt(r.run.wallMs / 1000).padStart(6)}  ${fmt(ratio(r.run.wallMs, base?.wallMs)).padStart(8)}`
      + `  ${fmt(r.run.cpuS).padStart(5)}  ${fmt(ratio(r.run.cpuS, base?.cpuS)).padStart(8)}`
      + `  ${fmt(r.run.rssMB, 0).padStart(11)}  ${fmt(ratio(r.run.rssMB, base?.rssMB)).padStart(8)}  ${r.totals}`);
  }
  out.push(`(load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} cores: wall times on a busy machine are noisy, cpu s less so)`);
  const ours = rows.find((r) => r.name.startsWith('agentpprof'))!.run;
  if (base) checks.push(`wall ≤ 1.5× ccusage: ${ours.wallMs <= 1.5 * base.wallMs ? 'PASS' : 'FAIL'} (${fmt(ours.wallMs / base.wallMs)}×; goal ≤ 1.0×)`);
  if (ours.rssMB !== null) checks.push(`peak RSS ≤ 300 MB: ${ours.rssMB <= 300 ? 'PASS' : 'FAIL'} (${fmt(ours.rssMB, 0)} MB)`);
  checks.push(`totals equal expected.json: ${ok ? 'PASS' : 'FAIL'}`);
  process.stdout.write(out.join('\n') + '\n\n' + checks.join('\n') + '\n');
  return ok ? 0 : 1;
}

main().then((c) => process.exit(c), (e) => { process.stderr.write(`bench/ingest: ${e.stack ?? e}\n`); process.exit(1); });
