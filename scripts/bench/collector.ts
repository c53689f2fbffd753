// Collector benchmark (root, BTF kernel), two figures measured in one run:
//  1. overhead: a node HTTPS client (2 KB request, 8 KB streamed response, keep-alive) against a local TLS
//     server, one long-lived client, rounds without / with the collector attached in ABBA order; the median
//     of paired ratios, with a 90 % bootstrap interval that says whether the target was met, missed, or
//     is within the machine's noise (scripts/bench/stats.ts). --variants nossl,devnull,traps,sink,idle,nice adds rounds that split the cost (no TLS
//     uprobes; no Node reader; TLS probes that return at once, i.e. the bare trap cost; a reader that only reads
//     the socket; reader and loader in SCHED_IDLE, or at nice 10). --alt PATH adds full-pipeline rounds with another
//     loader build.
//  2. throughput: one traced process opening a file as fast as it can; events per second delivered to
//     the Node reader, and drops (every open must be delivered or counted as a drop).
//   node --import tsx scripts/bench/collector.ts [--requests 2000] [--rounds 5] [--opens 1000000]
//     [--part overhead|throughput] [--variants nossl,devnull,traps,sink,idle,nice] [--loader PATH] [--alt PATH]… [--show-rounds]
//     [--pin]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { cpus, loadavg, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { benchArgs } from './args.js';
import { median, medianInterval, verdict } from './stats.js';
import { testCerts } from '../agents/certs.js';
import type { CollectorRecord, CollectorStats } from '../../src/sources/collector.js';
import { connectReusing, LOADER_PATH, runCollector } from '../../src/sources/collector-run.js';

const { values } = benchArgs(import.meta.url, { options: {
  requests: { type: 'string', default: '2000' },
  rounds: { type: 'string', default: '5' },
  opens: { type: 'string', default: '1000000' },
  part: { type: 'string', default: 'all' },
  // extra traced variants that split the overhead: nossl (no TLS uprobes), devnull (TLS uprobes, no reader)
  variants: { type: 'string', default: '' },
  // compare another build of the loader (e.g. an experiment in a scratch copy of agentsight/ + bpf/)
  loader: { type: 'string', default: LOADER_PATH },
  // more full-pipeline rounds with other loader builds (alt0, alt1, … in the table), paired in the same run
  alt: { type: 'string', multiple: true, default: [] },
  'show-rounds': { type: 'boolean', default: false },
  // the workload (client and server) on CPU 0, the collector (this process, the loader) on the last CPU:
  // a machine with a core to spare for the collector, without cross-CPU wakeups inside the workload
  pin: { type: 'boolean', default: false },
} });
const REQUESTS = Number(values.requests);
const ROUNDS = Number(values.rounds);
const OPENS = Number(values.opens);

// One long-lived client (a warm JIT and one TLS session for every round, so rounds differ only by the
// collector): each line on stdin "N" runs N requests and answers the wall and CPU time they took.
const CLIENT = `
const https = require('node:https');
const { readFileSync } = require('node:fs');
const [port, caFile] = process.argv.slice(2);
const ca = readFileSync(caFile);
const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
const body = Buffer.alloc(2048, 'q');
const one = () => new Promise((resolve, reject) => {
  const req = https.request({ host: 'localhost', port: Number(port), method: 'POST', path: '/v1/bench', agent, ca,
    headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
    let got = 0;
    res.on('data', (c) => (got += c.length));
    res.on('end', () => (got === 8192 ? resolve() : reject(new Error('short response ' + got))));
  });
  req.on('error', reject);
  req.end(body);
});
let queue = Promise.resolve();
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  queue = queue.then(async () => {
    const n = Number(line);
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) await one();
    const c = process.cpuUsage(c0);
    console.log(JSON.stringify({ ms: Number(process.hrtime.bigint() - t0) / 1e6, cpuMs: (c.user + c.system) / 1000 }));
  });
}).on('close', () => queue.then(() => process.exit(0)));
`;

