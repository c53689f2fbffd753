// This period against the previous one: which tags changed their share of the cost, and which
// patterns appeared or grew. Pairs with the differential flamegraph (`agentpprof diff`).

import type { AdviseInput, Finding } from './types.js';
import { round } from './util.js';

export function costByTag(input: AdviseInput): Map<string, number> {
  const m = new Map<string, number>();
  for (const c of input.batch.calls) {
    const tag = input.tagOf(c.prompt);
    m.set(tag, (m.get(tag) ?? 0) + input.costOf(c));
  }
  return m;
}

export function compareTags(base: AdviseInput, cur: AdviseInput, opts: { minPoints?: number } = {}): Finding[] {
  const a = costByTag(base), b = costByTag(cur);
  const ta = [...a.values()].reduce((s, x) => s + x, 0), tb = [...b.values()].reduce((s, x) => s + x, 0);
  if (!ta || !tb) return [];
  const out: Finding[] = [];
  for (const tag of new Set([...a.keys(), ...b.keys()])) {
    const sa = (a.get(tag) ?? 0) / ta, sb = (b.get(tag) ?? 0) / tb;
    const points = (sb - sa) * 100;
    if (Math.abs(points) < (opts.minPoints ?? 5)) continue;
    // What the tag would cost now at its old share: the part of the bill the shift explains.
    const shiftUsd = (sb - sa) * tb;
    out.push({
      kind: 'shift',
      title: `"${tag}" ${points > 0 ? 'grew' : 'shrank'} from ${round(sa * 100, 1)} % to ${round(sb * 100, 1)} % of the cost`,
      advice: points > 0
        ? `Open the differential flamegraph on prompt:${tag} (agentpprof diff BASE NEW -o diff.svg) to see which calls and tools grew; ` +
          'the findings below for this tag are the first candidates.'
        : `"${tag}" now costs less; if that came from a workflow change, write it down in CLAUDE.md / AGENTS.md so it sticks.`,
      evidence: { tag, base_share_pct: round(sa * 100, 1), new_share_pct: round(sb * 100, 1), base_usd: round(a.get(tag) ?? 0, 4), new_usd: round(b.get(tag) ?? 0, 4) },
      trace: { view: 'cost', search: `^prompt:${tag}$`, stacks: [`prompt:${tag}`] },
      savingTokens: 0,
      savingUsd: points > 0 ? round(shiftUsd, 4) : 0,
    });
  }
  return out;
}
