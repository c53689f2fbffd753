// The fleet options shared by `agentpprof live` and `agentpprof replay`: host label, scrape token,
// event push (Loki or ClickHouse) and pprof push, with their help text and the documented Prometheus
// scrape config.
import { join, resolve } from 'node:path';
import type { FleetExportOptions } from './live-export.js';
import { usageError } from '../util/cli-error.js';
import { PUSH_URL_HELP, pushTarget } from './push-target.js';

export const FLEET_OPTIONS = {
  'host-label': { type: 'string' }, 'scrape-token': { type: 'string' },
  push: { type: 'string' }, 'push-spool': { type: 'string' }, 'push-ttl': { type: 'string' },
  'push-pprof': { type: 'string' }, 'push-pprof-interval': { type: 'string', default: '15' },
} as const;

export const FLEET_HELP = `Fleet (Prometheus, Loki, ClickHouse, Pyroscope):
  --host-label NAME     the host label on /metrics, pushed events and pprof pushes (default: hostname)
  --scrape-token TOKEN  also accept TOKEN on GET /metrics (besides the access token; also
                        AGENTPPROF_SCRAPE_TOKEN), so Prometheus never holds the dashboard's token
  --push loki://HOST:3100
                        every ~2 s, push what was recorded since the last push to Loki as semantic
                        lines (stream labels app="agentpprof", host, agent, tag; no prompt text),
                        through an on-disk spool under the out dir (a Loki outage loses nothing)
  --push clickhouse://HOST:8123[/DB]
                        the same events as rows of DB.agentpprof_events (created when missing), every
                        batch with an id so a resent one counts once; draw the team's profile with
                        agentpprof --from clickhouse://HOST:8123 (summed in ClickHouse)
  --push-spool DIR      spool directory (default OUT/loki-spool or OUT/clickhouse-spool)
  --push-ttl DAYS       ClickHouse: delete events older than DAYS
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
  const target = v.push ? pushTarget(v.push) : null;
  if (v.push && !target) throw usageError(`--push: ${PUSH_URL_HELP}, not ${v.push}`);
  const ttlDays = v['push-ttl'] !== undefined ? Number(v['push-ttl']) : undefined;
  if (ttlDays !== undefined && !(ttlDays > 0)) throw usageError(`--push-ttl: a number of days > 0, not ${v['push-ttl']}`);
  if (v['push-pprof'] && !/^https?:\/\//.test(v['push-pprof'])) throw usageError(`--push-pprof: an http(s) URL, not ${v['push-pprof']}`);
  return {
    ...(v['host-label'] ? { hostLabel: v['host-label'] } : {}),
    scrapeToken: v['scrape-token'] ?? process.env.AGENTPPROF_SCRAPE_TOKEN,
    push: v.push, pushTtlDays: ttlDays, spoolDir: v.push ? resolve(v['push-spool'] ?? join(outDir, `${target}-spool`)) : undefined,
    pprof: v['push-pprof'], pprofSeconds: interval,
  };
}
