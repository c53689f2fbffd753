// The terminal report: totals, the top prompt tags and the top stacks with their shares, then what the
// status block warns about. Frame labels and numbers only: no prompt text ever reaches it.

import type { Profile, Unit } from '../profile/types.js';
import { mergeStacks } from './folded.js';
import { coverageText } from '../profile/status.js';

export function formatAmount(w: number, unit: Unit | string): string {
  switch (unit) {
    case 'usd': return `$${w >= 100 ? w.toFixed(0) : w >= 1 ? w.toFixed(2) : w.toFixed(4)}`;
    case 'seconds': {
      if (w < 60) return `${w.toFixed(1)}s`;
      const h = Math.floor(w / 3600), m = Math.floor((w % 3600) / 60), s = Math.floor(w % 60);
      return h ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s).padStart(2, '0')}s`;
    }
    default: {
      const a = Math.abs(w);
      if (a >= 1e9) return `${(w / 1e9).toFixed(2)}G`;
      if (a >= 1e6) return `${(w / 1e6).toFixed(2)}M`;
      if (a >= 1e4) return `${(w / 1e3).toFixed(1)}k`;
      return Number.isInteger(w) ? String(w) : w.toFixed(2);
    }
  }
}

/** What the headline total counts, per view. */
const UNIT_WORDS: Record<string, string> = {
  tokens: ' tokens (agent-reported)', cost: ' at list price', time: ' of calls and tools (idle capped)',
  files: ' file effects', network: ' connections', ops: ' operations (LLM calls + tool calls)',
};

const pct = (w: number, total: number) => (total > 0 ? `${((100 * w) / total).toFixed(1)}%` : '-');

/** Weight per value of one frame kind (e.g. every `prompt:` frame), largest first. */
export function byFrame(p: Profile, kind: string): [string, number][] {
  const m = new Map<string, number>();
  const prefix = kind + ':';
  for (const s of p.samples) {
    const f = s.stack.find((x) => x.startsWith(prefix));
    const k = f ? f.slice(prefix.length) : '(none)';
    m.set(k, (m.get(k) ?? 0) + s.weight);
  }
  return [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

export interface TextOptions {
  /** How many stacks to list (default 15). */
  top?: number;
}

/** One report per profile (the dispatcher passes a list). */
export function renderText(profiles: Profile | Profile[], opts: TextOptions = {}): string {
  return (Array.isArray(profiles) ? profiles : [profiles]).map((p) => renderOne(p, opts)).join('\n');
}

function renderOne(p: Profile, opts: TextOptions): string {
  const top = opts.top ?? 15;
  const st = p.status;
  const out: string[] = [];
  out.push(`agentpprof — view ${p.view}: ${formatAmount(p.total, p.unit)}${UNIT_WORDS[p.view] ?? (p.unit === 'tokens' ? ' tokens' : '')}`);
  if (st) {
    out.push(`${st.sessions} sessions, ${st.prompts} prompts, ${st.calls ?? '?'} LLM calls, tag coverage ${coverageText(st)} (${st.matched} matched, ${st.unmatched} unmatched)` +
      (st.skipped_lines ? `, ${st.skipped_lines} lines skipped` : ''));
  }
  const tags = byFrame(p, 'prompt');
  if (tags.length && !(tags.length === 1 && tags[0][0] === '(none)')) {
    out.push('', 'Top prompt tags:');
    const w = Math.max(...tags.slice(0, top).map(([t]) => t.length), 6);
    for (const [t, v] of tags.slice(0, top)) out.push(`  ${t.padEnd(w)}  ${pct(v, p.total).padStart(6)}  ${formatAmount(v, p.unit)}`);
  }
  const stacks = [...mergeStacks(p)].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, top);
  if (stacks.length) {
    out.push('', 'Top stacks:');
    for (const [k, v] of stacks) out.push(`  ${pct(v, p.total).padStart(6)}  ${formatAmount(v, p.unit).padStart(9)}  ${k.split(';').join(' → ')}`);
  } else out.push('', '(no samples)');
  if (st?.unknown_models?.length) out.push('', `Unknown models (priced $0): ${st.unknown_models.join(', ')}`);
  for (const w of warnings(p)) out.push(`warning: ${w}`);
  return out.join('\n') + '\n';
}

/** The tagging warnings the seed's workflow acts on: too much unmatched, or one tag swallowing all. */
export function warnings(p: Profile): string[] {
  const st = p.status;
  if (!st || !st.prompts) return [];
  const w: string[] = [];
  const un = (100 * st.unmatched) / st.prompts;
  if (un > 5) w.push(`${un.toFixed(1)}% of prompts are unmatched (> 5%): add rules (agentpprof tags shows them)`);
  for (const [tag, n] of Object.entries(st.tag_counts)) {
    if (tag !== 'unmatched' && (100 * n) / st.prompts > 40) w.push(`tag "${tag}" holds ${((100 * n) / st.prompts).toFixed(1)}% of prompts (> 40%): split it with more specific rules`);
  }
  return w;
}
