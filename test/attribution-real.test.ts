// Issue 18's attribution check with real parts: our collector (root, BPF, its default scope) records the
// real Claude Code (node build) running every kind of cause the join must tell apart (script.ts
// attributionScript: parallel Reads, a three-level process tree, a background job writing after its
// tool returned, a subagent's Bash, an Edit read back milliseconds later), while a noise workload runs
// beside it: a node process reading and writing thousands of files and opening connections, and a
// second reader of the same session files. The expected cause of every kernel effect is derived from
// the scenario (which command a process runs, what the agent's own process touches and in what order);
// the offline merge and the live pipeline fed the same recording are scored per view (precision of
// what they attribute, recall of the tools' effects), their views compared stack by stack (time too).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFailure, type AgentRun } from '../scripts/agents/agent-run.js';
import { runClaude } from '../scripts/agents/run-claude.js';
import { ATTRIBUTION_PROMPT, attributionScript, BACKGROUND_COMMAND } from '../scripts/agents/script.js';
import { loadRecordings, type RecordingsResult } from '../src/join/recordings.js';
import { isNetworkSetup } from '../src/join/llm-calls.js';
import { FirstWordTagger } from '../src/live/tagger.js';
import type { LiveRuntime } from '../src/live/runtime.js';
import type { Effect, Process } from '../src/model.js';
import { tagPrompts } from '../src/profile/tagging.js';
import type { ViewName } from '../src/profile/types.js';
import { readEventLog } from '../src/sources/agentsight-log.js';
import { loadHistory } from '../src/sources/index.js';
import { LOADER_PATH } from '../src/sources/collector-run.js';
import { differences, feedLive, liveStacks, offlineStacks, total } from './attribution-feed.js';
import { cannotTrace, ensureLoader, sleep } from './collector-harness.js';

const skip = cannotTrace();
if (skip) console.warn(`attribution of real agents skipped: ${skip}`);

/** A node process touching thousands of files and opening connections, for as long as it runs. */
const NOISE = `
const fs = require('fs'), net = require('net'), path = require('path');
const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'noise-'));
const port = Number(process.argv[1]);
let n = 0;
setInterval(() => {
  for (let i = 0; i < 200; i++, n++) { const f = path.join(dir, 'f' + (n % 3000)); fs.writeFileSync(f, String(n)); fs.readFileSync(f); }
  for (let i = 0; i < 5; i++) net.connect(port, '127.0.0.1').on('error', () => {}).end();
}, 50);
process.on('SIGTERM', () => { fs.rmSync(dir, { recursive: true, force: true }); process.exit(0); });
`;

/** A second reader of the session files (what `agentpprof sessions` does to them), every 100 ms. */
const READER = `
const fs = require('fs'), path = require('path');
const walk = (d) => { try { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else if (p.endsWith('.jsonl')) fs.readFileSync(p); } } catch {} };
setInterval(() => walk(process.argv[1]), 100);
`;

type Cause = string; // a tool id, 'llm' or 'none'

interface Score { view: string; way: string; attributed: number; correct: number; precision: number; toolEffects: number; found: number; recall: number; noise: number }

