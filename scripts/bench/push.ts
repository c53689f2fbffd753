// Push bench (issue 9): how fast `agentpprof push` turns a history into Loki semantic events and sends
// them, against a baseline in the same run — writing the same events as JSON lines to a local file (no
// HTTP, no spool) — so the ratio shows what batching, spooling and the Loki protocol cost.
// Loki here is the test suite's stand-in for Loki's push API (no Loki binary is reachable from this
// machine's registries); it parses every batch like a receiver would.
// Second figure: the overhead of `--push` on a live server. The same history, one batch per LLM call
// (src/fleet/call-batches.ts), is ingested by a live runtime as fast as possible, alternately without
// and with the fleet exporter (hub taps → semantic lines every 2 s → spool → Loki API), best of
// --rounds each; then the time to hand the rest to Loki on close, and one /metrics scrape.
// Run: node --import tsx scripts/bench/push.ts [--sessions N] [--rounds N]
import { mkdtempSync, openSync, writeSync, closeSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { benchArgs } from './args.js';
import { generate } from '../gen-corpus/generate.js';
import { loadHistory } from '../../src/sources/index.js';
import { loadRules, RegexTagger } from '../../src/tag/index.js';
import { tagPrompts } from '../../src/profile/index.js';
import { semanticEvents } from '../../src/fleet/events.js';
import { LokiPusher } from '../../src/fleet/loki-push.js';
import { LokiContract } from '../../test/helpers/loki-contract.js';
import { callBatches } from '../../src/fleet/call-batches.js';
import { FleetExport } from '../../src/fleet/live-export.js';
import { LiveRuntime } from '../../src/live/runtime.js';

const { values } = benchArgs(import.meta.url, { options: { sessions: { type: 'string', default: '200' }, rounds: { type: 'string', default: '3' } } });
const dir = mkdtempSync(join(tmpdir(), 'agentpprof-push-bench-'));
await generate({ out: dir, seed: 9, agents: ['claude', 'codex'], sessions: Number(values.sessions) });
const history = await loadHistory({ paths: [dir] });
const tagger = new RegexTagger(loadRules({ projectRoot: null }).rules);
const { tags } = await tagPrompts(history, tagger);

// Baseline: the same events serialized to a local file.
let t0 = performance.now();
const fd = openSync(join(dir, 'events.jsonl'), 'w');
let n = 0;
for (const ev of semanticEvents(history, tags, { host: 'bench' })) { writeSync(fd, JSON.stringify(ev.line) + '\n'); n++; }
closeSync(fd);
const baseline = (performance.now() - t0) / 1000;

// agentpprof push: the same events through the spool to the Loki API.
const loki = new LokiContract();
const port = await loki.start();
t0 = performance.now();
const pusher = new LokiPusher({ url: `loki://127.0.0.1:${port}`, spoolDir: join(dir, 'spool'), batchSize: 1000, flushMs: 200 });
for (const ev of semanticEvents(history, tags, { host: 'bench' })) pusher.push(ev);
const ok = await pusher.drainAll(300_000);
const pushed = (performance.now() - t0) / 1000;
pusher.close();
if (!ok || loki.count() !== n) throw new Error(`push lost events: ${loki.count()} of ${n}`);

// Live ingest without and with --push, alternating rounds in the same run.
const batches = [...callBatches(history)];
interface Round { secs: number; events: number; lines: number; closeSecs: number; scrapeMs: number }
async function ingest(push: boolean, round: number): Promise<Round> {
  const rt = new LiveRuntime({ tagger, kernel: () => false });
  const fleet = push ? new FleetExport(rt.hub, { hostLabel: 'bench', loki: `loki://127.0.0.1:${port}`, spoolDir: join(dir, `live-spool-${round}`) }) : undefined;
  const t = performance.now();
  for (const b of batches) void rt.push(b.batch);
  await rt.flush();
  const secs = (performance.now() - t) / 1000;
  const c = performance.now();
  const drained = (await fleet?.close(300_000)) ?? true;
  if (!drained) throw new Error('live push did not drain');
  const closeSecs = (performance.now() - c) / 1000;
  const s = performance.now();
  fleet?.scrape();
  return { secs, events: rt.hub.status.events, lines: fleet?.lines ?? 0, closeSecs, scrapeMs: performance.now() - s };
}
const best = (rs: Round[]) => rs.reduce((a, b) => (b.secs < a.secs ? b : a));
const without: Round[] = [], withPush: Round[] = [];
for (let r = 0; r < Number(values.rounds); r++) { without.push(await ingest(false, r)); withPush.push(await ingest(true, r)); }
const a = best(without), b = best(withPush);
await loki.stop();

console.log(`corpus: ${history.sessions.length} sessions, ${history.calls.length} LLM calls → ${n} semantic events (load ${loadavg()[0].toFixed(1)})`);
console.log(`  baseline (events → local JSONL)   ${baseline.toFixed(2)} s   ${Math.round(n / baseline)} events/s`);
console.log(`  agentpprof push (spool → Loki API) ${pushed.toFixed(2)} s   ${Math.round(n / pushed)} events/s   ratio ${(pushed / baseline).toFixed(2)}×`);
console.log(`live ingest, ${batches.length} batches, ${a.events} events (best of ${values.rounds}):`);
console.log(`  without --push   ${a.secs.toFixed(2)} s   ${Math.round(a.events / a.secs)} events/s`);
console.log(`  with --push      ${b.secs.toFixed(2)} s   ${Math.round(b.events / b.secs)} events/s   ratio ${(b.secs / a.secs).toFixed(2)}×`);
console.log(`  with --push, ingest + every line handed to Loki   ${(b.secs + b.closeSecs).toFixed(2)} s   ratio ${((b.secs + b.closeSecs) / a.secs).toFixed(2)}×`);
console.log(`  on close: ${b.lines} semantic lines handed to Loki in ${b.closeSecs.toFixed(2)} s (${Math.round(b.lines / b.closeSecs)} lines/s); one /metrics sync ${b.scrapeMs.toFixed(1)} ms`);
rmSync(dir, { recursive: true, force: true });
