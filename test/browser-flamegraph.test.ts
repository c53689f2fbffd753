// The SVG and the HTML page in a real headless Chromium (Debian chromium + playwright-core), driven
// as a person would: hover shows the label, weight and share; a click zooms so the frame fills the
// width and its children scale; search highlights and reports the matched share (nested matches
// counted once); state survives in the URL hash. Screenshots go to test-output/browser/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../src/render/html.js';
import { renderSvgDetailed, SVG_GEOMETRY } from '../src/render/svg.js';
import { displayUnit, frameDetails, formatShare, formatWeight } from '../src/viewer/format.js';
import { ROW_H } from '../src/viewer/flame-canvas.js';
import type { Profile } from '../src/profile/types.js';
import { distinctStacks, filesProfile, tokensProfile } from './render-fixtures.js';
import { launchChromium } from './helpers/browser.js';

const OUT = resolve('test-output/browser');

const weightOf = (p: Profile, pred: (stack: string[]) => boolean) => p.samples.reduce((a, s) => a + (pred(s.stack) ? s.weight : 0), 0);
const tokens = tokensProfile(400);
const files = filesProfile(300);
const inner = SVG_GEOMETRY.width - 2 * SVG_GEOMETRY.pad;

let browser: Browser;
let page: Page;
const requests: string[] = [];

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'tokens.svg'), renderSvgDetailed(tokens, { title: 'tokens (synthetic corpus)' }).svg);
  writeFileSync(join(OUT, 'tokens-files.html'), renderHtml([tokens, files], { title: 'tokens and files (synthetic corpus)' }));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) requests.push(r.url());
  });
  page.on('pageerror', (e) => requests.push(`pageerror: ${e.message}`));
});

afterAll(async () => {
  await browser?.close();
});

const rectWidth = (name: string) => page.locator(`g.f[aria-label="${name}"] rect`).first().evaluate((r) => Number(r.getAttribute('width')));

