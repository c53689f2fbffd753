// The fleet options shared by `agentpprof live` and `agentpprof replay`: host label, scrape token,
// Loki push and pprof push, with their help text and the documented Prometheus scrape config.
import { join, resolve } from 'node:path';
import type { FleetExportOptions } from './live-export.js';
import { usageError } from '../util/cli-error.js';

export const FLEET_OPTIONS = {
  'host-label': { type: 'string' }, 'scrape-token': { type: 'string' },
  push: { type: 'string' }, 'push-spool': { type: 'string' },
  'push-pprof': { type: 'string' }, 'push-pprof-interval': { type: 'string', default: '15' },
} as const;

export const FLEET_HELP = `Fleet (Prometheus, Loki, Pyroscope):
  --host-label NAME     the host label on /metrics, Loki streams and pprof pushes (default: hostname)
  --scrape-token TOKEN  also accept TOKEN on GET /metrics (besides the access token; also
                        AGENTPPROF_SCRAPE_TOKEN), so Prometheus never holds the dashboard's token
  --push loki://HOST:3100
                        every ~2 s, push what was recorded since the last push to Loki as semantic
                        lines (stream labels app="agentpprof", host, agent, tag; no prompt text),
                        through an on-disk spool under the out dir (a Loki outage loses nothing)
  --push-spool DIR      spool directory (default OUT/loki-spool)
  --push-pprof URL      post the tokens profile of each window to a Pyroscope-compatible
                        URL/ingest (name agentpprof.tokens{host=…,agent=…}, from/until, format=pprof)
  --push-pprof-interval SECONDS   window length (default 15)

  Prometheus scrape config (GET /metrics, text format; labels host, agent, model, tag, kind, tool):
    scrape_configs:
      - job_name: agentpprof
        authorization: { type: Bearer, credentials: SCRAPE_TOKEN }
        static_configs: [{ targets: ["devbox:7396", "ci-runner-1:7396"] }]
  (run with --host 0.0.0.0 to be reachable; see dashboards/grafana/README.md)
`;

type FleetValues = { [K in keyof typeof FLEET_OPTIONS]?: string };

/** CLI values → serve()'s fleet options. `outDir` holds the default spool. */
export function fleetOptions(v: FleetValues, outDir: string): Partial<FleetExportOptions> & { scrapeToken?: string } {
  const interval = Number(v['push-pprof-interval'] ?? 15);
  if (!(interval > 0)) throw usageError(`--push-pprof-interval: not a number of seconds > 0: ${v['push-pprof-interval']}`);
  if (v.push && !/^(loki|https?):\/\//.test(v.push)) throw usageError(`--push: a Loki address like loki://HOST:3100, not ${v.push}`);
  if (v['push-pprof'] && !/^https?:\/\//.test(v['push-pprof'])) throw usageError(`--push-pprof: an http(s) URL, not ${v['push-pprof']}`);
  return {
    ...(v['host-label'] ? { hostLabel: v['host-label'] } : {}),
    scrapeToken: v['scrape-token'] ?? process.env.AGENTPPROF_SCRAPE_TOKEN,
    loki: v.push, spoolDir: v.push ? resolve(v['push-spool'] ?? join(outDir, 'loki-spool')) : undefined,
    pprof: v['push-pprof'], pprofSeconds: interval,
  };
}
