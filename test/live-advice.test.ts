// GET /api/advice: token-guarded, `advise` on the trace files live mode follows (the planted re-read
// found with its figures, a corpus without patterns gives nothing, no prompt text), served from a
// cache that is refreshed off the request path once it is older than its TTL.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AdviceSource } from '../src/live/advice.js';
import { LiveRuntime } from '../src/live/runtime.js';
import { buildServer } from '../src/live/server.js';
import { createTagger, loadRules } from '../src/tag/index.js';
import { FirstWordTagger } from '../src/live/tagger.js';
import { PLANTED_FILE, PROMPT_MARKER, writeShopSessions } from './live-advice-corpus.js';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => { while (closers.length) await closers.pop()!(); });

const HOUR = 3_600_000;

async function regexTagger(dir: string) {
  const { rules } = loadRules({ projectRoot: dir });
  return createTagger('regex', { rules, options: {} });
}

async function start(advice?: AdviceSource) {
  const rt = new LiveRuntime({ tagger: new FirstWordTagger() });
  const srv = await buildServer({ hub: rt.hub, dashboardDir: '/nonexistent', advice });
  closers.push(() => srv.app.close());
  return srv;
}

function corpus(planted: boolean, sessions = 12) {
  const root = mkdtempSync(join(tmpdir(), 'live-advice-'));
  writeShopSessions(root, { sessions, turns: 4, t0: Date.now() - 40 * 60_000, planted });
  return root;
}

describe('/api/advice', () => {
  it('needs the token', async () => {
    const root = corpus(true);
    const { app, token } = await start(new AdviceSource({ roots: [root], since: Date.now() - HOUR, tagger: await regexTagger(root) }));
    expect((await app.inject('/api/advice')).statusCode).toBe(401);
    expect((await app.inject('/api/advice?token=wrong')).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/advice', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
  });

  it('finds the planted re-read with its figures, ranked first, without prompt text', async () => {
    const root = corpus(true);
    const { app, token } = await start(new AdviceSource({ roots: [root], since: Date.now() - HOUR, tagger: await regexTagger(root) }));
    const res = await app.inject(`/api/advice?token=${token}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ sessions: 12, prompts: 48, calls: 48, files: 12, problems: [], skipped: 0 });
    const [first] = body.findings;
    expect(first.kind).toBe('repeated-read');
    expect(first.evidence).toMatchObject({ file: PLANTED_FILE, reads: 48, sessions: 12 });
    // 48 reads of ~20,000 characters at 4 characters a token; half the re-reads beyond one per session saved.
    expect(first.evidence.tokens).toBeGreaterThan(230_000);
    expect(first.savingTokens).toBe(Math.round(first.evidence.tokens_beyond_first_read_per_session / 2));
    expect(first.trace).toMatchObject({ view: 'files', search: 'file:src/config\\.ts$' });
    expect(res.body).not.toContain(PROMPT_MARKER);
    expect(res.body).not.toContain('checkout totals');
  });

  it('gives no finding on sessions without a pattern', async () => {
    const root = corpus(false);
    const { app, token } = await start(new AdviceSource({ roots: [root], since: Date.now() - HOUR, tagger: await regexTagger(root) }));
    const body = (await app.inject(`/api/advice?token=${token}`)).json();
    expect(body.sessions).toBe(12);
    expect(body.findings).toEqual([]);
  });

  it('keeps to the --history window and reports missing roots', async () => {
    const root = corpus(true);
    const { app, token } = await start(new AdviceSource({ roots: [root, join(root, 'nope')], since: Date.now() + HOUR, tagger: await regexTagger(root) }));
    const body = (await app.inject(`/api/advice?token=${token}`)).json();
    expect(body.sessions).toBe(0);
    expect(body.findings).toEqual([]);
    expect(body.problems.join(' ')).toContain('nope');
  });

  it('answers from its cache and refreshes off the request path once stale', async () => {
    const root = corpus(true, 6);
    let now = Date.now();
    const source = new AdviceSource({ roots: [root], since: now - HOUR, tagger: await regexTagger(root), ttlMs: 60_000, clock: () => now });
    const { app, token } = await start(source);
    const get = async () => (await app.inject(`/api/advice?token=${token}`)).json();
    const first = await get();
    expect(first.sessions).toBe(6);
    writeShopSessions(root, { sessions: 12, turns: 4, t0: Date.now() - 40 * 60_000, planted: true });
    now += 30_000;
    expect(await get()).toEqual(first); // fresh: served as it is, nothing read
    now += 31_000;
    expect(await get()).toEqual(first); // stale: served at once, a refresh starts behind it
    let fresh = first;
    const end = Date.now() + 20_000;
    while (fresh.computedAt === first.computedAt && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 50));
      fresh = await get();
    }
    expect(fresh.sessions).toBe(12);
    expect(fresh.findings[0].evidence.reads).toBe(48);
  });

  it('is 404 when the server follows no trace files (replay)', async () => {
    const { app, token } = await start();
    expect((await app.inject(`/api/advice?token=${token}`)).statusCode).toBe(404);
  });
});
