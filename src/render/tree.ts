// Folded samples → a frame tree (a trie keyed by label, root first). Every tree-shaped output (SVG
// layout, the HTML viewer's data, the d3-flame-graph JSON) starts here.
import type { Sample } from '../profile/types.js';

export interface FrameNode {
  name: string;
  /** Inclusive weight: this frame and everything above it. */
  value: number;
  children: FrameNode[];
}

interface Building extends FrameNode {
  children: Building[];
  /** Index of children by label, only once there are more than a few (most nodes have 0 or 1). */
  kids?: Map<string, Building>;
}

const SCAN_LIMIT = 8;

function childOf(node: Building, frame: string): Building {
  const c = node.children;
  let next: Building | undefined;
  if (node.kids) next = node.kids.get(frame);
  else for (let i = 0; i < c.length; i++) if (c[i].name === frame) return c[i];
  if (next) return next;
  next = { name: frame, value: 0, children: [] };
  c.push(next);
  if (node.kids) node.kids.set(frame, next);
  else if (c.length > SCAN_LIMIT) node.kids = new Map(c.map((k) => [k.name, k]));
  return next;
}

/** Children sorted by label (flamegraph.pl's order): stable layout, identical stacks side by side. */
export function buildTree(samples: Iterable<Pick<Sample, 'stack' | 'weight'>>, rootName = 'all'): FrameNode {
  // Built in place (no copy at the end): a 100k-stack profile has ~300k nodes, most with one child.
  const root: Building = { name: rootName, value: 0, children: [] };
  for (const { stack, weight } of samples) {
    if (!(weight > 0) || !Number.isFinite(weight)) continue;
    root.value += weight;
    let node = root;
    for (const frame of stack) {
      node = childOf(node, frame);
      node.value += weight;
    }
  }
  finish(root);
  return root;
}

const byName = (x: FrameNode, y: FrameNode) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0);

function finish(n: Building) {
  delete n.kids;
  if (n.children.length > 1) n.children.sort(byName);
  for (const c of n.children) finish(c);
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
