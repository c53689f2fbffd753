// The canvas flamegraph shared by the HTML page and the live dashboard: draws a decoded tree as a
// flamegraph (root at the bottom) or an icicle (root on top), zooms to a node, highlights search
// matches and hit-tests the pointer. Frames under half a pixel are skipped with their whole subtree,
// so drawing costs what is visible, not what the tree holds.
import { frameColor } from './colors.js';
import type { Nodes } from './flat-tree.js';
import { fitLabel } from './format.js';
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
    const row = Math.floor((this.icicle ? py : this.frame().height - py) / ROW_H);
    let found = -1;
    this.walk((i, left, w) => {
      const under = found < 0 && px >= left && px < left + w;
      if (under && t.depth[i] === row) found = i;
      // Descend only into frames under the pointer's column and below its row.
      return under && t.depth[i] < row;
    });
    return found;
  }

  /**
   * Visits the frames that are drawn, pre-order, with their left edge and width in CSS pixels;
   * `visit` says whether to enter the frame's subtree. Frames under half a pixel are skipped with
   * their subtree (descendants are no wider).
   */
  private walk(visit: (i: number, left: number, w: number, ancestor: boolean) => boolean) {
    const t = this.nodes!;
    const { scale, x0, width } = this.frame();
    for (let i = 0; i < t.count; ) {
      const vis = this.visibility(i);
      const left = vis === 2 ? 0 : (t.x[i] - x0) * scale;
      const w = vis === 2 ? width : t.value[i] * scale;
      i = vis !== 0 && w >= 0.5 && visit(i, left, w, vis === 2) ? i + 1 : t.end[i];
    }
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
    const { width, height } = this.frame();
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
    this.walk((i, left, w, ancestor) => {
      const d = t.depth[i];
      const y = this.icicle ? d * ROW_H : height - (d + 1) * ROW_H;
      ctx.globalAlpha = ancestor ? 0.5 : 1;
      ctx.fillStyle = this.matches?.[i] ? MATCH_FILL : this.colors[t.name[i]];
      ctx.fillRect(left, y, Math.max(w - 0.5, 0.5), ROW_H - 1);
      const label = fitLabel(t.names[t.name[i]], w, this.charW);
      if (label) {
        ctx.fillStyle = '#000';
        ctx.fillText(label, left + 3, y + ROW_H / 2);
      }
      return true;
    });
    ctx.globalAlpha = 1;
  }
}
