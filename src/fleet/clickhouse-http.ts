// ClickHouse over its HTTP interface (POST /?query=…), as 18.16 speaks it. That version has no query
// parameters ({name:Type} came in 19.x), so user input never goes into SQL text: values travel as
// external data (a multipart file per table, `name_structure=…`, read as `WHERE x IN name` or
// `(SELECT … FROM name)`), TSV-escaped. SQL text holds only identifiers and numbers this module checks.

export interface ClickHouseTarget {
  /** http://host:port */
  base: string;
  database: string;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** clickhouse://HOST:8123[/DB] (http:// as well) → HTTP base and database (default `default`). */
export function clickhouseTarget(url: string): ClickHouseTarget {
  const m = /^(?:clickhouse|http):\/\/([^/?#]+)(?:\/([^/?#]*))?\/?$/.exec(url);
  if (!m) throw new Error(`not a ClickHouse address (clickhouse://HOST:8123[/DB]): ${url}`);
  const database = m[2] || 'default';
  if (!IDENT.test(database)) throw new Error(`ClickHouse database name must be letters, digits and _: ${database}`);
  return { base: `http://${m[1]}`, database };
}

export const isClickHouseUrl = (url: string) => /^clickhouse:\/\//.test(url);

/** A table of values sent beside a query: its columns (name → ClickHouse type) and rows. */
export interface ExternalTable {
  columns: Record<string, string>;
  rows: (string | number)[][];
}

/** An error ClickHouse answered with (`Code: N, e.displayText() = …`), or an HTTP failure without one. */
export class ClickHouseError extends Error {
  constructor(readonly code: number | undefined, readonly status: number, message: string) {
    super(message);
  }
}

// TabSeparated escaping, the inverse of what ClickHouse writes.
const TSV_ESC: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0', '\b': '\\b', '\f': '\\f' };
const TSV_UNESC: Record<string, string> = { '\\': '\\', t: '\t', n: '\n', r: '\r', '0': '\0', b: '\b', f: '\f', "'": "'", a: '\x07', v: '\v' };
export const tsvEscape = (s: string | number): string => String(s).replace(/[\\\t\n\r\0\b\f]/g, (c) => TSV_ESC[c]);
export const tsvUnescape = (s: string): string => s.replace(/\\(.)/g, (_, c: string) => TSV_UNESC[c] ?? c);

export interface RequestOptions {
  /** Raw input (an INSERT's rows). */
  body?: string;
  /** External data, the query's only way to take user values. */
  tables?: Record<string, ExternalTable>;
  /** false: no current database (to create it). */
  database?: boolean;
  /** ClickHouse refuses a second query with this id while the first runs. */
  queryId?: string;
}

export class ClickHouse {
  constructor(readonly target: ClickHouseTarget, private readonly timeoutMs = 60_000) {}

  /** Runs one statement; `body` is raw input (an INSERT's rows), `tables` external data. */
  async request(sql: string, opts: RequestOptions = {}): Promise<Response> {
    const q = new URLSearchParams({ query: sql });
    if (opts.queryId) q.set('query_id', opts.queryId);
    if (opts.database !== false) q.set('database', this.target.database);
    let body: string | FormData | undefined = opts.body;
    if (opts.tables && Object.keys(opts.tables).length) {
      if (body !== undefined) throw new Error('ClickHouse: external tables and an INSERT body cannot travel together');
      const form = new FormData();
      for (const [name, t] of Object.entries(opts.tables)) {
        if (!IDENT.test(name)) throw new Error(`bad external table name ${name}`);
        q.set(`${name}_structure`, Object.entries(t.columns).map(([c, ty]) => `${c} ${ty}`).join(', '));
        q.set(`${name}_format`, 'TabSeparated');
        form.append(name, new Blob([t.rows.map((r) => r.map(tsvEscape).join('\t') + '\n').join('')]), name);
      }
      body = form;
    }
    let res: Response;
    try {
      res = await fetch(`${this.target.base}/?${q}`, { method: 'POST', body, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      throw new ClickHouseError(undefined, 0, `ClickHouse at ${this.target.base} unreachable: ${(e as Error).cause ?? (e as Error).message}`);
    }
    if (!res.ok) {
      const text = (await res.text()).trim();
      const code = /^Code: (\d+)/.exec(text);
      throw new ClickHouseError(code ? Number(code[1]) : undefined, res.status, `ClickHouse: ${text.slice(0, 300) || `HTTP ${res.status}`}`);
    }
    return res;
  }

  async exec(sql: string, opts: RequestOptions = {}): Promise<void> {
    await (await this.request(sql, opts)).arrayBuffer();
  }

  /** The rows of a `FORMAT TabSeparated` query, unescaped, streamed (the whole answer never sits in memory). */
  async *rows(sql: string, tables?: Record<string, ExternalTable>): AsyncGenerator<string[]> {
    const res = await this.request(`${sql} FORMAT TabSeparated`, { tables });
    const decoder = new TextDecoder();
    let rest = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      rest += decoder.decode(chunk, { stream: true });
      let start = 0;
      for (let nl = rest.indexOf('\n'); nl >= 0; start = nl + 1, nl = rest.indexOf('\n', start)) {
        yield rest.slice(start, nl).split('\t').map(tsvUnescape);
      }
      rest = rest.slice(start);
    }
    rest += decoder.decode();
    if (rest) yield rest.split('\t').map(tsvUnescape);
  }

  async all(sql: string, tables?: Record<string, ExternalTable>): Promise<string[][]> {
    const out: string[][] = [];
    for await (const r of this.rows(sql, tables)) out.push(r);
    return out;
  }
}
