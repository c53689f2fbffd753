// Pushes a profile in pprof form to a Pyroscope-compatible ingest endpoint:
// POST {url}/ingest?name=agentpprof.tokens{host=…,agent=…}&from=<s>&until=<s>&format=pprof&sampleRate=100
// with the gzipped pprof as the body (the documented contract for pprof uploads; multipart is also
// accepted by Pyroscope, a raw body is the simplest form every version takes).

export interface PyroscopePushOptions {
  url: string;
  /** Application name, e.g. agentpprof.tokens */
  name: string;
  labels: Record<string, string>;
  /** Epoch ms. */
  from: number;
  until: number;
  authToken?: string;
}

export function ingestUrl(o: PyroscopePushOptions): string {
  const labels = Object.entries(o.labels).map(([k, v]) => `${k}=${v.replace(/[,{}=]/g, '_')}`).join(',');
  const q = new URLSearchParams({
    name: `${o.name}{${labels}}`, from: String(Math.floor(o.from / 1000)), until: String(Math.ceil(o.until / 1000)),
    format: 'pprof', spyName: 'agentpprof', sampleRate: '100',
  });
  return `${o.url.replace(/\/+$/, '')}/ingest?${q}`;
}

export async function pushPprof(o: PyroscopePushOptions, pprofGz: Uint8Array): Promise<void> {
  const res = await fetch(ingestUrl(o), {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', ...(o.authToken ? { authorization: `Bearer ${o.authToken}` } : {}) },
    body: Buffer.from(pprofGz),
    signal: AbortSignal.timeout(30_000),
  });
  if (!res.ok) throw new Error(`pprof push to ${o.url} failed: HTTP ${res.status}`);
}
