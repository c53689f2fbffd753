// ClickHouse fleet bench (issue 20), against Debian's clickhouse-server 18.16 started here in a temp dir.
// A generated history's semantic events are repeated over --hosts host labels until --events events
// (each copy the same events again, as another machine doing the same work), and:
//   push      pushed through the spool with ClickHousePusher as `agentpprof push` does (1000 a batch):
//             events/s, wall time;
//   query     the tokens fleet profile summed in ClickHouse (`--from clickhouse://…` in a child process):
//             wall time and the client's peak RSS;
//   local     in the same run, the same profile folded here from the same events in memory (what a
//             client would do reading raw events), and the merge of the hosts' own profiles (what each
//             host's folded file would give): times, and the totals must agree with ClickHouse's.
// Run: node --import tsx scripts/bench/clickhouse.ts [--events 10000000] [--hosts 3] [--sessions 200] [--batch 1000]
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { benchArgs } from './args.js';
import { generate } from '../gen-corpus/generate.js';
import { loadHistory } from '../../src/sources/index.js';
import { loadRules, RegexTagger } from '../../src/tag/index.js';
import { tagPrompts } from '../../src/profile/index.js';
import { semanticEvents, type SemanticLine } from '../../src/fleet/events.js';
import { ClickHousePusher } from '../../src/fleet/clickhouse-push.js';
import { ClickHouseServer } from '../../test/helpers/clickhouse.js';

const { values } = benchArgs(import.meta.url, { options: {
  events: { type: 'string', default: '10000000' }, hosts: { type: 'string', default: '3' }, sessions: { type: 'string', default: '200' },
  batch: { type: 'string', default: '1000' },
} });
const N = Number(values.events), H = Number(values.hosts);
const dir = mkdtempSync(join(tmpdir(), 'agentpprof-ch-bench-'));
await generate({ out: dir, seed: 9, agents: ['claude', 'codex'], sessions: Number(values.sessions) });
const history = await loadHistory({ paths: [dir] });
const { tags } = await tagPrompts(history, new RegexTagger(loadRules({ projectRoot: null }).rules));
const base = [...semanticEvents(history, tags, { host: 'bench' })].map((e) => e.line as SemanticLine);

/** Event i of the bench: a copy of a base event under host i / base.length mod H. */
function* events(): Generator<SemanticLine> {
  for (let i = 0; i < N; i++) {
    const l = base[i % base.length];
    yield { ...l, host: `host-${Math.floor(i / base.length) % H}` };
  }
}

const ch = new ClickHouseServer();
await ch.start();
// A failed check below must not leave the server running.
process.on('exit', () => { if (ch.proc && ch.proc.exitCode === null) ch.proc.kill('SIGKILL'); });
const url = `clickhouse://127.0.0.1:${ch.http}/bench`;
const rss0 = process.memoryUsage().rss;

// push
let t0 = performance.now();
const pusher = new ClickHousePusher({ url, spoolDir: join(dir, 'spool'), batchSize: Number(values.batch), flushMs: 200 });
let pushedSoFar = 0;
for (const l of events()) {
  pusher.push({ ts: l.ts, labels: { host: l.host, agent: l.agent, tag: l.tag }, line: l });
  // Keep the spool short (its default bound would drop the oldest batches): let the sender catch up.
  if (++pushedSoFar % Number(values.batch) === 0) while (pusher.queued > 4) await new Promise((r) => setTimeout(r, 5));
}
if (!(await pusher.drainAll(3600_000))) throw new Error(`push did not drain: ${pusher.lastError}`);
pusher.close();
const pushSecs = (performance.now() - t0) / 1000;
const stored = Number(await ch.query('SELECT count() FROM bench.agentpprof_events'));
if (stored !== N || pusher.stats.sent !== N) throw new Error(`pushed ${pusher.stats.sent}, stored ${stored}, of ${N}`);
const bytes = (await ch.query("SELECT sum(bytes_on_disk) FROM system.parts WHERE database = 'bench' AND active")).trim();

