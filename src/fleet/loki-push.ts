// Pushes semantic events to Loki (POST /loki/api/v1/push, JSON streams) in batches, through the
// on-disk spool (spooled-push.ts: oldest first, backoff while Loki is unreachable). Loki rejects
// out-of-order entries within a stream, so batches are sent strictly in order and one at a time.

import { SpooledPusher, type PushStats, type SendOutcome, type SpooledPushOptions } from './spooled-push.js';

export interface LokiEvent {
  /** Epoch ms. */
  ts: number;
  /** Stream labels: host, agent, tag — few, stable values. */
  labels: { host: string; agent: string; tag: string };
  line: unknown;
}

export interface LokiPushOptions extends SpooledPushOptions {
  /** http://host:3100 (loki://host:3100 is accepted). */
  url: string;
  /** Extra stream label on every stream. */
  app?: string;
}

export type LokiPushStats = PushStats;

export function lokiBase(url: string): string {
  return url.replace(/^loki:\/\//, 'http://').replace(/\/+$/, '');
}

export class LokiPusher extends SpooledPusher<LokiEvent> {
  private lastNs = 0n;

  constructor(private readonly opts: LokiPushOptions) {
    super(opts);
  }

  /** One stream per label set. */
  protected encode(events: LokiEvent[]): string {
    const streams = new Map<string, { stream: Record<string, string>; values: [string, string][] }>();
    for (const ev of events.sort((a, b) => a.ts - b.ts)) {
      const stream = { app: this.opts.app ?? 'agentpprof', ...ev.labels };
      const key = JSON.stringify(stream);
      let s = streams.get(key);
      if (!s) streams.set(key, (s = { stream, values: [] }));
      // Nanosecond timestamps strictly increasing: equal ms timestamps would be deduplicated by Loki.
      let ns = BigInt(Math.round(ev.ts)) * 1_000_000n;
      if (ns <= this.lastNs) ns = this.lastNs + 1n;
      this.lastNs = ns;
      s.values.push([ns.toString(), JSON.stringify(ev.line)]);
    }
    return JSON.stringify({ streams: [...streams.values()] });
  }

  protected async send(body: string): Promise<SendOutcome> {
    const res = await fetch(`${lokiBase(this.opts.url)}/loki/api/v1/push`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000),
    });
    // 4xx other than 429 will never succeed (malformed / too old): drop it rather than block the queue.
    if (res.status === 429 || res.status >= 500) throw new Error(`HTTP ${res.status}`);
    if (!res.ok) return { refused: `HTTP ${res.status}` };
    return { sent: (JSON.parse(body) as { streams: { values: unknown[] }[] }).streams.reduce((s, x) => s + x.values.length, 0) };
  }
}
