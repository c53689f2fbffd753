// OpenAI Responses API, streamed (SSE), as Codex consumes it: response.created, one
// output_item.added/done pair per item (reasoning, message, function_call), response.completed with
// usage. Note the wire semantics: input_tokens INCLUDES the cached tokens, output_tokens INCLUDES reasoning.
import type { Usage } from '../../src/model.js';
import type { SseEvent } from './anthropic.js';
import { latestPrompt, type ReplyBlock } from './script.js';
import type { SentToolCall } from './sent-log.js';

interface InputItem {
  type?: string;
  role?: string;
  content?: { type?: string; text?: string }[];
}
export interface ResponsesRequest {
  model?: string;
  input?: InputItem[];
  tools?: { name?: string; type?: string }[];
  stream?: boolean;
}

/** Typed user text; the harness's own user messages (<environment_context>, <user_instructions>…) start with '<'. */
const typedText = (item: InputItem): string | undefined => {
  if (item?.type !== 'message' || item.role !== 'user') return undefined;
  const text = (item.content ?? []).map((c) => c?.text ?? '').join('');
  return text && !text.startsWith('<') ? text : undefined;
};

/** The latest typed prompt and the model's turns since it: each reply we sent comes back as reasoning,
 * function_call and/or assistant message items; a reply's items are contiguous, so it counts once. */
export function responsesTurn(body: ResponsesRequest): { prompt: string; turn: number } {
  const items = body.input ?? [];
  const { at, prompt } = latestPrompt(items, typedText);
  let turns = 0;
  let inReply = false;
  for (const item of items.slice(at + 1)) {
    const fromModel = item?.type === 'function_call' || item?.type === 'custom_tool_call' || item?.type === 'reasoning' ||
      (item?.type === 'message' && item.role === 'assistant');
    if (fromModel && !inReply) turns++;
    inReply = fromModel;
  }
  return { prompt, turn: turns };
}

export const responsesTools = (body: ResponsesRequest): string[] =>
  (body.tools ?? []).map((t) => t?.name ?? t?.type ?? '').filter(Boolean);

export function responsesWireUsage(u: Usage): Record<string, unknown> {
  return {
    input_tokens: u.input + u.cacheRead,
    input_tokens_details: { cached_tokens: u.cacheRead },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: u.reasoning ?? 0 },
    total_tokens: u.input + u.cacheRead + u.output,
  };
}

export interface ResponsesReply {
  events: SseEvent[];
  tools: SentToolCall[];
}

export function responsesReply(id: string, model: string, blocks: ReplyBlock[], usage: Usage, newId: (p: string) => string): ResponsesReply {
  const created = Math.floor(Date.now() / 1000);
  const base = { id, object: 'response', created_at: created, model };
  const events: SseEvent[] = [['response.created', { type: 'response.created', response: { ...base, status: 'in_progress', output: [] } }]];
  const tools: SentToolCall[] = [];
  const output: Record<string, unknown>[] = [];
  blocks.forEach((b, output_index) => {
    if (b.type === 'error') return; // never here: the server answers those with an HTTP error
    let item: Record<string, unknown>;
    if (b.type === 'tool') {
      const callId = newId('call_');
      tools.push({ id: callId, name: b.name, input: b.input, ...(b.fails ? { fails: true } : {}) });
      item = { type: 'function_call', id: newId('fc_'), call_id: callId, name: b.name, ...(b.namespace ? { namespace: b.namespace } : {}),
        arguments: JSON.stringify(b.input), status: 'completed' };
    } else if (b.type === 'reasoning') {
      item = { type: 'reasoning', id: newId('rs_'), summary: [{ type: 'summary_text', text: b.text }], encrypted_content: null };
    } else {
      item = { type: 'message', id: newId('msg_'), role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: b.text, annotations: [] }] };
    }
    events.push(['response.output_item.added', { type: 'response.output_item.added', output_index, item: { ...item, status: 'in_progress' } }]);
    if (b.type === 'text') {
      events.push(['response.output_text.delta', { type: 'response.output_text.delta', item_id: item.id, output_index, content_index: 0, delta: b.text }]);
    }
    events.push(['response.output_item.done', { type: 'response.output_item.done', output_index, item }]);
    output.push(item);
  });
  events.push(['response.completed', { type: 'response.completed', response: { ...base, status: 'completed', output, usage: responsesWireUsage(usage) } }]);
  events.forEach(([, data], i) => (data.sequence_number = i));
  return { events, tools };
}
