// `agentpprof advise -o FILE.html` in a real headless Chromium (Debian chromium + playwright-core):
// the Advice section lists the ranked findings; clicking one switches the viewer to the finding's view
// and runs its search, and the matched share shown equals the share of the finding's frames computed
// from the profile (`agentpprof profile --format folded` on the same input). On examples/ and on a
// generated Claude Code history with a planted re-read pattern and planted prompt texts, which must
// not appear in the page. Screenshots go to test-output/advise/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../src/advise/types.js';
import { renderAdviceHtml } from '../src/render/advice-html.js';
import { formatShare } from '../src/viewer/format.js';
import { filesProfile, tokensProfile } from './render-fixtures.js';
import { launchChromium } from './helpers/browser.js';

const OUT = resolve('test-output/advise');
const cli = (args: string[]) => execFileSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });

/** `advise` on an input: the findings (JSON) and the HTML page, from one run. */
function adviseRun(input: string, name: string): { findings: Finding[]; html: string; path: string } {
  const path = join(OUT, `${name}.html`);
  cli(['advise', '-q', '--format', 'json', '-o', join(OUT, `${name}.json`), '-o', path, input]);
  const findings = (JSON.parse(readFileSync(join(OUT, `${name}.json`), 'utf8')) as { findings: Finding[] }).findings;
  return { findings, html: readFileSync(path, 'utf8'), path };
}

/** A view's folded stacks from the profile command: the weight of stacks with a frame matching `re`, and the total. */
function shareOf(input: string, view: string, search: string): { matched: number; total: number } {
  const re = new RegExp(search);
  let matched = 0;
  let total = 0;
  for (const line of cli(['profile', '--view', view, '--format', 'folded', input]).split('\n')) {
    const sp = line.lastIndexOf(' ');
    if (sp < 0) continue;
    const w = Number(line.slice(sp + 1));
    total += w;
    if (line.slice(0, sp).split(';').some((f) => re.test(f))) matched += w;
  }
  return { matched, total };
}

let browser: Browser;
let page: Page;
const requests: string[] = [];

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) requests.push(r.url());
  });
  page.on('pageerror', (e) => requests.push(`pageerror: ${e.message}`));
});

afterAll(async () => {
  await browser?.close();
});

async function openPage(path: string) {
  await page.goto(`file://${path}`);
  await page.waitForFunction(() => (window as unknown as { agentpprofAdviceReady?: boolean }).agentpprofAdviceReady);
}

/** Clicks the finding ranked `rank` (1-based) and checks view, search and matched share against the profile. */
async function clickAndCheck(input: string, f: Finding, rank: number) {
  const item = page.locator(`#advice li[data-finding="${rank}"]`);
  expect(await item.locator('.title').textContent()).toBe(f.title);
  await item.locator('.title').click();
  expect(await page.locator('#view').inputValue()).toBe(f.trace.view);
  expect(await page.locator('#search').inputValue()).toBe(f.trace.search);
  expect(await page.locator('#subtitle').textContent()).toContain(`${f.trace.view} view`);
  expect(await item.getAttribute('aria-pressed')).toBe('true');
  const { matched, total } = shareOf(input, f.trace.view, f.trace.search);
  // Traceable: the finding's frames exist in its view.
  expect(matched).toBeGreaterThan(0);
  await expect.poll(() => page.locator('#matched').textContent()).toMatch(new RegExp(`^Matched: ${formatShare(matched, total).replace('.', '\\.')} \\(`));
  return { matched, total };
}

describe('advise HTML on examples/', () => {
  it('lists the ranked findings; a click opens the flamegraph on each finding\'s frames', async () => {
    const { findings, html, path } = adviseRun('examples', 'examples-advise');
    expect(findings.length).toBeGreaterThan(0);
    await openPage(path);
    expect(await page.locator('#view').inputValue()).toBe('tokens');
    expect(await page.locator('#advice li[data-finding]').count()).toBe(findings.length);
    expect(await page.locator('#advice h2').textContent()).toContain(`${findings.length} finding`);
    for (const [i, f] of findings.entries()) {
      const item = page.locator(`#advice li[data-finding="${i + 1}"]`);
      expect(await item.locator('.advice').textContent()).toBe(f.advice);
      expect(await item.locator('.evidence').textContent()).toBe(`Evidence: ${Object.entries(f.evidence).map(([k, v]) => `${k}=${v}`).join(', ')}`);
      await clickAndCheck('examples', f, i + 1);
    }
    await page.screenshot({ path: join(OUT, 'examples-advise.png'), fullPage: true });
    // No human prompt text of the corpus is in the page.
    const { loadHistory } = await import('../src/sources/index.js');
    const h = await loadHistory({ paths: ['examples'], threads: 0 });
    const texts = h.prompts.filter((p) => p.kind === 'human' && p.text.length > 12).map((p) => p.text.slice(0, 40));
    expect(texts.length).toBeGreaterThan(20);
    for (const t of texts) expect(html).not.toContain(t);
  }, 120_000);
});

