// The live dashboard: a canvas flamegraph (the renderers' viewer), charts, sessions and latency
// tables, fed by /ws (msgpack snapshot, then deltas). Reconnects by itself; no network needed beyond
// the agentpprof server.
import { decode } from '@msgpack/msgpack';
import { frameDetails, formatWeight } from '../../src/viewer/format.js';
import { FlameCanvas } from '../../src/viewer/flame-canvas.js';
import { searchRegex } from '../../src/viewer/search.js';
import type { Delta, Snapshot } from '../../src/live/protocol.js';
import { AdvicePanel } from './advice.js';
import { Charts } from './charts.js';
import { findPath, LiveModel, pathOf } from './model.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
const token = params.get('token') ?? '';
const model = new LiveModel();
const flame = new FlameCanvas($<HTMLCanvasElement>('flame'));
const charts = new Charts($('charts'));
const advice = new AdvicePanel($('advice-panel'), `/api/advice?token=${encodeURIComponent(token)}`, openFinding);
let tree = model.tree();
let zoomPath: string[] = [];
let ws: WebSocket | null = null;
let retry = 250;
let dirty = true;

(window as unknown as { agentpprof: unknown }).agentpprof = { model, flame, advice, get tree() { return tree; } };

function connect(): void {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?token=${encodeURIComponent(token)}&view=${$<HTMLSelectElement>('view').value}&window=${$<HTMLSelectElement>('window').value}`;
  ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  setConn('connecting');
  ws.onopen = () => { retry = 250; setConn('live'); };
  ws.onmessage = (ev) => {
    model.apply(decode(new Uint8Array(ev.data as ArrayBuffer)) as Snapshot | Delta);
    dirty = true;
  };
  ws.onclose = () => {
    setConn('reconnecting');
    setTimeout(connect, retry);
    retry = Math.min(5000, retry * 2);
  };
}

function setConn(s: string): void {
  const el = $('conn');
  el.textContent = s;
  el.className = s === 'live' ? 'ok' : 'warn';
}

function sendView(): void {
  zoomPath = [];
  ws?.send(JSON.stringify({ type: 'view', view: $<HTMLSelectElement>('view').value, window: $<HTMLSelectElement>('window').value }));
  history.replaceState(null, '', `?token=${encodeURIComponent(token)}#view=${$<HTMLSelectElement>('view').value}&window=${$<HTMLSelectElement>('window').value}`);
}

function render(): void {
  if (!dirty) return requestAnimationFrame(render) as unknown as void;
  dirty = false;
  tree = model.tree();
  flame.setTree(tree);
  flame.zoomTo(findPath(tree, zoomPath));
  applySearch();
  $('total').textContent = `${formatWeight(model.total(), model.unit)} · ${model.view} · window ${model.window}`;
  charts.gaps = model.status?.gaps ?? [];
  charts.set(model.chartData());
  renderStatus();
  renderTables();
  requestAnimationFrame(render);
}

function applySearch(): void {
  const re = searchRegex($<HTMLInputElement>('search').value);
  const r = flame.search(re);
  $('match').textContent = re ? `${r.frames} frames, ${((100 * r.value) / (tree.value[0] || 1)).toFixed(2)}% matched` : '';
}

function renderStatus(): void {
  const s = model.status;
  if (!s) return;
  const open = s.gaps.filter((g) => g.end === undefined).length;
  $('status').textContent = `collector: ${s.collector}${open ? ' (gap open)' : ''} · events ${s.events} · drops ${s.drops} · restarts ${s.restarts} · gaps ${s.gaps.length} · unattributed effects ${s.unattributed} · skipped ${s.skipped}`;
  const agents = (s.agents ?? []).map((a) => `${a.agent} ${a.pid}${a.tls ? '' : ' (TLS not seen)'}`).join(', ');
  if (s.scope) $('status').textContent += ` · tracing ${s.scope}${agents ? `: ${agents}` : ''}`;
  const missing = $('missing');
  missing.hidden = s.missing.length === 0;
  missing.textContent = s.missing.length ? 'Missing: ' + s.missing.join(' · ') : '';
}

/** A finding's flamegraph: its view (a fresh snapshot follows) and its search regex (kept across renders). */
function openFinding(view: string, search: string): void {
  const select = $<HTMLSelectElement>('view');
  if (view !== select.value && Array.from(select.options).some((o) => o.value === view)) {
    select.value = view;
    sendView();
  }
  $<HTMLInputElement>('search').value = search;
  applySearch();
  $('flame').scrollIntoView({ block: 'nearest' });
}

/** The hub's "active" window (hub.activeSessions). */
const IDLE_MS = 5 * 60_000;

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** How long ago, in the largest unit that fits (an idle session may be hours old). */
function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `${s} s ago` : s < 7200 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
}

function renderTables(): void {
  const now = model.now;
  // The server sends the sessions active in the last 5 minutes, or else the last one seen: then it is idle.
  const idle = model.sessions.length > 0 && model.sessions.every((r) => now - r.lastTs > IDLE_MS);
  $('sessions').innerHTML = (idle ? `<tr class="idle"><td colspan="9">no session active in the last ${IDLE_MS / 60_000} minutes; the last one, idle:</td></tr>` : '') +
    model.sessions.map((r) =>
      `<tr${idle ? ' class="idle"' : ''}><td>${esc(r.agent)}</td><td>${esc(r.project)}</td><td title="${esc(r.id)}">${esc(r.id.slice(0, 8))}</td><td class="tag">${esc(r.tag)}</td>` +
      `<td>${formatWeight(r.tokens, 'tokens')}</td><td>${formatWeight(r.cost, 'usd')}</td><td>${r.calls}</td><td>${r.tools}</td><td>${ago(now - r.lastTs)}${idle ? ' (idle)' : ''}</td></tr>`).join('') ||
    '<tr><td colspan="9">no session yet: start Claude Code, Codex or Gemini CLI</td></tr>';
  $('latency').innerHTML = model.latency.map((r) =>
    `<tr><td>${esc(r.tag)}</td><td>${r.kind}</td><td>${r.count}</td><td>${(r.p50 / 1000).toFixed(2)} s</td><td>${(r.p90 / 1000).toFixed(2)} s</td><td>${(r.p99 / 1000).toFixed(2)} s</td></tr>`).join('');
}

const canvas = $<HTMLCanvasElement>('flame');
canvas.addEventListener('click', (e) => {
  const i = flame.hit(e.offsetX, e.offsetY);
  if (i < 0) return;
  zoomPath = pathOf(tree, i);
  flame.zoomTo(i);
});
canvas.addEventListener('mousemove', (e) => {
  const i = flame.hit(e.offsetX, e.offsetY);
  $('details').textContent = i < 0 ? '' : frameDetails(tree.names[tree.name[i]], tree.value[i], tree.value[0], model.unit);
});
$('reset').addEventListener('click', () => { zoomPath = []; flame.zoomTo(0); });
$('search').addEventListener('input', applySearch);
$('view').addEventListener('change', sendView);
$('window').addEventListener('change', sendView);
$('icicle').addEventListener('change', (e) => flame.setIcicle((e.target as HTMLInputElement).checked));
const hash = new URLSearchParams(location.hash.slice(1));
if (hash.get('view')) $<HTMLSelectElement>('view').value = hash.get('view')!;
if (hash.get('window')) $<HTMLSelectElement>('window').value = hash.get('window')!;
window.addEventListener('resize', () => { charts.resize(document.body.clientWidth); dirty = true; });
charts.resize(document.body.clientWidth);
connect();
advice.start();
requestAnimationFrame(render);
