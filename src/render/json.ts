// Profiles → the d3-flame-graph tree ({name, value, children}) plus the status block. One profile is
// written as {view, unit, total, status, tree}; several as {profiles: [...]}.
import type { Profile } from '../profile/types.js';
import { buildTree, type FrameNode } from './tree.js';

interface D3Node {
  name: string;
  value: number;
  children?: D3Node[];
}

function toD3(n: FrameNode): D3Node {
  return n.children.length ? { name: n.name, value: n.value, children: n.children.map(toD3) } : { name: n.name, value: n.value };
}

export function profileJson(p: Profile) {
  return { view: p.view, unit: p.unit, total: p.total, status: p.status ?? null, tree: toD3(buildTree(p.samples)) };
}

export function renderJson(profiles: Profile[]): string {
  const body = profiles.length === 1 ? profileJson(profiles[0]) : { profiles: profiles.map(profileJson) };
  return JSON.stringify(body) + '\n';
}
