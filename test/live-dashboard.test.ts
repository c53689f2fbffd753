// The dashboard in headless Chromium: the flamegraph appears and grows while a scripted agent writes
// its trace; view switch, zoom and search work; a screenshot is kept in test-output/.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveRuntime } from '../src/live/runtime.js';
import { buildServer } from '../src/live/server.js';
import { FirstWordTagger } from '../src/live/tagger.js';
import { LiveProcessor } from '../src/live/processor.js';
import { TraceFeed } from '../src/live/traces.js';
import { claudeLines } from './live-fixtures.js';
import { launchChromium } from './helpers/browser.js';

let browser: Browser;
let close: () => Promise<unknown>;

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build-dashboard.mjs'], { stdio: 'inherit' });
  browser = await launchChromium();
});
afterAll(async () => { await browser?.close(); await close?.(); });

const treeTotal = (page: Page) => page.evaluate(() => (window as any).agentpprof.tree.value[0] as number);
const treeNames = (page: Page) => page.evaluate(() => (window as any).agentpprof.tree.names as string[]);

describe('live dashboard in Chromium', () => {
  it('grows while an agent writes, switches view, zooms, searches', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'live-dash-'));
    const proj = join(dir, 'projects', '-work-app');
    mkdirSync(proj, { recursive: true });
    const rt = new LiveRuntime({ tagger: new FirstWordTagger() });
    const proc = new LiveProcessor(rt);
    proc.handle({ k: 'missing', what: ['not running as root: no eBPF collector'] });
    const feed = new TraceFeed([dir], (m) => proc.handle(m));
    const timer = setInterval(() => { feed.poll(); proc.traces(true); }, 100);
    const srv = await buildServer({ hub: rt.hub, intervalMs: 100 });
    close = async () => { clearInterval(timer); await srv.app.close(); };
    const base = await srv.app.listen({ host: '127.0.0.1', port: 0 });

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${base}/?token=${srv.token}`);
    await page.waitForFunction(() => (window as any).agentpprof?.model.applied > 0);
    expect(await page.textContent('#sessions')).toContain('no session yet');
    // Without root the page says what is missing.
    await page.waitForFunction(() => !(document.querySelector('#missing') as HTMLElement).hidden);
    expect(await page.textContent('#missing')).toContain('not running as root');

    // The scripted agent: turns appended one after another, each a prompt, a tool call and a result.
    const file = join(proj, 'live-session.jsonl');
    const turns = [
      { prompt: 'debug the login failure', msgId: 'msg_a', input: 500, output: 120, tool: { id: 'toolu_a', name: 'Bash', input: { command: 'cat src/login.js' } } },
      { prompt: 'review the fix', msgId: 'msg_b', input: 900, output: 300, tool: { id: 'toolu_b', name: 'Read', input: { file_path: '/work/app/src/login.js' } } },
      { prompt: 'commit it with git', msgId: 'msg_c', input: 400, output: 60 },
    ];
    const seen: number[] = [];
    const now = Date.now();
    for (let i = 0; i < turns.length; i++) {
      const lines = claudeLines('live-session', '/work/app', [turns[i]], now + i * 5000).map((l) => l.replace(/"uuid":"(\w)0"/, `"uuid":"$1${i}"`));
      appendFileSync(file, lines.join('\n') + '\n');
      const before = seen.at(-1) ?? 0;
      await page.waitForFunction((b) => (window as any).agentpprof.tree.value[0] > b, before, { timeout: 10_000 });
      seen.push(await treeTotal(page));
    }
    expect(seen).toEqual([620, 620 + 1200, 620 + 1200 + 460]);
    expect(await treeNames(page)).toEqual(expect.arrayContaining(['prompt:debug', 'prompt:review', 'prompt:git', 'call:llm/tool']));
    await page.waitForFunction(() => document.querySelector('#sessions')!.textContent!.includes('git'));

    mkdirSync('test-output', { recursive: true });
    await page.screenshot({ path: 'test-output/live-dashboard.png', fullPage: true });

    // Search: the matched share of prompt:review.
    await page.fill('#search', 'prompt:review');
    await page.waitForFunction(() => document.querySelector('#match')!.textContent!.includes('matched'));
    expect(await page.textContent('#match')).toContain(`${((100 * 1200) / 2280).toFixed(2)}% matched`);

    // Zoom: click the first frame above the root and the zoom index changes.
    const box = (await page.locator('#flame').boundingBox())!;
    await page.mouse.click(box.x + 5, box.y + box.height - 18 - 9);
    expect(await page.evaluate(() => (window as any).agentpprof.flame.zoomIndex)).toBeGreaterThan(0);

    // View switch: the files view shows the tools' file frames.
    await page.selectOption('#view', 'files');
    await page.waitForFunction(() => (window as any).agentpprof.model.view === 'files');
    await page.waitForFunction(() => (window as any).agentpprof.tree.names.some((n: string) => n.startsWith('file:')));
    expect(await treeNames(page)).toEqual(expect.arrayContaining(['file:src/login.js', 'effect:read']));
    expect(errors).toEqual([]);
  });

  it('keeps the last session on the page once idle; the charts\' y-axis labels are not clipped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'live-dash-idle-'));
    const proj = join(dir, 'projects', '-work-shop');
    mkdirSync(proj, { recursive: true });
    let now = Date.now();
    const rt = new LiveRuntime({ tagger: new FirstWordTagger(), clock: () => now });
    const proc = new LiveProcessor(rt);
    const feed = new TraceFeed([dir], (m) => proc.handle(m));
    const timer = setInterval(() => { feed.poll(); proc.traces(true); }, 100);
    const srv = await buildServer({ hub: rt.hub, intervalMs: 100 });
    const base = await srv.app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${base}/?token=${srv.token}`);
      // Rates whose labels are wide: five-digit tokens/s and sub-cent dollars per minute.
      const lines = claudeLines('shop-session', '/work/shop', [
        { prompt: 'debug the checkout total', msgId: 'msg_i', input: 48_000, output: 2_500, cacheRead: 30_000, tool: { id: 'toolu_i', name: 'Bash', input: { command: 'npm test' } } },
      ], now - 3000);
      appendFileSync(join(proj, 'shop-session.jsonl'), lines.join('\n') + '\n');
      await page.waitForFunction(() => document.querySelector('#sessions')!.textContent!.includes('shop'));
      expect(await page.textContent('#sessions')).not.toContain('(idle)');
      await page.waitForFunction(() => [...(window as any).agentpprof.model.series.values()].some((v: number[]) => v[0] > 0));
      await page.waitForTimeout(500);
      mkdirSync('test-output', { recursive: true });
      await page.locator('#charts').screenshot({ path: 'test-output/live-dashboard-charts.png' });
      // A clipped label is drawn from left of the canvas: its glyphs touch the canvas's first columns.
      const touching = await page.evaluate(() => Array.from(document.querySelectorAll('#charts canvas')).map((c) => {
        const cv = c as HTMLCanvasElement;
        const px = cv.getContext('2d')!.getImageData(0, 0, 3, cv.height).data;
        let ink = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i] > 0) ink++;
        return ink;
      }));
      expect(touching.length).toBe(4);
      expect(touching).toEqual([0, 0, 0, 0]);

      // Six quiet minutes later: the page names the last session and says it is idle.
      now += 6 * 60_000;
      await page.waitForFunction(() => document.querySelector('#sessions')!.textContent!.includes('(idle)'));
      const text = await page.textContent('#sessions');
      expect(text).toContain('no session active in the last 5 minutes');
      expect(text).toContain('shop');
      expect(text).toMatch(/6 min ago \(idle\)/);
      expect(text).not.toContain('no session yet');
      await page.close();
    } finally {
      clearInterval(timer);
      await srv.app.close();
    }
  });
});
