// Runs one agent CLI to completion with a clean environment (nothing of the machine's own agent
// configuration leaks in), a timeout, and its output captured.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentCommand } from './install.js';

export interface SpawnResult {
  pid: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  start: number;
  end: number;
}

export interface SpawnOptions {
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  /** Called as soon as the process exists (live-mode and eBPF tests attach to the pid). */
  onSpawn?: (pid: number) => void;
}

/** Only what a shell needs; the agent variables are set by the caller, never inherited. */
export const baseEnv = (home: string): Record<string, string> => ({
  PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
  HOME: home,
  LANG: 'C.UTF-8',
  TERM: 'dumb',
  NO_COLOR: '1',
  TMPDIR: process.env.TMPDIR ?? '/tmp',
});

export function spawnAgent(cmd: AgentCommand, args: string[], opts: SpawnOptions): Promise<SpawnResult> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const child = spawn(cmd.file, [...cmd.args, ...args], { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`could not start ${cmd.id} (${cmd.file}): ${err.message}`));
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ pid: child.pid ?? -1, exitCode, signal, stdout, stderr, timedOut, start, end: Date.now() });
    });
  });
}

/** Every *.jsonl under dir, sorted. */
export function findJsonl(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.jsonl')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}
