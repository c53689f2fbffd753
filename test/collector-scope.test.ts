// What the collector traces, for real as root: by default the process trees of agent CLIs recognised by
// executable and argv, judged in the kernel's scope map (agentsight/scope.h), not every process under a
// runtime's name. A noise workload — plain `node` reading and writing hundreds of files, connecting to a
// local port and spawning a child — runs beside a fake agent: a node script laid out as the Claude Code
// package (…/node_modules/@anthropic-ai/claude-code/cli.js) doing the same kinds of work with a child
// shell. The default run must give every effect of the agent's tree and nothing of the noise; `--all`
// both; a `pid N` command and a watched trace root widen the scope at run time.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectorRecord, KernelEffect } from '../src/sources/collector.js';
import { cannotTrace, pidOf, sleep, startCollector, treeOf } from './collector-harness.js';

const skip = cannotTrace();
if (skip) console.warn(`collector scope tests skipped: ${skip}`);

const FILES = 300;

// The same work for both: FILES writes and reads in its own folder, a connect, a child that writes a file.
// It waits for "go" on stdin, so the collector's verdict on its exec is not what the test measures.
const WORK = `
const { writeFileSync, readFileSync } = require('node:fs');
const { connect } = require('node:net');
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const [dir, port, n] = process.argv.slice(2);
// the agent's package ships a helper (as Claude Code vendors ripgrep): a program inside it, not the agent
const sh = existsSync(__dirname + '/vendor/sh') ? __dirname + '/vendor/sh' : '/bin/sh';
process.stdin.once('data', () => {
  for (let i = 0; i < Number(n); i++) { writeFileSync(dir + '/f' + i, 'x' + i); readFileSync(dir + '/f' + i); }
  spawnSync(sh, ['-c', 'echo child > ' + dir + '/child.txt']);
  const s = connect(Number(port), '127.0.0.1', () => { s.end(); process.exit(0); });
});
`;

interface Run { records: CollectorRecord[]; agent: number; noise: number; agentDir: string; noiseDir: string }

