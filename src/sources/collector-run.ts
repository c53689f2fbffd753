// Starts the collector loader (agentsight/build/agentsight) on a private Unix socket (or its stdout) and
// feeds what it sends through the reader, for the tests, the benchmark and anyone who wants the records
// of a short run. Resolves once the loader is attached: its first frame is a STATS frame, sent after
// every probe is in place. stop() sends SIGTERM: the loader detaches, drains its rings and exits 0.
// The loader listens (--listen) and we connect, reading into one reused 1 MB buffer (`onread`): on the
// 2-core test machine Node's default socket reads (a fresh 64 KB buffer each) cost the reader ~2.5× the
// CPU per request of the HTTPS benchmark (scripts/bench/collector.ts), CPU taken from the traced agent.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
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
  /** Added to this process's environment for the loader. */
  env?: NodeJS.ProcessEnv;
}

export interface RunningCollector {
  proc: ChildProcess;
  stream: CollectorStream;
  stderr(): string;
  /** Sends the loader a control command (`pid N`, `watch DIR`, `ssl-offsets …`: agentsight/agentsight.c)
   * over its socket, or its stdin with `stdout`. */
  command(line: string): void;
  /** SIGTERM, then the loader's exit code once its output has ended. */
  stop(): Promise<number | null>;
}

/** Connects to the loader's --listen socket once it exists and reads it into one reused 1 MB buffer;
 * onChunk gets a copy of each read (readers keep views of what they are given). Gives up when `giveUp`
 * settles. */
export async function connectReusing(path: string, onChunk: (b: Buffer) => void, giveUp: Promise<unknown>): Promise<Socket> {
  const buffer = Buffer.allocUnsafe(1 << 20);
  let stopped = false;
  void giveUp.finally(() => (stopped = true));
  for (;;) {
    const sock = await new Promise<Socket | undefined>((resolve) => {
      const s = connect({ path, onread: { buffer, callback: (n: number) => { onChunk(Buffer.from(buffer.subarray(0, n))); return true; } } });
      s.once('connect', () => resolve(s)).once('error', () => resolve(undefined));
    });
    if (sock) return sock;
    if (stopped) throw new Error(`no collector socket at ${path}`);
    await new Promise((r) => setTimeout(r, 20));
  }
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
  const proc = spawn(opts.loader ?? LOADER_PATH, opts.stdout ? opts.args : ['--listen', sockPath, ...opts.args], {
    stdio: [opts.stdout ? 'pipe' : 'ignore', opts.stdout ? 'pipe' : 'ignore', 'pipe'], env: opts.env && { ...process.env, ...opts.env },
  });
  let stderr = '';
  proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  if (opts.stdout) {
    proc.stdout!.on('data', feed);
    proc.stdout!.on('end', () => ended());
  }
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  let sock: Socket | undefined;
  const cleanup = () => {
    sock?.destroy();
    rmSync(dir, { recursive: true, force: true });
  };
  if (!opts.stdout) {
    void connectReusing(sockPath, feed, exited).then((s) => {
      sock = s;
      s.on('close', () => ended());
      s.on('error', () => s.destroy());
    }, () => ended());
  }
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
    command(line: string) {
      const to = opts.stdout ? proc.stdin : sock;
      if (!to) throw new Error('the collector has no control channel open');
      to.write(line.endsWith('\n') ? line : line + '\n');
    },
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
