// --record FILE: the live event stream as JSON lines in AgentSight's collector envelope
// ({timestamp, source, pid, comm, data}), with source "agentpprof" and data = a normalized batch
// (or a gap / drops marker). Prompts carry their tag; their text only with --include-prompts.
import { createWriteStream, type WriteStream } from 'node:fs';
import type { EventBatch, Prompt } from '../model.js';

export type RecordedPrompt = Prompt & { tag?: string };

export type RecordData =
  | { batch: Partial<EventBatch> }
  | { gap: { start: number; end?: number; reason: string } }
  | { drops: number };

export interface RecordLine { timestamp: number; source: 'agentpprof'; pid: number; comm: string; data: RecordData }

/** The prompt as it may be written to disk: text replaced by nothing unless prompts are included. */
export function redactPrompt(p: Prompt, tag: string | undefined, includePrompts: boolean): RecordedPrompt {
  return includePrompts ? { ...p, tag } : { ...p, text: '', tag };
}

export class Recorder {
  readonly #out: WriteStream;
  lines = 0;
  error?: string;
  /** A path, or an fd opened by the root parent (the unprivileged child may not open the path itself). */
  constructor(readonly file: string | number) {
    this.#out = typeof file === 'number' ? createWriteStream('', { fd: file }) : createWriteStream(file, { flags: 'a' });
    // A full disk or a revoked file must not take the live server down: recording stops, and says why.
    this.#out.on('error', (e) => { this.error = e.message; });
  }

  write(data: RecordData, ts = Date.now()): void {
    if (this.error) return;
    const line: RecordLine = { timestamp: ts, source: 'agentpprof', pid: process.pid, comm: 'agentpprof', data };
    this.#out.write(JSON.stringify(line) + '\n');
    this.lines++;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#out.end(resolve));
  }
}

/** Parses one recorded line; null for anything that is not ours (counted by the caller). */
export function parseRecordLine(text: string): RecordLine | null {
  let o: unknown;
  try { o = JSON.parse(text); } catch { return null; }
  const r = o as RecordLine;
  if (!r || typeof r !== 'object' || r.source !== 'agentpprof' || typeof r.timestamp !== 'number' || !r.data) return null;
  return r;
}
