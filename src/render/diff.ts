// Differential profiles, as difffolded.pl + flamegraph.pl: the NEW profile drawn (width = new weight),
// each frame coloured by how its share changed against BASE — red grew, blue shrank — with BASE
// normalised to NEW's total so a longer period does not read as growth everywhere. Plus the text
// report: the tags (frame labels) and the whole stacks whose share changed most.
import type { Profile } from '../profile/types.js';
import { diffColor } from '../viewer/colors.js';
import { displayUnit, formatWeight } from '../viewer/format.js';
import { renderFlameSvg } from './svg.js';
import type { FrameNode } from './tree.js';

export interface DiffNode extends FrameNode {
  /** BASE weight scaled to NEW's total. */
  base: number;
  children: DiffNode[];
}

interface Building {
  name: string;
  value: number;
  base: number;
  kids: Map<string, Building>;
}

export function diffTree(base: Profile, next: Profile): DiffNode {
  const scale = base.total > 0 ? next.total / base.total : 0;
  const root: Building = { name: 'all', value: 0, base: 0, kids: new Map() };
  const add = (p: Profile, field: 'value' | 'base', k: number) => {
    for (const s of p.samples) {
      const w = s.weight * k;
      if (!(w > 0)) continue;
      root[field] += w;
      let node = root;
      for (const f of s.stack) {
        let next = node.kids.get(f);
        if (!next) node.kids.set(f, (next = { name: f, value: 0, base: 0, kids: new Map() }));
        next[field] += w;
        node = next;
      }
    }
  };
  add(next, 'value', 1);
  add(base, 'base', scale);
  const freeze = (b: Building): DiffNode => ({
    name: b.name,
    value: b.value,
    base: b.base,
    children: [...b.kids.values()].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0)).map(freeze),
  });
  return freeze(root);
}

function maxAbsDelta(n: DiffNode): number {
  let m = Math.abs(n.value - n.base);
  for (const c of n.children) m = Math.max(m, maxAbsDelta(c));
  return m;
}

const pts = (d: number) => `${d >= 0 ? '+' : ''}${(100 * d).toFixed(2)} pts`;

export function renderDiffSvg(base: Profile, next: Profile, opts: { title?: string; baseName?: string; newName?: string } = {}): string {
  const root = diffTree(base, next);
  // Colour by change relative to the largest frame change, so the strongest change is fully saturated.
  const maxDelta = maxAbsDelta(root) || 1;
  const total = root.value || 1;
  const title = opts.title ?? `agentpprof diff — ${next.view}`;
  return renderFlameSvg({
    root,
    unit: displayUnit(next.view, next.unit),
    title,
    subtitle: (merged) =>
      [`${opts.baseName ?? 'base'} ${formatWeight(base.total, displayUnit(base.view, base.unit))} → ${opts.newName ?? 'new'} ${formatWeight(next.total, displayUnit(next.view, next.unit))}`, 'red grew, blue shrank (share of total)', merged ? `${merged} frames narrower than 1 px merged` : ''].filter(Boolean).join(' · '),
    color: (f) => {
      const n = f.node as DiffNode | undefined;
      return n ? diffColor((n.value - n.base) / maxDelta) : '#ccc';
    },
    note: (f) => {
      const n = f.node as DiffNode | undefined;
      return n ? `base ${((100 * n.base) / total).toFixed(2)}% → ${pts((n.value - n.base) / total)}` : undefined;
    },
  }).svg;
}

export interface ShareChange {
  key: string;
  base: number;
  next: number;
  /** Change of share, in [-1, 1]. */
  delta: number;
}

/** Per frame label, weight counted once per stack (a label nested under itself is not added twice). */
function byLabel(p: Profile): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of p.samples) for (const f of new Set(s.stack)) m.set(f, (m.get(f) ?? 0) + s.weight);
  return m;
}

function byStack(p: Profile): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of p.samples) {
    const k = s.stack.join(';');
    m.set(k, (m.get(k) ?? 0) + s.weight);
  }
  return m;
}

export function shareChanges(base: Map<string, number>, baseTotal: number, next: Map<string, number>, nextTotal: number): ShareChange[] {
  const out: ShareChange[] = [];
  for (const key of new Set([...base.keys(), ...next.keys()])) {
    const b = baseTotal > 0 ? (base.get(key) ?? 0) / baseTotal : 0;
    const n = nextTotal > 0 ? (next.get(key) ?? 0) / nextTotal : 0;
    if (b !== n) out.push({ key, base: b, next: n, delta: n - b });
  }
  return out.sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || (x.key < y.key ? -1 : 1));
}

export function tagChanges(base: Profile, next: Profile): ShareChange[] {
  return shareChanges(byLabel(base), base.total, byLabel(next), next.total);
}

export function stackChanges(base: Profile, next: Profile): ShareChange[] {
  return shareChanges(byStack(base), base.total, byStack(next), next.total);
}

export function renderDiffText(base: Profile, next: Profile, opts: { limit?: number; baseName?: string; newName?: string } = {}): string {
  const limit = opts.limit ?? 20;
  const pct = (v: number) => `${(100 * v).toFixed(2)}%`.padStart(8);
  const table = (rows: ShareChange[]) => rows.slice(0, limit).map((r) => `${pct(r.base)} ${pct(r.next)} ${pts(r.delta).padStart(12)}  ${r.key}`);
  const head = `    base      new       change  `;
  const tags = tagChanges(base, next);
  return [
    `${next.view}: ${opts.baseName ?? 'base'} ${formatWeight(base.total, displayUnit(base.view, base.unit))} → ${opts.newName ?? 'new'} ${formatWeight(next.total, displayUnit(next.view, next.unit))} (${base.total > 0 ? `${next.total >= base.total ? '+' : ''}${((100 * (next.total - base.total)) / base.total).toFixed(1)}%` : 'new'})`,
    '',
    'Prompt tags whose share changed most',
    head + 'tag',
    ...table(tags.filter((r) => r.key.startsWith('prompt:'))),
    '',
    'Other frames whose share changed most',
    head + 'frame',
    ...table(tags.filter((r) => !r.key.startsWith('prompt:'))),
    '',
    'Stacks whose share changed most',
    head + 'stack',
    ...table(stackChanges(base, next)),
    '',
  ].join('\n');
}

/** difffolded.pl's output: `stack base new`, BASE normalised to NEW's total. */
export function renderDiffFolded(base: Profile, next: Profile): string {
  const scale = base.total > 0 ? next.total / base.total : 0;
  const b = byStack(base);
  const n = byStack(next);
  const keys = [...new Set([...b.keys(), ...n.keys()])].sort();
  const r = (v: number) => String(Number(v.toFixed(6)));
  return keys.map((k) => `${k} ${r((b.get(k) ?? 0) * scale)} ${r(n.get(k) ?? 0)}`).join('\n') + (keys.length ? '\n' : '');
}