describe.skipIf(skip)('attribution of a real Claude Code run (node build), with noise beside it', () => {
  let run: AgentRun;
  let rec: string;
  let box: string;
  let res: RecordingsResult;
  let live: LiveRuntime;
  let tags: Map<string, string>;
  const noisePids = new Set<number>();
  const expected = new Map<Effect, Cause>();
  const scores: Score[] = [];

  beforeAll(async () => {
    ensureLoader();
    box = mkdtempSync(join(tmpdir(), 'agentpprof-attr-'));
    rec = join(box, 'rec.jsonl');
    const fd = openSync(rec, 'w');
    const loader = spawn(LOADER_PATH, ['--json'], { stdio: ['ignore', fd, 'pipe'] });
    closeSync(fd);
    let stderr = '';
    loader.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((r) => loader.on('exit', (code) => r(code)));
    for (let i = 0; i < 300 && !readFileSync(rec, 'utf8').includes('"STATS"'); i++) await sleep(100);
    if (!readFileSync(rec, 'utf8').includes('"STATS"')) throw new Error(`collector did not attach: ${stderr}`);
    const server: Server = createServer((s) => s.end()).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    const noise: ChildProcess[] = [
      spawn(process.execPath, ['-e', NOISE, String(port)], { stdio: 'ignore' }),
      spawn(process.execPath, ['-e', READER, box], { stdio: 'ignore' }),
    ];
    for (const p of noise) noisePids.add(p.pid!);
    try {
      run = await runClaude({ prompt: ATTRIBUTION_PROMPT, script: attributionScript, allowedTools: 'Bash,Read,Edit,Agent', parent: box, timeoutMs: 180_000 });
      if (run.exitCode !== 0 || run.timedOut) throw new Error(describeFailure(run));
      await sleep(500);
    } finally {
      for (const p of noise) p.kill('SIGTERM');
      server.close();
      await sleep(300);
      loader.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
    const traces = await loadHistory({ paths: run.traceFiles, threads: 0 });
    res = await loadRecordings([`devbox=${rec}`], { traces });
    tags = (await tagPrompts(res, new FirstWordTagger())).tags;
    const read = readEventLog([rec], { host: 'devbox' });
    live = await feedLive(read, await loadHistory({ paths: run.traceFiles, threads: 0 }), new FirstWordTagger());
    deriveExpected();
    console.table(res.tools.map((t) => ({ id: t.id, name: t.name, ts: t.ts - run.start, end: t.end - run.start })));
  }, 300_000);

  afterAll(() => {
    // AGENTPPROF_KEEP=1 keeps the recording and the session files for a look (the path is printed).
    if (box && !process.env.AGENTPPROF_KEEP) rmSync(box, { recursive: true, force: true });
    else if (box) console.log(`kept ${box} (claude pid ${run?.pid})`);
  });

  /** The cause of each kernel effect, from the scenario alone (not from the join's windows). */
  function deriveExpected(): void {
    const procs = new Map<number, Process>();
    for (const p of res.processes) procs.set(p.pid, p);
    // Noise trees: the noise roots and everything they started.
    for (let grew = true; grew;) {
      grew = false;
      for (const p of procs.values()) if (noisePids.has(p.ppid) && !noisePids.has(p.pid)) { noisePids.add(p.pid); grew = true; }
    }
    const bash = res.tools.filter((t) => t.name === 'Bash').sort((a, b) => a.ts - b.ts);
    const reads = res.tools.filter((t) => t.name === 'Read').sort((a, b) => a.ts - b.ts);
    const edit = res.tools.find((t) => t.name === 'Edit')!;
    const byCommand: [RegExp, string | undefined][] = [
      [/tree\.txt/, bash[0]?.id], [/bg\.log/, bash[1]?.id], [/sleep 3/, bash[3]?.id], [/cat package\.json/, bash[2]?.id],
    ];
    const rootOf = (pid: number): Process | undefined => {
      let p = procs.get(pid);
      while (p && p.ppid !== run.pid) p = procs.get(p.ppid);
      return p;
    };
    const inTree = (pid: number): boolean => pid === run.pid || !!rootOf(pid);
    const app = join(run.repoDir, 'src/app.js');
    const pkg = join(run.repoDir, 'package.json');
    const firstPkgRead = Math.min(...res.effects.filter((e) => e.pid === run.pid && e.target === pkg).map((e) => e.ts));
    for (const e of res.effects) {
      if (e.evidence !== 'kernel' || e.pid === undefined || !inTree(e.pid)) continue;
      let cause: Cause = 'none';
      if (e.pid !== run.pid) {
        const argv = rootOf(e.pid)?.argv?.join(' ') ?? '';
        cause = byCommand.find(([re]) => re.test(argv))?.[1] ?? 'none';
      } else if (isNetworkSetup(e)) cause = 'llm';
      else if (e.target === join(run.repoDir, 'README.md')) cause = reads[0].id;
      // Claude Code reads a file again when a Bash command prints it (`cat package.json` in the subagent):
      // its first read is the Read tool's, the later one the subagent's Bash's.
      else if (e.target === pkg) cause = e.ts === firstPkgRead ? reads[1].id : bash[2].id;
      // Edit then Read of the same file in one response run one after the other: the Edit's reads and
      // writes come before its result, the Read's after.
      else if (e.target.startsWith(app)) cause = e.kind !== 'read' || e.ts <= edit.end ? edit.id : reads[2].id;
      expected.set(e, cause);
    }
  }

  const causeOf = (e: Effect): Cause => e.toolCall ?? (e.llmCall ? 'llm' : 'none');

  it('scores the offline merge per view: precision ≥ 99 %, every tool effect found, no noise', () => {
    for (const [view, pick] of [['files', (e: Effect) => e.kind !== 'connect' && e.kind !== 'exec'], ['network', (e: Effect) => e.kind === 'connect']] as const) {
      const effects = res.effects.filter((e) => e.evidence === 'kernel' && pick(e));
      const attributed = effects.filter((e) => causeOf(e) !== 'none');
      const correct = attributed.filter((e) => expected.get(e) === causeOf(e));
      const tools = effects.filter((e) => { const c = expected.get(e); return c !== undefined && c !== 'none' && c !== 'llm'; });
      const found = tools.filter((e) => causeOf(e) === expected.get(e));
      const noise = effects.filter((e) => e.pid !== undefined && noisePids.has(e.pid)).length;
      scores.push({ view, way: 'offline', attributed: attributed.length, correct: correct.length, precision: correct.length / Math.max(1, attributed.length),
        toolEffects: tools.length, found: found.length, recall: tools.length ? found.length / tools.length : 1, noise });
      for (const e of attributed) if (expected.get(e) !== causeOf(e)) console.log(`wrong (${view}): ${e.kind} ${e.target} pid ${e.pid} → ${causeOf(e)}, expected ${expected.get(e) ?? 'unbound'}`);
      for (const e of tools) if (causeOf(e) !== expected.get(e)) console.log(`missed (${view}): ${e.kind} ${e.target} pid ${e.pid} → ${causeOf(e)}, expected ${expected.get(e)}`);
    }
    console.table(scores);
    for (const s of scores) {
      expect(s.precision).toBeGreaterThanOrEqual(0.99);
      expect(s.recall).toBe(1);
    }
    expect(scores.find((s) => s.view === 'files')!.toolEffects).toBeGreaterThan(10);
    // The background job's writes after its tool returned are its tool's, marked background.
    const bg = res.effects.filter((e) => e.target.endsWith('/bg.log') && e.kind !== 'read');
    expect(bg.some((e) => e.background)).toBe(true);
    expect(bg.every((e) => e.toolCall === res.tools.filter((t) => t.name === 'Bash').sort((a, b) => a.ts - b.ts)[1].id)).toBe(true);
    void BACKGROUND_COMMAND;
  });

  it('puts the model server under call:llm frames only', () => {
    const net = offlineStacks(res, tags, 'network');
    const model = [...net.keys()].filter((k) => k.includes('domain:localhost'));
    expect(model.length).toBeGreaterThan(0);
    for (const k of model) expect(k).toMatch(/call:llm\/[a-z]+;(process:[^;]+;)?domain:localhost$/);
  });

  it('live equals offline in every view, time included', () => {
    const report: Record<string, unknown>[] = [];
    for (const view of ['tokens', 'cost', 'time', 'files', 'network', 'ops'] as ViewName[]) {
      const off = offlineStacks(res, tags, view);
      const on = liveStacks(live, view);
      const diff = differences(off, on, view === 'cost' ? 1e-6 : 1e-3);
      report.push({ view, offline: total(off), live: total(on), stacks: off.size, differing: diff.length });
      for (const d of diff.slice(0, 10)) console.log(`${view} differs: ${d}`);
    }
    console.table(report);
    for (const r of report) expect(r.differing).toBe(0);
  });

  it('records no noise effect in any view', () => {
    const noisy = res.effects.filter((e) => e.pid !== undefined && noisePids.has(e.pid));
    console.log(`noise effects recorded: ${noisy.length} (collector scope), of ${res.effects.length}`);
    expect(noisy.length).toBe(0);
  });
});
