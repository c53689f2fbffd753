// The self-contained HTML page's script: wires the canvas flamegraph (flame-canvas.ts) to the page
// html.ts wrote — view switch, flame/icicle toggle, search with matched share, zoom, tooltip, the top
// frames tables — and keeps the state in the URL hash.
import { FlameCanvas } from './flame-canvas.js';
import { decodeTree, type FlatTree, type Nodes } from './flat-tree.js';
import { formatShare, formatWeight, frameDetails } from './format.js';
import { formatHash, parseHash } from './hash-state.js';
import { searchRegex } from './search.js';
import { frameTotals, topBy } from './top-frames.js';

interface EmbeddedProfile {
  view: string;
  unit: string;
  total: number;
  subtitle: string;
  statusLine: string;
  tree: FlatTree;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const data = JSON.parse($('agentpprof-data').textContent!) as { profiles: EmbeddedProfile[] };
const canvas = $<HTMLCanvasElement>('flame');
const flame = new FlameCanvas(canvas);
const viewSel = $<HTMLSelectElement>('view');
const orient = $<HTMLButtonElement>('orient');
const search = $<HTMLInputElement>('search');
const reset = $<HTMLButtonElement>('reset');
const matched = $('matched');
const details = $('details');
const tip = $('tip');
const state = parseHash(location.hash);
let current: { p: EmbeddedProfile; nodes: Nodes } | null = null;
const decoded = new Map<string, Nodes>();

for (const p of data.profiles) viewSel.add(new Option(`${p.view} (${p.unit})`, p.view));
viewSel.hidden = data.profiles.length < 2;

function save() {
  const h = formatHash(state);
  history.replaceState(null, '', h || location.pathname + location.search);
}

function select(view: string | undefined) {
  const p = data.profiles.find((x) => x.view === view) ?? data.profiles[0];
  if (!p) return;
  let nodes = decoded.get(p.view);
  if (!nodes) decoded.set(p.view, (nodes = decodeTree(p.tree)));
  current = { p, nodes };
  viewSel.value = p.view;
  $('subtitle').textContent = p.subtitle;
  $('status').textContent = p.statusLine;
  flame.setTree(nodes);
  state.view = data.profiles.length > 1 ? p.view : undefined;
  fillTables();
}

function applySearch() {
  const re = searchRegex(search.value);
  const r = flame.search(re);
  matched.textContent = re && current ? `Matched: ${formatShare(r.value, current.p.total)} (${formatWeight(r.value, current.p.unit)}) in ${r.frames} frames` : '';
  state.search = search.value || undefined;
  save();
}

function zoom(i: number) {
  flame.zoomTo(i);
  reset.disabled = i <= 0;
  state.zoom = i > 0 ? i : undefined;
  save();
}

function row(name: string, self: number, total: number, unit: string, all: number): HTMLTableRowElement {
  const tr = document.createElement('tr');
  for (const text of [name, formatWeight(self, unit), formatShare(self, all), formatWeight(total, unit), formatShare(total, all)]) {
    const td = document.createElement('td');
    td.textContent = text;
    tr.appendChild(td);
  }
  tr.addEventListener('click', () => {
    search.value = `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
    applySearch();
  });
  return tr;
}

function fillTables() {
  if (!current) return;
  const rows = frameTotals(current.nodes);
  for (const key of ['self', 'total'] as const) {
    const body = $(`top-${key}`);
    body.replaceChildren(...topBy(key === 'self' ? rows.filter((r) => r.self > 0) : rows, key, 25).map((r) => row(r.name, r.self, r.total, current!.p.unit, current!.p.total)));
  }
}

canvas.addEventListener('mousemove', (ev) => {
  const i = flame.hit(ev.offsetX, ev.offsetY);
  if (i < 0 || !current) {
    tip.hidden = true;
    details.textContent = '\u00a0';
    return;
  }
  const t = current.nodes;
  const text = frameDetails(t.names[t.name[i]], t.value[i], current.p.total, current.p.unit);
  details.textContent = `${text} · self ${formatWeight(t.self[i], current.p.unit)}`;
  tip.textContent = text;
  tip.hidden = false;
  tip.style.left = `${Math.min(ev.pageX + 12, document.documentElement.clientWidth - tip.offsetWidth - 4)}px`;
  tip.style.top = `${ev.pageY + 14}px`;
});
canvas.addEventListener('mouseleave', () => (tip.hidden = true));
canvas.addEventListener('click', (ev) => {
  const i = flame.hit(ev.offsetX, ev.offsetY);
  if (i >= 0) zoom(i);
});
reset.addEventListener('click', () => zoom(0));
search.addEventListener('input', applySearch);
orient.addEventListener('click', () => {
  state.icicle = !state.icicle;
  orient.textContent = state.icicle ? 'Flame' : 'Icicle';
  flame.setIcicle(!!state.icicle);
  save();
});
viewSel.addEventListener('change', () => {
  select(viewSel.value);
  state.zoom = undefined;
  reset.disabled = true;
  applySearch();
});
window.addEventListener('resize', () => flame.draw());
document.addEventListener('keydown', (ev) => {
  if ((ev.ctrlKey || ev.metaKey) && ev.key === 'f') {
    ev.preventDefault();
    search.focus();
  }
});

select(state.view);
if (state.icicle) {
  orient.textContent = 'Flame';
  flame.setIcicle(true);
}
if (state.search) search.value = state.search;
zoom(state.zoom ?? 0);
applySearch();
// For the render bench and the browser test: when the first frame was drawn.
performance.mark('agentpprof-first-paint');
(window as unknown as { agentpprofReady: boolean }).agentpprofReady = true;
