// What `sudo agentpprof live` traces with ordinary work beside the agents: the real Claude Code (node build)
// and Codex fix the scripted bug against the scripted model server while a noise node process (not an
// agent) writes and reads files and opens connections. Run once with the default scope (agent CLIs by
// executable and argv) and once by name as the collector used to (`--comm claude,codex,node,bun,gemini`);
// prints, per run, the recorded kernel effects from the agents' trees, from the noise, and from anything
// else, and the share of the files view under the agents' prompts. (The sandboxes are made below the
// followed trace root, so the `git` that makes their repos appends there and is traced too: "other".)
//   sudo node --import tsx scripts/bench/live-scope.ts [--noise-ops 20000] [--modes agents,names]
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runClaude } from '../agents/run-claude.js';
import { runCodex } from '../agents/run-codex.js';
import { startModelServer } from '../agents/model-server.js';
import { readFolded } from '../../src/live/summary.js';
import { benchArgs } from './args.js';

const { values } = benchArgs(import.meta.url, { options: { 'noise-ops': { type: 'string', default: '20000' }, modes: { type: 'string', default: 'agents,names' } } });
const NOISE_OPS = Number(values['noise-ops']);
const SCOPES: Record<string, string[]> = { agents: [], names: ['--comm', 'claude,codex,node,bun,gemini'] };

interface Recorded { pid: number; ppid?: number; target?: string }

/** Processes and effects from a --record file (one batch per line). */
function readRecording(path: string): { procs: Map<number, number>; effects: Recorded[] } {
  const procs = new Map<number, number>();
  const effects: Recorded[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line) continue;
    const b = (JSON.parse(line) as { data?: { batch?: { processes?: Recorded[]; effects?: Recorded[] } } }).data?.batch;
    for (const p of b?.processes ?? []) procs.set(p.pid, p.ppid ?? 0);
    for (const e of b?.effects ?? []) if (e.pid !== undefined) effects.push(e);
  }
  return { procs, effects };
}

/** Whether `pid` descends from one of `roots` by the recorded parent links. */
function under(pid: number, roots: Set<number>, procs: Map<number, number>): boolean {
  for (let p = pid, hops = 0; p > 1 && hops < 64; p = procs.get(p) ?? 0, hops++) if (roots.has(p)) return true;
  return false;
}

async function once(mode: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `live-scope-${mode}-`));
  const server = await startModelServer({ tls: true });
  const rec = join(dir, 'rec.jsonl');
  const live = spawn(process.execPath, ['--import', 'tsx', resolve('src/cli.ts'), 'live', '--port', '0', '--log-json', '--traces', dir,
    '--out', join(dir, 'out'), '--history', '0', '--record', rec, ...SCOPES[mode]], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  live.stderr.on('data', (c) => (err += c));
  await new Promise<void>((r, j) => {
    live.stdout.on('data', (c: Buffer) => { if (/http:\/\//.test(c.toString())) r(); });
    live.on('exit', (c) => j(new Error(`live exited ${c}: ${err}`)));
  });
  await new Promise((r) => setTimeout(r, 1500)); // the collector attached
  const noiseDir = join(dir, 'noise');
  mkdirSync(noiseDir);
  const noise = spawn('node', ['-e', `const fs=require('fs'),net=require('net');let i=0;const t=setInterval(()=>{const f='${noiseDir}/n'+(i%100);` +
    `fs.writeFileSync(f,'x');fs.readFileSync(f);if(i%50==0){const s=net.connect(${server.port},'127.0.0.1',()=>s.end());s.on('error',()=>{})}` +
    `if(++i>=${NOISE_OPS})clearInterval(t)},1)`], { stdio: 'ignore' });
  const claude = await runClaude({ server, parent: dir });
  const codex = await runCodex({ server, parent: dir });
  noise.kill();
  await new Promise((r) => setTimeout(r, 1500));
  live.kill('SIGINT');
  await new Promise((r) => live.on('exit', r));
  await server.close();

  const { procs, effects } = readRecording(rec);
  const agents = new Set([claude.pid, codex.pid]);
  const fromAgents = effects.filter((e) => under(e.pid, agents, procs)).length;
  const fromNoise = effects.filter((e) => e.pid === noise.pid || under(e.pid, new Set([noise.pid!]), procs)).length;
  const files = readFolded(join(dir, 'out', 'files.folded'));
  const total = [...files.values()].reduce((a, b) => a + b, 0);
  const attributed = [...files].filter(([k]) => !k.startsWith('prompt:unattributed')).reduce((a, [, w]) => a + w, 0);
  console.log(`${mode.padEnd(7)} kernel effects recorded ${effects.length}: agents' trees ${fromAgents} ` +
    `(${((100 * fromAgents) / Math.max(1, effects.length)).toFixed(1)} %), noise ${fromNoise}, ` +
    `other processes ${effects.length - fromAgents - fromNoise}; files view ${total}, under an agent's prompt ${attributed} ` +
    `(${total ? ((100 * attributed) / total).toFixed(1) : '0'} %); claude exit ${claude.exitCode}, codex exit ${codex.exitCode}`);
  if (process.env.LIVE_SCOPE_KEEP) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
  for (const r of [claude, codex]) rmSync(r.root, { recursive: true, force: true });
}

for (const mode of values.modes!.split(',')) await once(mode);
