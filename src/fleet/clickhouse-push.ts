// Pushes semantic events into ClickHouse (INSERT … FORMAT JSONEachRow over HTTP) through the spool.
// The database and table are created when missing. Each batch gets its id when it is spooled, so a
// batch resent after a lost answer (ClickHouse took it, then died before saying so) is the same rows
// again and is counted once (clickhouse-schema.ts). Optional retention: rows older than ttlDays are
// deleted at start and every 6 hours (18.16 has no TTL clause).

import { randomUUID } from 'node:crypto';
import type { SemanticLine } from './events.js';
import type { LokiEvent } from './loki-push.js';
import { ClickHouse, ClickHouseError, clickhouseTarget } from './clickhouse-http.js';
import { CREATE_EVENTS, EVENTS_TABLE, eventRow } from './clickhouse-schema.js';
import { SpooledPusher, type SendOutcome, type SpooledPushOptions } from './spooled-push.js';

export interface ClickHousePushOptions extends SpooledPushOptions {
  /** clickhouse://HOST:8123[/DB] */
  url: string;
  /** Delete events older than this many days (none when unset). */
  ttlDays?: number;
}

// Answers that resending the same rows cannot change: the batch is refused (and counted), not retried.
// 6/26/27/38/41/72/117: cannot parse the rows; 16: no such column; 53: type mismatch.
const REFUSED = new Set([6, 16, 26, 27, 38, 41, 53, 72, 117]);
// The table or database vanished under us: create them again, then retry.
const MISSING = new Set([60, 81]);

const RETENTION_EVERY_MS = 6 * 3600_000;

/** CREATE DATABASE / TABLE IF NOT EXISTS. */
export async function ensureEventsTable(ch: ClickHouse): Promise<void> {
  await ch.exec(`CREATE DATABASE IF NOT EXISTS ${ch.target.database}`, { database: false });
  await ch.exec(CREATE_EVENTS);
}

export class ClickHousePusher extends SpooledPusher<LokiEvent> {
  private readonly ch: ClickHouse;
  private ready = false;
  private retainedAt = 0;

  constructor(private readonly opts: ClickHousePushOptions) {
    super(opts);
    this.ch = new ClickHouse(clickhouseTarget(opts.url), 30_000);
  }

  protected encode(events: LokiEvent[]): string {
    const batchId = randomUUID();
    return events.map((ev, i) => eventRow(ev.line as SemanticLine, batchId, i)).join('\n') + '\n';
  }

  protected async send(body: string): Promise<SendOutcome> {
    if (!this.ready) {
      await ensureEventsTable(this.ch);
      this.ready = true;
    }
    if (this.opts.ttlDays && Date.now() - this.retainedAt > RETENTION_EVERY_MS) {
      // A whole number of seconds, computed here: no user text in the statement.
      const cutoff = Math.floor((Date.now() - this.opts.ttlDays * 86_400_000) / 1000);
      await this.ch.exec(`ALTER TABLE ${EVENTS_TABLE} DELETE WHERE ts < toDateTime(${cutoff})`);
      this.retainedAt = Date.now();
    }
    try {
      await this.ch.exec(`INSERT INTO ${EVENTS_TABLE} FORMAT JSONEachRow`, { body });
    } catch (e) {
      if (e instanceof ClickHouseError && e.code !== undefined) {
        if (REFUSED.has(e.code)) return { refused: e.message };
        if (MISSING.has(e.code)) this.ready = false;
      }
      throw e;
    }
    let rows = 0;
    for (let i = body.indexOf('\n'); i >= 0; i = body.indexOf('\n', i + 1)) rows++;
    return { sent: rows };
  }
}
