// HTTP API: /api/profile (the live profile as svg | folded | pb.gz | json, per view and window),
// /api/status, /healthz.
import type { FastifyInstance } from 'fastify';
import { isWindow } from '../aggregate.js';
import { isView, type LiveHub } from '../hub.js';
import { encodeProfile, FORMATS, type ProfileFormat } from '../export.js';

export async function apiPlugin(app: FastifyInstance, opts: { hub: LiveHub }): Promise<void> {
  const { hub } = opts;
  app.get('/healthz', async () => ({ ok: true, collector: hub.status.collector, events: hub.status.events }));
  app.get('/api/status', async () => hub.status);
  app.get('/api/profile', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const view = q.view ?? 'tokens', window = q.window ?? 'all', format = (q.format ?? 'json') as ProfileFormat;
    if (!isView(view)) return reply.code(400).send({ error: `unknown view "${view}"` });
    if (!isWindow(window)) return reply.code(400).send({ error: `unknown window "${window}": all, 5m or 1h` });
    if (!FORMATS.includes(format)) return reply.code(400).send({ error: `unknown format "${format}": ${FORMATS.join(', ')}` });
    const out = encodeProfile(hub.profile(view, window), format);
    return reply
      .type(out.type)
      .header('content-disposition', `attachment; filename="agentpprof-${view}-${window}.${format}"`)
      .send(out.body);
  });
}