/**
 * A Claude Code history: `sessions` sessions in /home/alice/shop, each reading src/checkout.ts `rereads`
 * times (12,000 characters) and two other files once; the first session ends in a chain of four
 * "continue"/"ok" turns.
 */
function plantedCorpus(sessions: number, rereads: number): { dir: string; secrets: string[]; reads: { planted: number; other: number } } {
  const dir = mkdtempSync(join(tmpdir(), 'advise-html-'));
  const proj = join(dir, 'claude', 'projects', '-home-alice-shop');
  mkdirSync(proj, { recursive: true });
  const secrets: string[] = [];
  const reads = { planted: 0, other: 0 };
  const t0 = Date.UTC(2026, 10, 2, 9);
  let n = 0;
  for (let s = 0; s < sessions; s++) {
    const sid = `5e55${String(s).padStart(4, '0')}-0000-4000-8000-000000000000`;
    const base = { isSidechain: false, userType: 'external', cwd: '/home/alice/shop', sessionId: sid, version: '2.1.81', gitBranch: 'main' };
    let t = t0 + s * 3_600_000;
    const ts = () => new Date((t += 2000)).toISOString();
    const lines: object[] = [];
    const secret = `PLANTED-SECRET-${s} please rework the checkout coupon rounding for the Zurich store`;
    secrets.push(secret);
    lines.push({ ...base, type: 'user', uuid: `u${s}`, timestamp: ts(), message: { role: 'user', content: secret } });
    const files = [...Array(rereads).fill('src/checkout.ts'), `src/module${s}.ts`, `src/view${s}.ts`];
    for (const file of files) {
      const id = `m${n++}`;
      const tool = `toolu_${n++}`;
      const usage = { input_tokens: 50, output_tokens: 120, cache_read_input_tokens: 15_000, cache_creation_input_tokens: 500 };
      lines.push({ ...base, type: 'assistant', uuid: `a${id}`, timestamp: ts(), requestId: `r${id}`,
        message: { id, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [{ type: 'tool_use', id: tool, name: 'Read', input: { file_path: `/home/alice/shop/${file}` } }], stop_reason: 'tool_use', usage } });
      const chars = file === 'src/checkout.ts' ? 12_000 : 2_000;
      lines.push({ ...base, type: 'user', uuid: `r${tool}`, timestamp: ts(), message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: tool, content: 'x'.repeat(chars), is_error: false }] }, toolUseResult: { type: 'text' } });
      if (file === 'src/checkout.ts') reads.planted++;
      else reads.other++;
    }
    const answer = () => {
      const id = `m${n++}`;
      lines.push({ ...base, type: 'assistant', uuid: `a${id}`, timestamp: ts(), requestId: `r${id}`,
        message: { id, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [{ type: 'text', text: 'Done.' }], stop_reason: 'end_turn', usage: { input_tokens: 50, output_tokens: 40, cache_read_input_tokens: 15_000, cache_creation_input_tokens: 0 } } });
    };
    answer();
    // Session 0 then goes on with a chain of "continue"/"ok" turns (the churn pattern).
    if (s === 0) {
      for (const [i, text] of ['continue', 'go on', 'continue', 'ok'].entries()) {
        lines.push({ ...base, type: 'user', uuid: `u${s}c${i}`, timestamp: ts(), message: { role: 'user', content: text } });
        answer();
      }
    }
    writeFileSync(join(proj, `${sid}.jsonl`), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  }
  return { dir, secrets, reads };
}

