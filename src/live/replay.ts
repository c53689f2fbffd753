// Replays a recording (--record FILE) into a live runtime at N× its recorded pace (0 = as fast as
// possible). The hub's clock follows the recording, so sliding windows and charts look as they did.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseRecordLine, type RecordLine } from './record.js';
import type { LiveRuntime } from './runtime.js';

/** A clock that maps wall time onto recorded time once the first record is known. */
export class ReplayClock {
  #t0 = 0;
  #wall0 = 0;
  #max = 0;
  /** The recording holds kernel effects: tool-input hints must then not be counted as effects. */
  kernel = false;
  constructor(readonly speed: number) {}

  start(recordedTs: number): void {
    this.#t0 = recordedTs;
    this.#wall0 = Date.now();
  }

  seen(ts: number): void {
    this.#max = Math.max(this.#max, ts);
  }

  now = (): number => (this.speed > 0 && this.#t0 ? this.#t0 + (Date.now() - this.#wall0) * this.speed : this.#max || Date.now());
}

export interface ReplayResult { lines: number; skipped: number }

export async function replayFile(file: string, rt: LiveRuntime, clock: ReplayClock, stop: () => boolean = () => false): Promise<ReplayResult> {
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let lines = 0, skipped = 0, started = false;
  for await (const text of rl) {
    if (stop()) break;
    if (!text.trim()) continue;
    const r = parseRecordLine(text);
    if (!r) { skipped++; rt.hub.status.skipped++; continue; }
    if (!started) { clock.start(r.timestamp); started = true; }
    if (clock.speed > 0) {
      const wait = (r.timestamp - clock.now()) / 1; // recorded ms still ahead of the replay clock
      if (wait > 0) await new Promise((res) => setTimeout(res, wait / clock.speed));
    }
    clock.seen(r.timestamp);
    if ('batch' in r.data && r.data.batch.effects?.some((e) => e.evidence === 'kernel')) clock.kernel = true;
    await apply(rt, r);
    lines++;
  }
  await rt.flush();
  return { lines, skipped };
}

async function apply(rt: LiveRuntime, r: RecordLine): Promise<void> {
  const d = r.data;
  if ('batch' in d) await rt.push(d.batch);
  else if ('drops' in d) rt.drops(d.drops);
  else if ('gap' in d) {
    if (d.gap.end === undefined) rt.hub.gapStart(d.gap.reason, d.gap.start);
    else rt.hub.gapEnd(d.gap.end);
  }
}
