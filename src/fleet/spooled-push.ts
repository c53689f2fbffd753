// What every fleet event sink shares (Loki, ClickHouse): events are buffered, encoded into one batch
// body, written to the on-disk spool before anything is sent, and sent oldest first, one batch at a
// time, with exponential backoff while the target is unreachable. A batch leaves the spool only once
// the target took it, or refused it for good (counted as dropped, so one bad batch cannot block the
// queue). A subclass says how a batch is encoded and sent.

import { Spool } from './spool.js';

export interface SpooledPushOptions {
  spoolDir: string;
  maxSpoolBytes?: number;
  batchSize?: number;
  flushMs?: number;
  onStats?: (s: PushStats) => void;
}

export interface PushStats { sent: number; failedAttempts: number; spoolBytes: number; dropped: number; pending: number }

/** What the target did with a batch: took `sent` events, or refused it for good (retrying cannot help). */
export type SendOutcome = { sent: number } | { refused: string };

export abstract class SpooledPusher<E> {
  private readonly spool: Spool;
  private buffer: E[] = [];
  private timer: NodeJS.Timeout | null = null;
  private sending: Promise<void> | null = null;
  private backoffMs = 0;
  /** The longest wait between tries: 30 s while serving, 1 s while draining at exit. */
  private maxBackoffMs = 30_000;
  private retryTimer: NodeJS.Timeout | null = null;
  readonly stats: PushStats = { sent: 0, failedAttempts: 0, spoolBytes: 0, dropped: 0, pending: 0 };
  private closed = false;
  private rejected = 0;
  /** The last error a send threw (transient) or the last refusal, for the caller's message. */
  lastError = '';

  constructor(private readonly base: SpooledPushOptions) {
    this.spool = new Spool(base.spoolDir, base.maxSpoolBytes);
    // Batches left by an earlier run go first (started from the subclass's constructor is too late
    // for its fields: a microtask later).
    queueMicrotask(() => this.kick());
  }

  /** One batch body for the spool, from the buffered events. */
  protected abstract encode(events: E[]): string;
  /** Sends one spooled batch; throws when the target is unreachable or busy (the batch is retried). */
  protected abstract send(body: string): Promise<SendOutcome>;

  /** Batches in the spool now (stats.pending is as of the last send). */
  get queued(): number {
    return this.spool.length;
  }

  push(ev: E): void {
    this.buffer.push(ev);
    if (this.buffer.length >= (this.base.batchSize ?? 500)) this.flushBuffer();
    else this.timer ??= setTimeout(() => this.flushBuffer(), this.base.flushMs ?? 1000);
  }

  /** Moves buffered events into one spooled batch and starts sending. */
  flushBuffer(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    if (!this.buffer.length) return;
    const events = this.buffer;
    this.buffer = [];
    this.spool.push(this.encode(events));
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
        const out = await this.send(batch.body);
        if ('refused' in out) {
          this.rejected++;
          this.lastError = out.refused;
        } else this.stats.sent += out.sent;
        this.spool.remove(batch.id);
        this.backoffMs = 0;
      } catch (e) {
        this.lastError = String((e as Error)?.message ?? e);
        this.stats.failedAttempts++;
        this.backoffMs = Math.min(this.maxBackoffMs, this.backoffMs ? this.backoffMs * 2 : 250);
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
    // Batches the target refused for good plus batches the full spool had to give up.
    this.stats.dropped = this.rejected + this.spool.dropped;
    this.base.onStats?.(this.stats);
  }

  /** Flushes the buffer and waits until the spool is empty or `timeoutMs` passes. */
  async drainAll(timeoutMs = 30_000): Promise<boolean> {
    this.flushBuffer();
    const deadline = Date.now() + timeoutMs;
    // One try now, then the backoff's own pace, capped at a second while draining: forcing a try every
    // poll hammered a store that was down (~10 failed attempts a second, each logged).
    this.maxBackoffMs = 1000;
    if (this.retryTimer) { clearTimeout(this.retryTimer); this.retryTimer = null; }
    this.backoffMs = Math.min(this.backoffMs, this.maxBackoffMs);
    try {
      while (Date.now() < deadline) {
        if (this.spool.length === 0 && !this.sending) return true;
        if (!this.sending && !this.retryTimer) this.kick();
        await new Promise((r) => setTimeout(r, 100));
      }
      return false;
    } finally {
      this.maxBackoffMs = 30_000;
    }
  }

  close(): void {
    this.flushBuffer();
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }
}
