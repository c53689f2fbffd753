// What the scripted model server received and sent, for tests to compare the agents' traces with.
import type { Usage } from '../../src/model.js';

export interface SentToolCall {
  /** tool_use id (Claude) or call_id (Codex). */
  id: string;
  name: string;
  input: Record<string, unknown>;
  /** The script expects this tool to fail when it runs (the test before the fix). */
  fails?: boolean;
}

export interface SentReply {
  /** Order of the reply on this server, from 0. */
  seq: number;
  api: 'anthropic' | 'openai';
  /** main: a turn of the agent's conversation (the request offered tools); side: anything else;
   * error: an HTTP error the script asked for (no usage was sent: `usage` is what it would have been). */
  kind: 'main' | 'side' | 'error';
  /** The typed prompt the reply answers, and the assistant turns before it since that prompt. */
  prompt: string;
  turn: number;
  /** message.id (Anthropic) or response.id (OpenAI). */
  id: string;
  /** The `request-id` response header (Anthropic), which Claude Code logs as `requestId`. */
  requestId?: string;
  model: string;
  /** What was sent, in the normalized terms of src/model.ts (input excludes cached input). */
  usage: Usage;
  /** The usage object exactly as it went on the wire (final values). */
  wireUsage: Record<string, unknown>;
  text: string;
  reasoning: string;
  tools: SentToolCall[];
  /** Wall-clock ms when the reply started and ended. */
  ts: number;
  end: number;
}

export interface ReceivedRequest {
  seq: number;
  ts: number;
  method: string;
  /** Path including the query string, e.g. `/v1/messages?beta=true`. */
  url: string;
  userAgent?: string;
  bodyBytes: number;
  status: number;
  /** The raw request body, when the server was started with keepBodies. */
  body?: string;
}

export interface SentLog {
  requests: ReceivedRequest[];
  replies: SentReply[];
}

/** The replies that are turns of an agent's conversation, in order. */
export const mainReplies = (log: SentLog, api?: SentReply['api']): SentReply[] =>
  log.replies.filter((r) => r.kind === 'main' && (!api || r.api === api));
