// Helpers for tests that run the real `agentpprof live` / `replay` processes and watch /ws.
import { spawn, type ChildProcess } from 'node:child_process';
import { decode } from '@msgpack/msgpack';
import WebSocket from 'ws';
import type { Delta, Snapshot } from '../src/live/protocol.js';

const procs: ChildProcess[] = [];
export const killAll = () => { for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL'); };

export function cli(args: string[]): { proc: ChildProcess; url: Promise<string>; exit: Promise<number>; stderr: () => string } {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(proc);
  let out = '', err = '';
  proc.stderr!.on('data', (c) => { err += c; });
  const url = new Promise<string>((resolve, reject) => {
    proc.stdout!.on('data', (c) => { out += c; const m = out.match(/(http:\/\/\S+)/); if (m) resolve(m[1]); });
    proc.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  const exit = new Promise<number>((r) => proc.on('exit', (code) => r(code ?? -1)));
  return { proc, url, exit, stderr: () => err };
}

export async function until<T>(f: () => T | undefined | false, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function watch(url: string, view = 'files') {
  const ws = new WebSocket(url.replace('http', 'ws').replace('/?', `/ws?view=${view}&`));
  const state = { last: undefined as Snapshot | Delta | undefined, weights: new Map<number, number>(), stacks: new Map<number, string>() };
  ws.on('message', (d: Buffer) => {
    const m = decode(d) as Snapshot | Delta;
    if (m.type === 'snapshot') state.weights.clear();
    for (const [id, s] of m.stacks) state.stacks.set(id, s.join(';'));
    for (const [id, w] of m.weights) state.weights.set(id, w);
    state.last = m;
  });
  const stacks = () => new Map([...state.weights].map(([id, w]) => [state.stacks.get(id) ?? '?', w]));
  return { ws, state, stacks, total: () => [...state.weights.values()].reduce((a, b) => a + b, 0) };
}