// query, in a child process so its peak RSS is the client's alone
const child = `import('./src/fleet/clickhouse-profile.ts').then(async ({ profileFromClickHouse }) => {
  const t = performance.now();
  const p = await profileFromClickHouse({ url: ${JSON.stringify(url)}, view: 'tokens', since: 0, until: Date.now() + 864e5 });
  console.log(JSON.stringify({ ms: performance.now() - t, total: p.total, samples: p.samples.length, maxRSS: process.resourceUsage().maxRSS }));
})`;
const q = JSON.parse((await promisify(execFile)(process.execPath, ['--import', 'tsx', '-e', child], { encoding: 'utf8' })).stdout) as
  { ms: number; total: number; samples: number; maxRSS: number };
const qSecs = q.ms / 1000;
// What reading FINAL (ReplacingMergeTree's read-time collapse, the other way to count a resent batch once)
// would cost: the same GROUP BY with it.
t0 = performance.now();
await ch.query('SELECT host, s, sum(w) FROM bench.agentpprof_events FINAL ARRAY JOIN tokens.stack AS s, tokens.weight AS w GROUP BY host, s FORMAT Null');
const finalSecs = (performance.now() - t0) / 1000;
const parts = (await ch.query("SELECT count() FROM system.parts WHERE database = 'bench' AND active")).trim();
const q2 = JSON.parse((await promisify(execFile)(process.execPath, ['--import', 'tsx', '-e', child], { encoding: 'utf8' })).stdout) as typeof q;

// local: the same fold here from the events, and the merge of per-host profiles
t0 = performance.now();
const folded = new Map<string, number>();
let localTotal = 0;
for (const l of events()) {
  for (const [stack, w] of l.samples.tokens ?? []) {
    const k = `host:${l.host};${stack}`;
    folded.set(k, (folded.get(k) ?? 0) + w);
    localTotal += w;
  }
}
const foldSecs = (performance.now() - t0) / 1000;
const perHost = new Map<string, Map<string, number>>();
for (const [k, w] of folded) {
  const i = k.indexOf(';');
  const h = k.slice(0, i);
  if (!perHost.has(h)) perHost.set(h, new Map());
  perHost.get(h)!.set(k.slice(i + 1), w);
}
t0 = performance.now();
const merged = new Map<string, number>();
for (const [h, prof] of perHost) for (const [s, w] of prof) merged.set(`${h};${s}`, (merged.get(`${h};${s}`) ?? 0) + w);
const mergeMs = performance.now() - t0;
await ch.stop();
if (q.total !== localTotal || q.samples !== merged.size) throw new Error(`ClickHouse ${q.total} in ${q.samples} stacks, local ${localTotal} in ${merged.size}`);

console.log(`${N} events (${base.length} semantic events of ${history.sessions.length} sessions, repeated over ${H} hosts); load ${loadavg()[0].toFixed(1)}`);
console.log(`  push (spool → ClickHouse, ${values.batch}/batch)   ${pushSecs.toFixed(1)} s   ${Math.round(N / pushSecs)} events/s   ${(Number(bytes) / 1e6).toFixed(0)} MB on disk, ${parts} parts`);
console.log(`  fleet tokens profile in ClickHouse      ${qSecs.toFixed(2)} s (again: ${(q2.ms / 1000).toFixed(2)} s)   ${q.samples} stacks   client peak RSS ${(q.maxRSS / 1024).toFixed(0)} MB; read FINAL it would take ${finalSecs.toFixed(2)} s`);
console.log(`  local fold of the same events in memory ${foldSecs.toFixed(2)} s   (bench process RSS before the push ${(rss0 / 1e6).toFixed(0)} MB)`);
console.log(`  local merge of the ${H} hosts' profiles   ${mergeMs.toFixed(1)} ms   totals equal: ${q.total === localTotal}`);
rmSync(dir, { recursive: true, force: true });
rmSync(ch.dir, { recursive: true, force: true });