// The TLS server, in its own process (node too, so untraced but under the same uprobes): 8 KB streamed
// in 1 KB writes; GET /cpu answers the CPU it used since the last /cpu.
const SERVER = `
const https = require('node:https');
const { readFileSync } = require('node:fs');
const [key, cert] = process.argv.slice(2);
const part = Buffer.alloc(1024, 'r');
let c0 = process.cpuUsage();
const server = https.createServer({ key: readFileSync(key), cert: readFileSync(cert), keepAlive: true }, (req, res) => {
  if (req.url === '/cpu') {
    const c = process.cpuUsage(c0);
    c0 = process.cpuUsage();
    return res.end(JSON.stringify({ cpuMs: (c.user + c.system) / 1000 }));
  }
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (let i = 0; i < 7; i++) res.write(part);
    res.end(part);
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

// Opens and closes one file as fast as it can; prints how many opens it did and how long it took.
const OPENER = `
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char **argv) {
  long n = atol(argv[2]);
  char go;
  if (read(0, &go, 1) != 1) return 1;
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (long i = 0; i < n; i++) { int fd = open(argv[1], O_RDONLY); if (fd >= 0) close(fd); }
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("%ld %f\\n", n, (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6);
  return 0;
}
`;


/** Runs a child that waits for "go" on stdin; `attach` may start the collector on its pid first. */
async function runChild<T>(file: string, args: string[], attach: (pid: number) => Promise<T>): Promise<{ out: string; ctx: T }> {
  const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  const done = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  const ctx = await attach(child.pid!);
  child.stdin!.write('g\n');
  const code = await done;
  if (code !== 0) throw new Error(`${file} exited with ${code}`);
  return { out, ctx };
}

interface Round { ms: number; clientCpuMs: number; serverCpuMs: number; loaderCpuMs: number; readerCpuMs: number }

/** In-kernel ns of the programs whose names start with one of the prefixes (from --prog-stats). */
const sumNs = (probes: CollectorStats['probes'], ...prefixes: string[]): number =>
  Object.entries(probes ?? {}).filter(([n]) => prefixes.some((p) => n.startsWith(p))).reduce((t, [, v]) => t + v.ns, 0);

/** CPU a process has used so far (utime + stime from /proc/PID/stat), in ms. */
function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // USER_HZ is 100 on Linux
}

type Mode = 'base' | 'full' | 'nossl' | 'devnull' | 'traps' | 'sink' | 'idle' | 'nice' | `alt${number}`;
const modeName = (m: Mode): string => (m.startsWith('alt') ? `${m} loader` : MODE_NAME[m as keyof typeof MODE_NAME]);
const MODE_NAME = {
  base: 'without collector', full: 'with collector', nossl: 'no TLS uprobes', devnull: 'no reader', traps: 'empty TLS probes',
  sink: 'reader reads only', idle: 'SCHED_IDLE collector', nice: 'collector at nice 10',
} as const;
/** A build of the loader whose TLS probes return at once (the bare cost of trapping), next to the real one. */
const TRAPS_LOADER = join(LOADER_PATH, '..', '..', 'build-traps', 'agentsight');

/** The loader alone with these arguments; `up` settles once it says it is attached. */
function spawnLoader(args: string[]) {
  const p = spawn(values.loader, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const up = new Promise<void>((r) => p.stderr!.on('data', (b: Buffer) => b.toString().includes('attached') && r()));
  const exited = new Promise<unknown>((r) => p.on('exit', r));
  return { p, up, exited };
}

/** Starts the collector in one of the traced modes on `pid`; resolves once it is attached. */
async function attach(mode: Exclude<Mode, 'base'>, pid: number, seen: { tls: number; probes?: CollectorStats['probes'] }, progStats = false): Promise<{ loaderPid: number; reads: boolean; stop: () => Promise<unknown> }> {
  if (mode === 'devnull') {
    // the loader alone: its frames go to /dev/null, nothing decodes them
    const { p, up, exited } = spawnLoader(['--pid', String(pid)]);
    await up;
    return { loaderPid: p.pid!, reads: false, stop: () => { p.kill('SIGTERM'); return exited; } };
  }
  if (mode === 'sink') {
    // the reader's socket reads without decoding: splits the reader's cost into I/O and decode
    const dir = mkdtempSync(join(tmpdir(), 'agentsight-sink-'));
    const { p, up, exited } = spawnLoader(['--listen', join(dir, 's'), '--pid', String(pid)]);
    const sock = await connectReusing(join(dir, 's'), () => {}, exited);
    await up;
    return { loaderPid: p.pid!, reads: true, stop: async () => { p.kill('SIGTERM'); await exited; sock.destroy(); rmSync(dir, { recursive: true }); } };
  }
  if (mode === 'nice' || mode === 'idle') {
    // reader and loader at nice 10 (a tenth of an agent thread's weight, so its wakeups preempt them) or
    // in SCHED_IDLE (a waking agent thread always preempts them at once); restored before the stop
    const c = await attach('full', pid, seen);
    const set = (lower: boolean) => {
      for (const x of [process.pid, c.loaderPid]) {
        if (mode === 'nice') setPriority(x, lower ? 10 : 0);
        else execFileSync('chrt', ['-a', lower ? '-i' : '-o', '-p', '0', String(x)]);
      }
    };
    set(true);
    return { ...c, stop: () => { set(false); return c.stop(); } };
  }
  const c = await runCollector({
    loader: mode === 'traps' ? TRAPS_LOADER : mode.startsWith('alt') ? values.alt[Number(mode.slice(3))] : values.loader,
    args: ['--pid', String(pid), ...(progStats ? ['--prog-stats'] : []), ...(mode === 'nossl' ? ['--no-ssl'] : [])],
    onRecords: (rs) => {
      for (const r of rs) {
        if (r.type === 'tls') seen.tls++;
        else if (r.type === 'stats' && r.stats.probes) seen.probes = r.stats.probes;
      }
    },
  });
  return { loaderPid: c.proc.pid!, reads: true, stop: () => c.stop() };
}

/** node running `script`, on CPU 0 with --pin (the collector gets the last CPU). */
const spawnWorkload = (script: string, args: string[]) =>
  values.pin ? spawn('taskset', ['-c', '0', process.execPath, script, ...args], { stdio: ['pipe', 'pipe', 'inherit'] })
    : spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });

async function overhead(work: string): Promise<void> {
  if (values.pin) execFileSync('taskset', ['-a', '-p', '-c', String(cpus().length - 1), String(process.pid)], { stdio: 'ignore' });
  const certs = testCerts();
  writeFileSync(join(work, 'server.cjs'), SERVER);
  writeFileSync(join(work, 'client.cjs'), CLIENT);
  const server = spawnWorkload(join(work, 'server.cjs'), [certs.keyFile, certs.certFile]);
  const port = await new Promise<number>((r) => server.stdout!.once('data', (b: Buffer) => r(Number(b.toString().trim()))));
  const ca = readFileSync(certs.caFile);
  const serverCpu = (): Promise<number> => new Promise((resolve, reject) => {
    get({ host: 'localhost', port, path: '/cpu', ca, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve((JSON.parse(body) as { cpuMs: number }).cpuMs));
    }).on('error', reject);
  });
  const client = spawnWorkload(join(work, 'client.cjs'), [String(port), certs.caFile]);
  const lines = createInterface({ input: client.stdout! })[Symbol.asyncIterator]();
  const run = async (n: number): Promise<{ ms: number; cpuMs: number }> => {
    client.stdin!.write(`${n}\n`);
    const { value, done } = await lines.next();
    if (done) throw new Error('the benchmark client exited');
    return JSON.parse(value as string) as { ms: number; cpuMs: number };
  };
  await run(Math.max(2000, REQUESTS)); // warm-up: TLS session, JIT (the first rounds ran ~40 % slower with 500)

  const seen = { tls: 0, probes: undefined as CollectorStats['probes'] };
  const bpfNs: number[] = [];
  // progStats: the kernel's per-program run-time accounting costs every BPF run two clock reads, so it
  // is on only in the extra round that measures the BPF time, not in the rounds that are compared
  const round = async (mode: Mode, progStats = false): Promise<Round> => {
    seen.probes = undefined;
    const c = mode === 'base' ? undefined : await attach(mode, client.pid!, seen, progStats);
    await serverCpu();
    const loader0 = c ? procCpuMs(c.loaderPid) : 0;
    const reader0 = process.cpuUsage();
    const r = await run(REQUESTS);
    // What the collector itself burned while the loop ran: the loader, and this process decoding frames
    // (this process's CPU in baseline rounds is what it costs to drive the client).
    const rc = process.cpuUsage(reader0);
    const loaderCpuMs = c ? procCpuMs(c.loaderPid) - loader0 : 0;
    const serverCpuMs = await serverCpu();
    await c?.stop();
    // a new loader's programs count from zero, and its last stats frame comes at stop
    if (progStats) bpfNs.push(sumNs(seen.probes, 'ssl_', 'gai_'));
    return { ms: r.ms, clientCpuMs: r.cpuMs, serverCpuMs, loaderCpuMs, readerCpuMs: (rc.user + rc.system) / 1000 };
  };
  // ABBA order, so a slow drift of the machine weighs on both sides alike
  const modes: Mode[] = ['base', 'full', ...(values.variants.split(',').filter(Boolean) as Mode[]), ...values.alt.map((_, i) => `alt${i}` as Mode)];
  const rounds = new Map<Mode, Round[]>(modes.map((m) => [m, []]));
  for (let i = 0; i < ROUNDS; i++) {
    for (const m of i % 2 ? [...modes].reverse() : modes) rounds.get(m)!.push(await round(m));
  }
  // the extra round: BPF time and TLS calls per request, measured on one full-pipeline round
  seen.tls = 0;
  await round('full', true);
  client.stdin!.end();
  server.kill();

  const base = rounds.get('base')!;
  const us = (ms: number) => ((ms / REQUESTS) * 1000).toFixed(1);
  const pct = (x: number) => `${((x - 1) * 100).toFixed(1)} %`;
  // Each traced round against the baseline round next to it (same minute of the machine's drift): the
  // median of those ratios, and the middle half of them.
  const paired = (rs: Round[], f: (r: Round) => number) => {
    const xs = rs.map((r, i) => f(r) / f(base[i])).sort((a, b) => a - b);
    return { mid: median(xs), lo: xs[Math.floor((xs.length - 1) / 4)], hi: xs[Math.ceil(((xs.length - 1) * 3) / 4)], xs };
  };
  console.log(`overhead: ${REQUESTS} HTTPS requests (2 KB up, 8 KB streamed down, keep-alive) per round, ${ROUNDS} rounds per mode in ABBA order`);
  for (const [m, rs] of rounds) {
    const w = paired(rs, (r) => r.ms);
    console.log(`  ${modeName(m).padEnd(18)} wall median ${us(median(rs.map((r) => r.ms)))} µs/request ` +
      `${m === 'base' ? '(baseline)' : `(${pct(w.mid)}, middle half ${pct(w.lo)} … ${pct(w.hi)}; ratio of medians ${pct(median(rs.map((r) => r.ms)) / median(base.map((r) => r.ms)))})`}  client CPU ` +
      `${us(median(rs.map((r) => r.clientCpuMs)))} µs${m === 'base' ? '' : ` (${pct(paired(rs, (r) => r.clientCpuMs).mid)})`}  server CPU ` +
      `${us(median(rs.map((r) => r.serverCpuMs)))} µs  collector CPU: loader ${us(median(rs.map((r) => r.loaderCpuMs)))} µs, ` +
      `this process (the reader) ${us(median(rs.map((r) => r.readerCpuMs)))} µs`);
  }
  if (values['show-rounds']) for (const [m, rs] of rounds) console.log(`  ${m.padEnd(8)} ${rs.map((r) => us(r.ms)).join(' ')}`);
  const w = paired(rounds.get('full')!, (r) => r.ms);
  const ci = medianInterval(w.xs);
  console.log(`  ratio wall ${w.mid.toFixed(3)} (${pct(w.mid)} slower; 90 % bootstrap interval ${pct(ci.lo)} … ${pct(ci.hi)}: ` +
    `target ≤ 5 % ${verdict(ci, 1.05)}, goal ≤ 3 % ${verdict(ci, 1.03)})  TLS calls captured ` +
    `${(seen.tls / REQUESTS).toFixed(2)}/request  in-kernel BPF of the TLS uprobes ${(median(bpfNs) / REQUESTS / 1000).toFixed(1)} µs/request` +
    `  load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs`);
}

async function throughput(work: string): Promise<void> {
  const src = join(work, 'opener.c');
  const bin = join(work, 'opener');
  writeFileSync(src, OPENER);
  execFileSync('cc', ['-O2', '-o', bin, src]);
  const target = join(work, 'target.txt');
  writeFileSync(target, 'x');
  const measure = async (withCollector: boolean) => {
    let delivered = 0;
    let first = 0;
    let last = 0;
    let stats: CollectorStats | undefined;
    const onRecords = (rs: CollectorRecord[]) => {
      for (const r of rs) {
        if (r.type === 'effect' && r.effect.target === target) {
          delivered++;
          last = performance.now();
          first ||= last;
        } else if (r.type === 'stats') stats = r.stats;
      }
    };
    let reader0 = process.cpuUsage();
    let loader0 = 0;
    const { out, ctx } = await runChild(bin, [target, String(OPENS)], async (pid) => {
      if (!withCollector) return undefined;
      const c = await runCollector({ args: ['--pid', String(pid), '--no-ssl', '--prog-stats'], onRecords });
      loader0 = procCpuMs(c.proc.pid!);
      reader0 = process.cpuUsage();
      return c;
    });
    const openerMs = Number(out.split(' ')[1]);
    // wait until everything is delivered (or counted as dropped), then stop
    for (let i = 0; i < 200 && ctx && delivered + (stats?.rings.events.drops ?? 0) < OPENS; i++) await new Promise((r) => setTimeout(r, 50));
    const r = process.cpuUsage(reader0);
    const loaderCpuMs = ctx ? procCpuMs(ctx.proc.pid!) - loader0 : 0;
    await ctx?.stop();
    return { openerMs, delivered, drainMs: last - first, stats, readerCpuMs: (r.user + r.system) / 1000, loaderCpuMs };
  };
  const base = await measure(false);
  const run = await measure(true);
  const drops = run.stats?.rings.events.drops ?? NaN;
  const rate = run.delivered / (run.drainMs / 1000);
  console.log(`throughput: one process opening a file ${OPENS} times`);
  console.log(`  opener alone     ${(OPENS / base.openerMs * 1000 / 1000).toFixed(0)}k opens/s`);
  console.log(`  opener traced    ${(OPENS / run.openerMs * 1000 / 1000).toFixed(0)}k opens/s  (ratio ${(run.openerMs / base.openerMs).toFixed(2)})`);
  console.log(`  delivered to the Node reader ${run.delivered} events at ${(rate / 1000).toFixed(0)}k events/s, drops ${drops} ` +
    `(delivered + drops = ${run.delivered + drops} of ${OPENS}; goal ≥ 200k/s with 0 drops)`);
  const perEvent = (ms: number) => (ms * 1000) / run.delivered;
  const cap = (ms: number) => (1e3 / perEvent(ms)).toFixed(0);
  const kernelNs = sumNs(run.stats?.probes, 'enter_openat', 'exit_openat') / OPENS;
  console.log(`  CPU per event: in-kernel BPF ${(kernelNs / 1000).toFixed(2)} µs (system-wide opens included), loader ` +
    `${perEvent(run.loaderCpuMs).toFixed(2)} µs, Node reader ${perEvent(run.readerCpuMs).toFixed(2)} µs → capacity ≈ ` +
    `${cap(run.loaderCpuMs)}k/s loader, ${cap(run.readerCpuMs)}k/s reader per CPU  (load average ${loadavg()[0].toFixed(1)})`);
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log('collector bench: skipped (needs root)');
    return;
  }
  execFileSync('make', ['-s', '-C', join(LOADER_PATH, '..', '..')], { stdio: 'inherit' });
  if (values.variants.includes('traps')) {
    execFileSync('make', ['-s', '-C', join(LOADER_PATH, '..', '..'), 'OUT=build-traps', 'BPF_DEFS=-DAS_EMPTY_TLS'], { stdio: 'inherit' });
  }
  const work = mkdtempSync(join(tmpdir(), 'collector-bench-'));
  try {
    if (values.part !== 'throughput') await overhead(work);
    if (values.part !== 'overhead') await throughput(work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
