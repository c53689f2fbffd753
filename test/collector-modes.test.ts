// The loader's other modes, as root: JSON lines on stdout, scoping by a comm a process takes after it
// started (node's process.title → task_rename), a TLS write larger than the 512 KB capture cap, how a
// traced process's TLS probes are attached (uprobe_multi links, or perf events as the fallback), where
// they are placed (never on an instruction the kernel single-steps, when it can be helped), and the
// distinct exit codes with one clear line when it cannot run.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCerts } from '../scripts/agents/certs.js';
import type { TlsChunk } from '../src/sources/collector.js';
import { cannotTrace, type Collector, ensureLoader, LOADER, pidOf, sleep, startCollector } from './collector-harness.js';

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

// Waits for a line on stdin, then one small POST over TLS.
const SMALL = `
const { request } = require('node:https');
const { readFileSync } = require('node:fs');
const [port, ca] = process.argv.slice(1);
process.stdin.once('data', () => {
  const req = request({ host: 'localhost', port: Number(port), method: 'POST', path: '/small', ca: readFileSync(ca),
    headers: { 'content-length': 5 } }, (res) => { res.resume(); res.on('end', () => process.exit(0)); });
  req.end('hello');
});
`;

interface LinkInfo { type: string; pid?: number; path?: string; probes: number; offsets: number[] }

