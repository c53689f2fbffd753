// The collector for real, as root: a scripted process tree (node → bash → cat/echo/mv/rm/curl) reads and
// writes known files, connects to a local TCP port and makes HTTPS requests to a local TLS server from
// node (embedded OpenSSL) and curl (libssl); the test checks what the kernel side saw, decoded by
// src/sources/collector.ts. Skipped (with the reason) only without root or BTF.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCerts } from '../scripts/agents/certs.js';
import type { CollectorRecord, KernelEffect, TlsChunk } from '../src/sources/collector.js';
import type { Process } from '../src/model.js';
import { cannotTrace, ofPids, pidOf, sleep, startCollector, treeOf } from './collector-harness.js';

const skip = cannotTrace();
if (skip) console.warn(`collector tests skipped: ${skip}`);

const NODE_BODY = 'node-request-body:' + 'abcdefghij'.repeat(10_000); // 100 KB: several ring chunks

// A node started later in the tree (by bash): its TLS probes are attached when its exec is seen. The
// attach takes ~35 ms on a quiet machine (an RCU grace period per probe, agentsight/runtimes.c) and more
// under a loaded CI run, so a program that speaks TLS within that time of its exec is missed (the known
// cost of per-process probes; --ssl-system-wide has no such window). An agent's first model call comes
// hundreds of ms after start; this one waits 500 ms to stand for that.
const NESTED = `
const { request } = require('node:https');
const { readFileSync } = require('node:fs');
const [port, ca] = process.argv.slice(2);
setTimeout(() => request({ host: 'localhost', port: Number(port), path: '/from-nested-node', ca: readFileSync(ca) }, (res) => res.resume()).end(), 500);
`;

// Untraced node doing TLS while the collector is attached: per-process TLS probes must not even run in it.
const BYSTANDER = `
const { request, Agent } = require('node:https');
const { readFileSync } = require('node:fs');
const [port, ca, n] = process.argv.slice(2);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const one = () => new Promise((ok) => request({ host: 'localhost', port: Number(port), path: '/bystander', agent, ca: readFileSync(ca) },
  (res) => { res.resume(); res.on('end', ok); }).end());
(async () => { for (let i = 0; i < Number(n); i++) await one(); process.exit(0); })();
`;
const BYSTANDER_REQUESTS = 200;

// The tree's root: waits for "go" on stdin (so the collector is attached first), then works.
const TREE = `
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
const [dir, tcpPort, tlsPort, ca] = process.argv.slice(2);
process.stdin.once('data', () => {
  readFileSync(dir + '/input.txt');
  writeFileSync(dir + '/node-out.txt', 'written by node');
  const script = 'cd ' + dir + ' && cat input.txt > copy.txt && echo hello > echo.txt && rm gone.txt && mv a.txt b.txt' +
    ' && exec 3<>/dev/tcp/127.0.0.1/' + tcpPort +
    " && curl -sS --cacert " + ca + " -H 'X-Probe: curl' https://localhost:" + tlsPort + '/from-curl' +
    ' && node nested.cjs ' + tlsPort + ' ' + ca + '; true';
  spawnSync('bash', ['-c', script], { stdio: ['ignore', 'inherit', 'inherit'] });
  const body = ${JSON.stringify(NODE_BODY)};
  const req = request({ host: 'localhost', port: Number(tlsPort), path: '/from-node', method: 'POST', ca: readFileSync(ca),
    headers: { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) } }, (res) => {
    res.resume();
    res.on('end', () => process.exit(0));
  });
  req.end(body);
});
`;

