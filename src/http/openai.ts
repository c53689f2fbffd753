// OpenAI Responses (POST /v1/responses) and Chat Completions (POST /v1/chat/completions), streamed
// and plain. OpenAI counts cached tokens inside input and reasoning inside output: normalized here.
import { addText, addThinking, addTool, n, o, type ResponseAcc } from './acc.js';

const TOOL_ITEMS = new Set(['function_call', 'custom_tool_call', 'local_shell_call', 'web_search_call', 'file_search_call', 'computer_call']);

function setUsage(acc: ResponseAcc, u: Record<string, any> | undefined, inKey: string, outKey: string): void {
  if (!u) return;
  acc.sawUsage = true;
  const cached = n(o(u[`${inKey}_details`])?.cached_tokens);
  acc.usage.input = Math.max(0, n(u[inKey]) - cached);
  acc.usage.cacheRead = cached;
  acc.usage.output = n(u[outKey]);
  const reasoning = n(o(u[`${outKey}_details`])?.reasoning_tokens);
  if (reasoning) acc.usage.reasoning = reasoning;
}

function responsesItem(acc: ResponseAcc, item: Record<string, any> | undefined): void {
  if (!item) return;
  if (TOOL_ITEMS.has(item.type)) addTool(acc, item.name ?? item.type);
  else if (item.type === 'message' && Array.isArray(item.content)) {
    for (const c of item.content) if (o(c)?.type === 'output_text') addText(acc, o(c)!.text);
  } else if (item.type === 'reasoning' && Array.isArray(item.summary)) {
    for (const s of item.summary) addThinking(acc, o(s)?.text);
  }
}

function responsesObject(acc: ResponseAcc, r: Record<string, any> | undefined, withOutput: boolean): void {
  if (!r) return;
  acc.id ??= r.id;
  acc.model ??= r.model;
  setUsage(acc, o(r.usage), 'input_tokens', 'output_tokens');
  if (withOutput && Array.isArray(r.output)) for (const it of r.output) responsesItem(acc, o(it));
}

export function responsesEvent(acc: ResponseAcc, d: Record<string, any>): void {
  switch (d.type) {
    case 'response.created':
    case 'response.in_progress':
      responsesObject(acc, o(d.response), false);
      break;
    case 'response.output_item.done':
      // Items are counted as they complete; the final response's `output` repeats them.
      responsesItem(acc, o(d.item));
      break;
    case 'response.completed':
    case 'response.incomplete':
    case 'response.failed':
      responsesObject(acc, o(d.response), false);
      acc.done = true;
      break;
  }
}

export function responsesJson(acc: ResponseAcc, r: Record<string, any>): void {
  responsesObject(acc, r, true);
  acc.done = true;
}

export function chatEvent(acc: ResponseAcc, d: Record<string, any>): void {
  acc.id ??= d.id;
  acc.model ??= d.model;
  if (o(d.usage)) setUsage(acc, o(d.usage), 'prompt_tokens', 'completion_tokens');
  for (const ch of Array.isArray(d.choices) ? d.choices : []) {
    const delta = o(o(ch)?.delta);
    if (!delta) continue;
    addText(acc, delta.content);
    addThinking(acc, delta.reasoning_content ?? delta.reasoning);
    for (const tc of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
      // A tool call streams over many chunks; its first chunk carries the name.
      const idx = typeof tc?.index === 'number' ? tc.index : 0;
      const seen = (acc.chatTools ??= new Set());
      if (!seen.has(idx) && o(tc.function)?.name) {
        seen.add(idx);
        addTool(acc, tc.function.name);
      }
    }
  }
}

export function chatDone(acc: ResponseAcc): void {
  acc.done = true;
}

export function chatJson(acc: ResponseAcc, r: Record<string, any>): void {
  acc.id ??= r.id;
  acc.model ??= r.model;
  setUsage(acc, o(r.usage), 'prompt_tokens', 'completion_tokens');
  for (const ch of Array.isArray(r.choices) ? r.choices : []) {
    const m = o(o(ch)?.message);
    if (!m) continue;
    addText(acc, m.content);
    addThinking(acc, m.reasoning_content);
    for (const tc of Array.isArray(m.tool_calls) ? m.tool_calls : []) addTool(acc, o(tc?.function)?.name);
  }
  acc.done = true;
}