/** The BPF links a process holds, from /proc/PID/fdinfo (uprobe_multi links name their pid and file). */
function linksOf(pid: number): LinkInfo[] {
  const out: LinkInfo[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fdinfo`)) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
    } catch {
      continue; // closed meanwhile
    }
    const field = (k: string) => text.match(new RegExp(`^${k}:\\s*(.*)$`, 'm'))?.[1];
    const type = field('link_type');
    if (!type) continue;
    // uprobe_multi: a "cookie offset ref_ctr_offset" table follows, one row per probe
    const offsets = [...text.matchAll(/^\d+\s+(0x[0-9a-f]+)\s+0x[0-9a-f]+$/gm)].map((m) => Number(m[1]));
    out.push({ type, pid: field('pid') === undefined ? undefined : Number(field('pid')), path: field('path'), probes: Number(field('uprobe_cnt') ?? 0), offsets });
  }
  return out;
}

/** Builds a stand-in with the C compiler the loader is built with; its warnings fail the test. */
const compile = (args: string[]) => expect(spawnSync('cc', args, { encoding: 'utf8' }).stderr).toBe('');

/** Runs a stand-in TLS binary (it waits for a byte on stdin, then makes its SSL_* calls) under the
 * loader with `--ssl-binary`; `attached` looks at the loader before the calls. Returns the stand-in's TLS. */
async function traceStandIn(bin: string, attached: (c: Collector) => void): Promise<{ pid: number; tls: TlsChunk[] }> {
  const child = spawn(bin, [], { stdio: ['pipe', 'ignore', 'inherit'] });
  const done = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  const c = await startCollector(['-v', '--pid', String(child.pid), '--ssl-binary', bin]);
  attached(c);
  child.stdin!.write('g');
  expect(await done).toBe(0);
  await sleep(200);
  expect(await c.stop()).toBe(0);
  return { pid: child.pid!, tls: c.records.flatMap((r): TlsChunk[] => (r.type === 'tls' && r.chunk.pid === child.pid ? [r.chunk] : [])) };
}

const kernelAtLeast = (major: number, minor: number): boolean => {
  const [a, b] = release().split('.').map(Number);
  return a > major || (a === major && b >= minor);
};

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

  // A uprobe for one pid made with perf_event_open is a task-bound perf event, and every context switch of
  // that task then schedules its perf context: measured at ~3 µs per switch here. uprobe_multi links
  // (kernel 6.6+) write the breakpoints into that process only without being perf events.
  it('attaches a traced node\'s TLS probes as uprobe_multi links for its pid; the perf-event fallback captures too', async () => {
    const port = (server.address() as AddressInfo).port;
    const node = realpathSync(process.execPath);
    for (const perf of [false, true]) {
      const child = spawn(process.execPath, ['-e', SMALL, String(port), testCerts().caFile], { stdio: ['pipe', 'ignore', 'inherit'] });
      const done = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
      const c = await startCollector(['--pid', String(child.pid)], { env: perf ? { AGENTSIGHT_PERF_UPROBES: '1' } : {} });
      const links = linksOf(c.pid);
      const multi = links.filter((l) => l.type === 'uprobe_multi' || l.type === 'uretprobe_multi');
      if (perf || !kernelAtLeast(6, 6)) {
        expect(multi).toEqual([]);
        expect(c.stderr()).not.toContain('uprobe_multi');
      } else {
        expect(c.stderr()).toContain('TLS ones uprobe_multi');
        const mine = multi.filter((l) => l.pid === child.pid);
        // SSL_write, SSL_read, … one entry link each, and one link for all their return probes
        expect(mine.filter((l) => l.type === 'uprobe_multi' && l.path === node).length).toBeGreaterThanOrEqual(2);
        expect(mine.find((l) => l.type === 'uretprobe_multi' && l.path === node)?.probes).toBeGreaterThanOrEqual(2);
      }
      child.stdin!.write('go\n');
      expect(await done).toBe(0);
      await sleep(200);
      expect(await c.stop()).toBe(0);
      const tls = c.records.flatMap((r): TlsChunk[] => (r.type === 'tls' && r.chunk.pid === child.pid ? [r.chunk] : []));
      const text = (dir: string) => tls.filter((t) => t.direction === dir).map((t) => Buffer.from(t.data).toString('latin1')).join('');
      expect(text('write')).toMatch(/^POST \/small HTTP\/1\.1\r\n[\s\S]*\r\n\r\nhello$/);
      expect(text('read')).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nok$/);
    }
  });

  // x86 uprobes emulate a push, call, jmp or nop at the probed address and single-step anything else out of
  // line: ~9 µs more per trap here. Debian's libssl opens SSL_read/SSL_write/_ex with `sub $N,%rsp`, so
  // the loader probes the functions they wrap, which open with a push (agentsight/unwrap.h); curl's
  // plaintext through them is checked in collector.test.ts.
  it.skipIf(!kernelAtLeast(6, 6) || process.arch !== 'x64')('probes the system libssl only where the trap is emulated, not single-stepped', async () => {
    const c = await startCollector(['-v', '--pid', String(process.pid)]);
    const lib = linksOf(c.pid).filter((l) => l.type.endsWith('uprobe_multi') && /\/libssl\.so/.test(l.path ?? ''));
    expect(await c.stop()).toBe(0);
    expect(lib.length).toBeGreaterThanOrEqual(4); // read, write, handshake, ctrl entries (+ the return link)
    const code = readFileSync(lib[0].path!);
    const emulated = (o: number) => (code[o] >= 0x50 && code[o] <= 0x57) || (code[o] === 0x41 && code[o + 1] >= 0x50 && code[o + 1] <= 0x57)
      || [0x90, 0xe8, 0xe9, 0xeb].includes(code[o]);
    const offsets = lib.flatMap((l) => l.offsets);
    expect(offsets.filter((o) => !emulated(o)).map((o) => o.toString(16))).toEqual([]);
    const wrapped = [...c.stderr().matchAll(/(SSL_read|SSL_write) opens with a single-stepped instruction; probing the function it wraps \(offset (0x[0-9a-f]+), count in argument 4\)/g)];
    expect(wrapped.map((m) => m[1]).sort()).toEqual(['SSL_read', 'SSL_write']); // this machine's libssl 3.0
    for (const m of wrapped) expect(offsets).toContain(Number(m[2]));
  });

  // CET builds (Ubuntu's and Fedora's libssl, …) open every exported function with endbr64, which the
  // kernel single-steps too. It moves neither the stack pointer nor an argument register, so the entry and
  // the return probe go 4 bytes further, on the emulated push. A C stand-in built that way: its SSL_write and
  // SSL_read must come out whole, with their lengths and the SSL* — the arguments and the return value
  // read at the moved probes.
  it.skipIf(!kernelAtLeast(6, 6) || process.arch !== 'x64')('probes past an endbr64, and the moved entry and return probes capture the call', async () => {
    const src = join(dir, 'cet.c'), bin = join(dir, 'cet-tls');
    writeFileSync(src, `#include <string.h>
#include <unistd.h>
__attribute__((noinline, used)) int SSL_write(void *s, const void *b, int n) { __asm__ volatile("" ::: "memory"); return n; }
__attribute__((noinline, used)) int SSL_read(void *s, void *b, int n) { memcpy(b, "reply-past-endbr", 16); __asm__ volatile("" ::: "memory"); return 16; }
int main(void) {
  char buf[64], out[32], go;
  if (read(0, &go, 1) != 1) return 1;
  memcpy(out, "hello-past-endbr", 16); /* a buffer the program wrote, as a TLS client's is */
  SSL_write((void *)0x5eed, out, 16);
  return SSL_read((void *)0x5eed, buf, sizeof buf) == 16 ? 0 : 2;
}
`);
    compile(['-O0', '-fcf-protection=full', '-o', bin, src]);
    const { pid, tls } = await traceStandIn(bin, (c) => {
      expect(c.stderr()).toContain(`${bin}: SSL_write opens with endbr64; probed past it`);
      expect(c.stderr()).toContain(`${bin}: SSL_read opens with endbr64; probed past it`);
      const code = readFileSync(bin);
      const mine = linksOf(c.pid).filter((l) => l.path === bin);
      expect(mine.length).toBeGreaterThanOrEqual(3); // SSL_write, SSL_read entries, their return link
      for (const o of mine.flatMap((l) => l.offsets)) expect([...code.subarray(o - 4, o + 1)]).toEqual([0xf3, 0x0f, 0x1e, 0xfa, 0x55]);
    });
    expect(tls.map((t) => [t.direction, t.data.toString('latin1'), t.len, t.conn])).toEqual([
      ['write', 'hello-past-endbr', 16, `${pid}:5eed`],
      ['read', 'reply-past-endbr', 16, `${pid}:5eed`],
    ]);
  });

  // OpenSSL 3.2+ gives ssl_write_internal a flags word 4th and the count pointer 5th (reads keep 4
  // arguments); Debian 13's libssl 3.5 has exactly this shape. A stand-in built the same way (wrappers
  // at -O2 with a stack protector, internals elsewhere, opening with endbr64; push): the loader must see
  // the count in argument 5 for writes and 4 for reads, and capture all four calls through the callees.
  it.skipIf(!kernelAtLeast(6, 6) || process.arch !== 'x64')('probes OpenSSL 3.2+\'s ssl_write_internal with its count pointer 5th', async () => {
    writeFileSync(join(dir, 'internal.c'), `#include <stdint.h>
#include <stddef.h>
#include <string.h>
static char sink[256];
int ssl_write_internal(void *s, const void *buf, size_t num, uint64_t flags, size_t *written)
{ if (!s) return -1; memcpy(sink, buf, num < sizeof sink ? num : sizeof sink); *written = num; return 1; }
int ssl_read_internal(void *s, void *buf, size_t num, size_t *readbytes)
{ if (!s) return -1; memcpy(buf, "reply-3.5-layout", 16); *readbytes = 16; return 1; }
`);
    writeFileSync(join(dir, 'wrappers.c'), `#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
int ssl_write_internal(void *s, const void *buf, size_t num, uint64_t flags, size_t *written);
int ssl_read_internal(void *s, void *buf, size_t num, size_t *readbytes);
int SSL_write(void *s, const void *buf, int num)
{ size_t w; if (num < 0) return -1; int r = ssl_write_internal(s, buf, (size_t)num, 0, &w); return r > 0 ? (int)w : r; }
int SSL_write_ex2(void *s, const void *buf, size_t num, uint64_t flags, size_t *w)
{ int r = ssl_write_internal(s, buf, num, flags, w); return r < 0 ? 0 : r; }
int SSL_write_ex(void *s, const void *buf, size_t num, size_t *w) { return SSL_write_ex2(s, buf, num, 0, w); }
int SSL_read(void *s, void *buf, int num)
{ size_t n; if (num < 0) return -1; int r = ssl_read_internal(s, buf, (size_t)num, &n); return r > 0 ? (int)n : r; }
int SSL_read_ex(void *s, void *buf, size_t num, size_t *n) { int r = ssl_read_internal(s, buf, num, n); return r < 0 ? 0 : r; }
int main(void)
{
  char out[32], in[64], go; size_t n;
  if (read(0, &go, 1) != 1) return 1;
  memcpy(out, "hello-3.5-layout", 16);
  SSL_write((void *)0x35, out, 16);
  memcpy(out, "ex-3.5-layout!!!", 16);
  SSL_write_ex((void *)0x35, out, 16, &n);
  return SSL_read((void *)0x35, in, sizeof in) == 16 && SSL_read_ex((void *)0x35, in, sizeof in, &n) == 1 ? 0 : 2;
}
`);
    const bin = join(dir, 'ossl35-tls');
    compile(['-O0', '-fcf-protection=full', '-falign-functions=16', '-c', join(dir, 'internal.c'), '-o', join(dir, 'internal.o')]);
    compile(['-O2', '-fcf-protection=full', '-fstack-protector-strong', '-o', bin, join(dir, 'wrappers.c'), join(dir, 'internal.o')]);
    const { tls } = await traceStandIn(bin, (c) => {
      expect(c.stderr()).toMatch(/ossl35-tls: SSL_write opens with a single-stepped instruction; probing the function it wraps \(offset 0x[0-9a-f]+, count in argument 5\)/);
      expect(c.stderr()).toMatch(/ossl35-tls: SSL_read opens with a single-stepped instruction; probing the function it wraps \(offset 0x[0-9a-f]+, count in argument 4\)/);
    });
    expect(tls.map((t) => [t.direction, t.data.toString('latin1'), t.len])).toEqual([
      ['write', 'hello-3.5-layout', 16],
      ['write', 'ex-3.5-layout!!!', 16],
      ['read', 'reply-3.5-layout', 16],
      ['read', 'reply-3.5-layout', 16],
    ]);
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
