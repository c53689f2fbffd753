// Profile → one self-contained interactive SVG, as flamegraph.pl makes: each frame a
// <g><title/><rect/><text/></g>, the viewer script (src/viewer/svg-entry.ts) and its CSS inlined,
// no network. Geometry is in pixels for a 1200 px wide image; data-x/data-w keep each frame's position
// as a fraction of the total so the viewer can zoom without the tree.
import type { Profile } from '../profile/types.js';
import { frameColor } from '../viewer/colors.js';
import { displayUnit, fitLabel, formatWeight } from '../viewer/format.js';
import { layoutFlame, type LaidFrame } from './layout.js';
import { buildTree, countNodes, type FrameNode } from './tree.js';
import { flattenTree } from '../viewer/flat-tree.js';
import { viewerScript } from './viewer-bundle.js';
import { cdata, escapeXml, formatRange, scriptJson } from './xml.js';

/**
 * Up to this many tree nodes, the whole tree is embedded so search shares are exact even for frames
 * merged at layout; above it only drawn frames are searched and the page says so.
 */
export const SVG_EMBED_TREE_MAX_NODES = 60_000;

export const SVG_GEOMETRY = { width: 1200, pad: 10, frameH: 16, top: 84, bottom: 40, font: 12, charW: 7 } as const;

export interface FlameSvgSpec {
  root: FrameNode;
  unit: string;
  title: string;
  /** Given the number of frames merged by the layout. */
  subtitle(merged: number): string;
  /** Fill of a frame (merged blocks are grey). */
  color(frame: LaidFrame): string;
  /** Extra tooltip text after the weight (the diff's before/after). */
  note?(frame: LaidFrame): string | undefined;
  width?: number;
  /** Frames narrower than this many pixels merge (default 1; 0 draws every frame, as a naive layout). */
  minPx?: number;
}

export interface SvgRenderResult {
  svg: string;
  frames: number;
  merged: number;
}

const num = (v: number, digits: number) => {
  const s = v.toFixed(digits);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
};

export function renderFlameSvg(spec: FlameSvgSpec): SvgRenderResult {
  const g = { ...SVG_GEOMETRY, width: spec.width ?? SVG_GEOMETRY.width };
  const inner = g.width - 2 * g.pad;
  const total = spec.root.value;
  const layout = layoutFlame(spec.root, (total / inner) * (spec.minPx ?? 1));
  const height = g.top + (layout.maxDepth + 1) * g.frameH + g.bottom;
  const base = height - g.bottom;
  const parts: string[] = [];
  for (const f of layout.frames) {
    const x = g.pad + (f.x / total) * inner;
    const w = (f.w / total) * inner;
    const y = base - (f.depth + 1) * g.frameH;
    const note = spec.note?.(f);
    const value = f.w;
    const attrs = `data-x="${num(f.x / total, 7)}" data-w="${num(f.w / total, 7)}" data-d="${f.depth}" data-v="${num(value, 6)}"${note ? ` data-note="${escapeXml(note)}"` : ''}${f.merged ? ' data-m="1"' : ''}`;
    parts.push(
      `<g class="f" ${attrs}><title>${escapeXml(f.name)}</title><rect x="${num(x, 2)}" y="${y}" width="${num(w, 2)}" height="${g.frameH - 1}" fill="${f.merged ? '#ccc' : spec.color(f)}" rx="2"/><text x="${num(x + 3, 2)}" y="${y + g.frameH - 4}">${escapeXml(fitLabel(f.name, w, g.charW))}</text></g>`,
    );
  }
  const treeJson = layout.merged > 0 && countNodes(spec.root) <= SVG_EMBED_TREE_MAX_NODES ? `\n<script type="application/json" id="agentpprof-tree">${cdata(scriptJson(flattenTree(spec.root)))}</script>` : '';
  const meta = { unit: spec.unit, total, width: g.width, pad: g.pad, charW: g.charW, merged: layout.merged };
  const svg = `<?xml version="1.0" standalone="no"?>
<svg version="1.1" xmlns="http://www.w3.org/2000/svg" width="${g.width}" height="${height}" viewBox="0 0 ${g.width} ${height}">
<style>
text{font-family:Verdana,sans-serif;font-size:${g.font}px;fill:#000}
#title{font-size:17px;text-anchor:middle}#subtitle{fill:#555;text-anchor:middle}
g.f{cursor:pointer}g.f:hover rect{stroke:#000;stroke-width:.5}g.f text{pointer-events:none}
g.f.parent{opacity:.5}g.f.hide{display:none}
.btn{cursor:pointer;fill:#0645ad}.btn.off{display:none}#matched{text-anchor:end}
#tip{pointer-events:none}#tip rect{fill:#ffffe6;stroke:#888}
</style>
<script type="application/json" id="agentpprof-meta">${cdata(scriptJson(meta))}</script>${treeJson}
<rect width="100%" height="100%" fill="#f8f8f2"/>
<text id="title" x="${g.width / 2}" y="24">${escapeXml(spec.title)}</text>
<text id="subtitle" x="${g.width / 2}" y="44">${escapeXml(spec.subtitle(layout.merged))}</text>
<text id="reset" class="btn off" x="${g.pad}" y="24">Reset zoom</text>
<foreignObject x="${g.width - 330}" y="52" width="200" height="24"><input xmlns="http://www.w3.org/1999/xhtml" id="search" type="search" placeholder="search (regex)" style="width:190px;font:12px Verdana,sans-serif"/></foreignObject>
<text id="clear" class="btn off" x="${g.width - 120}" y="68">Clear</text>
<text id="matched" x="${g.width - g.pad}" y="${height - 24}"></text>
<text id="details" x="${g.pad}" y="${height - 8}"> </text>
<g id="frames">
${parts.join('\n')}
</g>
<g id="tip" visibility="hidden"><rect rx="3" height="20"/><text x="6" y="14"></text></g>
<script type="text/ecmascript">${cdata(viewerScript('svg'))}</script>
</svg>
`;
  return { svg, frames: layout.frames.length, merged: layout.merged };
}

/** "tokens view · 1,234,567 tokens · 2026-11-01 09:00 – 2026-11-27 18:30 UTC · 12 frames < 1 px merged" */
export function profileSubtitle(p: Profile, total: number, merged?: number, range?: { start: number; end: number }): string {
  const bits = [`${p.view} view`, `total ${formatWeight(total, displayUnit(p.view, p.unit))}`];
  const r = formatRange(range ?? p.status?.time_range);
  if (r) bits.push(r);
  if (merged) bits.push(`${merged} frames narrower than 1 px merged`);
  return bits.join(' · ');
}

export function renderSvgDetailed(p: Profile, opts: { title?: string; timeRange?: { start: number; end: number } } = {}): SvgRenderResult {
  const root = buildTree(p.samples, 'all', { sort: false });
  const title = opts.title ?? `agentpprof — ${p.view}`;
  return renderFlameSvg({ root, unit: displayUnit(p.view, p.unit), title, subtitle: (merged) => profileSubtitle(p, root.value, merged, opts.timeRange), color: (f) => frameColor(f.name) });
}

export function renderSvg(p: Profile | undefined, opts: { title?: string; timeRange?: { start: number; end: number } } = {}): string {
  if (!p) throw new Error('no profile to render');
  return renderSvgDetailed(p, opts).svg;
}
