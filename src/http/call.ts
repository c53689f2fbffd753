// From one request/response exchange to an ApiCall: which API it is (path first, then the body's own
// markers), the request's model and last human prompt, and the response's id, model, usage and shape.
import { anthropicEvent, anthropicJson } from './anthropic.js';
import { finishShape, lastUserText, newAcc, o, type ResponseAcc } from './acc.js';
import { decodeBody } from './body.js';
import { chatDone, chatEvent, chatJson, responsesEvent, responsesJson } from './openai.js';
import { scrubSecrets } from './redact.js';
import { parseSse, type SseEvent } from './sse.js';
import type { ApiCall, ApiKind, HttpMessage } from './types.js';

export interface RequestInfo {
  api: ApiKind | null;
  method: string;
  path: string;
  domain?: string;
  ts: number;
  model?: string;
  stream: boolean;
  prompt?: string;
}

export function apiKindOf(path: string | undefined): ApiKind | null {
  const p = (path ?? '').split('?')[0];
  if (/\/messages$/.test(p) && !/\/count_tokens$/.test(p)) return 'anthropic-messages';
  if (/\/responses$/.test(p)) return 'openai-responses';
  if (/\/chat\/completions$/.test(p)) return 'openai-chat';
  return null;
}

/** What the request line and headers say; the body is read later, and only when needed (readRequestBody). */
export function requestHead(msg: HttpMessage): RequestInfo {
  return {
    api: apiKindOf(msg.path), method: msg.method ?? '?', path: msg.path ?? '', ts: msg.ts, stream: false,
    domain: msg.headers.host?.replace(/:\d+$/, ''),
  };
}

/**
 * Fills model, stream flag and last human prompt from an API request's body. Costly (requests resend
 * the whole conversation: ~100 KB of JSON), so callers skip it when a trace file already has the call.
 */
export function readRequestBody(info: RequestInfo, msg: HttpMessage): string | undefined {
  if (!info.api || msg.body.length === 0) return undefined;
  const dec = decodeBody(msg);
  if ('error' in dec) return dec.error;
  let body: Record<string, any> | undefined;
  try {
    body = o(JSON.parse(dec.text));
  } catch {
    return msg.truncated ? 'truncated request body' : 'request body is not JSON';
  }
  if (!body) return undefined;
  info.model = typeof body.model === 'string' ? body.model : undefined;
  info.stream = body.stream === true;
  const text = lastUserText(info.api === 'openai-responses' ? body.input : body.messages);
  if (text !== undefined) info.prompt = scrubSecrets(text);
  return undefined;
}

export function readRequest(msg: HttpMessage): { info: RequestInfo; error?: string } {
  const info = requestHead(msg);
  return { info, error: readRequestBody(info, msg) };
}

function sniffEvent(d: Record<string, any>): ApiKind | null {
  if (typeof d.type === 'string') {
    if (d.type.startsWith('response.')) return 'openai-responses';
    if (/^(message_|content_block_|ping$)/.test(d.type)) return 'anthropic-messages';
  }
  if (d.object === 'chat.completion.chunk') return 'openai-chat';
  return null;
}

function sniffJson(d: Record<string, any>): ApiKind | null {
  if (d.type === 'message') return 'anthropic-messages';
  if (d.object === 'response') return 'openai-responses';
  if (d.object === 'chat.completion') return 'openai-chat';
  return null;
}

export interface ResponseRead {
  api: ApiKind | null;
  acc: ResponseAcc;
  badEvents: number;
}

/** Feeds SSE events (from a body, or already split by AgentSight's sse_processor) into an accumulator. */
export function readSseEvents(api: ApiKind | null, events: Iterable<SseEvent>): ResponseRead {
  const acc = newAcc();
  let badEvents = 0;
  for (const ev of events) {
    if (ev.data === '[DONE]') {
      chatDone(acc);
      continue;
    }
    let d: Record<string, any> | undefined;
    try {
      d = o(JSON.parse(ev.data));
    } catch {
      badEvents++;
      continue;
    }
    if (!d) continue;
    api ??= sniffEvent(d);
    if (api === 'anthropic-messages') anthropicEvent(acc, d);
    else if (api === 'openai-responses') responsesEvent(acc, d);
    else if (api === 'openai-chat') chatEvent(acc, d);
  }
  return { api, acc, badEvents };
}

export function readResponse(api: ApiKind | null, res: HttpMessage): ResponseRead | { error: string } {
  const dec = decodeBody(res);
  if ('error' in dec) return { error: dec.error };
  const text = dec.text;
  const ctype = res.headers['content-type'] ?? '';
  if (ctype.includes('event-stream') || /^(event|data):/.test(text)) return readSseEvents(api, parseSse(text));
  let d: Record<string, any> | undefined;
  try {
    d = o(JSON.parse(text));
  } catch {
    return { error: res.truncated ? 'truncated response body' : 'response body is neither SSE nor JSON' };
  }
  if (!d) return { error: 'response body is not a JSON object' };
  api ??= sniffJson(d);
  const acc = newAcc();
  if (api === 'anthropic-messages') anthropicJson(acc, d);
  else if (api === 'openai-responses') responsesJson(acc, d);
  else if (api === 'openai-chat') chatJson(acc, d);
  return { api, acc, badEvents: 0 };
}

export interface CallContext {
  pid: number;
  host?: string;
  /** Response start and end (epoch ms). */
  ts: number;
  end: number;
  status?: number;
  requestId?: string;
  truncated?: boolean;
  /** The response was an event stream (when the request body was not read). */
  stream?: boolean;
}

/** Builds the call, or returns why the exchange is not an LLM call with usage. */
export function toApiCall(req: RequestInfo | undefined, read: ResponseRead, ctx: CallContext): ApiCall | string {
  const { acc } = read;
  const api = read.api ?? req?.api;
  if (!api) return 'not an LLM API exchange';
  if (!acc.id && !acc.sawUsage) return ctx.status && ctx.status >= 400 ? `API error ${ctx.status}` : 'response without id or usage';
  const ts = req?.ts ?? ctx.ts;
  const call: ApiCall = {
    id: acc.id ?? `${api}:${ctx.host ?? ''}:${ctx.pid}:${ts}`,
    api, ts, end: Math.max(ctx.end, ts), pid: ctx.pid, path: req?.path ?? '',
    model: acc.model ?? req?.model ?? 'unknown',
    usage: acc.usage, shape: finishShape(acc), stream: !!(req?.stream || ctx.stream),
  };
  if (!acc.id) call.idSynthesized = true;
  if (ctx.host) call.host = ctx.host;
  if (req?.domain) call.domain = req.domain;
  if (req?.prompt !== undefined) call.prompt = req.prompt;
  if (ctx.status) call.status = ctx.status;
  if (ctx.requestId) call.requestId = ctx.requestId;
  if (ctx.truncated || !acc.done) call.truncated = true;
  return call;
}
