// Folded samples → a frame tree (a trie keyed by label, root first). Every tree-shaped output (SVG
// layout, the HTML viewer's data, the d3-flame-graph JSON) starts here.
import type { Sample } from '../profile/types.js';

export interface FrameNode {
  name: string;
  /** Inclusive weight: this frame and everything above it. */
  value: number;
  children: FrameNode[];
}

interface Building {
  name: string;
  value: number;
  kids: Map<string, Building>;
}

/** Children sorted by label (flamegraph.pl's order): stable layout, identical stacks side by side. */
export function buildTree(samples: Iterable<Pick<Sample, 'stack' | 'weight'>>, rootName = 'all'): FrameNode {
  const root: Building = { name: rootName, value: 0, kids: new Map() };
  for (const { stack, weight } of samples) {
    if (!(weight > 0) || !Number.isFinite(weight)) continue;
    root.value += weight;
    let node = root;
    for (const frame of stack) {
      let next = node.kids.get(frame);
      if (!next) {
        next = { name: frame, value: 0, kids: new Map() };
        node.kids.set(frame, next);
      }
      next.value += weight;
      node = next;
    }
  }
  return freeze(root);
}

function freeze(b: Building): FrameNode {
  const children = [...b.kids.values()].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0)).map(freeze);
  return { name: b.name, value: b.value, children };
}

export function selfWeight(node: FrameNode): number {
  let kids = 0;
  for (const c of node.children) kids += c.value;
  return Math.max(0, node.value - kids);
}

export function countNodes(node: FrameNode): number {
  let n = 1;
  for (const c of node.children) n += countNodes(c);
  return n;
}
