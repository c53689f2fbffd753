// The loader's other modes, as root: JSON lines on stdout, scoping by a comm a process takes after it
// started (node's process.title → task_rename), a TLS write larger than the 512 KB capture cap, and
// the distinct exit codes with one clear line when it cannot run.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCerts } from '../scripts/agents/certs.js';
import type { TlsChunk } from '../src/sources/collector.js';
import { cannotTrace, ensureLoader, LOADER, pidOf, sleep, startCollector } from './collector-harness.js';

const skip = cannotTrace();
if (skip) console.warn(`collector mode tests skipped: ${skip}`);

const BIG = 700 * 1024;

// Renames itself (comm "agtestroot"), then runs cat and POSTs 700 KB in one write over TLS.
const CHILD = `
const { spawnSync } = require('node:child_process');
const { request } = require('node:https');
const { readFileSync } = require('node:fs');
const [file, port, ca] = process.argv.slice(1);
process.title = 'agtestroot';
process.stdin.once('data', () => {
  spawnSync('cat', [file]);
  const body = Buffer.alloc(${BIG}, 'b');
  const req = request({ host: 'localhost', port: Number(port), method: 'POST', path: '/big', ca: readFileSync(ca),
    headers: { 'content-length': body.length } }, (res) => { res.resume(); res.on('end', () => process.exit(0)); });
  req.end(body);
});
`;

describe.skipIf(skip)('collector modes', () => {
  let dir: string;
  let server: Server;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'collector-modes-'));
    writeFileSync(join(dir, 'note.txt'), 'note\n');
    const certs = testCerts();
    server = createServer({ key: certs.key, cert: certs.cert }, (req, res) => {
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    ensureLoader();
  });

  afterAll(() => {
    server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('follows a process that takes an agent name after exec, in JSON lines on stdout', async () => {
    const port = (server.address() as AddressInfo).port;
    const child = spawn(process.execPath, ['-e', CHILD, join(dir, 'note.txt'), String(port), testCerts().caFile], { stdio: ['pipe', 'ignore', 'inherit'] });
    const done = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    await sleep(300); // let it rename itself before the loader scans /proc: either path must work
    const c = await startCollector(['--json', '--comm', 'agtestroot'], { stdout: true });
    child.stdin!.write('go\n');
    const outsider = spawnSync('cat', [join(dir, 'note.txt')]).pid;
    expect(await done).toBe(0);
    await sleep(200);
    expect(await c.stop()).toBe(0);
    expect(c.skipped()).toBe(0);
    const cat = c.records.find((r) => r.type === 'process' && r.process.comm === 'cat' && r.process.argv);
    expect(cat?.type === 'process' && cat.process.ppid).toBe(child.pid);
    expect(c.records.some((r) => r.type === 'effect' && r.effect.kind === 'read' && r.effect.target === join(dir, 'note.txt'))).toBe(true);
    expect(c.records.some((r) => pidOf(r) === outsider)).toBe(false);

    // One SSL_write of 700 KB: 512 KB captured, flagged truncated, the true length kept.
    const writes = c.records.flatMap((r): TlsChunk[] => (r.type === 'tls' && r.chunk.direction === 'write' ? [r.chunk] : []));
    const total = writes.reduce((n, w) => n + w.len, 0);
    expect(total).toBeGreaterThan(BIG);
    const big = writes.find((w) => w.len > 512 * 1024);
    if (big) {
      expect(big.truncated).toBe(true);
      expect(big.data.length).toBe(512 * 1024);
    } else {
      // node split the body into several SSL_write calls: each must then be complete.
      expect(writes.every((w) => !w.truncated && w.data.length === w.len)).toBe(true);
    }
  });

  it('exits with a distinct code and one clear line when it cannot run', () => {
    const asNobody = spawnSync('runuser', ['-u', 'nobody', '--', LOADER], { encoding: 'utf8' });
    expect(asNobody.status).toBe(3);
    expect(asNobody.stderr.trim()).toBe('agentsight: needs root (CAP_BPF and CAP_PERFMON) to load eBPF programs');
    const usage = spawnSync(LOADER, ['--no-such-flag'], { encoding: 'utf8' });
    expect(usage.status).toBe(2);
    const socket = spawnSync(LOADER, ['--socket', join(dir, 'missing', 'x.sock')], { encoding: 'utf8' });
    expect(socket.status).toBe(6);
    expect(socket.stderr).toMatch(/^agentsight: cannot connect to .*x\.sock: No such file or directory\n$/);
  });
});
