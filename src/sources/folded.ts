// Reading folded stacks back (`frame;frame;… weight` a line, root first; ours or flamegraph.pl's
// stackcollapse-* output) into a Profile. Bad lines are counted and reported with file:line, never
// fatal. Folded files do not say their view: it comes from the caller, a `# view=… unit=…` comment,
// the file name (tokens.folded, x.cost.folded) or the leaf frames' kind, in that order.
import type { Profile, Sample, Unit } from '../profile/types.js';

export interface FoldedRead {
  profile: Profile;
  /** "file:line: reason" for every skipped line. */
  skipped: string[];
}

const VIEW_UNITS: Record<string, Unit> = { tokens: 'tokens', cost: 'usd', time: 'seconds', files: 'count', network: 'count', ops: 'count' };
/** Leaf frame kind → the view that ends its stacks with it (the default stacks of profile/views). */
const LEAF_VIEWS: Record<string, string> = { token: 'tokens', effect: 'files', domain: 'network' };

export function readFolded(text: string, file: string, opts: { view?: string; unit?: Unit } = {}): FoldedRead {
  const merged = new Map<string, number>();
  const skipped: string[] = [];
  let header: { view?: string; unit?: string } = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (!line.trim()) continue;
    if (line.startsWith('#')) {
      header = { ...header, ...Object.fromEntries([...line.matchAll(/(view|unit)=(\S+)/g)].map((m) => [m[1], m[2]])) };
      continue;
    }
    // The weight is the last space-separated field: frame labels may contain spaces.
    const cut = line.lastIndexOf(' ');
    const stackText = cut > 0 ? line.slice(0, cut).trimEnd() : '';
    const weight = cut > 0 ? Number(line.slice(cut + 1)) : NaN;
    if (!stackText) skipped.push(`${file}:${i + 1}: no stack before the weight`);
    else if (!Number.isFinite(weight) || weight < 0) skipped.push(`${file}:${i + 1}: weight is not a non-negative number`);
    else if (weight > 0) merged.set(stackText, (merged.get(stackText) ?? 0) + weight);
  }
  const samples: Sample[] = [];
  let total = 0;
  for (const [key, weight] of merged) {
    const stack = key.split(';');
    const labels = labelsOf(stack);
    samples.push(labels ? { stack, weight, labels } : { stack, weight });
    total += weight;
  }
  const view = opts.view ?? header.view ?? viewFromName(file) ?? viewFromLeaves(samples) ?? 'samples';
  const unit = opts.unit ?? (header.unit as Unit | undefined) ?? VIEW_UNITS[view] ?? 'count';
  return { profile: { view, unit, samples, total }, skipped };
}

/** project/agent/session frames double as pprof labels, as the profile builder attaches them. */
function labelsOf(stack: string[]): Record<string, string> | undefined {
  let labels: Record<string, string> | undefined;
  for (const f of stack) {
    const m = /^(project|agent|session):(.+)$/.exec(f);
    if (m) (labels ??= {})[m[1]] = m[2];
  }
  return labels;
}

function viewFromName(file: string): string | undefined {
  const base = file.split('/').pop()!.toLowerCase();
  return Object.keys(VIEW_UNITS).find((v) => new RegExp(`(^|[._-])${v}([._-]|$)`).test(base));
}

function viewFromLeaves(samples: Sample[]): string | undefined {
  const counts = new Map<string, number>();
  for (const s of samples.slice(0, 1000)) {
    const leaf = s.stack[s.stack.length - 1] ?? '';
    const view = LEAF_VIEWS[leaf.slice(0, leaf.indexOf(':'))];
    if (view) counts.set(view, (counts.get(view) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}