describe.skipIf(skip)('collector scope: agents, not names', () => {
  let dir: string;
  let server: Server;
  let port = 0;
  let agentScript: string;
  let noiseScript: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'collector-scope-'));
    const pkg = join(dir, 'lib', 'node_modules', '@anthropic-ai', 'claude-code');
    mkdirSync(pkg, { recursive: true });
    agentScript = join(pkg, 'cli.js');
    noiseScript = join(dir, 'noise.js');
    writeFileSync(agentScript, WORK);
    mkdirSync(join(pkg, 'vendor'));
    copyFileSync('/bin/sh', join(pkg, 'vendor', 'sh'));
    writeFileSync(noiseScript, WORK);
    server = createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => {
    server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const start = (script: string, out: string): { p: ChildProcess; done: Promise<number | null> } => {
    mkdirSync(out, { recursive: true });
    const p = spawn('node', [script, out, String(port), String(FILES)], { stdio: ['pipe', 'ignore', 'inherit'] });
    return { p, done: new Promise((r) => p.on('exit', (c) => r(c))) };
  };

  /** The agent and the noise started under a collector with `args`, working at the same time. */
  async function both(args: string[], name: string): Promise<Run & { stats: CollectorRecord[] }> {
    const c = await startCollector(args);
    const agentDir = join(dir, name, 'agent');
    const noiseDir = join(dir, name, 'noise');
    const agent = start(agentScript, agentDir);
    const noise = start(noiseScript, noiseDir);
    await sleep(300); // both exec'd and judged
    agent.p.stdin!.write('go\n');
    noise.p.stdin!.write('go\n');
    expect(await agent.done).toBe(0);
    expect(await noise.done).toBe(0);
    await sleep(300);
    expect(await c.stop()).toBe(0);
    return { records: c.records, agent: agent.p.pid!, noise: noise.p.pid!, agentDir, noiseDir, stats: c.records.filter((r) => r.type === 'stats') };
  }

  const effectsUnder = (records: CollectorRecord[], folder: string): KernelEffect[] =>
    records.flatMap((r) => (r.type === 'effect' && r.effect.target.startsWith(folder + '/') ? [r.effect] : []));

  /** Every effect the workload had in `folder`, and its tree's exec of the child shell. */
  function expectAll(run: Run, folder: string, root: number): void {
    const tree = treeOf(run.records, root);
    const fx = effectsUnder(run.records, folder);
    for (let i = 0; i < FILES; i++) {
      expect(fx.some((e) => e.kind === 'write' && e.target === `${folder}/f${i}` && e.pid === root)).toBe(true);
      expect(fx.some((e) => e.kind === 'read' && e.target === `${folder}/f${i}` && e.pid === root)).toBe(true);
    }
    const child = fx.find((e) => e.target === `${folder}/child.txt`);
    expect(child?.kind).toBe('write');
    expect(tree.has(child!.pid)).toBe(true);
    expect(run.records.some((r) => r.type === 'effect' && r.effect.kind === 'connect' && r.effect.pid === root && r.effect.target === `127.0.0.1:${port}`)).toBe(true);
  }

  let def: Run & { stats: CollectorRecord[] };

  it('by default traces the agent tree whole and emits nothing of a node process beside it', async () => {
    def = await both([], 'default');
    expectAll(def, def.agentDir, def.agent);
    const noiseTree = treeOf(def.records, def.noise); // only the noise pid itself unless something leaked
    expect(def.records.filter((r) => pidOf(r) !== undefined && noiseTree.has(pidOf(r)!))).toEqual([]);
    expect(effectsUnder(def.records, def.noiseDir)).toEqual([]);
    expect(def.records.some((r) => r.type === 'process' && r.process.argv?.includes(noiseScript))).toBe(false);
    // the agent is named, with its TLS probed (node's OpenSSL); its package's helper is not an agent
    const tree = treeOf(def.records, def.agent);
    const seen = def.records.flatMap((r) => (r.type === 'agent' && tree.has(r.agent.pid) ? [r.agent] : []));
    expect(seen).toEqual([expect.objectContaining({ pid: def.agent, agent: 'claude', tlsProbed: true })]);
    expect(def.records.some((r) => r.type === 'process' && tree.has(r.process.pid) && r.process.argv?.[0].endsWith('/vendor/sh'))).toBe(true);
    const last = def.stats.at(-1)!;
    const cand = last.type === 'stats' ? last.stats.candidates! : undefined;
    expect(cand!.accepted).toBeGreaterThanOrEqual(1);
    expect(cand!.rejected).toBeGreaterThanOrEqual(1);
    const agentFx = effectsUnder(def.records, def.agentDir).length;
    console.log(`scope (default): agent tree ${agentFx} effects in its folder, ${def.records.length} records in all; noise 0 ` +
      `records (${cand!.rejected} candidates rejected, ${cand!.dropped} of their records dropped by the loader before the kernel forgot them)`);
  }, 60_000);

  it('the old default (every process named node, claude, codex, bun, gemini) traced the noise whole', async () => {
    const old = await both(['--comm', 'claude,codex,node,bun,gemini'], 'names');
    expectAll(old, old.agentDir, old.agent);
    expectAll(old, old.noiseDir, old.noise);
    const noise = old.records.filter((r) => pidOf(r) !== undefined && treeOf(old.records, old.noise).has(pidOf(r)!)).length;
    const all = old.records.filter((r) => pidOf(r) !== undefined).length;
    console.log(`scope (by name, the old default): ${noise} of ${all} records (${((100 * noise) / all).toFixed(1)} %) from the noise`);
  }, 60_000);

  it('--all traces both', async () => {
    const all = await both(['--all'], 'all');
    expectAll(all, all.agentDir, all.agent);
    expectAll(all, all.noiseDir, all.noise);
  }, 60_000);

  // A --pid with nothing below it: the test's own process would put its children in scope.
  const idle = (): ChildProcess => spawn('sleep', ['60'], { stdio: 'ignore' });

  it('--pid alone traces that tree only; a `pid N` command adds a running process and its children', async () => {
    const s = idle();
    const c = await startCollector(['--pid', String(s.pid)]);
    const out = join(dir, 'cmd', 'noise');
    const later = start(noiseScript, out);
    await sleep(300);
    const before = c.records.length;
    c.command(`pid ${later.p.pid}`);
    await sleep(300);
    later.p.stdin!.write('go\n');
    expect(await later.done).toBe(0);
    await sleep(300);
    expect(await c.stop()).toBe(0);
    s.kill();
    expect(c.records.slice(0, before).some((r) => pidOf(r) === later.p.pid)).toBe(false); // not before the command
    expectAll({ records: c.records, agent: later.p.pid!, noise: 0, agentDir: out, noiseDir: '' }, out, later.p.pid!);
  }, 60_000);

  it('traces a process from its first write below a watched trace root', async () => {
    const root = join(dir, 'watched');
    mkdirSync(join(root, 'project'), { recursive: true });
    const s = idle();
    const c = await startCollector(['--pid', String(s.pid), '--watch', root]);
    // A plain node (no agent name or package): first work elsewhere, then a trace file, then more work.
    const script = join(dir, 'writer.js');
    writeFileSync(script, `
const { writeFileSync, appendFileSync } = require('node:fs');
const [out, trace] = process.argv.slice(2);
writeFileSync(out + '/before.txt', 'b');
appendFileSync(trace, '{"type":"user"}\\n');
writeFileSync(out + '/after.txt', 'a');
appendFileSync(trace, '{"type":"assistant"}\\n');
`);
    const out = join(dir, 'watched-out');
    mkdirSync(out);
    const trace = join(root, 'project', 'session.jsonl');
    const w = spawn('node', [script, out, trace], { stdio: 'ignore' });
    expect(await new Promise((r) => w.on('exit', r))).toBe(0);
    await sleep(300);
    expect(await c.stop()).toBe(0);
    s.kill();
    const fx = c.records.flatMap((r) => (r.type === 'effect' && r.effect.pid === w.pid ? [r.effect.target] : []));
    expect(fx).not.toContain(join(out, 'before.txt'));
    expect(fx).toContain(join(out, 'after.txt'));
    expect(fx).toContain(trace); // the second append
  }, 60_000);
});
