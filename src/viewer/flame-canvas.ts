// The canvas flamegraph shared by the HTML page and the live dashboard: draws a decoded tree as a
// flamegraph (root at the bottom) or an icicle (root on top), zooms to a node, highlights search
// matches and hit-tests the pointer. Frames under half a pixel are skipped with their whole subtree,
// so drawing costs what is visible, not what the tree holds.
import { frameColor } from './colors.js';
import type { Nodes } from './flat-tree.js';
import { matchNodes } from './search.js';

export const ROW_H = 18;
const FONT = '12px Verdana, sans-serif';
const MATCH_FILL = 'rgb(230,0,230)';

export interface SearchResult {
  /** Matched weight without double counting nested matches. */
  value: number;
  frames: number;
}

export class FlameCanvas {
  private nodes: Nodes | null = null;
  private zoomed = 0;
  private icicle = false;
  private matches: Uint8Array | null = null;
  private colors: string[] = [];
  private charW = 7;

  constructor(private readonly canvas: HTMLCanvasElement) {}

  setTree(nodes: Nodes) {
    this.nodes = nodes;
    this.zoomed = 0;
    this.matches = null;
    this.colors = nodes.names.map((n) => frameColor(n));
  }

  get zoomIndex(): number {
    return this.zoomed;
  }

  setIcicle(on: boolean) {
    this.icicle = on;
    this.draw();
  }

  zoomTo(i: number) {
    if (!this.nodes || i < 0 || i >= this.nodes.count) i = 0;
    this.zoomed = i;
    this.draw();
  }

  /** Mark frames whose label matches; returns the matched weight (union, not sum) and frame count. */
  search(re: RegExp | null): SearchResult {
    const t = this.nodes;
    if (!t || !re) {
      this.matches = null;
      this.draw();
      return { value: 0, frames: 0 };
    }
    const r = matchNodes(t, re);
    this.matches = r.mask;
    this.draw();
    return { value: r.value, frames: r.frames };
  }

  /** Node under canvas-relative CSS pixel (px, py), or -1. */
  hit(px: number, py: number): number {
    const t = this.nodes;
    if (!t) return -1;
    const { scale, x0, height } = this.frame();
    const row = Math.floor((this.icicle ? py : height - py) / ROW_H);
    for (let i = 0; i < t.count; ) {
      const vis = this.visibility(i);
      if (vis === 0) {
        i = t.end[i];
        continue;
      }
      const left = vis === 2 ? 0 : (t.x[i] - x0) * scale;
      const w = vis === 2 ? this.cssWidth() : t.value[i] * scale;
      if (w < 0.5) {
        i = t.end[i];
        continue;
      }
      if (t.depth[i] === row && px >= left && px < left + w) return i;
      // Descend only into frames under the pointer's column and below its row.
      i = t.depth[i] < row && px >= left && px < left + w ? i + 1 : t.end[i];
    }
    return -1;
  }

  /** 0 hidden, 1 inside the zoomed subtree, 2 an ancestor of the zoomed node (drawn full width). */
  private visibility(i: number): 0 | 1 | 2 {
    const t = this.nodes!;
    const z = this.zoomed;
    if (i >= z && i < t.end[z]) return 1;
    return i < z && t.end[i] >= t.end[z] ? 2 : 0;
  }

  private cssWidth(): number {
    return this.canvas.clientWidth || this.canvas.width;
  }

  private frame() {
    const t = this.nodes!;
    const z = this.zoomed;
    const width = this.cssWidth();
    const height = (t.maxDepth + 1) * ROW_H;
    return { scale: t.value[z] > 0 ? width / t.value[z] : 0, x0: t.x[z], width, height };
  }

  draw() {
    const t = this.nodes;
    const ctx = this.canvas.getContext('2d');
    if (!t || !ctx) return;
    const dpr = globalThis.devicePixelRatio || 1;
    const { scale, x0, width, height } = this.frame();
    if (this.canvas.width !== Math.round(width * dpr) || this.canvas.height !== Math.round(height * dpr)) {
      this.canvas.width = Math.round(width * dpr);
      this.canvas.height = Math.round(height * dpr);
      this.canvas.style.height = `${height}px`;
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.font = FONT;
    ctx.textBaseline = 'middle';
    this.charW = ctx.measureText('mmmmmmmmmm').width / 10 || 7;
    for (let i = 0; i < t.count; ) {
      const vis = this.visibility(i);
      if (vis === 0) {
        i = t.end[i];
        continue;
      }
      const left = vis === 2 ? 0 : (t.x[i] - x0) * scale;
      const w = vis === 2 ? width : t.value[i] * scale;
      if (w < 0.5) {
        i = t.end[i]; // its descendants are no wider
        continue;
      }
      const d = t.depth[i];
      const y = this.icicle ? d * ROW_H : height - (d + 1) * ROW_H;
      ctx.globalAlpha = vis === 2 ? 0.5 : 1;
      ctx.fillStyle = this.matches?.[i] ? MATCH_FILL : this.colors[t.name[i]];
      ctx.fillRect(left, y, Math.max(w - 0.5, 0.5), ROW_H - 1);
      const label = this.fit(t.names[t.name[i]], w);
      if (label) {
        ctx.fillStyle = '#000';
        ctx.fillText(label, left + 3, y + ROW_H / 2);
      }
      i++;
    }
    ctx.globalAlpha = 1;
  }

  private fit(label: string, px: number): string {
    const n = Math.floor((px - 6) / this.charW);
    if (n < 3) return '';
    return label.length <= n ? label : label.slice(0, n - 2) + '..';
  }
}
