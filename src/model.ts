// The normalized event model. Every reader in src/sources/ produces these, every later stage
// (join, tag, profile, render, live) consumes only these. Times are epoch milliseconds (numbers,
// not Date objects: millions of them are held at once).

export type AgentName = 'claude' | 'codex' | 'gemini' | 'agentsight' | (string & {});

export interface Session {
  id: string;
  agent: AgentName;
  /** Project root as the agent saw it (its cwd). Never shown raw: profile/ turns it into a label. */
  cwd: string;
  /** Short project name (basename of cwd). */
  project: string;
  /** Trace file the session came from (for warnings and for binding pids to sessions). */
  file?: string;
  /** Parent session for subagents / forks / sidechains. */
  parent?: string;
  start: number;
  end: number;
  host?: string;
  /** Agent CLI version when known. */
  version?: string;
}

/**
 * human: typed by a person — becomes a `prompt:TAG` frame.
 * continue: harness text that resumes work (compaction summaries, "[Session continued…") — tag `continue`.
 * meta: everything else that arrives on the user channel (isMeta, command wrappers, tool results,
 * interruptions). Kept for completeness, never a frame of its own.
 */
export type PromptKind = 'human' | 'continue' | 'meta';

export interface Prompt {
  id: string;
  session: string;
  ts: number;
  text: string;
  kind: PromptKind;
  /** True when written by a subagent / sidechain rather than the user's own thread. */
  sidechain?: boolean;
}

export interface Usage {
  /** Uncached input tokens (Claude's input_tokens; Codex input − cached; Gemini input − cached). */
  input: number;
  /** Output tokens including reasoning. */
  output: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  /** Reasoning share of `output`, when the agent reports it (informational, already in output). */
  reasoning?: number;
}

export const emptyUsage = (): Usage => ({ input: 0, output: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 });

export const usageTotal = (u: Usage): number => u.input + u.output + u.cacheRead + u.cacheWrite5m + u.cacheWrite1h;

/** What the response contained; profile/ derives `call:llm/KIND` from it. */
export interface ResponseShape {
  toolUses: number;
  textChars: number;
  thinkingChars: number;
  /** Fenced code blocks in the text. */
  codeBlocks: number;
  /** Names of the tools it called, in order. */
  tools: string[];
}

export interface LlmCall {
  /** message.id (Claude), synthesized per token_count (Codex), message id (Gemini). */
  id: string;
  requestId?: string;
  session: string;
  /** The prompt this call answers (the last human/continue prompt before it in its thread), or null. */
  prompt: string | null;
  ts: number;
  /** End of the call when known (last streamed line), else ts. */
  end: number;
  model: string;
  usage: Usage;
  shape: ResponseShape;
  sidechain?: boolean;
  /** Model was guessed (e.g. Codex logs without turn_context.model). */
  modelGuessed?: boolean;
  /** Where the call was seen: the agent's trace file (default) or captured API traffic (recordings, live). */
  source?: 'trace' | 'traffic';
  /** Process that made the call (captured traffic only). */
  pid?: number;
  /** Machine label of the recording it came from. */
  host?: string;
}

export type EffectKind = 'read' | 'write' | 'create' | 'delete' | 'exec' | 'connect';

/** Effect hints read from a tool's input: what it says it will touch. */
export interface EffectHint {
  kind: EffectKind;
  /** Absolute or cwd-relative path, a URL, a host, or a command line. */
  target: string;
}

export interface ToolCall {
  /** tool_use id / call_id. */
  id: string;
  session: string;
  llmCall: string;
  name: string;
  ts: number;
  /** When its result arrived (tool_result line / function_call_output), else ts. */
  end: number;
  status: 'ok' | 'error' | 'unknown';
  /** Size of the tool's output fed back to the model, in characters. */
  outputChars?: number;
  /** Short, non-secret summary of the input (a command's program, a file path) — not rendered unless asked. */
  summary?: string;
  hints: EffectHint[];
}

export interface Process {
  pid: number;
  ppid: number;
  comm: string;
  argv?: string[];
  filename?: string;
  cwd?: string;
  uid?: number;
  start: number;
  exit?: number;
  exitCode?: number;
  host?: string;
}

export interface Effect {
  ts: number;
  kind: EffectKind;
  /** Path, `host:port`, domain, or command line. */
  target: string;
  evidence: 'tool-input' | 'kernel';
  pid?: number;
  session?: string;
  toolCall?: string;
  /** The LLM call it was made for (the agent's own connects, DNS and resolver reads for a request). */
  llmCall?: string;
  /** Made by a process a tool started, after that tool returned (a background job). */
  background?: boolean;
  host?: string;
  /** For connect: the domain when known (SNI, Host header, DNS), else the address. */
  domain?: string;
}

/** A line or record a reader could not use: counted and reported, never fatal. */
export interface Skipped {
  file: string;
  line: number;
  reason: string;
}

/** What one reader (or a whole scan) produced. Plain arrays: cheap to merge and to send between threads. */
export interface EventBatch {
  sessions: Session[];
  prompts: Prompt[];
  calls: LlmCall[];
  tools: ToolCall[];
  effects: Effect[];
  processes: Process[];
  skipped: Skipped[];
  /** Count of skipped lines including those beyond the kept `skipped` examples. */
  skippedCount: number;
}

export const emptyBatch = (): EventBatch => ({
  sessions: [], prompts: [], calls: [], tools: [], effects: [], processes: [], skipped: [], skippedCount: 0,
});

/**
 * The one definition of the counts every command prints (sessions, profile status, tags, advise, the
 * text report, live). sessions: distinct top-level sessions; subagents: distinct sessions with a parent
 * (Codex subagent rollouts; Claude subagent transcripts belong to their parent session). prompts: those
 * that become `prompt:TAG` frames — human and continue prompts on the main thread; a subagent's task
 * prompt (sidechain) and harness text (meta) are counted apart. calls: LLM calls; tools: tool calls.
 */
export interface Counts {
  sessions: number;
  subagents: number;
  prompts: number;
  promptKinds: { human: number; continue: number; subagent: number; meta: number };
  calls: number;
  tools: number;
}

export const COUNTS_DEFINITION = 'sessions: top-level (subagent sessions apart); prompts: human + continue on the main thread (subagent task prompts and meta apart)';

/** A prompt that opens a `prompt:TAG` frame and counts as a prompt. */
export const isMainPrompt = (p: Prompt): boolean => (p.kind === 'human' || p.kind === 'continue') && !p.sidechain;

export function countBatch(b: EventBatch): Counts {
  const top = new Set<string>();
  const sub = new Set<string>();
  for (const s of b.sessions) (s.parent ? sub : top).add(`${s.agent}\u0000${s.id}`);
  const kinds = { human: 0, continue: 0, subagent: 0, meta: 0 };
  for (const p of b.prompts) {
    if (p.kind === 'meta') kinds.meta++;
    else if (p.sidechain) kinds.subagent++;
    else kinds[p.kind]++;
  }
  return { sessions: top.size, subagents: sub.size, prompts: kinds.human + kinds.continue, promptKinds: kinds, calls: b.calls.length, tools: b.tools.length };
}
