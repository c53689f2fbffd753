// Wires one live run together: hub ← pipeline ← feeds (trace files, collector, replay), the recorder,
// and an ordered ingest queue (tagging is async; batches must still apply in arrival order).
import { scrubSecrets } from '../http/redact.js';
import type { EventBatch } from '../model.js';
import type { Tagger } from '../tag/types.js';
import { LiveHub } from './hub.js';
import { LivePipeline } from './pipeline.js';
import { Recorder, redactPrompt } from './record.js';

export interface RuntimeOptions {
  tagger: Tagger;
  includePrompts?: boolean;
  record?: string | number;
  clock?: () => number;
  kernel?: () => boolean;
  ignorePids?: Set<number>;
}

export class LiveRuntime {
  readonly hub: LiveHub;
  readonly pipeline: LivePipeline;
  readonly recorder?: Recorder;
  #queue: Promise<void> = Promise.resolve();
  #pending = 0;
  errors = 0;

  constructor(opts: RuntimeOptions) {
    this.hub = new LiveHub(opts.clock);
    this.hub.status.includePrompts = !!opts.includePrompts;
    this.pipeline = new LivePipeline(this.hub, { tagger: opts.tagger, includePrompts: opts.includePrompts, kernel: opts.kernel, ignorePids: opts.ignorePids });
    if (opts.record) this.recorder = new Recorder(opts.record);
    this.includePrompts = !!opts.includePrompts;
  }

  readonly includePrompts: boolean;

  get pending(): number {
    return this.#pending;
  }

  /** Queues a batch; batches apply in the order they were pushed. */
  push(b: Partial<EventBatch>): Promise<void> {
    this.#pending++;
    this.#queue = this.#queue.then(async () => {
      try {
        await this.pipeline.ingest(b);
        this.#record(b);
      } catch {
        this.errors++; // a bad batch must not stop the stream; it is counted in status
        this.hub.status.skipped++;
      } finally {
        this.#pending--;
      }
    });
    return this.#queue;
  }

  #record(b: Partial<EventBatch>): void {
    if (!this.recorder) return;
    const prompts = b.prompts?.map((p) => redactPrompt(p, this.pipeline.tagOf(p.id), this.includePrompts));
    // Command lines can carry keys (curl -H "Authorization: …"): scrubbed before they reach the disk.
    const processes = b.processes?.map((p) => (p.argv ? { ...p, argv: p.argv.map(scrubSecrets) } : p));
    const effects = b.effects?.map((e) => (e.kind === 'exec' ? { ...e, target: scrubSecrets(e.target) } : e));
    this.recorder.write({ batch: { ...b, prompts, processes, effects, skipped: undefined } });
  }

  gap(reason: string): void {
    this.hub.gapStart(reason);
    this.recorder?.write({ gap: { start: this.hub.now(), reason } });
  }

  gapEnd(): void {
    this.hub.gapEnd();
    const g = this.hub.status.gaps.at(-1);
    if (g) this.recorder?.write({ gap: g });
  }

  drops(n: number): void {
    this.pipeline.drops(n);
    this.recorder?.write({ drops: n });
  }

  /** Waits until every queued batch is applied. */
  flush(): Promise<void> {
    return this.#queue;
  }
}
