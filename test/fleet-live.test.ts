// The live server's fleet side in one process: /metrics with the access or the scrape token, the Loki
// push of what the hub recorded (negative re-attribution weights included) rebuilding the live profile
// exactly, and the pprof push read back through a stand-in of Pyroscope's /ingest contract.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LlmCall } from '../src/model.js';
import { PUSHED_VIEWS } from '../src/fleet/events.js';
import { profileFromLoki } from '../src/fleet/from-loki.js';
import { ReplayClock, replayFile } from '../src/live/replay.js';
import { serve } from '../src/live/serve.js';
import { loadRules, RegexTagger } from '../src/tag/index.js';
import { hostRecordings } from './helpers/fleet-recordings.js';
import { LokiContract } from './helpers/loki-contract.js';
import { PyroscopeContract } from './helpers/pyroscope-contract.js';

const SCRAPE = 'scrape-token-for-prometheus';

describe('live server: /metrics, Loki push, pprof push', () => {
  it('pushes exactly what the hub recorded; /metrics honours both tokens', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-live-'));
    const { recordings } = await hostRecordings(join(dir, 'rec'), ['solo']);
    const loki = new LokiContract();
    const lokiPort = await loki.start();
    const pyro = new PyroscopeContract();
    const pyroUrl = await pyro.start();
    const clock = new ReplayClock(0);
    const s = await serve({
      tagger: new RegexTagger(loadRules({ projectRoot: null }).rules), port: 0, clock: clock.now, kernel: () => false,
      fleet: { hostLabel: 'devbox-7', scrapeToken: SCRAPE, loki: `loki://127.0.0.1:${lokiPort}`, spoolDir: join(dir, 'spool'), pushMs: 100, pprof: pyroUrl, pprofSeconds: 0.2 },
    });
    await replayFile(recordings[0].file, s.rt, clock);
    // A call seen before its prompt is unattributed, then moved when the prompt arrives: negative weights.
    const late: LlmCall = { id: 'late-call', session: 'late-s', prompt: 'late-p', ts: clock.now(), end: clock.now() + 900, model: 'claude-sonnet-4-5-20250929',
      usage: { input: 100, output: 20, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 }, shape: { toolUses: 0, textChars: 40, thinkingChars: 0, codeBlocks: 0, tools: [] } };
    await s.rt.push({ sessions: [{ id: 'late-s', agent: 'claude', project: 'p', cwd: '/p', start: late.ts, end: late.ts } as never], calls: [late] });
    s.fleet.pushLoki(); // the unattributed call leaves in one push, its move to the right tag in the next
    await s.fleet.pushPprof(); // same for the pprof windows, which keep positive weights only
    await s.rt.push({ prompts: [{ id: 'late-p', session: 'late-s', ts: late.ts, text: 'fix the failing test', kind: 'human' }], calls: [{ ...late, usage: { ...late.usage, output: 30 } }] });
    const base = s.url.replace(/\/\?token=.*/, '');
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(`${base}/api/status`, { headers: { authorization: `Bearer ${SCRAPE}` } })).status).toBe(401); // the scrape token opens /metrics only
    expect((await fetch(`${base}/metrics?token=${s.token}`)).status).toBe(200);
    const text = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${SCRAPE}` } })).text();
    const tokens = s.rt.hub.profile('tokens', 'all');
    const scraped = [...text.matchAll(/^agentpprof_tokens_total\{[^}]*host="devbox-7"[^}]*\} (\S+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    expect(scraped).toBe(tokens.total);
    expect(text).toMatch(/^agentpprof_llm_call_duration_seconds_count\{(?=[^}]*tag="\w+")(?=[^}]*host="devbox-7")[^}]*\} [1-9]\d*$/m);
    expect(text).toMatch(/^agentpprof_push_spool_bytes\{(?=[^}]*target="loki")[^}]*\} \d+$/m);

    const live = Object.fromEntries(PUSHED_VIEWS.map((v) => [v, s.rt.hub.profile(v, 'all')]));
    const lines = s.fleet.lines;
    await s.close();
    expect(lines).toBeGreaterThan(0);
    const pushed = [...loki.streams.values()].flatMap((st) => st.entries.map(([, l]) => JSON.parse(l)));
    expect(pushed.length).toBe(s.fleet.lines);
    expect(pushed.some((l) => Object.values(l.samples).some((ss) => (ss as [string, number][]).some(([, w]) => w < 0)))).toBe(true);
    expect(JSON.stringify(pushed)).not.toMatch(/fix the failing test/);
    for (const view of PUSHED_VIEWS) {
      const fleet = await profileFromLoki({ url: `http://127.0.0.1:${lokiPort}`, view, since: 0, until: Date.now() + 3600_000, hostFrame: false });
      const want = Object.fromEntries(live[view].samples.map((x) => [x.stack.join(';'), x.weight]));
      const got = Object.fromEntries(fleet.samples.filter((x) => Math.abs(x.weight) > 1e-9).map((x) => [x.stack.join(';'), x.weight]));
      expect(Object.keys(got).sort(), view).toEqual(Object.keys(want).sort());
      for (const [k, w] of Object.entries(want)) expect(got[k], `${view} ${k}`).toBeCloseTo(w, 9);
    }
    // pprof: every push is agentpprof.tokens{host,agent}; the windows add up to the live tokens total,
    // plus the 120 tokens pushed as unattributed before their move (a pprof sample cannot be negative).
    expect(pyro.ingested.length).toBeGreaterThan(0);
    expect(pyro.rejected).toBe(0);
    for (const i of pyro.ingested) {
      expect(i.app).toBe('agentpprof.tokens');
      expect(i.labels.host).toBe('devbox-7');
      expect(i.from).toBeLessThanOrEqual(i.until);
    }
    expect(pyro.ingested.reduce((n, i) => n + i.total, 0)).toBe(live.tokens.total + 120);
    const agents = new Set(pyro.ingested.map((i) => i.labels.agent));
    expect([...agents].sort()).toEqual([...new Set(live.tokens.samples.map((x) => x.stack[0].slice('agent:'.length)))].sort());
    await loki.stop();
    await pyro.stop();
  }, 60_000);
});
