// Types shared by the HTTP/1.1 reassembly (http1.ts), the API extraction (llm.ts) and the connection
// assembler (assembler.ts). Offline merge and live mode both feed these, one TLS chunk at a time.
import type { ResponseShape, Usage } from '../model.js';

/** One plaintext buffer seen at SSL_write (write: client → server) or SSL_read (read: server → client). */
export interface TlsChunk {
  /** Epoch ms, already on the recording's time base. */
  ts: number;
  pid: number;
  tid?: number;
  dir: 'write' | 'read';
  data: Buffer;
  /** Connection id when the collector knows it (SSL* pointer, fd); else chunks are keyed by pid + tid. */
  conn?: string;
  /** Server name (SNI or the connection's first Host header) when the capture knows it. */
  host?: string;
  comm?: string;
}

/** A parsed HTTP/1.1 message. Headers are lower-cased and already stripped of secrets (redact.ts). */
export interface HttpMessage {
  kind: 'request' | 'response';
  ts: number;
  end: number;
  method?: string;
  path?: string;
  status?: number;
  headers: Record<string, string>;
  /** Body after transfer decoding (chunked) but before content decoding (gzip/br). */
  body: Buffer;
  /** The message ended before its declared length (capture lost bytes, stream cut, connection reused). */
  truncated?: boolean;
}

export type ApiKind = 'anthropic-messages' | 'openai-responses' | 'openai-chat';

/** An LLM API call reassembled from traffic: the recorded counterpart of a trace file's LlmCall. */
export interface ApiCall {
  /** Provider message/response id (msg_…, resp_…, chatcmpl-…); synthesized when the response had none. */
  id: string;
  idSynthesized?: boolean;
  requestId?: string;
  api: ApiKind;
  ts: number;
  end: number;
  pid: number;
  /** Machine label (the recording's host). */
  host?: string;
  /** Server name from the Host header (no port). */
  domain?: string;
  path: string;
  status?: number;
  model: string;
  usage: Usage;
  shape: ResponseShape;
  /** Last human text of the request (secrets scrubbed); undefined when the request was not captured. */
  prompt?: string;
  stream: boolean;
  truncated?: boolean;
}

/** Why a message or exchange could not be used; counted by the caller. */
export interface HttpProblem {
  ts: number;
  pid: number;
  reason: string;
}
