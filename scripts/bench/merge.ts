// Merge benchmark: a synthesized AgentSight recording (collector JSONL, default 1 GB: Claude Code
// turns with ~100 KB request bodies, SSE responses, process and file events) plus the matching
// Claude Code session file, merged by loadRecordings in a child process that reports its peak RSS.
// Baseline in the same run: reading the same bytes and splitting them into JSON lines (the floor any
// reader pays); prints merge throughput, the ratio to the baseline, and the goals (≥ 100 MB/s, ≤ 400 MB).
//
//   npx tsx scripts/bench/merge.ts [--size 1GB] [--dir /tmp/agentpprof-bench]
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync, writeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism, loadavg } from 'node:os';
import { benchArgs } from './args.js';
import { loadHistory } from '../../src/sources/index.js';
import { loadRecordings } from '../../src/join/recordings.js';
import { FrameSplitter } from '../../src/sources/collector-frames.js';
import { httpRequest, httpSseResponse } from '../../test/fixtures/agentsight/synth.js';

const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const SESSION = '5e551011-0000-4000-8000-0000000000be';
const CWD = '/home/dev/calc';

function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(KB|MB|GB)?$/i.exec(s);
  if (!m) throw new Error(`bad --size ${s}`);
  return Number(m[1]) * { KB: 1e3, MB: 1e6, GB: 1e9 }[(m[2] ?? 'MB').toUpperCase() as 'KB']!;
}

/** A ~100 KB conversation as Claude Code resends it each turn. */
function history(turn: number): string {
  const parts: string[] = [];
  for (let i = 0; i < 60; i++) parts.push(`Earlier step ${i} of turn ${turn}: ran "npm test" in src/module${i}.js and saw\n  expected 3, got -1\n`.repeat(20));
  return parts.join('');
}

function generate(dir: string, bytes: number): { record: string; trace: string } {
  mkdirSync(join(dir, 'rec'), { recursive: true });
  const projDir = join(dir, 'claude', 'projects', CWD.replace(/[^a-zA-Z0-9]/g, '-'));
  mkdirSync(projDir, { recursive: true });
  const record = join(dir, 'rec', 'record.log');
  const trace = join(projDir, `${SESSION}.jsonl`);
  const fd = openSync(record, 'w');
  const traceLines: string[] = [];
  const hist = history(0);
  let written = 0;
  let t = T0;
  let pid = 2000;
  const env = { sessionId: SESSION, cwd: CWD, version: '2.1.112', isSidechain: false, userType: 'external' };
  const line = (o: unknown) => {
    const s = JSON.stringify(o) + '\n';
    writeSync(fd, s);
    written += Buffer.byteLength(s);
  };
  const ssl = (ts: number, fn: string, data: string) => line({ timestamp: ts, source: 'ssl', pid: 100, comm: 'claude', data: {
    function: fn, timestamp_ns: (ts - T0) * 1e6, comm: 'claude', pid: 100, tid: 100, uid: 0, len: data.length, buf_size: data.length,
    latency_ms: 0.04, is_handshake: false, data, truncated: false } });
  const proc = (ts: number, p: number, comm: string, data: Record<string, unknown>) =>
    line({ timestamp: ts, source: 'process', pid: p, comm, data: { timestamp: (ts - T0) * 1e6, pid: p, comm, ...data } });
  proc(t - 1000, 100, 'claude', { event: 'EXEC', ppid: 1, filename: '/usr/bin/node' });
  proc(t - 900, 100, 'claude', { event: 'FILE_OPEN', filepath: trace, flags: 0o2101, count: 1 });
  traceLines.push(JSON.stringify({ ...env, type: 'user', uuid: 'u0', parentUuid: null, timestamp: new Date(t).toISOString(), message: { role: 'user', content: 'fix the failing test' } }));
  for (let turn = 0; written < bytes; turn++) {
    const id = `msg_bench${String(turn).padStart(7, '0')}`;
    const tool = `toolu_bench${turn}`;
    ssl(t + 10, 'WRITE/SEND', httpRequest(`${hist}\nfix the failing test (turn ${turn})`));
    ssl(t + 900, 'READ/RECV', httpSseResponse(id, 'claude-sonnet-4-5', { input_tokens: 10, output_tokens: 50, cache_read_input_tokens: 30000, cache_creation_input_tokens: 200 },
      [{ type: 'text', text: 'Running the tests.' }, { type: 'tool_use', id: tool, name: 'Bash', input: {} }]));
    traceLines.push(JSON.stringify({ ...env, type: 'assistant', uuid: `a${turn}`, parentUuid: null, timestamp: new Date(t + 1000).toISOString(), requestId: `req_${turn}`,
      message: { id, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'tool_use', id: tool, name: 'Bash', input: { command: 'npm test' } }],
        usage: { input_tokens: 10, output_tokens: 50, cache_read_input_tokens: 30000, cache_creation_input_tokens: 200 } } }));
    const child = ++pid;
    proc(t + 1100, child, 'bash', { event: 'EXEC', ppid: 100, filename: '/bin/bash' });
    for (let f = 0; f < 20; f++) proc(t + 1200 + f, child, 'node', { event: 'FILE_OPEN', filepath: `${CWD}/src/module${(turn + f) % 200}.js`, flags: f % 5 ? 0 : 0o1101, count: 1 });
    proc(t + 1900, child, 'bash', { event: 'EXIT', ppid: 100, exit_code: 1, duration_ms: 800 });
    traceLines.push(JSON.stringify({ ...env, type: 'user', uuid: `r${turn}`, parentUuid: `a${turn}`, timestamp: new Date(t + 2000).toISOString(),
      message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: tool, content: 'expected 3, got -1' }] } }));
    t += 2500;
  }
  closeSync(fd);
  writeFileSync(trace, traceLines.join('\n') + '\n');
  writeFileSync(join(dir, 'done'), String(written));
  return { record, trace };
}

