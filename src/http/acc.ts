// What every API's response reader fills in: id, model, usage and the response's shape.
import { emptyUsage, type ResponseShape, type Usage } from '../model.js';

export interface ResponseAcc {
  id?: string;
  model?: string;
  usage: Usage;
  sawUsage: boolean;
  shape: ResponseShape;
  /** Response text, kept only to count fenced code blocks at the end. */
  text: string;
  /** Stream reached its terminal event (message_stop, response.completed, [DONE]). */
  done: boolean;
  /** Chat Completions: indexes of streamed tool calls already counted (their first chunk names them). */
  chatTools?: Set<number>;
}

export const newAcc = (): ResponseAcc => ({
  usage: emptyUsage(), sawUsage: false, text: '', done: false,
  shape: { toolUses: 0, textChars: 0, thinkingChars: 0, codeBlocks: 0, tools: [] },
});

export function addText(acc: ResponseAcc, text: unknown): void {
  if (typeof text !== 'string') return;
  acc.shape.textChars += text.length;
  acc.text += text;
}

export function addThinking(acc: ResponseAcc, text: unknown): void {
  if (typeof text === 'string') acc.shape.thinkingChars += text.length;
}

export function addTool(acc: ResponseAcc, name: unknown): void {
  acc.shape.toolUses++;
  acc.shape.tools.push(typeof name === 'string' ? name : '?');
}

export function finishShape(acc: ResponseAcc): ResponseShape {
  const fences = acc.text.match(/^\s*```/gm)?.length ?? 0;
  acc.shape.codeBlocks = Math.floor(fences / 2);
  return acc.shape;
}

export const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);
export const o = (v: unknown): Record<string, any> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, any>) : undefined;

/** Text that arrives on the user channel but is harness text, not a person's prompt. */
export const isHarnessText = (t: string): boolean =>
  /^\s*(<[a-z_-]+>|<[a-z_-]+ |Caveat:|\[Request interrupted)/.test(t);

/** Text of a content value: a string or an array of `{type:'text'|'input_text', text}` parts, harness text left out. */
export function humanText(content: unknown): string | undefined {
  if (typeof content === 'string') return isHarnessText(content) ? undefined : content;
  if (!Array.isArray(content)) return undefined;
  const parts: string[] = [];
  for (const b of content) {
    const t = o(b)?.text;
    const type = o(b)?.type;
    if (typeof t === 'string' && (type === 'text' || type === 'input_text' || type === undefined) && !isHarnessText(t)) parts.push(t);
  }
  return parts.length ? parts.join('\n') : undefined;
}

/** The last human text among a list of `{role, content}` messages (tool-result-only turns are skipped). */
export function lastUserText(list: unknown): string | undefined {
  if (typeof list === 'string') return humanText(list);
  const msgs = Array.isArray(list) ? list : [];
  for (let i = msgs.length - 1; i >= 0; i--) {
    const m = o(msgs[i]);
    if (m?.role !== 'user') continue;
    const t = humanText(m.content);
    if (t) return t;
  }
  return undefined;
}
