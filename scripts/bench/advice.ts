// Advice bench: what one /api/advice refresh costs the live server — adviseTraces (read, tag, advise)
// on a trace tree, against a baseline in the same run: loadHistory alone (the read every refresh
// repeats) — and the longest event-loop stall it causes (the ws deltas wait that long), and a cached
// answer's latency through fastify inject.
// Run: node --import tsx scripts/bench/advice.ts [--runs N] [DIR…]   (default: examples/)
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { benchArgs } from './args.js';
import { median } from './stats.js';
import { adviseTraces } from '../../src/advise/from-history.js';
import { AdviceSource } from '../../src/live/advice.js';
import { LiveRuntime } from '../../src/live/runtime.js';
import { buildServer } from '../../src/live/server.js';
import { loadHistory } from '../../src/sources/index.js';
import { createTagger, loadRules } from '../../src/tag/index.js';

const { values, positionals } = benchArgs(import.meta.url, { options: { runs: { type: 'string', default: '3' } }, allowPositionals: true });
const RUNS = Number(values.runs);
const dirs = positionals.length ? positionals : ['examples'];
const { rules } = loadRules({ projectRoot: '/nonexistent' });
const tagger = await createTagger('regex', { rules, options: {} });

async function timed(fn: () => Promise<unknown>): Promise<{ ms: number; stallMs: number }> {
  const ms: number[] = [], stall: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const h = monitorEventLoopDelay({ resolution: 5 });
    h.enable();
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
    h.disable();
    stall.push(h.max / 1e6);
  }
  return { ms: median(ms), stallMs: median(stall) };
}

console.log(`load ${loadavg()[0].toFixed(1)}, median of ${RUNS}`);
for (const dir of dirs) {
  // One untimed pass of each, so the first timed one does not pay for JIT and the page cache.
  await loadHistory({ paths: [dir] });
  await adviseTraces({ paths: [dir], tagger });
  const base = await timed(() => loadHistory({ paths: [dir] }));
  let summary = '';
  const full = await timed(async () => {
    const r = await adviseTraces({ paths: [dir], tagger });
    summary = `${r.files} files, ${r.sessions} sessions, ${r.calls} calls, ${r.findings.length} findings`;
  });
  const source = new AdviceSource({ roots: [dir], since: 0, tagger });
  const rt = new LiveRuntime({ tagger });
  const { app, token } = await buildServer({ hub: rt.hub, advice: source, dashboardDir: '/nonexistent' });
  await app.inject(`/api/advice?token=${token}`); // computes once
  const cached = await timed(async () => { await app.inject(`/api/advice?token=${token}`); });
  await app.close();
  console.log(`${dir}: ${summary}`);
  console.log(`  loadHistory (baseline) ${base.ms.toFixed(0)} ms, stall ${base.stallMs.toFixed(0)} ms`);
  console.log(`  adviseTraces           ${full.ms.toFixed(0)} ms, stall ${full.stallMs.toFixed(0)} ms  (×${(full.ms / base.ms).toFixed(2)} the read)`);
  console.log(`  cached /api/advice     ${cached.ms.toFixed(1)} ms  (×${(cached.ms / full.ms).toFixed(4)} of a refresh)`);
}
