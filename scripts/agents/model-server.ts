// A scripted local model server speaking the Anthropic Messages API and the OpenAI Responses API,
// over real TLS (a throwaway CA, certs.ts) or plain HTTP. The real Claude Code and Codex CLIs talk to
// it as to the real thing; it records everything it received and sent so tests can compare the agents'
// trace files with the truth.
//   API: startModelServer({tls}) → {url, port, caFile, sent, close()}
//   CLI: npx tsx scripts/agents/model-server.ts [--tls] [--port N] [--log sent.json]
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { anthropicReply, anthropicTools, anthropicTurn, type AnthropicRequest, type SseEvent } from './anthropic.js';
import { testCerts } from './certs.js';
import { responsesReply, responsesTools, responsesTurn, type ResponsesRequest } from './openai.js';
import { defaultScript, usageFor, type ReplyBlock, type Script, type ScriptContext } from './script.js';
import type { SentLog, SentReply, SentToolCall } from './sent-log.js';

export interface ModelServerOptions {
  tls: boolean;
  script?: Script;
  /** 0 = any free port. */
  port?: number;
  /** Pause between SSE events so streams arrive in several TLS records, as from the real APIs. */
  eventDelayMs?: number;
  /** Pause before the event with the final usage (message_delta, response.completed): a slow end of stream.
   * Claude Code then logs subagent responses with message_start's partial output count (see README). */
  finalDelayMs?: number;
  /** Pause before each reply (a slow model), so live tailing and tracing see the run unfold. */
  replyDelayMs?: number;
  /** Keep each request's raw body in sent.requests (~100 KB per Claude request), e.g. to compare with captured TLS plaintext. */
  keepBodies?: boolean;
}

export interface ModelServer {
  /** Base URL without a trailing slash or /v1, e.g. https://localhost:41234. */
  url: string;
  port: number;
  /** CA the clients must trust (NODE_EXTRA_CA_CERTS, SSL_CERT_FILE); undefined for plain HTTP. */
  caFile: string | undefined;
  sent: SentLog;
  close(): Promise<void>;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const newId = (prefix: string): string => prefix + Array.from(randomBytes(24), (b) => BASE62[b % 62]).join('');

const CWD_PATTERNS = [/Primary working directory: ([^\s"\\]+)/, /Working directory: ([^\s"\\]+)/, /<cwd>([^<]+)<\/cwd>/];
const findCwd = (raw: string): string | undefined => {
  for (const re of CWD_PATTERNS) {
    const m = re.exec(raw);
    if (m) return m[1];
  }
  return undefined;
};

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const parseJson = (raw: string): Record<string, unknown> => {
  try {
    const v = JSON.parse(raw);
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const FINAL_EVENTS = new Set(['message_delta', 'response.completed']);

async function writeSse(res: ServerResponse, events: SseEvent[], delay: { event: number; final: number }, headers: Record<string, string>): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...headers });
  for (const [event, data] of events) {
    if (delay.final > 0 && FINAL_EVENTS.has(event)) await sleep(delay.final);
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    if (delay.event > 0) await sleep(delay.event);
  }
  res.end();
}

const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

const textOf = (blocks: ReplyBlock[], type: 'text' | 'reasoning'): string =>
  blocks.flatMap((b) => (b.type === type ? [b.text] : [])).join('\n');

