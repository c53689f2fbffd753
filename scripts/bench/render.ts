// Render bench: 100k distinct stacks → SVG (time, size) and the HTML page's first paint in Chromium,
// against the targets (SVG ≤ 1 s and ≤ 10 MB, first paint ≤ 1 s) and a baseline in the same run: the
// naive flamegraph.pl-style layout that draws every frame (no merging of sub-pixel frames).
// Run: node --import tsx scripts/bench/render.ts [--stacks N] [--runs N]
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { benchArgs } from './args.js';
import { median } from './stats.js';
import { renderHtml } from '../../src/render/html.js';
import { renderFlameSvg, renderSvgDetailed } from '../../src/render/svg.js';
import { buildTree } from '../../src/render/tree.js';
import { frameColor } from '../../src/viewer/colors.js';
import { distinctStacks } from '../../test/render-fixtures.js';
import { launchChromium } from '../../test/helpers/browser.js';

const { values } = benchArgs(import.meta.url, { options: { stacks: { type: 'string', default: '100000' }, runs: { type: 'string', default: '3' } } });
const N = Number(values.stacks);
const RUNS = Number(values.runs);
const OUT = resolve('test-output/bench');
mkdirSync(OUT, { recursive: true });

/** Median wall and CPU milliseconds: on a shared machine (load > cores) CPU time is the stable figure. */
function timed<T>(fn: () => T): { ms: number; cpu: number; value: T } {
  const times: number[] = [];
  const cpus: number[] = [];
  let value!: T;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    value = fn();
    const c = process.cpuUsage(c0);
    times.push(performance.now() - t0);
    cpus.push((c.user + c.system) / 1000);
  }
  return { ms: median(times), cpu: median(cpus), value };
}

const profile = distinctStacks(N);
renderSvgDetailed(distinctStacks(100)); // load the viewer bundle outside the timings

const ours = timed(() => renderSvgDetailed(profile));
const naive = timed(() => renderFlameSvg({ root: buildTree(profile.samples), unit: profile.unit, title: 'naive', subtitle: () => '', color: (f) => frameColor(f.name), minPx: 0 }));
const html = timed(() => renderHtml([profile]));
const svgBytes = Buffer.byteLength(ours.value.svg);
const naiveBytes = Buffer.byteLength(naive.value.svg);
writeFileSync(join(OUT, 'render-100k.svg'), ours.value.svg);
writeFileSync(join(OUT, 'render-100k-naive.svg'), naive.value.svg);
writeFileSync(join(OUT, 'render-100k.html'), html.value);

const browser = await launchChromium();
/** Milliseconds from navigation start to the viewer's first drawn frame (HTML) or the load event (SVG). */
async function paint(file: string, html: boolean, runs = RUNS): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`file://${join(OUT, file)}`, { waitUntil: 'load', timeout: 120_000 });
    if (html) await page.waitForFunction(() => (window as unknown as { agentpprofReady?: boolean }).agentpprofReady, null, { timeout: 120_000 });
    // Wait one animation frame so the canvas (or the SVG) has been painted, then read the clock.
    const ms = await page.evaluate(
      (isHtml) =>
        new Promise<number>((done) =>
          requestAnimationFrame(() => {
            const mark = isHtml ? performance.getEntriesByName('agentpprof-first-paint')[0]?.startTime : undefined;
            done(mark ?? performance.now());
          }),
        ),
      html,
    );
    times.push(ms);
    await page.close();
  }
  return median(times);
}
const htmlPaint = await paint('render-100k.html', true);
const svgPaint = await paint('render-100k.svg', false);
// The naive SVG takes tens of seconds to load: once is enough.
const naivePaint = await paint('render-100k-naive.svg', false, 1);
await browser.close();

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(2)} MB`;
const row = (name: string, value: string, target: string, ok: boolean | null, vs: string) => console.log(`${name.padEnd(34)} ${value.padStart(12)}  ${target.padEnd(10)} ${ok === null ? '    ' : ok ? 'PASS' : 'FAIL'}  ${vs}`);
console.log(`render bench: ${N.toLocaleString('en-US')} distinct stacks, ${profile.samples.length.toLocaleString('en-US')} samples, median of ${RUNS}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores`);
console.log(`ours: ${ours.value.frames} frames drawn, ${ours.value.merged} merged (< 1 px); naive: ${naive.value.frames} frames drawn`);
row('SVG render (ours), wall', `${ours.ms.toFixed(0)} ms`, '≤ 1000 ms', ours.ms <= 1000, `naive ${naive.ms.toFixed(0)} ms (×${(naive.ms / ours.ms).toFixed(2)})`);
row('SVG render (ours), CPU', `${ours.cpu.toFixed(0)} ms`, '≤ 1000 ms', ours.cpu <= 1000, `naive ${naive.cpu.toFixed(0)} ms (×${(naive.cpu / ours.cpu).toFixed(2)})`);
row('SVG size (ours)', mb(svgBytes), '≤ 10 MB', svgBytes <= 10 * 1024 * 1024, `naive ${mb(naiveBytes)} (×${(naiveBytes / svgBytes).toFixed(1)})`);
row('HTML render (node), wall/CPU', `${html.ms.toFixed(0)}/${html.cpu.toFixed(0)} ms`, '', null, `${mb(Buffer.byteLength(html.value))}`);
row('HTML first paint in Chromium', `${htmlPaint.toFixed(0)} ms`, '≤ 1000 ms', htmlPaint <= 1000, `naive SVG load ${naivePaint.toFixed(0)} ms (×${(naivePaint / htmlPaint).toFixed(2)})`);
row('SVG load in Chromium (ours)', `${svgPaint.toFixed(0)} ms`, '', null, `naive SVG load ${naivePaint.toFixed(0)} ms (×${(naivePaint / svgPaint).toFixed(2)})`);
console.log(`files: ${OUT}/render-100k{.svg,-naive.svg,.html}`);
