import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { assembleCalls } from '../src/http/assembler.js';
import { Http1Stream } from '../src/http/http1.js';
import type { HttpMessage, TlsChunk } from '../src/http/types.js';

const w = (data: string | Buffer, ts = 1): TlsChunk => ({ ts, pid: 1, dir: 'write', data: Buffer.from(data) });
const r = (data: string | Buffer, ts = 2): TlsChunk => ({ ts, pid: 1, dir: 'read', data: Buffer.from(data) });
const json = (o: unknown) => JSON.stringify(o);
const msg = { id: 'msg_e1', type: 'message', model: 'claude-haiku-4-5', content: [{ type: 'text', text: 'ok' }], usage: { input_tokens: 3, output_tokens: 4 } };
const req = (path = '/v1/messages') => {
  const body = json({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }] });
  return `POST ${path} HTTP/1.1\r\nHost: api.anthropic.com:443\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
};

describe('HTTP/1.1 edge cases', () => {
  it('HEAD responses have no body whatever Content-Length says; 100 Continue is skipped', () => {
    const { calls } = assembleCalls([
      w('HEAD / HTTP/1.1\r\nHost: x\r\n\r\n'), r('HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n'),
      w(req()), r('HTTP/1.1 100 Continue\r\n\r\n'), r(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${json(msg).length}\r\n\r\n${json(msg)}`),
    ]);
    expect(calls.map((c) => [c.id, c.domain, c.usage.output])).toEqual([['msg_e1', 'api.anthropic.com', 4]]);
  });

  it('a close-delimited response ends with the connection; a gzip body without its trailer still yields usage', () => {
    const sse = `event: message_start\ndata: ${json({ type: 'message_start', message: { id: 'msg_e2', model: 'm', usage: { input_tokens: 5, output_tokens: 1 } } })}\n\n`
      + `event: message_delta\ndata: ${json({ type: 'message_delta', usage: { output_tokens: 9 } })}\n\n`;
    const gz = gzipSync(Buffer.from(sse + 'event: message_stop\ndata: {"type":"message_stop"}\n\n'));
    const { calls } = assembleCalls([
      w(req()), r(Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Encoding: gzip\r\n\r\n'), gz.subarray(0, gz.length - 8)])),
    ]);
    expect(calls[0]).toMatchObject({ id: 'msg_e2', stream: true });
    expect(calls[0].usage).toMatchObject({ input: 5, output: 9 });
  });

  it('drops bytes of a message whose start it never saw (a recording that starts mid-stream)', () => {
    const dropped: string[] = [];
    const got: HttpMessage[] = [];
    const s = new Http1Stream('response', { message: (m) => got.push(m), dropped: (n, why) => dropped.push(`${why}:${n}`) });
    s.push(Buffer.from('"usage":{"output_tokens":5}}\n\n'), 1);
    s.push(Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'), 2);
    s.close(3);
    expect(dropped).toEqual(['data outside any message:30']);
    expect(got.map((m) => m.status)).toEqual([204]);
  });

  it('secret headers never reach a message', () => {
    const got: HttpMessage[] = [];
    const s = new Http1Stream('request', { message: (m) => got.push(m), dropped: () => {} });
    s.push(Buffer.from('GET / HTTP/1.1\r\nAuthorization: Bearer abc\r\nCookie: a=b\r\nX-Api-Key: k\r\nAnthropic-Version: 2023-06-01\r\n\r\n'), 1);
    expect(got[0].headers).toEqual({ 'anthropic-version': '2023-06-01' });
  });
});
