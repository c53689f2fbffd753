// Starts Debian's clickhouse-server (18.16) as a plain process on loopback, its data in a temp dir and
// every port free-picked (http, native, interserver), for the fleet tests; `kill()` is a crash (SIGKILL),
// `start()` again reopens the same data on the same ports.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './prometheus.js';

export const CLICKHOUSE = '/usr/sbin/clickhouse-server';
export const hasClickHouse = () => existsSync(CLICKHOUSE) && existsSync('/etc/clickhouse-server/config.xml');

export class ClickHouseServer {
  readonly dir = mkdtempSync(join(tmpdir(), 'agentpprof-ch-'));
  proc?: ChildProcess;
  http = 0;
  private ports: number[] = [];

  get url(): string { return `http://127.0.0.1:${this.http}`; }

  async start(): Promise<string> {
    if (!this.ports.length) this.ports = [await freePort(), await freePort(), await freePort()];
    [this.http] = this.ports;
    for (const d of ['tmp', 'uf', 'fs']) mkdirSync(join(this.dir, d), { recursive: true });
    const p = (this.proc = spawn(CLICKHOUSE, ['--config-file=/etc/clickhouse-server/config.xml', '--',
      `--path=${this.dir}/`, `--tmp_path=${this.dir}/tmp/`, `--user_files_path=${this.dir}/uf/`, `--format_schema_path=${this.dir}/fs/`,
      `--http_port=${this.ports[0]}`, `--tcp_port=${this.ports[1]}`, `--interserver_http_port=${this.ports[2]}`,
      `--logger.log=${this.dir}/server.log`, `--logger.errorlog=${this.dir}/server.err.log`, '--logger.level=warning'],
    { stdio: ['ignore', 'ignore', 'pipe'] }));
    let stderr = '';
    p.stderr!.on('data', (d) => (stderr += d));
    for (let i = 0; ; i++) {
      try { if ((await fetch(`${this.url}/ping`)).ok) return this.url; } catch { /* starting */ }
      if (i > 150 || p.exitCode !== null) throw new Error(`clickhouse-server did not start: ${stderr.slice(-800)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** A crash: SIGKILL, no flush, no goodbye. */
  kill(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
    return new Promise((r) => { p.once('exit', () => r()); p.kill('SIGKILL'); });
  }

  stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
    return new Promise((r) => { p.once('exit', () => r()); p.kill('SIGTERM'); });
  }

  async query(sql: string): Promise<string> {
    const res = await fetch(`${this.url}/?${new URLSearchParams({ query: sql })}`, { method: 'POST' });
    const text = await res.text();
    if (!res.ok) throw new Error(text);
    return text;
  }
}
