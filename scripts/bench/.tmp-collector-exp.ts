// Collector benchmark (root, BTF kernel), two figures measured in one run:
//  1. overhead: a node HTTPS client (2 KB request, 8 KB streamed response, keep-alive) against a local TLS
//     server, rounds alternating without / with the collector attached to the client; ratio of medians.
//  2. throughput: one traced process opening a file as fast as it can; events per second delivered to
//     the Node reader, and drops (every open must be delivered or counted as a drop).
//   node --import tsx scripts/bench/collector.ts [--requests 2000] [--rounds 5] [--opens 1000000] [--part overhead|throughput]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { testCerts } from '../agents/certs.js';
import type { CollectorRecord, CollectorStats } from '../../src/sources/collector.js';
import { LOADER_PATH, runCollector } from '../../src/sources/collector-run.js';

const { values } = parseArgs({ options: {
  requests: { type: 'string', default: '2000' },
  rounds: { type: 'string', default: '5' },
  opens: { type: 'string', default: '1000000' },
  part: { type: 'string', default: 'all' },
} });
const REQUESTS = Number(values.requests);
const ROUNDS = Number(values.rounds);
const OPENS = Number(values.opens);

const REQUEST = Buffer.alloc(2048, 'q');
const PART = Buffer.alloc(1024, 'r');

// The client waits for a line on stdin (so the collector can attach first), then times its loop.
const CLIENT = `
const https = require('node:https');
const { readFileSync } = require('node:fs');
const [port, ca, n] = process.argv.slice(2);
const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
const body = Buffer.alloc(2048, 'q');
const one = () => new Promise((resolve, reject) => {
  const req = https.request({ host: 'localhost', port: Number(port), method: 'POST', path: '/v1/bench', agent, ca: readFileSync(ca),
    headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
    let got = 0;
    res.on('data', (c) => (got += c.length));
    res.on('end', () => (got === 8192 ? resolve() : reject(new Error('short response ' + got))));
  });
  req.on('error', reject);
  req.end(body);
});
process.stdin.once('data', async () => {
  for (let i = 0; i < 50; i++) await one(); // warm-up: TLS session, JIT
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < Number(n); i++) await one();
  console.log(Number(process.hrtime.bigint() - t0) / 1e6);
  process.exit(0);
});
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

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

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

async function overhead(work: string): Promise<void> {
  const certs = testCerts();
  const server = createServer({ key: certs.key, cert: certs.cert, keepAlive: true }, (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < 7; i++) res.write(PART);
      res.end(PART);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const client = join(work, 'client.cjs');
  writeFileSync(client, CLIENT);
  const args = [client, String(port), certs.caFile, String(REQUESTS)];
  const base: number[] = [];
  const traced: number[] = [];
  let tlsCalls = 0;
  for (let round = 0; round < ROUNDS; round++) {
    base.push(Number((await runChild(process.execPath, args, async () => undefined)).out));
    const { out, ctx } = await runChild(process.execPath, args, (pid) =>
      runCollector({ args: (process.env.XARGS ?? '--pid PID').replace('PID', String(pid)).split(' '), onRecords: (rs) => (tlsCalls += rs.filter((r) => r.type === 'tls').length) }));
    traced.push(Number(out));
    await ctx.stop();
  }
  server.close();
  const b = median(base);
  const t = median(traced);
  const perReq = (ms: number) => ((ms / REQUESTS) * 1000).toFixed(1);
  console.log(`overhead: ${REQUESTS} HTTPS requests (2 KB up, 8 KB streamed down) × ${ROUNDS} rounds`);
  console.log(`  without collector  median ${b.toFixed(1)} ms  (${perReq(b)} µs/request)  rounds ${base.map((x) => x.toFixed(0)).join(' ')}`);
  console.log(`  with collector     median ${t.toFixed(1)} ms  (${perReq(t)} µs/request)  rounds ${traced.map((x) => x.toFixed(0)).join(' ')}`);
  console.log(`  ratio ${(t / b).toFixed(3)}  (${(((t / b) - 1) * 100).toFixed(1)} % slower; target ≤ 5 %, goal ≤ 3 %)  TLS calls captured: ${tlsCalls}`);
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
    const t0 = performance.now();
    const { out, ctx } = await runChild(bin, [target, String(OPENS)], async (pid) =>
      withCollector ? runCollector({ args: ['--pid', String(pid), '--no-ssl'], onRecords }) : undefined);
    const openerMs = Number(out.split(' ')[1]);
    await ctx?.stop();
    return { openerMs, delivered, drainMs: last - first, stats, wallMs: performance.now() - t0 };
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
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log('collector bench: skipped (needs root)');
    return;
  }
  execFileSync('make', ['-s', '-C', join(LOADER_PATH, '..', '..')], { stdio: 'inherit' });
  const work = mkdtempSync(join(tmpdir(), 'collector-bench-'));
  try {
    if (values.part !== 'throughput') await overhead(work);
    if (values.part !== 'overhead') await throughput(work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
