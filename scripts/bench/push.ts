// Push bench (issue 9): how fast `agentpprof push` turns a history into Loki semantic events and sends
// them, against a baseline in the same run — writing the same events as JSON lines to a local file (no
// HTTP, no spool) — so the ratio shows what batching, spooling and the Loki protocol cost.
// Loki here is the test suite's stand-in for Loki's push API (no Loki binary is reachable from this
// machine's registries); it parses every batch like a receiver would.
// Run: node --import tsx scripts/bench/push.ts [--sessions N]
import { mkdtempSync, openSync, writeSync, closeSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generate } from '../gen-corpus/generate.js';
import { loadHistory } from '../../src/sources/index.js';
import { loadRules, RegexTagger } from '../../src/tag/index.js';
import { tagPrompts } from '../../src/profile/index.js';
import { semanticEvents } from '../../src/fleet/events.js';
import { LokiPusher } from '../../src/fleet/loki-push.js';
import { LokiContract } from '../../test/helpers/loki-contract.js';

const { values } = parseArgs({ options: { sessions: { type: 'string', default: '200' } } });
const dir = mkdtempSync(join(tmpdir(), 'agentpprof-push-bench-'));
await generate({ out: dir, seed: 9, agents: ['claude', 'codex'], sessions: Number(values.sessions) });
const history = await loadHistory({ paths: [dir] });
const { tags } = await tagPrompts(history, new RegexTagger(loadRules({ projectRoot: null }).rules));

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
await loki.stop();
if (!ok || loki.count() !== n) throw new Error(`push lost events: ${loki.count()} of ${n}`);

console.log(`corpus: ${history.sessions.length} sessions, ${history.calls.length} LLM calls → ${n} semantic events (load ${loadavg()[0].toFixed(1)})`);
console.log(`  baseline (events → local JSONL)   ${baseline.toFixed(2)} s   ${Math.round(n / baseline)} events/s`);
console.log(`  agentpprof push (spool → Loki API) ${pushed.toFixed(2)} s   ${Math.round(n / pushed)} events/s   ratio ${(pushed / baseline).toFixed(2)}×`);
rmSync(dir, { recursive: true, force: true });
