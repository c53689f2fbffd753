// The four uPlot time series (tokens/s, cost/min, events/s, drops) with collector gaps shaded.
import uPlot from 'uplot';

export interface GapSpan { start: number; end?: number }

const SPECS: [title: string, color: string, fmt: (v: number) => string][] = [
  ['tokens/s', '#d9822b', (v) => v.toFixed(0)],
  ['cost $/min (list price)', '#2b8a3e', (v) => '$' + v.toFixed(4)],
  ['events/s', '#1c7ed6', (v) => v.toFixed(0)],
  ['ring-buffer drops/s', '#c92a2a', (v) => v.toFixed(0)],
];

/**
 * The y axis as wide as its widest label (a fixed width clipped "$0.0012" and 5-digit rates): ticks,
 * gap and the text measured in the axis font. uPlot asks again as labels change (cycleNum > 1 is its
 * re-layout within one redraw: the size found first is kept, so the layout settles).
 */
function fitLabels(u: uPlot, values: string[] | null, axisIdx: number, cycleNum: number): number {
  const axis = u.axes[axisIdx] as uPlot.Axis & { _size?: number };
  if (cycleNum > 1 && axis._size) return axis._size;
  let size = (axis.ticks?.size ?? 10) + (axis.gap ?? 5);
  const longest = (values ?? []).reduce((a, v) => (v.length > a.length ? v : a), '');
  if (longest) {
    u.ctx.font = (axis.font as unknown as string[] | undefined)?.[0] ?? '12px system-ui';
    size += u.ctx.measureText(longest).width / devicePixelRatio;
  }
  return Math.ceil(size) + 2;
}

export class Charts {
  readonly #plots: uPlot[] = [];
  gaps: GapSpan[] = [];

  constructor(host: HTMLElement) {
    for (const [title, stroke, fmt] of SPECS) {
      const el = document.createElement('div');
      el.className = 'chart';
      host.appendChild(el);
      const gapsOf = () => this.gaps;
      this.#plots.push(new uPlot({
        title, width: 300, height: 150,
        legend: { show: false },
        scales: { x: { time: true } },
        axes: [{ size: 30 }, { size: fitLabels, values: (_u, vals) => vals.map((v) => fmt(v)) }],
        series: [{}, { stroke, fill: stroke + '33', width: 1.5 }],
        hooks: {
          // A collector restart is a visible gap, not a silent hole.
          draw: [(u) => {
            const ctx = u.ctx;
            ctx.save();
            ctx.fillStyle = 'rgba(201,42,42,0.18)';
            for (const g of gapsOf()) {
              const x0 = u.valToPos(g.start / 1000, 'x', true);
              const x1 = u.valToPos((g.end ?? Date.now()) / 1000, 'x', true);
              ctx.fillRect(x0, u.bbox.top, Math.max(2, x1 - x0), u.bbox.height);
            }
            ctx.restore();
          }],
        },
      }, [[], []], el));
    }
  }

  set(cols: [number[], number[], number[], number[], number[]]): void {
    this.#plots.forEach((p, i) => p.setData([cols[0], cols[i + 1]]));
  }

  resize(width: number): void {
    const w = Math.max(200, Math.floor(width / 4) - 12);
    for (const p of this.#plots) p.setSize({ width: w, height: 150 });
  }
}
