// Anthropic Messages API (POST /v1/messages): the streamed events and the plain JSON response.
import { addText, addThinking, addTool, n, o, type ResponseAcc } from './acc.js';

function setUsage(acc: ResponseAcc, u: Record<string, any> | undefined): void {
  if (!u) return;
  acc.sawUsage = true;
  const U = acc.usage;
  // message_delta repeats cumulative counts: keep the largest seen for each field.
  U.input = Math.max(U.input, n(u.input_tokens));
  U.output = Math.max(U.output, n(u.output_tokens));
  U.cacheRead = Math.max(U.cacheRead, n(u.cache_read_input_tokens));
  const cc = o(u.cache_creation);
  if (cc) {
    U.cacheWrite5m = Math.max(U.cacheWrite5m, n(cc.ephemeral_5m_input_tokens));
    U.cacheWrite1h = Math.max(U.cacheWrite1h, n(cc.ephemeral_1h_input_tokens));
  } else {
    // No breakdown: all cache writes count as 5-minute writes (formats/agent-traces.md, prices).
    U.cacheWrite5m = Math.max(U.cacheWrite5m, n(u.cache_creation_input_tokens));
  }
}

function addBlock(acc: ResponseAcc, b: Record<string, any> | undefined): void {
  if (!b) return;
  if (b.type === 'tool_use' || b.type === 'server_tool_use') addTool(acc, b.name);
  else if (b.type === 'text') addText(acc, b.text);
  else if (b.type === 'thinking') addThinking(acc, b.thinking);
}

export function anthropicEvent(acc: ResponseAcc, d: Record<string, any>): void {
  switch (d.type) {
    case 'message_start': {
      const m = o(d.message);
      acc.id ??= m?.id;
      acc.model ??= m?.model;
      setUsage(acc, o(m?.usage));
      break;
    }
    case 'content_block_start':
      addBlock(acc, o(d.content_block));
      break;
    case 'content_block_delta': {
      const delta = o(d.delta);
      if (delta?.type === 'text_delta') addText(acc, delta.text);
      else if (delta?.type === 'thinking_delta') addThinking(acc, delta.thinking);
      break;
    }
    case 'message_delta':
      setUsage(acc, o(d.usage));
      break;
    case 'message_stop':
      acc.done = true;
      break;
  }
}

export function anthropicJson(acc: ResponseAcc, r: Record<string, any>): void {
  acc.id ??= r.id;
  acc.model ??= r.model;
  setUsage(acc, o(r.usage));
  if (Array.isArray(r.content)) for (const b of r.content) addBlock(acc, o(b));
  acc.done = r.type === 'message';
}

