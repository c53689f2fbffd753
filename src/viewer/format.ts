// How a weight reads to a person, in the view's unit. Shared by the SVG/HTML viewers (browser) and the
// renderers (node): no imports, no DOM.

export type UnitName = 'tokens' | 'usd' | 'seconds' | 'count' | string;

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatWeight(value: number, unit: UnitName): string {
  switch (unit) {
    case 'tokens':
      return `${int.format(value)} tokens`;
    case 'usd':
      // Cents hide most of a small profile's cost; keep four digits below a dollar.
      return value >= 1 ? `$${value.toFixed(2)}` : `$${value.toPrecision(Math.max(1, Math.min(4, significant(value))))}`;
    case 'seconds':
      return value >= 100 ? `${int.format(value)} s` : `${value.toFixed(value >= 10 ? 1 : 2)} s`;
    default: {
      const n = Number.isInteger(value) ? int.format(value) : value.toFixed(2);
      return unit && unit !== 'count' ? `${n} ${unit}` : n;
    }
  }
}

/** What a count counts, per view: shown instead of the bare 'count' unit. */
const COUNT_NOUNS: Record<string, string> = { files: 'effects', network: 'connections', ops: 'calls' };

/** The unit as people read it: tokens, usd, seconds, or the view's noun for counts ("effects"). */
export function displayUnit(view: string, unit: UnitName): UnitName {
  return unit === 'count' ? COUNT_NOUNS[view] ?? 'count' : unit;
}

function significant(v: number): number {
  return v === 0 ? 1 : 4;
}

/** Share of the total as a percentage with two decimals ("12.34%"). */
export function formatShare(part: number, total: number): string {
  if (!(total > 0)) return '0.00%';
  return `${((100 * part) / total).toFixed(2)}%`;
}

/** "label — 12,345 tokens (12.34%)": the tooltip and details line of a frame. */
export function frameDetails(label: string, value: number, total: number, unit: UnitName): string {
  return `${label} — ${formatWeight(value, unit)} (${formatShare(value, total)})`;
}

/** The label cut to fit `px` pixels at `charW` per character, ".." when cut (as flamegraph.pl). */
export function fitLabel(label: string, px: number, charW: number): string {
  const n = Math.floor((px - 6) / charW);
  if (n < 3) return '';
  return label.length <= n ? label : label.slice(0, n - 2) + '..';
}