describe.skipIf(skip)('collector: a scripted process tree', () => {
  let dir: string;
  let tls: HttpsServer;
  let tcp: TcpServer;
  let records: CollectorRecord[] = [];
  let rootPid = 0;
  let outsiderPid = 0;
  let exitCode: number | null = null;
  let beforeStop = 0;
  let bystanderRuns = -1;
  let tree = new Set<number>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'collector-tree-'));
    writeFileSync(join(dir, 'input.txt'), 'known input\n');
    writeFileSync(join(dir, 'gone.txt'), 'to delete\n');
    writeFileSync(join(dir, 'a.txt'), 'to rename\n');
    writeFileSync(join(dir, 'tree.mjs'), TREE);
    writeFileSync(join(dir, 'nested.cjs'), NESTED);
    writeFileSync(join(dir, 'bystander.cjs'), BYSTANDER);
    const certs = testCerts();
    tls = createHttpsServer({ key: certs.key, cert: certs.cert }, (req, res) => {
      req.resume();
      req.on('end', () => {
        // A streamed response in several writes, like an SSE reply.
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write(`response-part-1 for ${req.url}\n`);
        setTimeout(() => res.end(`response-part-2 for ${req.url}\n`), 20);
      });
    });
    tcp = createTcpServer((s) => s.destroy());
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    const tlsPort = (tls.address() as AddressInfo).port;
    const tcpPort = (tcp.address() as AddressInfo).port;

    const root = spawn(process.execPath, [join(dir, 'tree.mjs'), dir, String(tcpPort), String(tlsPort), certs.caFile], {
      stdio: ['pipe', 'inherit', 'inherit'],
    });
    rootPid = root.pid!;
    const rootDone = new Promise<number | null>((r) => root.on('exit', (c) => r(c)));
    const collector = await startCollector(['--pid', String(rootPid), '--prog-stats']);
    // Before the tree does anything: an untraced node's TLS, then the run counts of the TLS programs.
    const statsSeen = () => collector.records.filter((r) => r.type === 'stats').length;
    const sslRuns = () => {
      const last = collector.records.filter((r) => r.type === 'stats').at(-1);
      const probes = last?.type === 'stats' ? last.stats.probes ?? {} : {};
      return Object.entries(probes).filter(([name]) => name.startsWith('ssl_')).reduce((t, [, v]) => t + v.runs, 0);
    };
    const runs0 = sslRuns();
    // (async: the TLS server it talks to lives in this process)
    const bystander = spawn(process.execPath, [join(dir, 'bystander.cjs'), String(tlsPort), certs.caFile, String(BYSTANDER_REQUESTS)]);
    expect(await new Promise((r) => bystander.on('exit', r))).toBe(0);
    for (const seen = statsSeen(); statsSeen() < seen + 2;) await sleep(100); // a STATS frame sent after it ended
    bystanderRuns = sslRuns() - runs0;
    root.stdin!.write('go\n');
    // A process outside the traced tree doing the same kind of work: it must produce nothing.
    const outsider = spawnSync('cat', [join(dir, 'input.txt')]);
    outsiderPid = outsider.pid!;
    expect(await rootDone).toBe(0);
    await sleep(300);
    // Events stream while the tree runs, not only when the loader drains its rings at exit.
    beforeStop = collector.records.filter((r) => r.type === 'tls').length;
    exitCode = await collector.stop();
    records = collector.records;
    tree = treeOf(records, rootPid);
    if (process.env.COLLECTOR_DUMP) writeFileSync(process.env.COLLECTOR_DUMP, records.map((r) => JSON.stringify(r, (k, v) => (k === 'data' ? String(Buffer.from(v.data ?? v)).slice(0, 120) : v))).join('\n'));
  }, 120_000);

  afterAll(async () => {
    tls?.close();
    tcp?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const procs = (): Process[] => {
    const last = new Map<number, Process>();
    for (const r of records) if (r.type === 'process') last.set(r.process.pid, r.process);
    return [...last.values()];
  };
  const execOf = (comm: string): Process | undefined => procs().find((p) => p.comm === comm && p.argv);
  const effects = (): KernelEffect[] => records.flatMap((r) => (r.type === 'effect' ? [r.effect] : []));
  const chunks = (): TlsChunk[] => records.flatMap((r) => (r.type === 'tls' ? [r.chunk] : []));

  it('streams while tracing, exits 0 on SIGTERM and reports its rings', () => {
    expect(exitCode).toBe(0);
    expect(beforeStop).toBeGreaterThan(0);
    expect(beforeStop).toBe(chunks().length);
    const stats = records.filter((r) => r.type === 'stats');
    expect(stats.length).toBeGreaterThanOrEqual(2);
    const last = stats.at(-1)!;
    expect(last.type === 'stats' && last.stats.rings.events.events).toBeGreaterThan(0);
    expect(last.type === 'stats' && last.stats.rings.events.drops).toBe(0);
  });

  it('sees exec argv and the pid/ppid lineage node → bash → cat/curl', () => {
    const bash = execOf('bash')!;
    expect(bash.argv?.[0]).toBe('bash');
    expect(bash.argv?.[2]).toContain('cat input.txt > copy.txt');
    expect(bash.ppid).toBe(rootPid);
    expect(bash.cwd).toBe(process.cwd());
    const cat = procs().find((p) => p.comm === 'cat' && p.argv?.[1] === 'input.txt')!;
    expect(cat.argv).toEqual(['cat', 'input.txt']);
    expect(cat.ppid).toBe(bash.pid);
    expect(cat.cwd).toBe(dir);
    expect(cat.exitCode).toBe(0);
    expect(cat.exit).toBeGreaterThan(cat.start);
    const curl = execOf('curl')!;
    expect(curl.argv).toContain('https://localhost:' + (tls.address() as AddressInfo).port + '/from-curl');
    expect(curl.ppid).toBe(bash.pid);
    expect(['mv', 'rm', 'cat', 'curl'].every((c) => tree.has(procs().find((p) => p.comm === c)!.pid))).toBe(true);
    expect(effects().some((e) => e.kind === 'exec' && e.target === 'cat input.txt' && e.pid === cat.pid)).toBe(true);
  });

  it('sees file effects with the right kind, paths resolved against the cwd', () => {
    const has = (kind: string, path: string, pid?: number) =>
      effects().some((e) => e.kind === kind && e.target === join(dir, path) && (pid === undefined || e.pid === pid));
    const cat = procs().find((p) => p.comm === 'cat' && p.argv?.[1] === 'input.txt')!;
    expect(has('read', 'input.txt', rootPid)).toBe(true);
    expect(has('write', 'node-out.txt', rootPid)).toBe(true);
    expect(has('read', 'input.txt', cat.pid)).toBe(true); // relative path, resolved against cat's cwd
    expect(has('write', 'copy.txt')).toBe(true); // bash's redirect, O_TRUNC
    expect(effects().find((e) => e.target === join(dir, 'copy.txt'))?.mode).toBe('truncate');
    expect(has('write', 'echo.txt')).toBe(true);
    expect(has('delete', 'gone.txt')).toBe(true);
    expect(has('delete', 'a.txt')).toBe(true);
    expect(has('write', 'b.txt')).toBe(true);
    expect(effects().every((e) => e.evidence === 'kernel' && e.ok !== undefined)).toBe(true);
  });

  it('sees connects with their target and the resolved domain', () => {
    const tcpPort = (tcp.address() as AddressInfo).port;
    const tlsPort = (tls.address() as AddressInfo).port;
    const bash = execOf('bash')!;
    const plain = effects().find((e) => e.kind === 'connect' && e.target === `127.0.0.1:${tcpPort}`)!;
    expect(plain.pid).toBe(bash.pid);
    expect(plain.ok).toBe(true);
    const curl = execOf('curl')!;
    const viaCurl = effects().filter((e) => e.kind === 'connect' && e.pid === curl.pid && e.target.endsWith(`:${tlsPort}`));
    expect(viaCurl.length).toBeGreaterThan(0);
    // curl resolves "localhost" itself (no getaddrinfo): the name comes from its TLS SNI.
    expect(viaCurl.some((e) => e.domain === 'localhost')).toBe(true);
    const viaNode = effects().filter((e) => e.kind === 'connect' && e.pid === rootPid && e.target.endsWith(`:${tlsPort}`));
    expect(viaNode.some((e) => e.domain === 'localhost')).toBe(true); // from node's getaddrinfo answer
    expect(records.some((r) => r.type === 'dns' && r.host === 'localhost' && r.addrs.includes('127.0.0.1'))).toBe(true);
  });

  it('captures request and response plaintext from curl (libssl) and node (embedded OpenSSL)', () => {
    const curl = execOf('curl')!;
    const text = (pid: number, dir: 'read' | 'write') =>
      chunks().filter((c) => c.pid === pid && c.direction === dir).map((c) => c.data.toString('latin1')).join('');
    const curlOut = text(curl.pid, 'write');
    expect(curlOut).toMatch(/^GET \/from-curl HTTP\/1\.1\r\n/);
    expect(curlOut.split('GET /from-curl').length).toBe(2); // once: SSL_write and the function it wraps are not both probed
    expect(curlOut).toContain('X-Probe: curl');
    expect(text(curl.pid, 'read')).toContain('response-part-1 for /from-curl');
    expect(text(curl.pid, 'read')).toContain('response-part-2 for /from-curl');
    const nodeOut = text(rootPid, 'write');
    expect(nodeOut).toContain('POST /from-node HTTP/1.1');
    // The 100 KB body crossed the ring in 16 KB chunks and came back whole.
    expect(nodeOut).toContain(NODE_BODY);
    expect(text(rootPid, 'read')).toContain('response-part-2 for /from-node');
    // node exec'd by bash after the collector started: probes attached on its exec, before it spoke
    const nested = procs().find((p) => p.comm === 'node' && p.argv?.[1] === 'nested.cjs')!;
    expect(nested.ppid).toBe(execOf('bash')!.pid);
    expect(text(nested.pid, 'write')).toMatch(/^GET \/from-nested-node HTTP\/1\.1\r\n/);
    const req = chunks().find((c) => c.pid === rootPid && c.direction === 'write' && c.data.includes('POST /from-node'))!;
    expect(req.truncated).toBe(false);
    expect(req.host).toBe('localhost');
    expect(req.comm).toBe('node');
    expect(chunks().every((c) => c.dir === c.direction && typeof c.conn === 'string')).toBe(true);
  });

  it('runs no TLS probe in an untraced node: its probes are attached per traced process', () => {
    // Machine-wide, the bystander's ~3 SSL calls per request (and the test's own TLS server's) would each
    // run a probe; per process they trap nowhere. Left: libssl users elsewhere on the machine, if any.
    expect(bystanderRuns).toBeGreaterThanOrEqual(0);
    expect(bystanderRuns).toBeLessThan(BYSTANDER_REQUESTS / 4);
  });

  it('records nothing outside the traced tree', () => {
    expect(records.some((r) => pidOf(r) === outsiderPid)).toBe(false);
    expect(records.some((r) => pidOf(r) === process.pid)).toBe(false); // the TLS server's side
    const foreign = records.filter((r) => pidOf(r) !== undefined && !tree.has(pidOf(r)!));
    expect(foreign).toEqual([]);
    expect(ofPids(records, tree).length).toBeGreaterThan(20);
  });
});