describe('advise HTML on a corpus with a planted re-read pattern', () => {
  it('opens the files view on the re-read file and the tokens view on the churn chain, with exact shares; holds no prompt text', async () => {
    const { dir, secrets, reads } = plantedCorpus(12, 4);
    const { findings, html, path } = adviseRun(dir, 'planted-advise');
    const rank = findings.findIndex((f) => f.kind === 'repeated-read') + 1;
    expect(rank).toBeGreaterThan(0);
    const f = findings[rank - 1];
    expect(f.evidence).toMatchObject({ file: 'src/checkout.ts', reads: 48, sessions: 12 });
    await openPage(path);
    expect(await page.locator(`#advice li[data-finding="${rank}"] .saving`).textContent()).toContain(`~${f.savingTokens.toLocaleString('en-US')} tokens`);
    // The page opens on the tokens view; the click switches to the finding's view and search.
    expect(await page.locator('#view').inputValue()).toBe('tokens');
    expect(await page.locator('#view option').allTextContents()).toEqual(['tokens (tokens)', 'files (effects)']);
    await page.locator('#search').fill('^tool:Read$');
    const { matched, total } = await clickAndCheck(dir, f, rank);
    // The files view counts one read effect a read: the share is the planted reads among all reads.
    expect([matched, total]).toEqual([reads.planted, reads.planted + reads.other]);
    expect(matched).toBe(f.evidence.reads);
    expect(await page.locator('#matched').textContent()).toContain(`Matched: ${formatShare(48, 48 + 24)}`);
    await page.screenshot({ path: join(OUT, 'planted-advise.png'), fullPage: true });
    // The churn finding points at the tokens view: a click switches back, with its own share.
    const churn = findings.findIndex((x) => x.kind === 'churn') + 1;
    expect(churn).toBeGreaterThan(0);
    expect(findings[churn - 1].evidence).toMatchObject({ churn_prompts: 4, chains: 1, longest_chain: 4 });
    // The flamegraph's churn frames hold exactly the tokens the finding reports (4 turns × 15,090).
    expect((await clickAndCheck(dir, findings[churn - 1], churn)).matched).toBe(findings[churn - 1].evidence.tokens);
    expect(await page.locator(`#advice li[data-finding="${rank}"]`).getAttribute('aria-pressed')).toBe('false');
    await page.screenshot({ path: join(OUT, 'planted-advise-churn.png'), fullPage: true });
    // Privacy: the planted prompt texts (and their distinctive words) are nowhere in the page.
    for (const s of secrets) expect(html).not.toContain(s);
    expect(html).not.toContain('PLANTED-SECRET');
    expect(html).not.toContain('Zurich');
  }, 120_000);

  it('shows names with markup as text and hands the search regex to the viewer unchanged', async () => {
    const odd: Finding = {
      kind: 'repeated-read', title: 'src/<b>&"odd\'.ts</script> was read 9 times', advice: 'line one\n  <i>line two</i>',
      evidence: { file: 'src/<b>&"odd\'.ts' }, trace: { view: 'files', search: 'file:src/<b>&"odd\'\\.ts$', stacks: ['file:src/<b>&"odd\'.ts'] },
      savingTokens: 0, savingUsd: 0.5,
    };
    const path = join(OUT, 'escaping-advise.html');
    writeFileSync(path, renderAdviceHtml([tokensProfile(50), filesProfile(50)], [odd]));
    await openPage(path);
    const item = page.locator('#advice li[data-finding="1"]');
    expect(await item.locator('.title').textContent()).toBe(odd.title);
    expect(await item.locator('.advice').textContent()).toBe(odd.advice);
    expect(await item.locator('.saving').textContent()).toBe('$0.5000');
    expect(await page.locator('#advice b, #advice i').allTextContents()).toEqual(['src/<b>&"odd\'.ts']); // only the evidence value is bold
    await item.press('Enter'); // keyboard works too
    expect(await page.locator('#view').inputValue()).toBe('files');
    expect(await page.locator('#search').inputValue()).toBe(odd.trace.search);
    expect(await page.locator('#matched').textContent()).toMatch(/^Matched: 0\.00% /);
    // The URL now names view and search: reloading it reopens the finding, marked.
    const url = page.url();
    expect(url).toContain('v=files');
    await page.goto('about:blank');
    await openPage(url.replace(/^file:\/\//, ''));
    expect(await item.getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('#search').inputValue()).toBe(odd.trace.search);
  });

  it('says so when nothing crossed a threshold, and still shows the tokens flamegraph', async () => {
    const path = join(OUT, 'empty-advise.html');
    writeFileSync(path, renderAdviceHtml([tokensProfile(50)], []));
    await openPage(path);
    expect(await page.locator('#advice').textContent()).toContain('No pattern crossed its threshold');
    expect(await page.locator('#subtitle').textContent()).toContain('tokens view');
  });

  it('fetched nothing from the network and raised no page error', () => {
    expect(requests).toEqual([]);
  });
});
