import { describe, it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LokiPusher } from '../src/fleet/loki-push.js';
import { queryLoki } from '../src/fleet/loki-query.js';
import { Spool } from '../src/fleet/spool.js';
import { LokiContract } from './helpers/loki-contract.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Loki push with spool (against the documented push/query_range contract)', () => {
  it('loses no event when Loki stops mid-run and comes back', async () => {
    const loki = new LokiContract();
    const port = await loki.start();
    const t0 = Date.UTC(2026, 10, 20);
    const pushers = ['laptop-a', 'ci-runner-1', 'devbox-7'].map((host) => ({
      host,
      p: new LokiPusher({ url: `loki://127.0.0.1:${port}`, spoolDir: mkdtempSync(join(tmpdir(), 'spool-')), batchSize: 50, flushMs: 50 }),
    }));
    let sent = 0;
    const send = (from: number, to: number) => {
      for (let i = from; i < to; i++) for (const { host, p } of pushers) {
        p.push({ ts: t0 + i * 10, labels: { host, agent: 'claude', tag: ['debug', 'review'][i % 2] }, line: { i, host, w: i % 7 } });
        sent++;
      }
    };
    send(0, 300);
    await wait(300);
    await loki.stop(); // outage
    send(300, 700);
    await wait(600);
    expect(pushers.some(({ p }) => p.stats.failedAttempts > 0)).toBe(true);
    expect(pushers.some(({ p }) => p.stats.spoolBytes > 0)).toBe(true);
    await loki.start(port); // back on the same port
    for (const { p } of pushers) expect(await p.drainAll(20_000)).toBe(true);
    expect(loki.rejected).toBe(0);
    expect(loki.count()).toBe(sent);
    // Read everything back, paged small, for one host and for all.
    const all: number[] = [];
    for await (const e of queryLoki({ url: `http://127.0.0.1:${port}`, since: t0, until: t0 + 1e7, pageSize: 97 })) all.push(JSON.parse(e.line).i);
    expect(all.length).toBe(sent);
    let one = 0;
    for await (const e of queryLoki({ url: `http://127.0.0.1:${port}`, host: 'ci-.*', since: t0, until: t0 + 1e7, pageSize: 50 })) {
      expect(e.labels.host).toBe('ci-runner-1');
      one++;
    }
    expect(one).toBe(700);
    for (const { p } of pushers) p.close();
    await loki.stop();
  }, 60_000);

  it('bounds the spool and counts what it had to drop', () => {
    const spool = new Spool(mkdtempSync(join(tmpdir(), 'spool-')), 10_000);
    for (let i = 0; i < 50; i++) spool.push('x'.repeat(1000));
    expect(spool.size).toBeLessThanOrEqual(10_000);
    expect(spool.dropped).toBe(40);
    // Survives a restart: a new Spool on the same dir sees the same batches.
    const again = new Spool(spool.dir, 10_000);
    expect(again.length).toBe(10);
    expect(again.size).toBe(spool.size);
  });
});
