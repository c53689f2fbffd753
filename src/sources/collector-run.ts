// Starts the collector loader (agentsight/build/agentsight) on a private Unix socket (or its stdout) and
// feeds what it sends through the reader, for the tests, the benchmark and anyone who wants the records
// of a short run. Resolves once the loader is attached: its first frame is a STATS frame, sent after
// every probe is in place. stop() sends SIGTERM: the loader detaches, drains its rings and exits 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CollectorStream } from './collector.js';
import type { CollectorRecord } from './collector-decode.js';

/** The loader `make collector` builds. */
export const LOADER_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'agentsight', 'build', 'agentsight');

/** The loader's exit codes (agentsight/agentsight.c). */
export const LOADER_EXIT: Record<number, string> = {
  2: 'usage', 3: 'not root', 4: 'kernel without BTF', 5: 'BPF load or attach failed', 6: 'cannot connect to the output socket',
};

export interface RunOptions {
  args: string[];
  onRecords: (records: CollectorRecord[]) => void;
  loader?: string;
  /** Read the loader's stdout instead of giving it a socket. */
  stdout?: boolean;
  startupMs?: number;
}

export interface RunningCollector {
  proc: ChildProcess;
  stream: CollectorStream;
  stderr(): string;
  /** SIGTERM, then the loader's exit code once its output has ended. */
  stop(): Promise<number | null>;
}

export async function runCollector(opts: RunOptions): Promise<RunningCollector> {
  const dir = mkdtempSync(join(tmpdir(), 'agentsight-'));
  const sockPath = join(dir, 'events.sock');
  const stream = new CollectorStream();
  let attached!: () => void;
  const isAttached = new Promise<void>((r) => (attached = r));
  let ended!: () => void;
  const outputEnded = new Promise<void>((r) => (ended = r));
  const feed = (b: Buffer) => {
    const recs = stream.push(b);
    if (!recs.length) return;
    opts.onRecords(recs);
    if (recs.some((r) => r.type === 'stats')) attached();
  };
  let server: Server | undefined;
  if (!opts.stdout) {
    server = createServer((conn) => {
      conn.on('data', feed);
      conn.on('close', () => ended());
    });
    await new Promise<void>((r) => server!.listen(sockPath, r));
  }
  const proc = spawn(opts.loader ?? LOADER_PATH, opts.stdout ? opts.args : ['--socket', sockPath, ...opts.args], {
    stdio: ['ignore', opts.stdout ? 'pipe' : 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  if (opts.stdout) {
    proc.stdout!.on('data', feed);
    proc.stdout!.on('end', () => ended());
  }
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  const cleanup = () => {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  const startupMs = opts.startupMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      isAttached,
      new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`collector not attached after ${startupMs} ms: ${stderr}`)), startupMs))),
      exited.then((c) => { throw new Error(`collector exited with ${c} (${LOADER_EXIT[c ?? 0] ?? 'error'}): ${stderr.trim()}`); }),
    ]);
  } catch (err) {
    proc.kill('SIGTERM');
    cleanup();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return {
    proc,
    stream,
    stderr: () => stderr,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const code = await exited;
      await Promise.race([outputEnded, new Promise((r) => setTimeout(r, 2000))]);
      const rest = stream.end();
      if (rest.length) opts.onRecords(rest);
      cleanup();
      return code;
    },
  };
}
