// The scripted model server on its own, over real TLS with its throwaway CA: the SSE streams have the
// shapes the agents rely on, usage on the wire matches the log, and odd endpoints answer.
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '../scripts/agents/model-server.js';
import { FIRST_COMMAND } from '../scripts/agents/script.js';

let server: ModelServer;
let ca: string;

beforeAll(async () => {
  server = await startModelServer({ tls: true, eventDelayMs: 0 });
  ca = readFileSync(server.caFile!, 'utf8');
});
afterAll(() => server.close());

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const call = (method: string, path: string, body?: unknown): Promise<Reply> =>
  new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { method, ca, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });

/** SSE text → [event, data] pairs. */
const sse = (text: string): [string, any][] =>
  text.split('\n\n').filter((b) => b.trim()).map((b) => {
    const event = /^event: (.*)$/m.exec(b)?.[1] ?? '';
    const data = /^data: (.*)$/m.exec(b)?.[1] ?? 'null';
    return [event, JSON.parse(data)];
  });

describe('scripted model server', () => {
  it('answers HEAD /, count_tokens, and 404 elsewhere, over TLS trusted through its CA', async () => {
    expect((await call('HEAD', '/')).status).toBe(200);
    const count = await call('POST', '/v1/messages/count_tokens', { messages: [] });
    expect(JSON.parse(count.body).input_tokens).toBeGreaterThan(0);
    expect((await call('GET', '/v1/nothing')).status).toBe(404);
  });

  it('streams an Anthropic message: ids, usage and tool input as logged', async () => {
    const body = { model: 'claude-test', stream: true, tools: [{ name: 'Bash' }], messages: [{ role: 'user', content: 'hi' }] };
    const res = await call('POST', '/v1/messages?beta=true', body);
    const events = sse(res.body);
    expect(events.map(([e]) => e)).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop',
      'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    const sent = server.sent.replies.at(-1)!;
    expect(sent).toMatchObject({ api: 'anthropic', kind: 'main', prompt: 'hi', turn: 0, model: 'claude-test' });
    expect(res.headers['request-id']).toBe(sent.requestId);
    const start = events[0][1].message;
    expect(start.id).toBe(sent.id);
    expect(start.usage).toMatchObject({ input_tokens: sent.usage.input, cache_read_input_tokens: sent.usage.cacheRead, output_tokens: 1 });
    expect(events[8][1].usage.output_tokens).toBe(sent.usage.output);
    const json = events.filter(([e, d]) => e === 'content_block_delta' && d.delta.type === 'input_json_delta').map(([, d]) => d.delta.partial_json).join('');
    expect(JSON.parse(json)).toEqual(sent.tools[0].input);
    expect(sent.tools[0].input.command).toBe(FIRST_COMMAND);
  });

  it('streams an OpenAI response whose usage counts cached tokens inside input', async () => {
    const body = { model: 'gpt-test', stream: true, tools: [{ type: 'function', name: 'exec_command' }],
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }] };
    const events = sse((await call('POST', '/v1/responses', body)).body);
    expect(events.map(([e]) => e)).toEqual(['response.created', 'response.output_item.added', 'response.output_item.done',
      'response.output_item.added', 'response.output_item.done', 'response.completed']);
    const sent = server.sent.replies.at(-1)!;
    const done = events.at(-1)![1].response;
    expect(done.id).toBe(sent.id);
    expect(done.usage).toEqual({
      input_tokens: sent.usage.input + sent.usage.cacheRead, input_tokens_details: { cached_tokens: sent.usage.cacheRead },
      output_tokens: sent.usage.output, output_tokens_details: { reasoning_tokens: sent.usage.reasoning },
      total_tokens: sent.usage.input + sent.usage.cacheRead + sent.usage.output,
    });
    const fc = events[4][1].item;
    expect({ id: fc.call_id, name: fc.name, input: JSON.parse(fc.arguments) }).toEqual(sent.tools[0]);
  });

  it('gives every reply distinct usage, and a request without tools a side reply', async () => {
    await call('POST', '/v1/messages', { model: 'claude-haiku-test', messages: [{ role: 'user', content: 'title?' }] });
    const side = server.sent.replies.at(-1)!;
    expect(side).toMatchObject({ kind: 'side', text: 'OK.', tools: [] });
    const all = server.sent.replies.flatMap((r) => [r.usage.input, r.usage.output, r.usage.cacheRead]);
    expect(new Set(all).size).toBe(all.length);
  });
});
