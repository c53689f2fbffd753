// Reading pprof back (ours or any profile.proto file, gzipped or not) into Profiles, one per sample
// type with a non-zero total. pprof stores the leaf first (location_id[0]); our stacks are root first.
import { gunzipSync } from 'node:zlib';
import { Profile as PprofProfile } from 'pprof-format';
import type { Profile, Sample } from '../profile/types.js';
import { profileUnitOf } from '../profile/pprof-units.js';

export function isPprof(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Decode a pprof file. Throws on bytes that are not a profile (the caller reports the path). */
export function readPprof(bytes: Uint8Array): Profile[] {
  const raw = isPprof(bytes) ? gunzipSync(bytes) : bytes;
  const p = PprofProfile.decode(raw);
  const str = (i: number | bigint | undefined) => p.stringTable.strings[Number(i ?? 0)] ?? '';
  const fnName = new Map<string, string>();
  for (const f of p.function) fnName.set(String(f.id), str(f.name));
  // One location can hold several lines (inlining); line[0] is the innermost, so it is the leaf-most.
  const locFrames = new Map<string, string[]>();
  for (const loc of p.location) {
    const names = loc.line.map((l) => fnName.get(String(l.functionId)) ?? `0x${Number(loc.address).toString(16)}`);
    locFrames.set(String(loc.id), names.length ? names : [`0x${Number(loc.address).toString(16)}`]);
  }
  const types = p.sampleType.map((t) => ({ type: str(t.type), unit: str(t.unit) }));
  const out: Profile[] = types.map((t) => {
    const u = profileUnitOf(t.type, t.unit);
    return { view: t.type || 'samples', unit: u.unit, samples: [], total: 0 };
  });
  const scales = types.map((t) => profileUnitOf(t.type, t.unit).scale);
  for (const s of p.sample) {
    const leafFirst: string[] = [];
    for (const id of s.locationId) leafFirst.push(...(locFrames.get(String(id)) ?? ['?']));
    const stack = leafFirst.reverse();
    let labels: Record<string, string> | undefined;
    for (const l of s.label) {
      if (!l.str) continue;
      (labels ??= {})[str(l.key)] = str(l.str);
    }
    s.value.forEach((v, i) => {
      const w = Number(v) / scales[i];
      if (!(w > 0) || !out[i]) return;
      const sample: Sample = labels ? { stack, weight: w, labels } : { stack, weight: w };
      out[i].samples.push(sample);
      out[i].total += w;
    });
  }
  return out.filter((prof) => prof.samples.length > 0);
}
