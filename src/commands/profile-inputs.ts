// Profile files given on the command line (merge, diff): folded stacks or pprof, detected by content
// (gzip or protobuf magic) before the extension, and merged per view. Shared by merge.ts and diff.ts.
import { readFileSync } from 'node:fs';
import type { Profile } from '../profile/types.js';
import { readFolded } from '../sources/folded.js';
import { isPprof, readPprof } from '../sources/pprof.js';

export interface InputRead {
  profiles: Profile[];
  /** "file:line: reason" for skipped folded lines. */
  skipped: string[];
}

export function looksLikeProfileFile(path: string): boolean {
  return /\.(pb\.gz|pprof|pb|folded|collapsed|txt)$/i.test(path);
}

export function readProfileFile(path: string, opts: { view?: string } = {}): InputRead {
  const bytes = readFileSync(path);
  if (isPprof(bytes) || /\.(pb|pprof|pb\.gz)$/i.test(path)) {
    try {
      return { profiles: readPprof(bytes), skipped: [] };
    } catch (err) {
      throw new Error(`${path}: not a pprof profile (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  const r = readFolded(bytes.toString('utf8'), path, opts);
  return { profiles: r.profile.samples.length ? [r.profile] : [], skipped: r.skipped };
}

/** Profiles of the same view are concatenated (samples and totals add); views keep first-seen order. */
export function mergeProfiles(profiles: Profile[]): Profile[] {
  const byView = new Map<string, Profile>();
  for (const p of profiles) {
    const have = byView.get(p.view);
    if (!have) {
      byView.set(p.view, { view: p.view, unit: p.unit, samples: [...p.samples], total: p.total, ...(p.status ? { status: p.status } : {}) });
      continue;
    }
    if (have.unit !== p.unit) throw new Error(`cannot merge ${p.view} profiles in ${have.unit} and ${p.unit}`);
    have.samples.push(...p.samples);
    have.total += p.total;
    delete have.status; // one file's status no longer describes the merge
  }
  return [...byView.values()];
}

export function readAll(paths: string[], opts: { view?: string } = {}): InputRead {
  const profiles: Profile[] = [];
  const skipped: string[] = [];
  for (const path of paths) {
    const r = readProfileFile(path, opts);
    profiles.push(...r.profiles);
    skipped.push(...r.skipped);
  }
  return { profiles: mergeProfiles(profiles), skipped };
}
