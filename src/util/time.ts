// Parsing of --since/--until values: an ISO date/time, or a duration back from now (30m, 12h, 7d, 2w).
const UNITS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };

export function parseTimeArg(v: string, now: number = Date.now()): number {
  const rel = /^(\d+(?:\.\d+)?)\s*([smhdw])$/.exec(v.trim());
  if (rel) return now - Number(rel[1]) * UNITS[rel[2]];
  // A bare date means UTC midnight (Date.parse already does that for YYYY-MM-DD).
  const t = Date.parse(v.trim());
  if (Number.isNaN(t)) throw new Error(`not a date or a relative time (like 7d, 12h): ${v}`);
  return t;
}
