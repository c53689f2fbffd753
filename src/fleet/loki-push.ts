// Pushes semantic events to Loki (POST /loki/api/v1/push, JSON streams) in batches, through the
// on-disk spool, oldest first, with exponential backoff while Loki is unreachable. Loki rejects
// out-of-order entries within a stream, so batches are sent strictly in order and one at a time.

import { Spool } from './spool.js';

export interface LokiEvent {
  /** Epoch ms. */
  ts: number;
  /** Stream labels: host, agent, tag — few, stable values. */
  labels: { host: string; agent: string; tag: string };
  line: unknown;
}

export interface LokiPushOptions {
  /** http://host:3100 (loki://host:3100 is accepted). */
  url: string;
  spoolDir: string;
  maxSpoolBytes?: number;
  batchSize?: number;
  flushMs?: number;
  /** Extra stream label on every stream. */
  app?: string;
  onStats?: (s: LokiPushStats) => void;
}

export interface LokiPushStats { sent: number; failedAttempts: number; spoolBytes: number; dropped: number; pending: number }

export function lokiBase(url: string): string {
  return url.replace(/^loki:\/\//, 'http://').replace(/\/+$/, '');
}

export class LokiPusher {
  private readonly spool: Spool;
  private buffer: LokiEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private sending: Promise<void> | null = null;
  private backoffMs = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private lastNs = 0n;
  readonly stats: LokiPushStats = { sent: 0, failedAttempts: 0, spoolBytes: 0, dropped: 0, pending: 0 };
  private closed = false;
  private rejected = 0;

  constructor(private readonly opts: LokiPushOptions) {
    this.spool = new Spool(opts.spoolDir, opts.maxSpoolBytes);
    this.kick();
  }

  push(ev: LokiEvent): void {
    this.buffer.push(ev);
    if (this.buffer.length >= (this.opts.batchSize ?? 500)) this.flushBuffer();
    else this.timer ??= setTimeout(() => this.flushBuffer(), this.opts.flushMs ?? 1000);
  }

  /** Moves buffered events into one spooled batch (one stream per label set) and starts sending. */
  flushBuffer(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    if (!this.buffer.length) return;
    const streams = new Map<string, { stream: Record<string, string>; values: [string, string][] }>();
    for (const ev of this.buffer.sort((a, b) => a.ts - b.ts)) {
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
    this.buffer = [];
    this.spool.push(JSON.stringify({ streams: [...streams.values()] }));
    this.kick();
  }

  private kick(): void {
    if (this.sending || this.retryTimer || this.closed) return;
    // A batch spooled while a drain was finishing would otherwise wait for the next push: re-check.
    this.sending = this.drain().finally(() => {
      this.sending = null;
      if (this.spool.length > 0 && !this.retryTimer) this.kick();
    });
  }

  private async drain(): Promise<void> {
    for (let batch = this.spool.peek(); batch; batch = this.spool.peek()) {
      try {
        const res = await fetch(`${lokiBase(this.opts.url)}/loki/api/v1/push`, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: batch.body, signal: AbortSignal.timeout(10_000),
        });
        // 4xx other than 429 will never succeed (malformed / too old): drop it rather than block the queue.
        if (!res.ok && (res.status === 429 || res.status >= 500)) throw new Error(`HTTP ${res.status}`);
        if (!res.ok) this.rejected++;
        else this.stats.sent += (JSON.parse(batch.body) as { streams: { values: unknown[] }[] }).streams.reduce((s, x) => s + x.values.length, 0);
        this.spool.remove(batch.id);
        this.backoffMs = 0;
      } catch {
        this.stats.failedAttempts++;
        this.backoffMs = Math.min(30_000, this.backoffMs ? this.backoffMs * 2 : 250);
        this.retryTimer = setTimeout(() => { this.retryTimer = null; this.kick(); }, this.backoffMs);
        break;
      } finally {
        this.report();
      }
    }
  }

  private report(): void {
    this.stats.spoolBytes = this.spool.size;
    this.stats.pending = this.spool.length;
    // Batches Loki refused for good plus batches the full spool had to give up.
    this.stats.dropped = this.rejected + this.spool.dropped;
    this.opts.onStats?.(this.stats);
  }

  /** Flushes the buffer and waits until the spool is empty or `timeoutMs` passes. */
  async drainAll(timeoutMs = 30_000): Promise<boolean> {
    this.flushBuffer();
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.spool.length === 0 && !this.sending) return true;
      if (this.retryTimer) { clearTimeout(this.retryTimer); this.retryTimer = null; }
      this.kick();
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  }

  close(): void {
    this.flushBuffer();
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }
}
