// The processing side of `agentpprof live` / `replay`: runtime + processor + server, and the flush of
// the profile so far to disk. Used in-process (no root) or in the unprivileged child (root runs).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tagger } from '../tag/types.js';
import { renderProfiles } from '../render/index.js';
import { VIEWS } from './hub.js';
import { AdviceSource, type AdviceOptions } from './advice.js';
import { LiveProcessor } from './processor.js';
import { LiveRuntime } from './runtime.js';
import { buildServer, DEFAULT_HOST, DEFAULT_PORT } from './server.js';
import { hostname } from 'node:os';
import { FleetExport, type FleetExportOptions } from '../fleet/live-export.js';

export interface ServeOptions {
  tagger: Tagger;
  host?: string;
  port?: number;
  token?: string;
  includePrompts?: boolean;
  record?: string | number;
  clock?: () => number;
  kernel?: () => boolean;
  intervalMs?: number;
  /** Our own pids (and their children): the collector sees them too, they are not the agent's. */
  ignorePids?: number[];
  /** /api/advice over these trace roots and --history window (live mode; the tagger is the run's). */
  advice?: Omit<AdviceOptions, 'tagger' | 'includePrompts'>;
  /** /metrics, Loki and pprof push (src/fleet): host label (default os.hostname()), scrape token, targets. */
  fleet?: Partial<FleetExportOptions> & { scrapeToken?: string };
}

export interface Serving {
  rt: LiveRuntime;
  processor: LiveProcessor;
  fleet: FleetExport;
  url: string;
  token: string;
  /** Stops serving, writes the profile so far into `outDir`; returns the files written. */
  close(outDir?: string): Promise<string[]>;
  /** Stops serving and returns the profile so far as files to write (the child hands them to its parent). */
  closeToFiles(): Promise<FlushFile[]>;
}

export async function serve(opts: ServeOptions): Promise<Serving> {
  // Tool-input hints stand in for kernel effects only while no collector is delivering them.
  const kernel = opts.kernel ?? (() => rt.hub.status.collector === 'running');
  const rt: LiveRuntime = new LiveRuntime({ tagger: opts.tagger, includePrompts: opts.includePrompts, record: opts.record, clock: opts.clock, kernel,
    ignorePids: new Set(opts.ignorePids ?? [process.pid]) });
  const processor = new LiveProcessor(rt);
  const advice = opts.advice && new AdviceSource({ ...opts.advice, tagger: opts.tagger, includePrompts: opts.includePrompts });
  advice?.warm();
  const fleet = new FleetExport(rt.hub, { ...opts.fleet, hostLabel: opts.fleet?.hostLabel ?? hostname() });
  const { app, token } = await buildServer({ hub: rt.hub, advice, token: opts.token, intervalMs: opts.intervalMs,
    metrics: { metrics: fleet.metrics, beforeScrape: () => fleet.scrape(), scrapeTokens: opts.fleet?.scrapeToken ? [opts.fleet.scrapeToken] : [] } });
  const host = opts.host ?? DEFAULT_HOST;
  const address = await app.listen({ host, port: opts.port ?? DEFAULT_PORT });
  const expire = setInterval(() => processor.tick(), 5000);
  expire.unref();
  // Lines that arrived inside the mirror's throttle window are read on the next beat.
  const beat = setInterval(() => processor.traces(), 250);
  beat.unref();
  const serving: Serving = {
    rt, processor, token, fleet,
    url: `${address}/?token=${token}`,
    async close(outDir) {
      const files = await serving.closeToFiles();
      return outDir ? writeFlush(outDir, files) : [];
    },
    async closeToFiles() {
      clearInterval(expire);
      clearInterval(beat);
      processor.close();
      await app.close();
      await rt.flush();
      await rt.recorder?.close();
      // What Loki has not taken yet stays in the spool and is sent by the next run.
      if (!(await fleet.close())) {
        process.stderr.write(`agentpprof: Loki did not take everything: ${fleet.pusher?.stats.pending} batches wait in ${opts.fleet?.spoolDir} and are sent by the next run with --push\n`);
      }
      return renderFlush(rt);
    },
  };
  return serving;
}

export interface FlushFile { name: string; body: string | Uint8Array }

/** Every view's all-time profile (folded), one pprof with all views, the tokens SVG and the status. */
export function renderFlush(rt: LiveRuntime): FlushFile[] {
  const profiles = VIEWS.map((v) => rt.hub.profile(v, 'all'));
  return [
    ...profiles.map((p) => ({ name: `${p.view}.folded`, body: renderProfiles([p], 'folded') })),
    { name: 'live.pb.gz', body: renderProfiles(profiles, 'pprof') },
    { name: 'tokens.svg', body: renderProfiles([profiles[0]], 'svg', { title: 'agentpprof live — tokens' }) },
    { name: 'status.json', body: JSON.stringify(rt.hub.profileStatus(), null, 2) + '\n' },
  ];
}

export function writeFlush(dir: string, files: FlushFile[]): string[] {
  mkdirSync(dir, { recursive: true });
  return files.map((f) => {
    const path = join(dir, f.name);
    writeFileSync(path, f.body);
    return path;
  });
}
