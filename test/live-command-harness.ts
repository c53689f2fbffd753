// Runs `agentpprof live … -- CMD` as `sudo` from the user nobody would (SUDO_UID/SUDO_GID), for the tests
// of the command mode, and gives that user the folders its command works in.
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const NOBODY = 65534;
const TSX = resolve('node_modules/tsx/dist/esm/index.mjs');
const CLI = resolve('src/cli.ts');

export interface Ran { code: number; stderr: string; out: string; ms: number }

/** `agentpprof live … -- cmd` as if run by `sudo` from nobody, in `cwd`; stdout and stderr together. */
export function liveCommand(cmd: string[], o: { cwd: string; out: string; extra?: string[]; env?: NodeJS.ProcessEnv;
  /** Called with all the output so far, at each chunk (to signal the run at some point of it). */
  onOutput?: (text: string, proc: ChildProcess) => void; }): Promise<Ran> {
  const t0 = Date.now();
  const p = spawn(process.execPath, ['--import', TSX, CLI, 'live', '--port', '0', '--log-json', '--out', o.out, ...(o.extra ?? []), '--', ...cmd], {
    cwd: o.cwd, env: { ...process.env, ...o.env, SUDO_UID: String(NOBODY), SUDO_GID: String(NOBODY), SUDO_USER: 'nobody' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const take = (c: Buffer) => { stderr += c; o.onOutput?.(stderr, p); };
  p.stderr.on('data', take);
  p.stdout.on('data', take);
  return new Promise((r) => p.on('exit', (code) => r({ code: code ?? -1, stderr, out: o.out, ms: Date.now() - t0 })));
}

/** Hands a tree to nobody (the command's user must own its sandbox). */
export function giveAway(dir: string): void {
  chownSync(dir, NOBODY, NOBODY);
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) giveAway(p);
    else chownSync(p, NOBODY, NOBODY);
  }
}

export function makeDir(d: string): void {
  mkdirSync(d, { recursive: true });
  chownSync(d, NOBODY, NOBODY);
}
