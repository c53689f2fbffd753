// The one-screen summary `agentpprof live -- CMD` prints when the command ends: tokens and cost by prompt
// tag, the top files and domains, and where the profile was written — read back from the folded files the
// run flushed (the same numbers as the profile, whichever process computed them).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** stack → weight from one folded file (`a;b;c 12.5` per line); empty when the view was not written. */
export function readFolded(path: string): Map<string, number> {
  const out = new Map<string, number>();
  if (!existsSync(path)) return out;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const sp = line.lastIndexOf(' ');
    const w = Number(line.slice(sp + 1));
    if (sp > 0 && Number.isFinite(w)) out.set(line.slice(0, sp), (out.get(line.slice(0, sp)) ?? 0) + w);
  }
  return out;
}

/** Sums of `stacks` by the value of the first frame with `prefix` (stacks without one are left out). */
export function byFrame(stacks: Map<string, number>, prefix: string, key?: (frames: string[]) => string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const [s, w] of stacks) {
    const frames = s.split(';');
    const f = frames.find((x) => x.startsWith(prefix));
    if (!f) continue;
    const k = key ? key(frames) : f.slice(prefix.length);
    if (k !== undefined) out.set(k, (out.get(k) ?? 0) + w);
  }
  return out;
}

const top = (m: Map<string, number>, n: number): [string, number][] => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);

const compact = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${Math.round(n / 1e3)}k` : String(Math.round(n)));

export interface SummaryInput {
  dir: string;
  command: string;
  exitCode: number;
  seconds: number;
}

export function summary(s: SummaryInput): string {
  const tokens = readFolded(join(s.dir, 'tokens.folded'));
  const cost = readFolded(join(s.dir, 'cost.folded'));
  const tag = (frames: string[]) => frames.find((f) => f.startsWith('prompt:'))?.slice('prompt:'.length);
  const tags = new Map<string, Record<string, number>>();
  for (const [stack, w] of tokens) {
    const frames = stack.split(';');
    const t = tag(frames) ?? '(none)';
    const kind = frames.at(-1)!.replace(/^token:/, '');
    const row = tags.get(t) ?? {};
    row[kind] = (row[kind] ?? 0) + w;
    tags.set(t, row);
  }
  const costBy = byFrame(cost, 'prompt:');
  const lines = [`agentpprof: \`${s.command}\` exited ${s.exitCode} after ${s.seconds.toFixed(1)} s`];
  if (tags.size) {
    lines.push(`  ${'prompt tag'.padEnd(20)} ${'input'.padStart(8)} ${'output'.padStart(8)} ${'cache rd'.padStart(8)} ${'cache wr'.padStart(8)} ${'cost'.padStart(9)}`);
    const rows = [...tags].sort((a, b) => (costBy.get(b[0]) ?? 0) - (costBy.get(a[0]) ?? 0)).slice(0, 8);
    for (const [t, r] of rows) {
      lines.push(`  ${t.slice(0, 20).padEnd(20)} ${compact(r.input ?? 0).padStart(8)} ${compact(r.output ?? 0).padStart(8)} ${compact(r.cache_read ?? 0).padStart(8)} ` +
        `${compact(r.cache_write ?? 0).padStart(8)} ${('$' + (costBy.get(t) ?? 0).toFixed(4)).padStart(9)}`);
    }
    if (tags.size > rows.length) lines.push(`  … ${tags.size - rows.length} more tags`);
  } else {
    lines.push('  no model calls seen (no trace file of a known agent was written, and no TLS plaintext decoded)');
  }
  // what was read, written or deleted: a program's exec is a process, not a file touched
  const fileFx = new Map([...readFolded(join(s.dir, 'files.folded'))].filter(([k]) => !k.endsWith(';effect:exec')));
  // the project's files by name; outside it, the privacy buckets (external/home, external/tmp, …) in one line
  const byFile = byFrame(fileFx, 'file:');
  const inside = top(new Map([...byFile].filter(([f]) => !f.startsWith('external/'))), 8);
  const outside = top(new Map([...byFile].filter(([f]) => f.startsWith('external/'))), 5);
  if (inside.length) lines.push(`  files: ${inside.map(([f, n]) => `${f} ${n}`).join(' · ')}`);
  if (outside.length) lines.push(`  outside the project: ${outside.map(([f, n]) => `${f} ${n}`).join(' · ')}`);
  const domains = top(byFrame(readFolded(join(s.dir, 'network.folded')), 'domain:'), 6);
  if (domains.length) lines.push(`  domains: ${domains.map(([d, n]) => `${d} ${n}`).join(' · ')}`);
  lines.push(`  profile: ${s.dir}/ (tokens.svg, live.pb.gz, one .folded per view; \`go tool pprof -http : ${join(s.dir, 'live.pb.gz')}\`)`);
  return lines.join('\n') + '\n';
}
