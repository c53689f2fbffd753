// /ws: each client gets a msgpack snapshot of its (view, window), then deltas every tick. A client
// whose socket buffer backs up is skipped (never awaited) and resynchronised with a fresh snapshot
// once it drains, so one slow reader cannot slow the others or grow our memory. Needs @fastify/websocket
// registered on the root first (see server.ts).
import { encode } from '@msgpack/msgpack';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { isWindow } from '../aggregate.js';
import { isView, type LiveHub } from '../hub.js';
import { commonPart, delta, snapshot, takeChanges, type ClientView } from '../protocol.js';

interface Client { socket: WebSocket; cv: ClientView; known: Set<number>; stale: boolean }

/** Bytes queued on a socket beyond which deltas are skipped for it. */
export const SLOW_CLIENT_BYTES = 1 << 20;

function viewFrom(q: Record<string, unknown>, prev?: ClientView): ClientView {
  return {
    view: isView(q.view) ? q.view : prev?.view ?? 'tokens',
    window: isWindow(q.window) ? q.window : prev?.window ?? 'all',
  };
}

export async function wsPlugin(app: FastifyInstance, opts: { hub: LiveHub; intervalMs: number }): Promise<void> {
  const { hub } = opts;
  const clients = new Set<Client>();
  const send = (c: Client, msg: unknown) => c.socket.send(encode(msg, { ignoreUndefined: true }));

  app.get('/ws', { websocket: true }, (socket, req) => {
    const c: Client = { socket, cv: viewFrom(req.query as Record<string, unknown>), known: new Set(), stale: false };
    clients.add(c);
    send(c, snapshot(hub, c.cv, c.known));
    socket.on('message', (data) => {
      let m: Record<string, unknown>;
      try { m = JSON.parse(String(data)); } catch { return; }
      if (m.type === 'view') {
        c.cv = viewFrom(m, c.cv);
        send(c, snapshot(hub, c.cv, c.known));
      }
    });
    socket.on('close', () => clients.delete(c));
    socket.on('error', () => clients.delete(c));
  });

  const tick = () => {
    hub.advance();
    const changes = takeChanges(hub);
    if (!clients.size) return;
    const shared = commonPart(hub);
    for (const c of clients) {
      if (c.socket.readyState !== c.socket.OPEN) continue;
      if (c.socket.bufferedAmount > SLOW_CLIENT_BYTES) { c.stale = true; continue; }
      if (c.stale) { c.stale = false; send(c, snapshot(hub, c.cv, c.known)); continue; }
      send(c, delta(hub, changes.get(`${c.cv.view}/${c.cv.window}`) ?? [], c.known, shared));
    }
  };
  const timer = setInterval(tick, opts.intervalMs);
  timer.unref();
  app.addHook('preClose', async () => {
    clearInterval(timer);
    // A close handshake needs the peer; a stuck (slow) peer gets terminated.
    for (const c of clients) {
      if (c.socket.bufferedAmount > 0) c.socket.terminate(); else c.socket.close(1001, 'server shutting down');
    }
  });
  app.decorate('liveTick', tick);
}
