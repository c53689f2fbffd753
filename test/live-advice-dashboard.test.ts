// The dashboard's Advice panel in headless Chromium: the live server follows a trace root with a planted
// re-read (12 sessions reading src/config.ts in every turn) next to sessions without a pattern; the
// panel lists the finding with its saving, advice and evidence, and a click switches the flamegraph to
// the finding's view (files) with its search regex — the matched share is the planted reads' share.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdviceSource } from '../src/live/advice.js';
import { LiveProcessor } from '../src/live/processor.js';
import { LiveRuntime } from '../src/live/runtime.js';
import { buildServer } from '../src/live/server.js';
import { TraceFeed } from '../src/live/traces.js';
import { createTagger, loadRules } from '../src/tag/index.js';
import { PLANTED_FILE, PROMPT_MARKER, writeShopSessions } from './live-advice-corpus.js';
import { launchChromium } from './helpers/browser.js';

const SCREENSHOT = 'test-output/live-advice-dashboard.png';
let browser: Browser;
const closers: (() => unknown)[] = [];

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build-dashboard.mjs'], { stdio: 'inherit' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  for (const c of closers.reverse()) await c();
});

describe('live dashboard Advice panel', () => {
  it('lists the ranked findings; a click opens the flamegraph on the finding', async () => {
    const root = mkdtempSync(join(tmpdir(), 'live-advice-dash-'));
    const t0 = Date.now() - 40 * 60_000, since = Date.now() - 60 * 60_000;
    writeShopSessions(root, { sessions: 12, turns: 4, t0, planted: true });
    writeShopSessions(root, { sessions: 6, turns: 4, t0, planted: false, idPrefix: 'c0ffee00' });
    const { rules } = loadRules({ projectRoot: root });
    const tagger = await createTagger('regex', { rules, options: {} });
    // What `agentpprof live` runs: the tailer feeding the hub, and advice on the same root and window.
    const rt = new LiveRuntime({ tagger });
    const proc = new LiveProcessor(rt);
    const feed = new TraceFeed([root], (m) => proc.handle(m), since);
    const timer = setInterval(() => { feed.poll(); proc.traces(true); }, 100);
    const advice = new AdviceSource({ roots: [root], since, tagger });
    const srv = await buildServer({ hub: rt.hub, intervalMs: 100, advice });
    closers.push(() => clearInterval(timer), () => srv.app.close());
    const base = await srv.app.listen({ host: '127.0.0.1', port: 0 });

    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${base}/?token=${srv.token}`);
    // All 18 sessions' calls on the page (72 calls of 1,000 tokens + 20,000 cache reads each).
    await page.waitForFunction(() => (window as any).agentpprof.tree.value[0] === 72 * 21_000, undefined, { timeout: 20_000 });
    await page.waitForSelector('#advice-panel [data-finding="1"]', { timeout: 20_000 });

    const panel = (await page.textContent('#advice-panel'))!;
    expect(panel).toContain('Advice (1 finding, ranked by estimated saving)');
    expect(panel).toContain('18 sessions, 72 prompts, 72 LLM calls');
    const item = page.locator('#advice-panel [data-finding="1"]');
    expect(await item.getAttribute('data-kind')).toBe('repeated-read');
    expect(await item.locator('.title').textContent()).toMatch(new RegExp(`^${PLANTED_FILE.replace('.', '\\.')} was read 48 times in 12 sessions`));
    expect(await item.locator('.saving').textContent()).toMatch(/^~[\d,]+ tokens · \$/);
    expect(await item.locator('.advice').textContent()).toContain('Add to CLAUDE.md / AGENTS.md');
    expect(await item.locator('.evidence').textContent()).toContain('reads=48');
    expect(panel).not.toContain(PROMPT_MARKER);

    // Before: the tokens view, no search.
    expect(await page.inputValue('#view')).toBe('tokens');
    await item.locator('.title').click();
    expect(await item.getAttribute('aria-pressed')).toBe('true');
    expect(await page.inputValue('#view')).toBe('files');
    expect(await page.inputValue('#search')).toBe('file:src/config\\.ts$');
    // The server answers the view switch with the files snapshot: 72 read effects, 48 of them the planted file.
    await page.waitForFunction(() => (window as any).agentpprof.model.view === 'files' && (window as any).agentpprof.tree.value[0] === 72);
    await page.waitForFunction(() => document.querySelector('#match')!.textContent!.includes('matched'));
    expect(await page.textContent('#match')).toContain(`${((100 * 48) / 72).toFixed(2)}% matched`);
    expect(await page.textContent('#total')).toContain('files');

    mkdirSync('test-output', { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(errors).toEqual([]);
  }, 60_000);
});
