// A stand-in for Grafana Loki's HTTP API, for tests: Debian's `loki` package is an unrelated genetics
// program and no Loki binary is reachable from this machine's registries. It implements the parts of
// the documented contract agentpprof relies on: POST /loki/api/v1/push (JSON streams; entries older
// than the stream's newest are rejected "out of order", as Loki 2.4 does) and GET
// /loki/api/v1/query_range (stream selectors with = and =~, start inclusive, end exclusive,
// `limit` across all streams, direction forward), GET /ready.
import { createServer, type Server } from 'node:http';

interface Stream { labels: Record<string, string>; entries: [bigint, string][] }

export class LokiContract {
  streams = new Map<string, Stream>();
  server: Server | null = null;
  port = 0;
  pushes = 0;
  rejected = 0;

  async start(port = 0): Promise<number> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      if (req.method === 'GET' && url.pathname === '/ready') { res.end('ready'); return; }
      if (req.method === 'POST' && url.pathname === '/loki/api/v1/push') {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          const err = this.ingest(JSON.parse(body));
          this.pushes++;
          if (err) { this.rejected++; res.statusCode = 400; res.end(err); return; }
          res.statusCode = 204;
          res.end();
        });
        return;
      }
      if (req.method === 'GET' && url.pathname === '/loki/api/v1/query_range') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(this.query(url.searchParams)));
        return;
      }
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
    return this.port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((r) => { s.close(() => r()); s.closeAllConnections(); });
  }

  private ingest(body: { streams: { stream: Record<string, string>; values: [string, string][] }[] }): string | null {
    for (const s of body.streams) {
      const key = JSON.stringify(Object.entries(s.stream).sort());
      let st = this.streams.get(key);
      if (!st) this.streams.set(key, (st = { labels: s.stream, entries: [] }));
      for (const [ts, line] of s.values) {
        const ns = BigInt(ts);
        const last = st.entries[st.entries.length - 1];
        if (last && ns < last[0]) return `entry out of order for stream ${key}`;
        if (last && ns === last[0] && line === last[1]) continue; // Loki drops exact duplicates
        st.entries.push([ns, line]);
      }
    }
    return null;
  }

  private query(p: URLSearchParams) {
    const matchers = [...(p.get('query') ?? '').matchAll(/(\w+)\s*(=~|=)\s*"((?:[^"\\]|\\.)*)"/g)].map(([, k, op, v]) => ({ k, op, v: JSON.parse(`"${v}"`) as string }));
    const start = BigInt(p.get('start') ?? '0'), end = BigInt(p.get('end') ?? String(BigInt(Date.now()) * 1_000_000n));
    const limit = Number(p.get('limit') ?? 100);
    const hits: { labels: Record<string, string>; ns: bigint; line: string }[] = [];
    for (const st of this.streams.values()) {
      if (!matchers.every((m) => (m.op === '=' ? st.labels[m.k] === m.v : new RegExp(`^(?:${m.v})$`).test(st.labels[m.k] ?? '')))) continue;
      for (const [ns, line] of st.entries) if (ns >= start && ns < end) hits.push({ labels: st.labels, ns, line });
    }
    hits.sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0));
    const page = hits.slice(0, limit);
    const out = new Map<string, { stream: Record<string, string>; values: [string, string][] }>();
    for (const h of page) {
      const key = JSON.stringify(h.labels);
      if (!out.has(key)) out.set(key, { stream: h.labels, values: [] });
      out.get(key)!.values.push([h.ns.toString(), h.line]);
    }
    return { status: 'success', data: { resultType: 'streams', result: [...out.values()] } };
  }

  count(): number {
    let n = 0;
    for (const s of this.streams.values()) n += s.entries.length;
    return n;
  }
}
