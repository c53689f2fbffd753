// Runs the real collector (agentsight/build/agentsight) for the tests: builds it when missing, starts it
// on a Unix socket (or stdout), waits for its first STATS frame (= attached), decodes what it sends with
// src/sources/collector.ts, and stops it with SIGTERM.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CollectorStream, type CollectorRecord } from '../src/sources/collector.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const LOADER = join(ROOT, 'agentsight', 'build', 'agentsight');

/** Why the kernel tests cannot run here, or null when they can. */
export function cannotTrace(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (CAP_BPF, CAP_PERFMON)';
  if (!existsSync('/sys/kernel/btf/vmlinux')) return 'kernel without BTF';
  return null;
}

export function ensureLoader(): void {
  // make is a no-op when the loader is up to date, and rebuilds it after a change to bpf/ or agentsight/
  execFileSync('make', ['-s', '-C', join(ROOT, 'agentsight')], { stdio: ['ignore', 'ignore', 'inherit'] });
}

export interface Collector {
  records: CollectorRecord[];
  proc: ChildProcess;
  stderr: () => string;
  skipped: () => number;
  /** SIGTERM, then the loader's exit code once it has flushed and the stream has ended. */
  stop(): Promise<number | null>;
}

const STARTUP_MS = 30_000;

/** Starts the loader with `args` and resolves once it is attached (its first STATS frame arrived). */
export async function startCollector(args: string[], opts: { socket?: boolean } = { socket: true }): Promise<Collector> {
  ensureLoader();
  const dir = mkdtempSync(join(tmpdir(), 'agentsight-test-'));
  const sockPath = join(dir, 'events.sock');
  const records: CollectorRecord[] = [];
  const stream = new CollectorStream();
  let server: Server | undefined;
  let ended!: () => void;
  const streamEnded = new Promise<void>((r) => (ended = r));
  let attached!: () => void;
  const isAttached = new Promise<void>((r) => (attached = r));
  const feed = (b: Buffer) => {
    for (const r of stream.push(b)) {
      records.push(r);
      if (r.type === 'stats') attached();
    }
  };
  if (opts.socket) {
    server = createServer((conn) => {
      conn.on('data', feed);
      conn.on('close', () => ended());
    });
    await new Promise<void>((r) => server!.listen(sockPath, r));
  }
  const proc = spawn(LOADER, opts.socket ? ['--socket', sockPath, ...args] : args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  if (!opts.socket) {
    proc.stdout!.on('data', feed);
    proc.stdout!.on('end', () => ended());
  }
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  const timeout = new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`collector not attached after ${STARTUP_MS} ms: ${stderr}`)), STARTUP_MS).unref());
  await Promise.race([isAttached, timeout, exited.then((c) => { throw new Error(`collector exited with ${c}: ${stderr}`); })]);
  return {
    records,
    proc,
    stderr: () => stderr,
    skipped: () => stream.skipped,
    async stop() {
      proc.kill('SIGTERM');
      const code = await exited;
      await Promise.race([streamEnded, new Promise((r) => setTimeout(r, 2000))]);
      for (const r of stream.end()) records.push(r);
      server?.close();
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

/** Records of the given pids only (the traced tree), in arrival order. */
export const ofPids = (records: CollectorRecord[], pids: Set<number>): CollectorRecord[] =>
  records.filter((r) => pidOf(r) !== undefined && pids.has(pidOf(r)!));

export function pidOf(r: CollectorRecord): number | undefined {
  switch (r.type) {
    case 'process': return r.process.pid;
    case 'effect': return r.effect.pid;
    case 'tls': return r.chunk.pid;
    case 'handshake': case 'dns': return r.pid;
    default: return undefined;
  }
}

/** Every pid descending from `root` according to the process records (root included). */
export function treeOf(records: CollectorRecord[], root: number): Set<number> {
  const tree = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const r of records) {
      if (r.type === 'process' && tree.has(r.process.ppid) && !tree.has(r.process.pid)) {
        tree.add(r.process.pid);
        grew = true;
      }
    }
  }
  return tree;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
