// The fleet flamegraph computed where the events live: ClickHouse sums each view's weights per host and
// folded stack (ARRAY JOIN of the view's Nested column, GROUP BY host, stack), with --since/--until,
// --host, --project and --where applied in the query; only the summed rows cross the wire, so the
// client holds one row per distinct stack whatever the number of events.
//
// User input never enters SQL text (18.16 has no query parameters; see clickhouse-http.ts). Time
// bounds travel in an external table. --host REGEX, --project NAME and --where KIND=REGEX are decided
// here, with the same JavaScript regexes and case rules as a local profile, over the distinct values
// the store holds (hosts, projects, frames of one kind: few, and summed in ClickHouse too), and the
// chosen values travel as external tables the query filters with IN / hasAny.

import type { WhereFilter } from '../profile/build.js';
import type { Profile, ViewName } from '../profile/types.js';
import { viewDef } from '../profile/views.js';
import { ClickHouse, clickhouseTarget, type ExternalTable } from './clickhouse-http.js';
import { EVENTS_TABLE, TS_MS, viewColumn } from './clickhouse-schema.js';
import { FleetAggregate } from './fleet-profile.js';
import { usageError } from '../util/cli-error.js';

export interface ClickHouseFleetOptions {
  /** clickhouse://HOST:8123[/DB] */
  url: string;
  view: ViewName;
  /** Epoch ms, [since, until). */
  since: number;
  until: number;
  /** Hosts whose whole name matches this regex (as Loki's =~). */
  host?: string;
  /** Sessions of this project (its name, case-insensitive). */
  project?: string;
  where?: WhereFilter[];
  /** Put `host:NAME` at the root of every stack (default true). */
  hostFrame?: boolean;
}

/** The WHERE clause of every fleet query and the external tables it reads. */
interface Filter { sql: string[]; tables: Record<string, ExternalTable> }

const column = (rows: string[]): ExternalTable => ({ columns: { v: 'String' }, rows: rows.map((r) => [r]) });

export async function profileFromClickHouse(opts: ClickHouseFleetOptions): Promise<Profile> {
  const ch = new ClickHouse(clickhouseTarget(opts.url), 600_000);
  const col = viewColumn(opts.view);
  const kinds = new Set<string>(viewDef(opts.view).stack);
  for (const w of opts.where ?? []) {
    // The store holds the view's folded stacks: a kind outside them cannot be tested there.
    if (!kinds.has(w.kind)) throw usageError(`--where ${w.kind}=…: the ${opts.view} stacks in the fleet store have no ${w.kind}: frames (they hold ${[...kinds].join(', ')})`);
  }
  const f: Filter = {
    sql: [
      // The DateTime bounds let the partition and primary key prune; the ms bounds are exact.
      `ts >= toDateTime(intDiv((SELECT since FROM _range), 1000))`, `ts <= toDateTime(intDiv((SELECT until FROM _range), 1000))`,
      `${TS_MS} >= (SELECT since FROM _range)`, `${TS_MS} < (SELECT until FROM _range)`,
    ],
    tables: { _range: { columns: { since: 'UInt64', until: 'UInt64' }, rows: [[Math.max(0, Math.floor(opts.since)), Math.max(0, Math.ceil(opts.until))]] } },
  };
  if (opts.host !== undefined) {
    const re = new RegExp(`^(?:${opts.host})$`);
    await narrow(ch, f, 'host', (v) => re.test(v), '_hosts');
  }
  if (opts.project !== undefined) {
    const want = opts.project.toLowerCase();
    await narrow(ch, f, 'project', (v) => v.toLowerCase() === want, '_projects');
  }
  // Per sample (after the ARRAY JOIN): every --where kind has a frame whose value matches.
  const sampleSql: string[] = [];
  for (const [i, w] of (opts.where ?? []).entries()) {
    const prefix = `${w.kind}:`;
    const frames: string[] = [];
    // Duplicates of a resent batch add no new frame: no needed here. (18.16 takes one ARRAY JOIN a query.)
    const rows = ch.rows(`SELECT DISTINCT f FROM (SELECT arrayJoin(splitByChar(';', s)) AS f FROM ${EVENTS_TABLE}
      ARRAY JOIN ${col}.stack AS s WHERE ${f.sql.join(' AND ')}) WHERE startsWith(f, '${prefix}')`, f.tables);
    for await (const [frame] of rows) if (w.re.test(frame.slice(prefix.length))) frames.push(frame);
    f.tables[`_where${i}`] = column(frames);
    sampleSql.push(`hasAny(splitByChar(';', s), (SELECT groupArray(v) FROM _where${i}))`);
  }

  const agg = new FleetAggregate(opts.view, opts.hostFrame !== false);
  const where = f.sql.join(' AND ');
  const [status] = await ch.all(`SELECT count(), min(${TS_MS}), max(${TS_MS}) FROM ${EVENTS_TABLE} WHERE ${where}`, f.tables);
  const events = Number(status[0]);
  for await (const [host] of ch.rows(`SELECT DISTINCT host FROM ${EVENTS_TABLE} WHERE ${where}`, f.tables)) agg.hosts.add(host);
  if (events) {
    agg.events = events;
    agg.start = Number(status[1]);
    agg.end = Number(status[2]);
  }
  const rows = ch.rows(`SELECT host, s, sum(w) FROM ${EVENTS_TABLE} ARRAY JOIN ${col}.stack AS s, ${col}.weight AS w
    WHERE ${[...f.sql, ...sampleSql].join(' AND ')} GROUP BY host, s`, f.tables);
  for await (const [host, stack, weight] of rows) agg.add(host, stack, Number(weight));
  return agg.profile('clickhouse');
}

/** Keeps the rows whose `column` value passes `keep`, deciding over the distinct values in range. */
async function narrow(ch: ClickHouse, f: Filter, name: 'host' | 'project', keep: (v: string) => boolean, table: string): Promise<void> {
  const values: string[] = [];
  for await (const [v] of ch.rows(`SELECT DISTINCT ${name} FROM ${EVENTS_TABLE} WHERE ${f.sql.join(' AND ')}`, f.tables)) if (keep(v)) values.push(v);
  f.tables[table] = column(values);
  f.sql.push(`${name} IN ${table}`);
}
