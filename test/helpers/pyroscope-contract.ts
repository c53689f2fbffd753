// A stand-in for Pyroscope's documented HTTP ingest contract, for tests: POST /ingest with query
// parameters name=APP{label=value,…}, from and until (Unix seconds), format=pprof (optional
// sampleRate, spyName, units, aggregationType) and the gzipped pprof profile as the raw body. It
// rejects what Pyroscope rejects (missing name, from > until, a body that is not a pprof) with 400,
// and decodes every accepted profile with pprof-format so tests can check its totals.
import { createServer, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';

export interface Ingested { app: string; labels: Record<string, string>; from: number; until: number; profile: Profile; total: number }

/** `agentpprof.tokens{host=a,agent=b}` → app name and labels (Pyroscope's name grammar). */
export function parseAppName(name: string): { app: string; labels: Record<string, string> } | null {
  const m = /^([^{}]+)(?:\{([^{}]*)\})?$/.exec(name);
  if (!m) return null;
  const labels: Record<string, string> = {};
  for (const kv of (m[2] ?? '').split(',').filter(Boolean)) {
    const i = kv.indexOf('=');
    if (i <= 0) return null;
    labels[kv.slice(0, i).trim()] = kv.slice(i + 1).trim();
  }
  return { app: m[1], labels };
}

export class PyroscopeContract {
  readonly ingested: Ingested[] = [];
  rejected = 0;
  server: Server | null = null;
  port = 0;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      if (req.method !== 'POST' || url.pathname !== '/ingest') { res.statusCode = 404; res.end(); return; }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const err = this.ingest(url.searchParams, Buffer.concat(chunks));
        if (err) { this.rejected++; res.statusCode = 400; res.end(err); return; }
        res.statusCode = 200;
        res.end();
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
    return `http://127.0.0.1:${this.port}`;
  }

  private ingest(q: URLSearchParams, body: Buffer): string | null {
    const name = parseAppName(q.get('name') ?? '');
    if (!name) return 'bad name';
    const from = Number(q.get('from')), until = Number(q.get('until'));
    if (!Number.isInteger(from) || !Number.isInteger(until) || from > until) return 'bad from/until';
    if ((q.get('format') ?? 'folded') !== 'pprof') return 'this stand-in takes format=pprof only';
    let profile: Profile;
    try { profile = Profile.decode(body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body); } catch (e) { return `not a pprof: ${e}`; }
    const total = profile.sample.reduce((n, s) => n + Number(s.value[0]), 0);
    this.ingested.push({ ...name, from, until, profile, total });
    return null;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((r) => { s.close(() => r()); s.closeAllConnections(); });
  }
}
