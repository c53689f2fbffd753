// GET /metrics for Prometheus, as a fastify plugin. It honours the server's access token or a
// separate scrape token (Authorization: Bearer …, or ?token=… for simple scrape configs).

import type { FastifyInstance } from 'fastify';
import { sameToken, tokenOf } from '../live/sink.js';
import type { FleetMetrics } from './metrics.js';

export interface MetricsPluginOptions {
  metrics: FleetMetrics;
  /** Accepted tokens (the server's own and/or a scrape token). */
  tokens: string[];
  /** Brings the metrics up to date (the live server syncs its counters from the hub here). */
  beforeScrape?: () => void;
}

/** The path the live server's auth hook leaves to this plugin (it checks its own tokens). */
export const METRICS_PATH = '/metrics';

export async function metricsPlugin(app: FastifyInstance, opts: MetricsPluginOptions): Promise<void> {
  app.get(METRICS_PATH, async (req, reply) => {
    const given = tokenOf(req);
    if (!opts.tokens.some((t) => t && sameToken(given, t))) {
      return reply.code(401).send({ error: 'missing or wrong token' });
    }
    opts.beforeScrape?.();
    reply.header('content-type', opts.metrics.registry.contentType);
    return opts.metrics.text();
  });
}
