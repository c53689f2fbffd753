// Serves the bundled dashboard (dist/dashboard/, built by scripts/build-dashboard.mjs): the page at `/`
// (token-guarded) and its assets under /assets/. No CDN, no fonts from the network: works offline.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.map': 'application/json' };

/** The package root: the nearest ancestor of this module holding package.json (src/ under tsx, dist/ bundled). */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let d = from; ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return d;
    if (dirname(d) === d) return process.cwd();
  }
}

export const dashboardDir = (): string => join(packageRoot(), 'dist', 'dashboard');

export async function staticPlugin(app: FastifyInstance, opts: { dir?: string }): Promise<void> {
  const dir = opts.dir ?? dashboardDir();
  app.get('/', async (_req, reply) => {
    const index = join(dir, 'index.html');
    if (!existsSync(index)) {
      return reply.type('text/html; charset=utf-8').send('<!doctype html><title>agentpprof live</title><p>The dashboard is not built: run <code>node scripts/build.mjs</code>. The API (/api/profile, /ws) works.</p>');
    }
    return reply.type('text/html; charset=utf-8').send(readFileSync(index));
  });
  app.get('/assets/:name', async (req, reply) => {
    const name = (req.params as { name: string }).name;
    const ext = name.slice(name.lastIndexOf('.'));
    // Only plain file names of known types: no traversal.
    if (!/^[\w.-]+$/.test(name) || !TYPES[ext] || !existsSync(join(dir, name))) return reply.code(404).send({ error: 'not found' });
    return reply.type(TYPES[ext]).header('cache-control', 'no-cache').send(readFileSync(join(dir, name)));
  });
}
