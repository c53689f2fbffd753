// What reading one AgentSight recording (any form) yields before the join: captured API calls,
// processes and kernel effects on the recording's own clock, plus what the SQLite/snapshot forms
// already know about sessions and tool calls.
import type { ApiCall } from '../http/types.js';
import type { Effect, LlmCall, Process, Prompt, Session, ToolCall } from '../model.js';
import { SkipLog } from './jsonl.js';

export type RecordingForm = 'events' | 'sqlite' | 'snapshot';

export interface RecordingRead {
  /** The recording's name (first file, or the directory). */
  name: string;
  form: RecordingForm;
  files: string[];
  host: string;
  calls: ApiCall[];
  processes: Process[];
  effects: Effect[];
  sessions: Session[];
  tools: ToolCall[];
  /** AgentSight's own pid → session bindings (its sessions table), with its confidence. */
  sessionPids: { pid: number; session: string; confidence?: number; ts: number }[];
  /** Already-joined events of our own `live --record` files (source "agentpprof"). */
  llmCalls: LlmCall[];
  prompts: Prompt[];
  skips: SkipLog;
  /** Sources or event kinds we do not read, with counts (counted and skipped, never fatal). */
  unknown: Record<string, number>;
  /** Records read but deliberately not used (system samples, stdio), with counts. */
  ignored: Record<string, number>;
  /** Exchanges the HTTP reassembly could not turn into calls, by reason. */
  http: Record<string, number>;
  /** Clear, whole-file messages: a corrupt SQLite file, a missing table. */
  problems: string[];
  bytes: number;
  /** How times were put on the epoch: 'epoch' (the recording says), 'boot+envelope', 'boot-local'. */
  timeBase: string;
}

export function emptyRead(name: string, form: RecordingForm, host: string, files: string[]): RecordingRead {
  return {
    name, form, files, host, calls: [], processes: [], effects: [], sessions: [], tools: [], sessionPids: [], llmCalls: [], prompts: [],
    skips: new SkipLog(), unknown: {}, ignored: {}, http: {}, problems: [], bytes: 0, timeBase: 'epoch',
  };
}

export const bump = (m: Record<string, number>, k: string, n = 1): void => {
  m[k] = (m[k] ?? 0) + n;
};

/** Keeps a converted row, or records why it was skipped (`file#table:row`). */
export function keepRow<T>(out: RecordingRead, table: string, row: number, c: T | { skip: string }, push: (t: T) => void): void {
  if (c && typeof c === 'object' && 'skip' in (c as object)) out.skips.add(`${out.name}#${table}`, row, (c as { skip: string }).skip);
  else push(c as T);
}
