// Anthropic Messages API, streamed (SSE), as Claude Code consumes it: message_start carries the id,
// model and input-side usage; each content block is start/delta/stop; message_delta carries the final
// usage and stop_reason. Data in (request body, reply blocks, usage) → data out (events + record).
import type { Usage } from '../../src/model.js';
import { latestPrompt, type ReplyBlock } from './script.js';
import type { SentToolCall } from './sent-log.js';

export type SseEvent = [event: string, data: Record<string, unknown>];

interface AnthropicBlock {
  type?: string;
  text?: string;
}
interface AnthropicMessage {
  role?: string;
  content?: string | AnthropicBlock[];
}
export interface AnthropicRequest {
  model?: string;
  messages?: AnthropicMessage[];
  tools?: { name?: string }[];
  stream?: boolean;
}

/** The typed text of a user message, or undefined for tool results and harness-only messages. */
function typedText(m: AnthropicMessage): string | undefined {
  if (m?.role !== 'user') return undefined;
  if (typeof m.content === 'string') return m.content;
  const blocks = m.content ?? [];
  if (blocks.some((b) => b?.type === 'tool_result')) return undefined;
  const texts = blocks.filter((b) => b?.type === 'text' && typeof b.text === 'string' && !b.text.startsWith('<system-reminder>'));
  return texts.length ? texts[texts.length - 1].text : undefined;
}

/** The latest typed prompt and the assistant turns since it (a resumed conversation starts again at 0). */
export function anthropicTurn(body: AnthropicRequest): { prompt: string; turn: number } {
  const msgs = body.messages ?? [];
  const { at, prompt } = latestPrompt(msgs, typedText);
  return { prompt, turn: msgs.slice(at + 1).filter((m) => m?.role === 'assistant').length };
}

export const anthropicTools = (body: AnthropicRequest): string[] =>
  (body.tools ?? []).map((t) => t?.name ?? '').filter(Boolean);

export function anthropicWireUsage(u: Usage, outputTokens: number): Record<string, unknown> {
  return {
    input_tokens: u.input,
    cache_creation_input_tokens: u.cacheWrite5m + u.cacheWrite1h,
    cache_read_input_tokens: u.cacheRead,
    cache_creation: { ephemeral_5m_input_tokens: u.cacheWrite5m, ephemeral_1h_input_tokens: u.cacheWrite1h },
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}

export interface AnthropicReply {
  events: SseEvent[];
  tools: SentToolCall[];
  /** The whole message as a non-streaming response would return it. */
  message: Record<string, unknown>;
}

export function anthropicReply(id: string, model: string, blocks: ReplyBlock[], usage: Usage, newId: (p: string) => string): AnthropicReply {
  const events: SseEvent[] = [];
  const content: Record<string, unknown>[] = [];
  const tools: SentToolCall[] = [];
  // The real API reports a small output count at message_start and the final one at message_delta:
  // that is exactly why Claude Code's early per-block lines carry partial output_tokens.
  events.push(['message_start', { type: 'message_start', message: {
    id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null,
    usage: anthropicWireUsage(usage, 1),
  } }]);
  blocks.forEach((b, index) => {
    if (b.type === 'error') return; // never here: the server answers those with an HTTP error
    if (b.type === 'tool') {
      const toolId = newId('toolu_');
      tools.push({ id: toolId, name: b.name, input: b.input, ...(b.fails ? { fails: true } : {}) });
      content.push({ type: 'tool_use', id: toolId, name: b.name, input: b.input });
      events.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: toolId, name: b.name, input: {} } }]);
      const json = JSON.stringify(b.input);
      const mid = Math.floor(json.length / 2);
      for (const part of [json.slice(0, mid), json.slice(mid)]) {
        events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: part } }]);
      }
    } else {
      // Reasoning is sent as plain text: real thinking blocks need a signature the client verifies upstream.
      content.push({ type: 'text', text: b.text });
      events.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }]);
      events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: b.text } }]);
    }
    events.push(['content_block_stop', { type: 'content_block_stop', index }]);
  });
  const stopReason = tools.length ? 'tool_use' : 'end_turn';
  events.push(['message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: anthropicWireUsage(usage, usage.output) }]);
  events.push(['message_stop', { type: 'message_stop' }]);
  const message = { id, type: 'message', role: 'assistant', model, content, stop_reason: stopReason, stop_sequence: null, usage: anthropicWireUsage(usage, usage.output) };
  return { events, tools, message };
}
