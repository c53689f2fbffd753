// The script inlined into agentpprof's SVG flamegraphs: hover details and tooltip, click to zoom,
// reset, regex search with the matched share, state in the URL hash. Reads only what svg.ts wrote
// (data-x/-w/-d/-v per frame, a JSON meta block); no network, no globals besides its listeners.
import { fitLabel, frameDetails, formatShare, formatWeight } from './format.js';
import { formatHash, parseHash, type ViewState } from './hash-state.js';
import { decodeTree, type FlatTree, type Nodes } from './flat-tree.js';
import { matchNodes, outermostValue, searchRegex } from './search.js';

interface Meta {
  unit: string;
  total: number;
  width: number;
  pad: number;
  charW: number;
  merged: number;
}

interface Frame {
  g: SVGGElement;
  rect: SVGRectElement;
  text: SVGTextElement;
  name: string;
  x: number;
  w: number;
  d: number;
  v: number;
  note: string;
  fill: string;
}

const doc = document;
const meta = JSON.parse(doc.getElementById('agentpprof-meta')!.textContent!) as Meta;
const inner = meta.width - 2 * meta.pad;
const frames: Frame[] = [];
for (const g of Array.from(doc.querySelectorAll<SVGGElement>('g.f'))) {
  const title = g.querySelector('title');
  const name = title?.textContent ?? '';
  title?.remove(); // our tooltip replaces the native one
  g.setAttribute('aria-label', name);
  const rect = g.querySelector('rect')!;
  frames.push({ g, rect, text: g.querySelector('text')!, name, x: +g.dataset.x!, w: +g.dataset.w!, d: +g.dataset.d!, v: +g.dataset.v!, note: g.dataset.note ?? '', fill: rect.getAttribute('fill')! });
}
const byG = new Map(frames.map((f, i) => [f.g, i]));
const details = doc.getElementById('details')!;
const matched = doc.getElementById('matched')!;
const reset = doc.getElementById('reset')!;
const clear = doc.getElementById('clear')!;
const search = doc.getElementById('search') as HTMLInputElement;
const tip = doc.getElementById('tip') as unknown as SVGGElement;
const tipRect = tip.querySelector('rect')!;
const tipText = tip.querySelector('text')!;
const state: ViewState = parseHash(location.hash);
// The full tree, when svg.ts embedded it (frames were merged and the tree is small enough): search
// shares then include frames too narrow to draw.
const treeEl = doc.getElementById('agentpprof-tree');
let tree: Nodes | null | undefined = treeEl ? undefined : null;
const fullTree = () => (tree === undefined ? (tree = decodeTree(JSON.parse(treeEl!.textContent!) as FlatTree)) : tree);

function place(f: Frame, x: number, w: number) {
  f.rect.setAttribute('x', x.toFixed(2));
  f.rect.setAttribute('width', w.toFixed(2));
  f.text.setAttribute('x', (x + 3).toFixed(2));
  f.text.textContent = fitLabel(f.name, w, meta.charW);
}

function describe(f: Frame): string {
  const base = frameDetails(f.name, f.v, meta.total, meta.unit);
  return f.note ? `${base} ${f.note}` : base;
}

function zoom(index: number | undefined) {
  const z = index === undefined ? undefined : frames[index];
  reset.classList.toggle('off', !z || z.d === 0);
  for (const f of frames) {
    f.g.classList.remove('parent', 'hide');
    if (!z) {
      place(f, meta.pad + f.x * inner, f.w * inner);
      continue;
    }
    const eps = 1e-6; // data-x/data-w are rounded to 7 decimals
    const inside = f.d >= z.d && f.x >= z.x - eps && f.x + f.w <= z.x + z.w + eps;
    const ancestor = f.d < z.d && f.x <= z.x + eps && f.x + f.w >= z.x + z.w - eps;
    if (inside) place(f, meta.pad + ((f.x - z.x) / z.w) * inner, (f.w / z.w) * inner);
    else if (ancestor) {
      f.g.classList.add('parent');
      place(f, meta.pad, inner);
    } else f.g.classList.add('hide');
  }
  state.zoom = z && z.d > 0 ? index : undefined;
  saveState();
}

function runSearch(text: string) {
  const re = searchRegex(text);
  const hits: Frame[] = [];
  for (const f of frames) {
    const hit = !!re && f.name !== '' && !f.g.dataset.m && re.test(f.name);
    f.rect.setAttribute('fill', hit ? 'rgb(230,0,230)' : f.fill);
    if (hit) hits.push(f);
  }
  clear.classList.toggle('off', !re);
  if (!re) matched.textContent = '';
  else {
    // Union of the matched intervals: a match nested in another match is not counted twice.
    const t = fullTree();
    const r = t ? matchNodes(t, re) : { value: outermostValue(hits), frames: hits.length };
    const partial = !t && meta.merged > 0 ? ' (drawn frames only)' : '';
    matched.textContent = `Matched: ${formatShare(r.value, meta.total)} (${formatWeight(r.value, meta.unit)}) in ${r.frames} frames${partial}`;
  }
  state.search = text || undefined;
  saveState();
}

function saveState() {
  const h = formatHash(state);
  if (h !== location.hash && !(h === '' && location.hash === '')) history.replaceState(null, '', h || location.pathname + location.search);
}

function showTip(f: Frame, ev: MouseEvent) {
  const text = describe(f);
  details.textContent = text;
  tipText.textContent = text;
  tip.setAttribute('visibility', 'visible');
  const w = tipText.getComputedTextLength() + 12;
  const svg = doc.documentElement as unknown as SVGSVGElement;
  const pt = svg.createSVGPoint();
  pt.x = ev.clientX;
  pt.y = ev.clientY;
  const p = pt.matrixTransform(svg.getScreenCTM()!.inverse());
  const x = Math.max(0, Math.min(p.x + 12, meta.width - w - 2));
  const y = Math.max(0, p.y - 30);
  tipRect.setAttribute('width', w.toFixed(1));
  tip.setAttribute('transform', `translate(${x.toFixed(1)},${y.toFixed(1)})`);
}

function frameOf(ev: Event): Frame | undefined {
  const g = (ev.target as Element).closest?.('g.f') as SVGGElement | null;
  const i = g ? byG.get(g) : undefined;
  return i === undefined ? undefined : frames[i];
}

const framesG = doc.getElementById('frames')!;
framesG.addEventListener('mousemove', (ev) => {
  const f = frameOf(ev);
  if (f) showTip(f, ev as MouseEvent);
});
framesG.addEventListener('mouseout', () => {
  tip.setAttribute('visibility', 'hidden');
  details.textContent = ' ';
});
framesG.addEventListener('click', (ev) => {
  const f = frameOf(ev);
  if (f && !f.g.dataset.m) zoom(byG.get(f.g));
});
reset.addEventListener('click', () => zoom(undefined));
clear.addEventListener('click', () => {
  search.value = '';
  runSearch('');
});
search.addEventListener('input', () => runSearch(search.value));
doc.addEventListener('keydown', (ev) => {
  if ((ev.ctrlKey || ev.metaKey) && ev.key === 'f') {
    ev.preventDefault();
    search.focus();
  } else if (ev.key === 'Escape') {
    search.value = '';
    runSearch('');
    zoom(undefined);
  }
});

if (state.zoom !== undefined && frames[state.zoom]) zoom(state.zoom);
if (state.search) {
  search.value = state.search;
  runSearch(state.search);
}
