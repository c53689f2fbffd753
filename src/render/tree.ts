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
  /**
   * Index of children by label, only once there are more than a few (most nodes have 0 or 1).
   * Always present (null when unused) so every node keeps one object shape.
   */
  kids: Map<string, Building> | null;
}

const SCAN_LIMIT = 8;
/** Shared by every leaf until it gets a child: a 100k-stack profile has ~100k leaves. */
const NO_CHILDREN: Building[] = [];

function childOf(node: Building, frame: string): Building {
  let c = node.children;
  if (node.kids) {
    const hit = node.kids.get(frame);
    if (hit) return hit;
  } else for (let i = 0; i < c.length; i++) if (c[i].name === frame) return c[i];
  const next: Building = { name: frame, value: 0, children: NO_CHILDREN, kids: null };
  if (c === NO_CHILDREN) node.children = c = [];
  c.push(next);
  if (node.kids) node.kids.set(frame, next);
  else if (c.length > SCAN_LIMIT) node.kids = new Map(c.map((k) => [k.name, k]));
  return next;
}

/**
 * Children sorted by label (flamegraph.pl's order): stable layout, identical stacks side by side.
 * `sort: false` keeps first-seen order, for callers that sort only what they draw (the SVG layout).
 */
export function buildTree(samples: Iterable<Pick<Sample, 'stack' | 'weight'>>, rootName = 'all', opts: { sort?: boolean } = {}): FrameNode {
  // Built in place (no copy at the end), one object per node.
  const root: Building = { name: rootName, value: 0, children: NO_CHILDREN, kids: null };
  for (const { stack, weight } of samples) {
    if (!(weight > 0) || !Number.isFinite(weight)) continue;
    root.value += weight;
    let node = root;
    for (const frame of stack) {
      node = childOf(node, frame);
      node.value += weight;
    }
  }
  finish(root, opts.sort !== false);
  return root;
}

export const byName = (x: FrameNode, y: FrameNode) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0);

function finish(n: Building, sort: boolean) {
  if (n.kids) n.kids = null;
  if (n.children === NO_CHILDREN) {
    n.children = []; // leaves get their own array: callers may treat the tree as theirs
    return;
  }
  if (sort && n.children.length > 1) n.children.sort(byName);
  for (const c of n.children) finish(c, sort);
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