describe('SVG in Chromium', () => {
  it('shows the tooltip with label, weight in tokens and share on hover', async () => {
    await page.goto(`file://${join(OUT, 'tokens.svg')}`);
    await page.locator('g.f[aria-label="agent:claude"]').first().hover();
    const claude = weightOf(tokens, (s) => s[0] === 'agent:claude');
    const expected = frameDetails('agent:claude', claude, tokens.total, 'tokens');
    await expect.poll(() => page.locator('#tip text').textContent()).toBe(expected);
    expect(await page.locator('#details').textContent()).toBe(expected);
    expect(expected).toMatch(/^agent:claude — [\d,]+ tokens \(\d+\.\d\d%\)$/);
    await page.screenshot({ path: join(OUT, 'svg-hover.png') });
  });

  it('zooms on click: the frame fills the width, children scale, the hash records it', async () => {
    const claude = weightOf(tokens, (s) => s[0] === 'agent:claude');
    const agentsight = weightOf(tokens, (s) => s[0] === 'agent:claude' && s[1] === 'project:agentsight');
    expect(await rectWidth('agent:claude')).toBeCloseTo((claude / tokens.total) * inner, 1);
    await page.locator('g.f[aria-label="agent:claude"]').first().click();
    expect(await rectWidth('agent:claude')).toBeCloseTo(inner, 1);
    expect(await rectWidth('project:agentsight')).toBeCloseTo((agentsight / claude) * inner, 1);
    expect(await page.locator('g.f[aria-label="agent:codex"]').first().isVisible()).toBe(false);
    expect(new URL(page.url()).hash).toMatch(/^#z=\d+$/);
    await page.screenshot({ path: join(OUT, 'svg-zoom.png') });
    await page.locator('#reset').click();
    expect(await rectWidth('agent:claude')).toBeCloseTo((claude / tokens.total) * inner, 1);
  });

  it('searches by regex, highlights, and counts nested matches once', async () => {
    // prompt:debug frames under agent:claude are inside the agent:claude match: counted once.
    await page.locator('#search').fill('^(agent:claude|prompt:debug)$');
    const matched = weightOf(tokens, (s) => s[0] === 'agent:claude' || s.includes('prompt:debug'));
    await expect.poll(() => page.locator('#matched').textContent()).toContain(`Matched: ${formatShare(matched, tokens.total)}`);
    const fill = await page.locator('g.f[aria-label="prompt:debug"] rect').first().getAttribute('fill');
    expect(fill).toBe('rgb(230,0,230)');
    await page.screenshot({ path: join(OUT, 'svg-search.png') });
    // A link with the search in the hash reproduces it (a fresh load, not a same-document hash change).
    await page.goto('about:blank');
    await page.goto(`file://${join(OUT, 'tokens.svg')}#s=${encodeURIComponent('token:output')}`);
    await expect.poll(() => page.locator('#matched').textContent()).toContain(`Matched: ${formatShare(weightOf(tokens, (s) => s.includes('token:output')), tokens.total)}`);
  });
});

describe('large SVG in Chromium', () => {
  it('says when the search share covers drawn frames only (tree too large to embed)', async () => {
    const p = distinctStacks(40_000);
    const big = renderSvgDetailed(p);
    expect(big.svg).not.toContain('id="agentpprof-tree"');
    writeFileSync(join(OUT, 'large.svg'), big.svg);
    await page.goto(`file://${join(OUT, 'large.svg')}`);
    // prompt: frames are all wide enough to draw, so their share is still exact.
    await page.locator('#search').fill('^prompt:debug$');
    const debug = weightOf(p, (s) => s.includes('prompt:debug'));
    await expect.poll(() => page.locator('#matched').textContent()).toContain(`Matched: ${formatShare(debug, p.total)} (${formatWeight(debug, 'effects')})`);
    await page.locator('#search').fill('^file:');
    await expect.poll(() => page.locator('#matched').textContent()).toContain('(drawn frames only)');
  });
});

describe('HTML page in Chromium', () => {
  const canvasPoint = async (row: number, fraction: number) => {
    const box = (await page.locator('#flame').boundingBox())!;
    const icicle = (await page.locator('#orient').textContent()) === 'Flame';
    const y = icicle ? row * ROW_H + ROW_H / 2 : box.height - row * ROW_H - ROW_H / 2;
    return { x: box.x + fraction * box.width, y: box.y + y, width: box.width };
  };
  const hoverAt = async (row: number, fraction: number) => {
    const p = await canvasPoint(row, fraction);
    await page.mouse.move(p.x, p.y);
    return (await page.locator('#tip').textContent()) ?? '';
  };

  it('paints the flamegraph, tooltips on hover, zooms on click', async () => {
    await page.goto(`file://${join(OUT, 'tokens-files.html')}`);
    await page.waitForFunction(() => (window as unknown as { agentpprofReady?: boolean }).agentpprofReady);
    const claude = weightOf(tokens, (s) => s[0] === 'agent:claude');
    const cf = claude / tokens.total;
    expect(await hoverAt(1, cf / 2)).toBe(frameDetails('agent:claude', claude, tokens.total, 'tokens'));
    expect(await hoverAt(1, cf + 0.02)).toMatch(/^agent:codex — /);
    await page.screenshot({ path: join(OUT, 'html-hover.png'), fullPage: true });
    await page.mouse.click((await canvasPoint(1, cf / 2)).x, (await canvasPoint(1, cf / 2)).y);
    // Zoomed: agent:claude spans the canvas; project:agentsight takes its share of the width.
    expect(await hoverAt(1, 0.98)).toMatch(/^agent:claude — /);
    const share = weightOf(tokens, (s) => s[0] === 'agent:claude' && s[1] === 'project:agentsight') / claude;
    expect(await hoverAt(2, share - 0.01)).toMatch(/^project:agentsight — /);
    expect(await hoverAt(2, share + 0.01)).toMatch(/^project:webapp — /);
    expect(new URL(page.url()).hash).toMatch(/z=\d+/);
    await page.screenshot({ path: join(OUT, 'html-zoom.png'), fullPage: true });
    await page.locator('#reset').click();
    expect(await hoverAt(1, cf + 0.02)).toMatch(/^agent:codex — /);
  });

  it('searches with the matched share, toggles icicle, switches view, lists top frames', async () => {
    await page.locator('#search').fill('prompt:(debug|review)');
    const m = weightOf(tokens, (s) => s.some((f) => /prompt:(debug|review)/.test(f)));
    await expect.poll(() => page.locator('#matched').textContent()).toContain(`Matched: ${formatShare(m, tokens.total)}`);
    await page.locator('#orient').click();
    expect(await hoverAt(0, 0.5)).toMatch(/^all — /);
    await page.screenshot({ path: join(OUT, 'html-icicle-search.png'), fullPage: true });
    await page.locator('#view').selectOption('files');
    await expect.poll(() => page.locator('#subtitle').textContent()).toContain('files view · total 300 effects');
    const topSelf = await page.locator('#top-self tr').first().locator('td').first().textContent();
    expect(topSelf).toMatch(/^effect:(read|write|delete)$/);
    await page.locator('#search').fill('');
    await page.screenshot({ path: join(OUT, 'html-files.png'), fullPage: true });
    expect(new URL(page.url()).hash).toContain('v=files');
  });

  it('fetched nothing from the network', () => {
    expect(requests).toEqual([]);
  });
});

describe('example corpus through the CLI (the closing-note screenshots)', () => {
  it('renders the tokens and files views of examples/ as SVG and HTML', async () => {
    const status = JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'examples', '--view', 'tokens', '--view', 'files', '-o', join(OUT, 'examples.svg'), '-o', join(OUT, 'examples.html'), '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
    ) as { totals: Record<string, { total: number; unit: string }> };
    const page2 = await browser.newPage({ viewport: { width: 1220, height: 560 } });
    for (const view of ['tokens', 'files']) {
      const { total, unit } = status.totals[view];
      await page2.goto(`file://${join(OUT, `examples.${view}.svg`)}`);
      expect(await page2.locator('#subtitle').textContent()).toContain(`${view} view · total ${formatWeight(total, displayUnit(view, unit))}`);
      await page2.locator('g.f').nth(1).hover();
      await page2.screenshot({ path: join(OUT, `examples-${view}-svg.png`) });
    }
    await page2.setViewportSize({ width: 1280, height: 900 });
    await page2.goto(`file://${join(OUT, 'examples.html')}`);
    await page2.waitForFunction(() => (window as unknown as { agentpprofReady?: boolean }).agentpprofReady);
    await page2.screenshot({ path: join(OUT, 'examples-html-tokens.png'), fullPage: true });
    await page2.locator('#view').selectOption('files');
    await page2.locator('#orient').click();
    expect(await page2.locator('#subtitle').textContent()).toContain(`files view · total ${formatWeight(status.totals.files.total, 'effects')}`);
    await page2.screenshot({ path: join(OUT, 'examples-html-files.png'), fullPage: true });
    await page2.close();
  });

  it('shows a differential flamegraph of two windows of examples/ with before/after in the tooltip', async () => {
    const cli = ['--import', 'tsx', 'src/cli.ts', 'diff', 'examples', '--base-since', '2026-05-01', '--base-until', '2026-05-15', '--since', '2026-05-15', '--until', '2026-06-01'];
    const text = execFileSync(process.execPath, [...cli, '-o', join(OUT, 'examples-diff.svg'), '-o', join(OUT, 'examples-diff.txt'), '-o', '-'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(text).toContain('Prompt tags whose share changed most');
    const page2 = await browser.newPage({ viewport: { width: 1220, height: 560 } });
    await page2.goto(`file://${join(OUT, 'examples-diff.svg')}`);
    await page2.locator('g.f[aria-label^="prompt:"]').first().hover();
    await expect.poll(() => page2.locator('#tip text').textContent()).toMatch(/^prompt:\S+ — [\d,]+ tokens \(\d+\.\d\d%\) base \d+\.\d\d% → [+-]\d+\.\d\d pts$/);
    await page2.screenshot({ path: join(OUT, 'examples-diff-svg.png') });
    await page2.close();
  });
});
