// The collector tests' shared parts: whether this machine can trace, the loader (rebuilt when its sources
// changed), a run that keeps every record, and pid-tree filters over the records.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeFailure, type AgentRun } from '../scripts/agents/agent-run.js';
import { runClaude } from '../scripts/agents/run-claude.js';
import type { CollectorRecord, TlsChunk } from '../src/sources/collector.js';
import { LOADER_PATH, runCollector } from '../src/sources/collector-run.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const LOADER = LOADER_PATH;

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
  /** The loader's pid. */
  pid: number;
  records: CollectorRecord[];
  stderr: () => string;
  skipped: () => number;
  /** A control command to the loader (`pid N`, `watch DIR`, …). */
  command: (line: string) => void;
  /** SIGTERM, then the loader's exit code once it has flushed and the stream has ended. */
  stop(): Promise<number | null>;
}

/** Starts the loader with `args` and resolves once it is attached, keeping every record. */
export async function startCollector(args: string[], opts: { stdout?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Collector> {
  ensureLoader();
  const records: CollectorRecord[] = [];
  const run = await runCollector({ args, stdout: opts.stdout, env: opts.env, onRecords: (r) => records.push(...r) });
  return { pid: run.proc.pid!, records, stderr: run.stderr, skipped: () => run.stream.skipped, command: run.command, stop: run.stop };
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
    case 'agent': return r.agent.pid;
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

/**
 * Starts the loader writing AgentSight JSON lines (`--json`, an AgentSight recording) to `file` and
 * resolves once it is attached (its first STATS line); stop() sends SIGTERM and gives its exit code.
 */
export async function recordJson(file: string, args: string[] = []): Promise<{ stop(): Promise<number | null> }> {
  ensureLoader();
  const fd = openSync(file, 'w');
  const loader = spawn(LOADER_PATH, ['--json', ...args], { stdio: ['ignore', fd, 'pipe'] });
  closeSync(fd);
  let stderr = '';
  loader.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((r) => loader.on('exit', (code) => r(code)));
  for (let i = 0; i < 300 && !readFileSync(file, 'utf8').includes('"STATS"'); i++) await sleep(100);
  if (!readFileSync(file, 'utf8').includes('"STATS"')) {
    loader.kill('SIGTERM');
    throw new Error(`collector did not attach: ${stderr}`);
  }
  return { stop: async () => { loader.kill('SIGTERM'); return exited; } };
}

/** Runs the real Claude Code under a collector started with `args`; returns the run and the records of
 * its process tree (other Claude Code processes on the machine are traced too). */
export async function traceClaude(args: string[], native: boolean): Promise<{ run: AgentRun; mine: CollectorRecord[] }> {
  const collector = await startCollector(args);
  let stopped = false;
  try {
    const run = await runClaude({ native });
    if (run.exitCode !== 0 || run.timedOut) throw new Error(describeFailure(run));
    await sleep(300);
    stopped = true;
    const code = await collector.stop();
    if (code !== 0) throw new Error(`collector exited with ${code}: ${collector.stderr()}`);
    return { run, mine: ofPids(collector.records, treeOf(collector.records, run.pid)) };
  } finally {
    if (!stopped) await collector.stop();
  }
}

/** One process's TLS calls in one direction, in order. */
export const tlsOf = (records: CollectorRecord[], pid: number, dir: 'read' | 'write'): TlsChunk[] =>
  records.flatMap((r) => (r.type === 'tls' && r.chunk.direction === dir && r.chunk.pid === pid ? [r.chunk] : []));
