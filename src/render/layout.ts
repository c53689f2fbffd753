// Flamegraph layout, by hand: a frame tree → positioned frames in weight units. Frames narrower than
// `minWeight` (one pixel's worth) are not drawn one by one: adjacent narrow siblings merge into one
// "(N frames)" block, drawn when the block itself is wide enough; the count of frames folded away this
// way is reported so the page can say so (flamegraph.pl prunes them silently).
import { byName, countNodes, type FrameNode } from './tree.js';

export interface LaidFrame {
  name: string;
  depth: number;
  /** Left edge and width in weight units (the root spans [0, total)). */
  x: number;
  w: number;
  /** The tree node this frame draws; absent for a merged block. */
  node?: FrameNode;
  /** Frames folded into this block (merged blocks only). */
  merged?: number;
}

export interface FlameLayout {
  /** Pre-order: every ancestor comes before its descendants. */
  frames: LaidFrame[];
  total: number;
  maxDepth: number;
  /** Frames (tree nodes) not drawn individually because they were narrower than minWeight. */
  merged: number;
}

export function layoutFlame(root: FrameNode, minWeight: number): FlameLayout {
  const frames: LaidFrame[] = [];
  let merged = 0;
  let maxDepth = 0;
  const visit = (node: FrameNode, x: number, depth: number) => {
    frames.push({ name: node.name, depth, x, w: node.value, node });
    if (depth > maxDepth) maxDepth = depth;
    let cx = x;
    let pending: { x: number; w: number; n: number } | null = null;
    const flush = () => {
      if (!pending) return;
      merged += pending.n;
      if (pending.w >= minWeight) {
        frames.push({ name: `(${pending.n} frames)`, depth: depth + 1, x: pending.x, w: pending.w, merged: pending.n });
        if (depth + 1 > maxDepth) maxDepth = depth + 1;
      }
      pending = null;
    };
    // Sorted here, only for frames drawn: the tree may come unsorted (buildTree's sort: false).
    for (const child of [...node.children].sort(byName)) {
      if (child.value >= minWeight) {
        flush();
        visit(child, cx, depth + 1);
      } else {
        pending ??= { x: cx, w: 0, n: 0 };
        pending.w += child.value;
        pending.n += countNodes(child);
      }
      cx += child.value;
    }
    flush();
  };
  if (root.value > 0) visit(root, 0, 0);
  return { frames, total: root.value, maxDepth, merged };
}
