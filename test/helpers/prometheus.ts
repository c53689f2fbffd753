// Starts Debian's prometheus on loopback with a given scrape config, for the fleet tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PROMETHEUS = '/usr/bin/prometheus';
export const hasPrometheus = () => existsSync(PROMETHEUS);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface Prom { url: string; proc: ChildProcess; query(q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>; stop(): Promise<void> }

export async function startPrometheus(targets: { host: string; port: number }[], token: string): Promise<Prom> {
  const dir = mkdtempSync(join(tmpdir(), 'agentpprof-prom-'));
  const port = await freePort();
  const cfg = [
    'global:', '  scrape_interval: 1s', '  scrape_timeout: 1s', 'scrape_configs:', '  - job_name: agentpprof',
    '    authorization:', '      type: Bearer', `      credentials: ${token}`,
    '    static_configs:', ...targets.map((t) => `      - targets: ["127.0.0.1:${t.port}"]\n        labels: {instance_host: "${t.host}"}`),
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), cfg + '\n');
  const proc = spawn(PROMETHEUS, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${url}/-/ready`)).ok) break; } catch { /* starting */ }
    if (i > 100 || proc.exitCode !== null) throw new Error(`prometheus did not start: ${stderr.slice(-500)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url, proc,
    async query(q) {
      const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: q })}`);
      const body = (await res.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
      return body.data.result;
    },
    stop: () => new Promise<void>((r) => { proc.once('exit', () => r()); proc.kill('SIGTERM'); }),
  };
}