export async function startModelServer(opts: ModelServerOptions): Promise<ModelServer> {
  const script = opts.script ?? defaultScript;
  const delay = { event: opts.eventDelayMs ?? 3, final: opts.finalDelayMs ?? 0 };
  const sent: SentLog = { requests: [], replies: [] };

  // One reply: pick the blocks, give them the next distinct usage, record what went out.
  const plan = (api: SentReply['api'], body: AnthropicRequest & ResponsesRequest, raw: string) => {
    const agent = api === 'anthropic' ? 'claude' : 'codex';
    const tools = api === 'anthropic' ? anthropicTools(body) : responsesTools(body);
    const kind: SentReply['kind'] = tools.length > 0 ? 'main' : 'side';
    const ctx: ScriptContext = { agent, ...(api === 'anthropic' ? anthropicTurn(body) : responsesTurn(body)), cwd: findCwd(raw), tools, request: body as Record<string, unknown> };
    const scripted = kind === 'main' ? script(ctx) : [];
    const error = scripted.find((b) => b.type === 'error');
    const blocks: ReplyBlock[] = error ? [] : scripted.length ? scripted : [{ type: 'text', text: 'OK.' }];
    const seq = sent.replies.length;
    const model = typeof body.model === 'string' ? body.model : agent === 'claude' ? 'claude-sonnet-4-5' : 'gpt-5.1-codex';
    return { seq, kind: error ? 'error' as const : kind, ctx, blocks, error, model, usage: usageFor(seq, agent) };
  };

  const record = (p: ReturnType<typeof plan>, api: SentReply['api'], id: string, tools: SentToolCall[], wireUsage: Record<string, unknown>, ts: number, requestId?: string): SentReply => {
    const r: SentReply = {
      seq: p.seq, api, kind: p.kind, prompt: p.ctx.prompt, turn: p.ctx.turn, id, requestId, model: p.model, usage: p.usage, wireUsage,
      text: textOf(p.blocks, 'text'), reasoning: textOf(p.blocks, 'reasoning'), tools, ts, end: ts,
    };
    sent.replies.push(r);
    return r;
  };

  /** A scripted HTTP error, in the API's own error shape. */
  const sendError = (res: ServerResponse, p: ReturnType<typeof plan>, api: SentReply['api'], ts: number): number => {
    const e = p.error as Extract<ReplyBlock, { type: 'error' }>;
    const requestId = newId('req_01');
    record(p, api, '', [], {}, ts, api === 'anthropic' ? requestId : undefined);
    const body = api === 'anthropic'
      ? { type: 'error', error: { type: e.errorType, message: e.message }, request_id: requestId }
      : { error: { type: e.errorType, code: e.errorType, message: e.message, param: null } };
    sendJson(res, e.status, body, { 'request-id': requestId, 'x-request-id': requestId, 'x-should-retry': String(e.status >= 500) });
    return e.status;
  };

  async function handle(req: IncomingMessage, res: ServerResponse, seq: number): Promise<number> {
    const raw = await readBody(req);
    if (opts.keepBodies) sent.requests[seq].body = raw;
    const path = (req.url ?? '/').split('?')[0];
    if (opts.replyDelayMs && req.method === 'POST') await sleep(opts.replyDelayMs);
    const ts = Date.now();
    if (path === '/' || path === '') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(req.method === 'HEAD' ? undefined : 'ok');
      return 200;
    }
    if (req.method === 'POST' && path === '/v1/messages/count_tokens') {
      sendJson(res, 200, { input_tokens: Math.ceil(raw.length / 4) });
      return 200;
    }
    if (req.method === 'POST' && path === '/v1/messages') {
      const body = parseJson(raw) as AnthropicRequest;
      const p = plan('anthropic', body, raw);
      if (p.error) return sendError(res, p, 'anthropic', ts);
      const id = newId('msg_01');
      const requestId = newId('req_01');
      const reply = anthropicReply(id, p.model, p.blocks, p.usage, newId);
      const r = record(p, 'anthropic', id, reply.tools, reply.message.usage as Record<string, unknown>, ts, requestId);
      if (body.stream) await writeSse(res, reply.events, delay, { 'request-id': requestId });
      else sendJson(res, 200, reply.message, { 'request-id': requestId });
      r.end = Date.now();
      return 200;
    }
    if (req.method === 'POST' && path === '/v1/responses') {
      const body = parseJson(raw) as ResponsesRequest;
      const p = plan('openai', body, raw);
      if (p.error) return sendError(res, p, 'openai', ts);
      const id = newId('resp_');
      const reply = responsesReply(id, p.model, p.blocks, p.usage, newId);
      const completed = reply.events[reply.events.length - 1][1].response as { usage: Record<string, unknown> };
      const r = record(p, 'openai', id, reply.tools, completed.usage, ts);
      await writeSse(res, reply.events, delay, { 'x-request-id': newId('req_') });
      r.end = Date.now();
      return 200;
    }
    if (req.method === 'GET' && /\/models$/.test(path)) {
      sendJson(res, 200, { object: 'list', data: [], models: [] });
      return 200;
    }
    sendJson(res, 404, { type: 'error', error: { type: 'not_found_error', message: `scripted model server: no ${req.method} ${path}` } });
    return 404;
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const entry = { seq: sent.requests.length, ts: Date.now(), method: req.method ?? '', url: req.url ?? '', userAgent: req.headers['user-agent'], bodyBytes: 0, status: 0 };
    sent.requests.push(entry);
    req.on('data', (c: Buffer) => (entry.bodyBytes += c.length));
    handle(req, res, entry.seq).then(
      (status) => (entry.status = status),
      (err: Error) => {
        entry.status = 500;
        if (!res.headersSent) sendJson(res, 500, { type: 'error', error: { type: 'api_error', message: String(err.stack ?? err) } });
        else res.destroy(err);
      },
    );
  };

  const certs = opts.tls ? testCerts() : undefined;
  const server: Server = certs ? createHttpsServer({ key: certs.key, cert: certs.cert }, listener) : createHttpServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    // Claude Code and Codex check the certificate's name: "localhost" is in its SAN, as is 127.0.0.1.
    url: `${certs ? 'https' : 'http'}://${certs ? 'localhost' : '127.0.0.1'}:${port}`,
    port,
    caFile: certs?.caFile,
    sent,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { tls: { type: 'boolean', default: false }, port: { type: 'string', default: '0' }, log: { type: 'string' } } });
  const s = await startModelServer({ tls: values.tls ?? false, port: Number(values.port) });
  console.log(JSON.stringify({ url: s.url, port: s.port, caFile: s.caFile }));
  const stop = async () => {
    if (values.log) writeFileSync(values.log, JSON.stringify(s.sent, null, 2));
    await s.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
