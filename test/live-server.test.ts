// The live server: token guard (401), /healthz, /api/profile formats, and /ws snapshot then deltas,
// with a slow client that must not hold back a fast one.
import { decode } from '@msgpack/msgpack';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LiveRuntime } from '../src/live/runtime.js';
import { buildServer } from '../src/live/server.js';
import { FirstWordTagger } from '../src/live/tagger.js';
import type { Delta, Snapshot } from '../src/live/protocol.js';
import type { LlmCall } from '../src/model.js';
import { until } from './live-helpers.js';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => { while (closers.length) await closers.pop()!(); });

const call = (id: string, ts: number, output: number): LlmCall => ({
  id, session: 's1', prompt: 'p1', ts, end: ts + 1200, model: 'claude-sonnet-4-5',
  usage: { input: 100, output, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 },
  shape: { toolUses: 0, textChars: 5, thinkingChars: 0, codeBlocks: 0, tools: [] },
});

async function start(intervalMs = 50) {
  const rt = new LiveRuntime({ tagger: new FirstWordTagger() });
  const now = Date.now();
  await rt.push({
    sessions: [{ id: 's1', agent: 'claude', cwd: '/w/app', project: 'app', start: now, end: now }],
    prompts: [{ id: 'p1', session: 's1', ts: now, text: 'debug the flaky login test', kind: 'human' }],
    calls: [call('msg_1', now, 40)],
  });
  const srv = await buildServer({ hub: rt.hub, intervalMs, dashboardDir: '/nonexistent' });
  closers.push(() => srv.app.close());
  return { rt, ...srv };
}

function messages(ws: WebSocket) {
  const got: (Snapshot | Delta)[] = [];
  ws.on('message', (d: Buffer) => got.push(decode(d) as Snapshot | Delta));
  return got;
}

describe('live server', () => {
  it('guards routes with the token, serves healthz without it', async () => {
    const { app, token } = await start();
    expect((await app.inject('/api/profile')).statusCode).toBe(401);
    expect((await app.inject('/api/profile?token=wrong')).statusCode).toBe(401);
    expect((await app.inject('/?token=' + token.slice(1))).statusCode).toBe(401);
    expect((await app.inject('/healthz')).json()).toMatchObject({ ok: true });
    expect((await app.inject({ url: '/api/status', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
    expect((await app.inject('/?token=' + token)).statusCode).toBe(200);
  });

  it('downloads the profile as folded and json; bad params are 400', async () => {
    const { app, token } = await start();
    const f = await app.inject(`/api/profile?token=${token}&view=tokens&window=5m&format=folded`);
    expect(f.statusCode).toBe(200);
    expect(f.body).toContain('agent:claude;prompt:debug;call:llm/text;model:claude-sonnet-4-5;token:output 40');
    const j = (await app.inject(`/api/profile?token=${token}&view=cost&format=json`)).json();
    expect(j.unit).toBe('usd');
    expect(j.total).toBeCloseTo((100 * 3 + 40 * 15) / 1e6, 12);
    expect(JSON.stringify(j)).not.toContain('flaky login'); // no raw prompt text without --include-prompts
    const svg = await app.inject(`/api/profile?token=${token}&view=tokens&format=svg`);
    expect(svg.headers['content-type']).toContain('image/svg+xml');
    expect(svg.body).toContain('prompt:debug');
    const pb = await app.inject(`/api/profile?token=${token}&view=tokens&format=pb.gz`);
    expect(pb.rawPayload.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect((await app.inject(`/api/profile?token=${token}&view=bogus`)).statusCode).toBe(400);
    expect((await app.inject(`/api/profile?token=${token}&format=png`)).statusCode).toBe(400);
    expect((await app.inject(`/api/profile?token=${token}&window=2d`)).statusCode).toBe(400);
  });

  it('ws: wrong token is refused with 401; snapshot then deltas; a slow client does not hold back others', async () => {
    const { app, token, rt } = await start();
    const addr = await app.listen({ host: '127.0.0.1', port: 0 });
    const url = addr.replace('http', 'ws') + '/ws';
    const bad = new WebSocket(`${url}?token=nope`);
    const status = await new Promise<number>((r) => bad.on('unexpected-response', (_q, res) => r(res.statusCode ?? 0)));
    expect(status).toBe(401);

    const fast = new WebSocket(`${url}?token=${token}&view=tokens&window=5m`);
    const got = messages(fast);
    const snap = (await until(() => got[0])) as Snapshot;
    expect(snap.type).toBe('snapshot');
    expect(snap.view).toBe('tokens');
    const names = new Map(snap.stacks.map(([id, s]) => [id, s.join(';')]));
    expect([...names.values()]).toContain('agent:claude;prompt:debug;call:llm/text;model:claude-sonnet-4-5;token:output');
    expect(snap.sessions[0]).toMatchObject({ id: 's1', tag: 'debug' });

    // A slow client: its socket is paused so its buffer fills; the fast one must keep getting deltas.
    const slow = new WebSocket(`${url}?token=${token}&view=tokens&window=5m`);
    await new Promise((r) => slow.on('open', r));
    (slow as unknown as { _socket: { pause(): void } })._socket.pause();
    const big = 'x'.repeat(200);
    for (let i = 0; i < 3000; i++) {
      await rt.push({ calls: [{ ...call(`msg_${i + 2}`, Date.now(), 7), model: `model-${i}-${big}` }] });
    }
    const d = await until(() => got.find((m): m is Delta => m.type === 'delta' && m.weights.some(([id]) => !names.has(id))));
    expect(d.stacks.length).toBeGreaterThan(0);
    const latest = await until(() => { const last = got.at(-1) as Delta; return last.type === 'delta' && last.status.events >= 3001 ? last : undefined; });
    expect(latest.status.events).toBeGreaterThanOrEqual(3001);
    slow.terminate();
    fast.close();
  });

  it('switching view sends a new snapshot', async () => {
    const { app, token } = await start();
    const addr = await app.listen({ host: '127.0.0.1', port: 0 });
    const ws = new WebSocket(`${addr.replace('http', 'ws')}/ws?token=${token}`);
    const got = messages(ws);
    await until(() => got[0]);
    ws.send(JSON.stringify({ type: 'view', view: 'ops', window: 'all' }));
    const s = (await until(() => got.find((m) => m.type === 'snapshot' && (m as Snapshot).view === 'ops'))) as Snapshot;
    expect(s.stacks.map(([, st]) => st.join(';'))).toContain('agent:claude;prompt:debug;call:llm/text');
    ws.close();
  });
});
