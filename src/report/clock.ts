// The time reports, checks and the statusline take as "now": the clock, or AGENTPPROF_NOW (an ISO time)
// so that "this week", the active 5-hour window and "today" can be reproduced on an old history.
import { usageError } from '../util/cli-error.js';

export function reportNow(env: NodeJS.ProcessEnv = process.env): number {
  const s = env.AGENTPPROF_NOW;
  if (!s) return Date.now();
  const t = Date.parse(s);
  if (!Number.isFinite(t)) throw usageError(`AGENTPPROF_NOW: cannot read "${s}" as a time (ISO 8601, e.g. 2026-05-04T12:00:00Z)`);
  return t;
}