/** Baseline: read the bytes and split them into parsed JSON lines, nothing else. */
function baseline(file: string): number {
  const t0 = performance.now();
  const split = new FrameSplitter('json');
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(4 << 20);
  let objects = 0;
  for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0;) objects += split.push(Buffer.from(buf.subarray(0, n))).objects.length;
  closeSync(fd);
  objects += split.end().objects.length;
  return performance.now() - t0;
}

async function child(dir: string): Promise<void> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const traces = await loadHistory({ paths: [join(dir, 'claude')], threads: 0 });
  const res = await loadRecordings([`bench=${join(dir, 'rec')}`], { traces });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const s = res.status;
  process.stdout.write(JSON.stringify({
    ms, cpu_ms: (cpu.user + cpu.system) / 1000, bytes: s.bytes, rss_mb: process.resourceUsage().maxRSS / 1024, calls: res.calls.length, in_traces: s.calls_in_traces,
    from_traffic: s.calls_from_traffic, effects: s.attribution, bindings: s.bindings, http: s.recordings[0]?.http_problems,
  }) + '\n');
}

async function main(): Promise<void> {
  const { values } = benchArgs(import.meta.url, { options: { size: { type: 'string', default: '1GB' }, dir: { type: 'string', default: '/tmp/agentpprof-bench' }, child: { type: 'string' } } });
  if (values.child) return child(values.child);
  const bytes = parseSize(values.size!);
  const dir = join(values.dir!, `agentsight-${values.size}`);
  if (!existsSync(join(dir, 'done'))) {
    process.stderr.write(`generating a ${values.size} recording in ${dir} …\n`);
    generate(dir, bytes);
  }
  const size = statSync(join(dir, 'rec', 'record.log')).size;
  const baseMs = baseline(join(dir, 'rec', 'record.log'));
  const p = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--child', dir], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (p.status !== 0) throw new Error(`merge child failed: ${p.stderr}`);
  const r = JSON.parse(p.stdout.trim().split('\n').pop()!);
  const mbps = size / 1e6 / (r.ms / 1000);
  const baseMbps = size / 1e6 / (baseMs / 1000);
  console.log(JSON.stringify(r));
  const cpuMbps = size / 1e6 / (r.cpu_ms / 1000);
  console.log(`recording ${(size / 1e6).toFixed(0)} MB · baseline (read + JSON lines) ${baseMbps.toFixed(0)} MB/s · merge ${mbps.toFixed(0)} MB/s wall (goal ≥ 100), ${cpuMbps.toFixed(0)} MB per CPU-second · merge/baseline time ${(r.ms / baseMs).toFixed(2)}× · peak RSS ${r.rss_mb.toFixed(0)} MB (goal ≤ 400) · load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`);
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
