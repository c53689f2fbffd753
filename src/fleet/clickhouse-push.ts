// Pushes semantic events into ClickHouse (INSERT … FORMAT JSONEachRow over HTTP) through the spool.
// The database and table are created when missing. Optional retention: rows older than ttlDays are
// deleted at start and every 6 hours (18.16 has no TTL clause).
//
// A retried batch must never count twice, and 18.16 deduplicates inserts only into Replicated tables.
// So each batch gets an id when it is spooled (every row carries it, with its place in the batch), and
// a send first asks which of the batch's rows are already there — an earlier attempt whose answer was
// lost — and inserts only the others. The INSERT runs under query_id = the batch id, so ClickHouse
// refuses a second attempt while the first is still running (code 216: retried later), and an attempt
// cut short by a crash leaves nothing (a part is written whole or not at all). The check reads the
// batch's own hosts and seconds through the primary key, and only for a batch that may have reached
// ClickHouse before: one this process already tried, or one an earlier process left in the spool (a
// batch spooled and first sent here has a new random id: nothing to look for). Queries need no FINAL.

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

/** The spooled batch: a header line, then its rows in `seq` order. */
interface BatchHeader { batch: string; hosts: string[]; from: number; to: number }

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
  /** Batches spooled by this process and not sent yet: no earlier attempt can have stored any row. */
  private readonly unsent = new Set<string>();
  private retainedAt = 0;

  constructor(private readonly opts: ClickHousePushOptions) {
    super(opts);
    this.ch = new ClickHouse(clickhouseTarget(opts.url), 30_000);
  }

  protected encode(events: LokiEvent[]): string {
    const batch = randomUUID();
    this.unsent.add(batch);
    const lines = events.map((ev) => ev.line as SemanticLine);
    const secs = lines.map((l) => Math.floor(Math.round(l.ts) / 1000));
    const header: BatchHeader = { batch, hosts: [...new Set(lines.map((l) => l.host))], from: Math.min(...secs), to: Math.max(...secs) };
    return [JSON.stringify(header), ...lines.map((l, i) => eventRow(l, batch, i))].join('\n') + '\n';
  }

  /** The `seq`s of this batch ClickHouse already holds. */
  private async stored(h: BatchHeader): Promise<Set<number>> {
    const seqs = new Set<number>();
    const rows = this.ch.rows(`SELECT seq FROM ${EVENTS_TABLE} WHERE host IN _hosts AND ts >= toDateTime(${h.from}) AND ts <= toDateTime(${h.to})
      AND batch_id = (SELECT id FROM _batch)`, {
      _hosts: { columns: { v: 'String' }, rows: h.hosts.map((x) => [x]) }, _batch: { columns: { id: 'String' }, rows: [[h.batch]] },
    });
    for await (const [seq] of rows) seqs.add(Number(seq));
    return seqs;
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
    const lines = body.split('\n').filter(Boolean);
    const header = JSON.parse(lines[0]) as BatchHeader;
    if (typeof header.batch !== 'string' || !Number.isInteger(header.from) || !Number.isInteger(header.to) || !Array.isArray(header.hosts)) {
      return { refused: `not a batch of this agentpprof (no header line): ${lines[0].slice(0, 80)}` };
    }
    const rows = lines.slice(1);
    try {
      const have = this.unsent.delete(header.batch) ? new Set<number>() : await this.stored(header);
      const missing = have.size ? rows.filter((_, seq) => !have.has(seq)) : rows;
      if (missing.length) {
        await this.ch.exec(`INSERT INTO ${EVENTS_TABLE} FORMAT JSONEachRow`, { body: missing.join('\n') + '\n', queryId: header.batch });
      }
    } catch (e) {
      if (e instanceof ClickHouseError && e.code !== undefined) {
        if (REFUSED.has(e.code)) return { refused: e.message };
        if (MISSING.has(e.code)) this.ready = false;
      }
      throw e;
    }
    return { sent: rows.length };
  }
}
