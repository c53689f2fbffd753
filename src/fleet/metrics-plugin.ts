// GET /metrics for Prometheus, as a fastify plugin. It honours the server's access token or a
// separate scrape token (Authorization: Bearer …, or ?token=… for simple scrape configs).

import type { FastifyInstance } from 'fastify';
import type { FleetMetrics } from './metrics.js';

export interface MetricsPluginOptions {
  metrics: FleetMetrics;
  /** Accepted tokens (the server's own and/or a scrape token). */
  tokens: string[];
}

export async function metricsPlugin(app: FastifyInstance, opts: MetricsPluginOptions): Promise<void> {
  app.get('/metrics', async (req, reply) => {
    const auth = req.headers.authorization?.replace(/^Bearer\s+/i, '');
    const query = (req.query as Record<string, string | undefined>).token;
    if (!opts.tokens.some((t) => t && (t === auth || t === query))) {
      return reply.code(401).send({ error: 'missing or wrong token' });
    }
    reply.header('content-type', opts.metrics.registry.contentType);
    return opts.metrics.text();
  });
}
