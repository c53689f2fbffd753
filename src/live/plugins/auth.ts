// Access token check for every route but /healthz and the dashboard's static assets: the token comes
// in the printed URL (`?token=`) or an `Authorization: Bearer` header. Constant-time comparison.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export const PUBLIC_PREFIXES = ['/healthz', '/assets/'];

export function tokenOf(req: FastifyRequest): string {
  const q = (req.query as Record<string, unknown> | undefined)?.token;
  if (typeof q === 'string') return q;
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7) : '';
}

export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a), y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Registered on the root instance (not encapsulated) so the hook guards every plugin's routes. */
export function addAuth(app: FastifyInstance, token: string, ownCheck: string[] = []): void {
  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0];
    if (PUBLIC_PREFIXES.some((p) => path === p || path.startsWith(p))) return;
    // Routes that check their own tokens (/metrics also takes a separate scrape token).
    if (ownCheck.includes(path)) return;
    if (!sameToken(tokenOf(req), token)) return reply.code(401).send({ error: 'missing or wrong token' });
  });
}
