// Reader of the eBPF collector's event stream (agentsight/: length-prefixed msgpack frames, or JSON lines
// with --json; an installed AgentSight's JSON lines work too). It spawns nothing: the supervisor starts
// the collector and hands over its output (a socket or the child's stdout) as a Readable.
//
//   for await (const records of readCollector(socket)) for (const r of records) …
//
// Records: process (upsert by pid), effect (evidence 'kernel'), tls (one SSL_read/SSL_write call's
// plaintext, for the HTTP reassembly), handshake, dns, stats (per-ring events, bytes, drops).
import type { Readable } from 'node:stream';
import type { EventBatch, Skipped } from '../model.js';
import { CollectorDecoder, type CollectorRecord, type DecoderOptions } from './collector-decode.js';
import { FrameSplitter, type WireForm } from './collector-frames.js';

export {
  CollectorDecoder, bootEpochMs, openKind,
  type CollectorRecord, type CollectorStats, type DecoderOptions, type KernelEffect, type RingStats, type TlsChunk,
} from './collector-decode.js';
export { FrameSplitter, type WireForm } from './collector-frames.js';

export interface ReadOptions extends DecoderOptions {
  /** Wire form; detected from the first byte when absent. */
  form?: WireForm;
  /** Name used in Skipped entries (default "collector"). */
  source?: string;
  /** Called for each frame or line that could not be decoded (they are also counted in `skipped`). */
  onSkip?: (s: Skipped) => void;
}

/** Bytes → records, one call per chunk of input; for callers that own the stream loop. */
export class CollectorStream {
  readonly decoder: CollectorDecoder;
  readonly #split: FrameSplitter;
  readonly #source: string;
  readonly #onSkip?: (s: Skipped) => void;
  skipped = 0;

  constructor(opts: ReadOptions = {}) {
    this.decoder = new CollectorDecoder(opts);
    this.#split = new FrameSplitter(opts.form);
    this.#source = opts.source ?? 'collector';
    this.#onSkip = opts.onSkip;
  }

  /** Frames or lines read so far. */
  get frames(): number {
    return this.#split.count;
  }

  push(chunk: Buffer): CollectorRecord[] {
    return this.#records(this.#split.push(chunk));
  }

  end(): CollectorRecord[] {
    return this.#records(this.#split.end());
  }

  #records(r: ReturnType<FrameSplitter['push']>): CollectorRecord[] {
    for (const b of r.bad) {
      this.skipped++;
      this.#onSkip?.({ file: this.#source, line: b.index, reason: b.reason });
    }
    const out: CollectorRecord[] = [];
    for (const o of r.objects) for (const rec of this.decoder.decode(o)) out.push(rec);
    return out;
  }
}

/** Yields the records of each chunk read from `input` (empty chunks are not yielded). */
export async function* readCollector(input: Readable, opts: ReadOptions = {}): AsyncGenerator<CollectorRecord[]> {
  const s = new CollectorStream(opts);
  for await (const chunk of input) {
    const recs = s.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    if (recs.length) yield recs;
  }
  const rest = s.end();
  if (rest.length) yield rest;
}

/** The model part of some records: processes (last state per pid) and effects, as a batch. */
export function recordsToBatch(records: CollectorRecord[]): Partial<EventBatch> {
  const procs = new Map<number, EventBatch['processes'][number]>();
  const effects: EventBatch['effects'] = [];
  for (const r of records) {
    if (r.type === 'process') procs.set(r.process.pid, r.process);
    else if (r.type === 'effect') effects.push(r.effect);
  }
  return { processes: [...procs.values()], effects };
}
