// Encodes a live profile for download and for the flush on exit, through render/'s dispatcher:
// a live profile is rendered exactly like an offline one.
import type { Profile } from '../profile/types.js';
import { renderProfiles, type OutputFormat } from '../render/index.js';

export const FORMATS = ['svg', 'folded', 'pb.gz', 'json'] as const;
export type ProfileFormat = (typeof FORMATS)[number];

const RENDER: Record<ProfileFormat, [OutputFormat, string]> = {
  svg: ['svg', 'image/svg+xml'],
  folded: ['folded', 'text/plain; charset=utf-8'],
  'pb.gz': ['pprof', 'application/octet-stream'],
  json: ['json', 'application/json'],
};

export function encodeProfile(p: Profile, format: ProfileFormat): { type: string; body: string | Buffer } {
  const [fmt, type] = RENDER[format];
  return { type, body: renderProfiles([p], fmt, { title: `agentpprof live — ${p.view}` }) };
}

export const folded = (p: Profile): string => String(renderProfiles([p], 'folded'));
