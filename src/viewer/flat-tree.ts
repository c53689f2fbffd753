// The compact frame-tree encoding the HTML page embeds and the live dashboard streams: a string table
// and pre-order triplets [nameIndex, depth, value]. Pre-order + depth is enough to rebuild parents and
// x positions, and is several times smaller than nested {name, value, children} JSON.

export interface FlatTree {
  names: string[];
  /** [nameIndex, depth, value] per node, pre-order; node 0 is the root. */
  nodes: number[];
}

export interface TreeLike {
  name: string;
  value: number;
  children: TreeLike[];
}

export function flattenTree(root: TreeLike): FlatTree {
  const names: string[] = [];
  const index = new Map<string, number>();
  const nodes: number[] = [];
  const visit = (n: TreeLike, depth: number) => {
    let i = index.get(n.name);
    if (i === undefined) {
      i = names.length;
      names.push(n.name);
      index.set(n.name, i);
    }
    // Weights are rounded to 6 significant decimals: the JSON stays small, shares are unaffected.
    nodes.push(i, depth, Math.round(n.value * 1e6) / 1e6);
    for (const c of n.children) visit(c, depth + 1);
  };
  visit(root, 0);
  return { names, nodes };
}

/** The decoded tree: parallel arrays indexed by node, with x (left edge, weight units) and parent. */
export interface Nodes {
  count: number;
  names: string[];
  name: Int32Array;
  depth: Int32Array;
  value: Float64Array;
  x: Float64Array;
  parent: Int32Array;
  /** Index one past the node's last descendant (its subtree is [i, end[i])). */
  end: Int32Array;
  self: Float64Array;
  maxDepth: number;
}

export function decodeTree(t: FlatTree): Nodes {
  const count = t.nodes.length / 3;
  const name = new Int32Array(count);
  const depth = new Int32Array(count);
  const value = new Float64Array(count);
  const x = new Float64Array(count);
  const parent = new Int32Array(count).fill(-1);
  const end = new Int32Array(count);
  const self = new Float64Array(count);
  const stack: number[] = []; // open ancestors by depth
  const nextX: number[] = [];
  let maxDepth = 0;
  for (let i = 0; i < count; i++) {
    name[i] = t.nodes[3 * i];
    const d = (depth[i] = t.nodes[3 * i + 1]);
    value[i] = self[i] = t.nodes[3 * i + 2];
    while (stack.length > d) end[stack.pop()!] = i;
    if (d > 0) {
      const p = stack[d - 1];
      parent[i] = p;
      x[i] = nextX[d - 1];
      nextX[d - 1] += value[i];
      self[p] -= value[i];
    }
    stack[d] = i;
    nextX[d] = x[i];
    if (d > maxDepth) maxDepth = d;
  }
  while (stack.length) end[stack.pop()!] = count;
  for (let i = 0; i < count; i++) if (self[i] < 0) self[i] = 0;
  return { count, names: t.names, name, depth, value, x, parent, end, self, maxDepth };
}
