// The live server: fastify with small plugins (auth hook, static dashboard, ws, api). Binds 127.0.0.1
// on DEFAULT_PORT unless told otherwise; the random token printed in the URL guards every route but
// /healthz and static assets.
import { randomBytes } from 'node:crypto';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AdviceSource } from './advice.js';
import type { LiveHub } from './hub.js';
import { advicePlugin } from './plugins/advice.js';
import { apiPlugin } from './plugins/api.js';
import { addAuth } from './plugins/auth.js';
import { staticPlugin } from './plugins/static.js';
import { wsPlugin } from './plugins/ws.js';
import { METRICS_PATH, metricsPlugin, type MetricsPluginOptions } from '../fleet/metrics-plugin.js';

/** Default port of `agentpprof live` (7396: next to AgentSight's 7395 so both can run). */
export const DEFAULT_PORT = 7396;
export const DEFAULT_HOST = '127.0.0.1';
/** Delta period: up to ten a second, so an event reaches the page well within the 200 ms goal. */
export const DELTA_MS = 100;

export interface ServerOptions {
  hub: LiveHub;
  token?: string;
  /** Delta period; a few times a second by default. */
  intervalMs?: number;
  dashboardDir?: string;
  /** Advice on the followed trace files (/api/advice); absent in replay. */
  advice?: AdviceSource;
  /** GET /metrics (Prometheus): accepts the access token and these extra tokens (a scrape token). */
  metrics?: Omit<MetricsPluginOptions, 'tokens'> & { scrapeTokens?: string[] };
}

export const newToken = (): string => randomBytes(18).toString('base64url');

export async function buildServer(opts: ServerOptions): Promise<{ app: FastifyInstance; token: string; tick: () => void }> {
  const token = opts.token ?? newToken();
  const app = Fastify({ logger: false, forceCloseConnections: true });
  // The websocket plugin's own hooks must run before the auth hook: it marks upgrade requests so a
  // refused upgrade's socket is destroyed instead of left open.
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  addAuth(app, token, opts.metrics ? [METRICS_PATH] : []);
  if (opts.metrics) await app.register(metricsPlugin, { ...opts.metrics, tokens: [token, ...(opts.metrics.scrapeTokens ?? [])] });
  await app.register(staticPlugin, { dir: opts.dashboardDir });
  await app.register(apiPlugin, { hub: opts.hub });
  await app.register(advicePlugin, { advice: opts.advice });
  let tick = () => {};
  await app.register(async (scope) => {
    await wsPlugin(scope, { hub: opts.hub, intervalMs: opts.intervalMs ?? DELTA_MS });
    tick = (scope as unknown as { liveTick: () => void }).liveTick;
  });
  await app.ready();
  return { app, token, tick };
}

export const isLoopback = (host: string): boolean => host === '127.0.0.1' || host === '::1' || host === 'localhost';
