// Frame colours: one hue family per frame kind (the `prefix:` of a label), a stable shade per label
// (FNV-1a hash, not random: the same frame keeps its colour across runs and files).

/** [hue start, hue span, saturation %, base lightness %] per frame kind. */
const FAMILIES: Record<string, [number, number, number, number]> = {
  prompt: [0, 18, 75, 62], // red
  call: [22, 16, 85, 60], // orange
  model: [320, 20, 55, 70], // pink
  token: [44, 12, 90, 58], // gold
  tool: [95, 35, 50, 55], // green
  process: [60, 14, 45, 55], // olive
  file: [195, 30, 60, 62], // blue
  effect: [165, 15, 45, 58], // teal
  domain: [265, 30, 45, 68], // purple
  agent: [30, 10, 15, 70], // warm grey
  project: [210, 10, 12, 72], // cool grey
  session: [0, 0, 0, 78], // grey
};
const OTHER: [number, number, number, number] = [35, 20, 30, 65];

export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function frameKind(label: string): string {
  const i = label.indexOf(':');
  return i > 0 ? label.slice(0, i) : '';
}

export function frameColor(label: string): string {
  const [hue, span, sat, light] = FAMILIES[frameKind(label)] ?? OTHER;
  const h = fnv1a(label);
  const dh = span === 0 ? 0 : (h % 1000) / 1000 * span;
  const dl = ((h >>> 10) % 100) / 100 * 12 - 6;
  return `hsl(${Math.round(hue + dh)},${sat}%,${Math.round(light + dl)}%)`;
}

/**
 * Differential colour as difffolded.pl + flamegraph.pl: red grew, blue shrank, white unchanged.
 * `delta` is the change of share in [-1, 1] relative to the largest change in the profile.
 */
export function diffColor(delta: number): string {
  const d = Math.max(-1, Math.min(1, delta));
  // Strongest change stops at a light red/blue so black labels stay readable.
  const fade = Math.round(255 - 145 * Math.abs(d));
  return d >= 0 ? `rgb(255,${fade},${fade})` : `rgb(${fade},${fade},255)`;
}
