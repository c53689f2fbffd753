// GET /api/advice: the ranked findings of `agentpprof advise` on the trace files live mode follows
// (token-guarded like every /api route). 404 when the server follows no trace files (replay).
import type { FastifyInstance } from 'fastify';
import type { AdviceSource } from '../advice.js';

export async function advicePlugin(app: FastifyInstance, opts: { advice?: AdviceSource }): Promise<void> {
  app.get('/api/advice', async (_req, reply) => {
    if (!opts.advice) return reply.code(404).send({ error: 'no advice: this server follows no trace files (live mode only)' });
    return opts.advice.get();
  });
}
