// Profiles → one gzipped pprof (profile.proto) file. Each view is its own sample type (column); a
// sample carries its weight in its view's column and 0 elsewhere, so `go tool pprof -sample_index=cost`
// switches views and each column's total is that view's total. One function and one location per frame
// label; location_id[0] is the leaf. project/agent/session (and any other sample label) become labels.
import { gzipSync } from 'node:zlib';
import { Function as PFunction, Label, Line, Location, Mapping, Profile as PProfile, Sample as PSample, StringTable, ValueType } from 'pprof-format';
import type { Profile } from '../profile/types.js';
import { sampleTypeFor } from '../profile/pprof-units.js';

export function renderPprof(profiles: Profile[], opts: { timeRange?: { start: number; end: number } } = {}): Buffer {
  const strings = new StringTable();
  const functions: PFunction[] = [];
  const locations: Location[] = [];
  const locOf = new Map<string, number>();
  const locationFor = (frame: string): number => {
    let id = locOf.get(frame);
    if (id === undefined) {
      id = locations.length + 1;
      locOf.set(frame, id);
      const kindEnd = frame.indexOf(':');
      functions.push(new PFunction({ id, name: strings.dedup(frame), systemName: strings.dedup(frame), filename: strings.dedup(kindEnd > 0 ? frame.slice(0, kindEnd) : '') }));
      locations.push(new Location({ id, mappingId: 1, line: [new Line({ functionId: id })] }));
    }
    return id;
  };
  const types = profiles.map((p) => sampleTypeFor(p.view, p.unit));
  const sampleType = types.map((t) => new ValueType({ type: strings.dedup(t.type), unit: strings.dedup(t.unit) }));
  const samples: PSample[] = [];
  profiles.forEach((p, col) => {
    for (const s of p.samples) {
      const v = Math.round(s.weight * types[col].scale);
      if (!(v > 0)) continue;
      const value = new Array<number>(profiles.length).fill(0);
      value[col] = v;
      const locationId: number[] = [];
      for (let i = s.stack.length - 1; i >= 0; i--) locationId.push(locationFor(s.stack[i]));
      const label = Object.entries(s.labels ?? {}).map(([k, val]) => new Label({ key: strings.dedup(k), str: strings.dedup(val) }));
      samples.push(new PSample({ locationId, value, label }));
    }
  });
  const range = opts.timeRange ?? profiles.find((p) => p.status?.time_range)?.status?.time_range;
  const profile = new PProfile({
    sampleType,
    sample: samples,
    // One mapping that says symbols are resolved, so pprof neither looks for a binary nor warns.
    mapping: [new Mapping({ id: 1, filename: strings.dedup('agentpprof'), hasFunctions: true, hasFilenames: true })],
    location: locations,
    function: functions,
    stringTable: strings,
    defaultSampleType: sampleType[0]?.type ?? 0,
    ...(range ? { timeNanos: BigInt(Math.round(range.start)) * 1_000_000n, durationNanos: Math.max(0, Math.round((range.end - range.start) * 1e6)) } : {}),
    comment: [strings.dedup('agentpprof: cost in micro-dollars (usd-micros), time in nanoseconds; token counts are agent-reported')],
  });
  return gzipSync(profile.encode());
}
