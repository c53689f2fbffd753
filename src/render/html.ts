// Profiles → one self-contained HTML page: the canvas viewer (src/viewer/html-entry.ts) inlined, each
// profile's frame tree embedded as JSON in <script type="application/json">. No network.
import type { Profile } from '../profile/types.js';
import { flattenTree } from '../viewer/flat-tree.js';
import { displayUnit } from '../viewer/format.js';
import { buildTree } from './tree.js';
import { profileSubtitle } from './svg.js';
import { viewerScript } from './viewer-bundle.js';
import { escapeXml, scriptJson } from './xml.js';

const CSS = `
body{font:13px Verdana,sans-serif;margin:16px;background:#f8f8f2;color:#222}
h1{font-size:18px;margin:0 0 4px}#subtitle{color:#555;margin-bottom:8px}
#bar{display:flex;gap:8px;align-items:center;margin-bottom:6px}#matched{margin-left:auto}
#flame{width:100%;display:block;cursor:pointer}
#details{min-height:1.3em;margin:4px 0 12px;font-family:monospace}
#tip{position:absolute;background:#ffffe6;border:1px solid #888;padding:3px 6px;pointer-events:none;white-space:nowrap}
.tables{display:flex;gap:24px;flex-wrap:wrap;align-items:flex-start}table{border-collapse:collapse}
th,td{padding:2px 8px;text-align:right}td:first-child,th:first-child{text-align:left;max-width:480px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
tbody tr{cursor:pointer}tbody tr:hover{background:#eee}.note{color:#777;font-size:11px}
`;

const inlineScript = (code: string) => code.replace(/<\/script/gi, '<\\/script');

function table(id: string, caption: string): string {
  return `<table><caption>${caption}</caption><thead><tr><th>frame</th><th>self</th><th>%</th><th>total</th><th>%</th></tr></thead><tbody id="${id}"></tbody></table>`;
}

/** "31 sessions · 152 prompts · tag coverage 98.7% · 6 lines skipped" from the status block. */
export function statusLine(st: Profile['status']): string {
  if (!st) return '';
  const bits: string[] = [];
  if (st.sessions) bits.push(`${st.sessions} sessions`);
  if (st.prompts) bits.push(`${st.prompts} prompts`);
  if (st.prompts) bits.push(`tag coverage ${st.coverage_pct}%`);
  if (st.skipped_lines) bits.push(`${st.skipped_lines} lines skipped`);
  if (st.unknown_models?.length) bits.push(`unpriced models: ${st.unknown_models.join(', ')}`);
  return bits.join(' · ');
}

/** A section another page adds to the viewer (the advice panel): its CSS, its HTML above the
 * flamegraph bar, and a script run after the viewer's. */
export interface HtmlPanel {
  css: string;
  html: string;
  script: string;
}

export function renderHtml(profiles: Profile[], opts: { title?: string; timeRange?: { start: number; end: number }; panel?: HtmlPanel } = {}): string {
  if (!profiles.length) throw new Error('no profile to render');
  const embedded = profiles.map((p) => {
    const root = buildTree(p.samples);
    return { view: p.view, unit: displayUnit(p.view, p.unit), total: root.value, subtitle: profileSubtitle(p, root.value, 0, opts.timeRange), statusLine: statusLine(p.status), status: p.status ?? null, tree: flattenTree(root) };
  });
  const title = opts.title ?? `agentpprof — ${profiles.map((p) => p.view).join(', ')}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${CSS}${opts.panel?.css ?? ''}</style></head>
<body>
<h1>${escapeXml(title)}</h1><div id="subtitle"></div><div id="status" class="note"></div>
${opts.panel ? `${opts.panel.html}\n` : ''}<div id="bar"><select id="view" aria-label="view"></select><button id="orient" type="button">Icicle</button>
<input id="search" type="search" placeholder="search (regex)" size="28"><button id="reset" type="button" disabled>Reset zoom</button>
<span id="matched"></span></div>
<canvas id="flame" height="0"></canvas>
<div id="details">&nbsp;</div><div id="tip" hidden></div>
<div class="tables">${table('top-self', 'Top frames by self weight')}${table('top-total', 'Top frames by total weight')}</div>
<p class="note">Token counts are agent-reported; cost is list price. Click a frame to zoom, a table row to search for it.</p>
<script type="application/json" id="agentpprof-data">${scriptJson({ profiles: embedded })}</script>
<script>${inlineScript(viewerScript('html'))}</script>
${opts.panel ? `<script>${inlineScript(opts.panel.script)}</script>\n` : ''}</body></html>
`;
}
