import { describe, it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadHistory } from '../src/sources/index.js';
import { loadRules, RegexTagger } from '../src/tag/index.js';
import { isTagged } from '../src/profile/status.js';
import { buildProfile } from '../src/profile/build.js';
import { filterBatch } from '../src/sources/index.js';
import { semanticEvents, PUSHED_VIEWS } from '../src/fleet/events.js';
import { profileFromLoki } from '../src/fleet/from-loki.js';
import { LokiPusher } from '../src/fleet/loki-push.js';
import { LokiContract } from './helpers/loki-contract.js';
import { splitHosts } from './helpers/fleet-recordings.js';

describe('fleet flamegraph rebuilt from Loki', () => {
  it('equals the sum of the hosts\' own profiles, with a host frame', async () => {
    const history = await loadHistory({ paths: ['examples'], threads: 0 });
    const tagger = new RegexTagger(loadRules({ projectRoot: null }).rules);
    const tagged = history.prompts.filter((p) => isTagged(p.kind));
    const results = await tagger.tagAll(tagged.map((p) => p.text));
    const tags = new Map(tagged.map((p, i) => [p.id, results[i].tag]));
    const hosts = ['laptop-a', 'ci-runner-1', 'devbox-7'];
    const perHost = splitHosts(filterBatch(history, {}), hosts);

    const loki = new LokiContract();
    const port = await loki.start();
    let pushed = 0;
    const t0 = performance.now();
    for (const [host, batch] of perHost) {
      const p = new LokiPusher({ url: `loki://127.0.0.1:${port}`, spoolDir: mkdtempSync(join(tmpdir(), 'spool-')), batchSize: 200, flushMs: 20 });
      for (const ev of semanticEvents(batch, tags, { host })) { p.push(ev); pushed++; }
      const drained = await p.drainAll(30_000);
      expect(drained).toBe(true);
      p.close();
    }
    const secs = (performance.now() - t0) / 1000;
    console.log(`pushed ${pushed} semantic events from 3 hosts in ${secs.toFixed(2)} s (${Math.round(pushed / secs)} events/s)`);
    expect(loki.count()).toBe(pushed);

    const since = Math.min(...history.sessions.map((s) => s.start)) - 1000;
    const until = Math.max(...history.calls.map((c) => c.ts), ...history.tools.map((t) => t.ts)) + 1000;
    for (const view of PUSHED_VIEWS) {
      const fleet = await profileFromLoki({ url: `http://127.0.0.1:${port}`, view, since, until, pageSize: 500 });
      let sum = 0;
      for (const [host, batch] of perHost) {
        const local = buildProfile(batch, tags, { view, labels: false });
        sum += local.total;
        // The host's subtree of the fleet profile is that host's own profile, stack for stack.
        const mine = new Map<string, number>();
        for (const s of fleet.samples) if (s.stack[0] === `host:${host}`) mine.set(s.stack.slice(1).join(';'), s.weight);
        const theirs = new Map<string, number>();
        for (const s of local.samples) theirs.set(s.stack.join(';'), (theirs.get(s.stack.join(';')) ?? 0) + s.weight);
        expect([...mine.keys()].sort()).toEqual([...theirs.keys()].sort());
        for (const [k, w] of theirs) expect(mine.get(k)).toBeCloseTo(w, 9);
      }
      expect(fleet.total).toBeCloseTo(sum, 6);
      if (view === 'tokens') expect(fleet.total).toBeGreaterThan(0);
    }
    // A host filter keeps one host's subtree only.
    const one = await profileFromLoki({ url: `http://127.0.0.1:${port}`, view: 'tokens', host: 'devbox-7', since, until });
    expect(one.samples.every((s) => s.stack[0] === 'host:devbox-7')).toBe(true);
    expect(one.total).toBeCloseTo(buildProfile(perHost.get('devbox-7')!, tags, { view: 'tokens' }).total, 6);
    await loki.stop();
  }, 120_000);

  it('agentpprof push from two hosts, then agentpprof --from loki:// draws both host subtrees', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const cli = (args: string[]) => promisify(execFile)('npx', ['tsx', 'src/cli.ts', ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const loki = new LokiContract();
    const port = await loki.start();
    for (const host of ['alpha', 'beta']) {
      const { stderr } = await cli(['push', `loki://127.0.0.1:${port}`, '--host', host, '--spool', mkdtempSync(join(tmpdir(), 'spool-')), 'examples']);
      expect(stderr).toMatch(new RegExp(`pushed (\\d+) of \\1 events as host "${host}"`));
    }
    const local = await cli(['--view', 'tokens', '-f', 'folded', '--no-labels', '-q', 'examples']);
    const fleet = await cli(['--from', `loki://127.0.0.1:${port}`, '--since', '2000-01-01', '--view', 'tokens', '-f', 'folded', '-q']);
    const sum = (folded: string) => folded.trim().split('\n').reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(sum(fleet.stdout)).toBe(2 * sum(local.stdout));
    expect(fleet.stdout).toMatch(/^host:alpha;agent:/m);
    expect(fleet.stdout).toMatch(/^host:beta;agent:/m);
    await loki.stop();
  }, 120_000);
});

