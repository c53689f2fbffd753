// Encodes a live profile for download and for the flush on exit. Folded stacks and JSON are written
// here; SVG and pprof come from render/ once it provides them.
import type { Profile } from '../profile/types.js';

export const FORMATS = ['svg', 'folded', 'pb.gz', 'json'] as const;
export type ProfileFormat = (typeof FORMATS)[number];

export function folded(p: Profile): string {
  return p.samples.map((s) => `${s.stack.join(';')} ${+s.weight.toFixed(6)}`).join('\n') + (p.samples.length ? '\n' : '');
}

export async function encodeProfile(p: Profile, format: ProfileFormat): Promise<{ type: string; body: string | Buffer }> {
  switch (format) {
    case 'folded': return { type: 'text/plain; charset=utf-8', body: folded(p) };
    case 'json': return { type: 'application/json', body: JSON.stringify(p) };
    default: throw Object.assign(new Error(`${format} export needs the renderers (src/render/), not in this build`), { statusCode: 501 });
  }
}
