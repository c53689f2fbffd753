// Reads trace files on worker threads (both cores), biggest files first, falling back to the main
// thread when workers cannot start (e.g. no bundled worker and no tsx).
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FileResult } from './merge.js';
import { readTraceFile } from './read.js';
import type { TraceFile } from './roots.js';

export interface Progress { files: number; totalFiles: number; bytes: number; totalBytes: number }

/** Below this much data, starting threads costs more than it saves. */
const PARALLEL_MIN_BYTES = 24 << 20;
/** Bytes of files queued in a worker at once. */
const IN_FLIGHT_BYTES = 6 << 20;
const YOUNG_MB = Number(process.env.AGENTPPROF_YOUNG_MB) || 48;

/** How to start a reading worker: the script bundled next to the CLI in dist/, or the TypeScript source
 * through tsx's loader. `--import tsx` in a Worker's execArgv does not reach the worker's module loader
 * (the worker failed on the .ts file and this thread silently read everything), so a small eval'd
 * script registers tsx in the worker and then imports the source. */
type WorkerEntry = { script: URL | string; eval?: boolean };

function workerEntry(): WorkerEntry | null {
  const here = import.meta.url;
  for (const rel of ['./worker.js', './sources/worker.js', '../sources/worker.js']) {
    const url = new URL(rel, here);
    if (existsSync(fileURLToPath(url))) return { script: url };
  }
  const ts = new URL('./worker.ts', here);
  if (!existsSync(fileURLToPath(ts))) return null;
  let api: string;
  try {
    api = import.meta.resolve('tsx/esm/api');
  } catch {
    return null;
  }
  return { eval: true, script: `import(${JSON.stringify(api)}).then((t) => { t.register(); return import(${JSON.stringify(ts.href)}); })` };
}

export async function readFiles(
  files: TraceFile[], onProgress?: (p: Progress) => void, threads?: number,
): Promise<FileResult[]> {
  const totalBytes = files.reduce((n, f) => n + f.size, 0);
  const progress: Progress = { files: 0, totalFiles: files.length, bytes: 0, totalBytes };
  const results: FileResult[] = new Array(files.length);
  const done = (i: number, r: FileResult) => {
    results[i] = r;
    progress.files++;
    progress.bytes += files[i].size;
    onProgress?.({ ...progress });
  };
  const envThreads = Number(process.env.AGENTPPROF_THREADS);
  const n = Math.min(threads ?? (Number.isFinite(envThreads) && envThreads >= 0 ? envThreads : availableParallelism()), files.length, 8);
  // An explicit thread count (tests, benchmarks) uses workers whatever the size.
  const entry = n > 1 && (threads !== undefined || totalBytes >= PARALLEL_MIN_BYTES) ? workerEntry() : null;
  if (!entry) {
    files.forEach((f, i) => done(i, readTraceFile(f.format, f.path)));
    return results;
  }
  // Largest first, so one huge file does not start last and leave a core idle at the end.
  const queue: Queue = { next: files.map((_, i) => i).sort((a, b) => files[b].size - files[a].size), bytes: totalBytes };
  // n-1 workers plus this thread: one fewer thread to start, and this thread's results need no copying.
  const workers = [];
  for (let w = 0; w < n - 1; w++) workers.push(runWorker(entry, files, queue, done));
  for (let i = take(queue, files); i !== undefined; i = take(queue, files)) {
    done(i, readTraceFile(files[i].format, files[i].path));
    // Let the workers' finished files in (and hand them new ones) between two of ours.
    await new Promise<void>((r) => setImmediate(r));
  }
  // Files whose worker died are read here.
  for (const orphaned of await Promise.all(workers)) {
    for (const i of orphaned) if (!results[i]) done(i, readTraceFile(files[i].format, files[i].path));
  }
  return results;
}

/** The files not handed out yet (biggest first) and their total size. */
interface Queue { next: number[]; bytes: number }

function take(q: Queue, files: TraceFile[]): number | undefined {
  const i = q.next.shift();
  if (i !== undefined) q.bytes -= files[i].size;
  return i;
}

/** Feeds one worker from the shared queue until it is empty; resolves with the files it failed to read. */
function runWorker(
  entry: WorkerEntry, files: TraceFile[], queue: Queue, done: (i: number, r: FileResult) => void,
): Promise<number[]> {
  return new Promise((resolve) => {
    // A larger young generation: parsing makes many short-lived objects, and fewer scavenges save ~10%.
    const worker = new Worker(entry.script, { eval: entry.eval, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB } });
    const inFlight = new Set<number>();
    let inFlightBytes = 0;
    const feed = () => {
      // This thread answers only between two of its own files: keep enough queued in the worker
      // (a few MB, at least two files) that it never waits for us. The files are sorted biggest
      // first, so what is left queued at the end is small; near the end a worker holds no more than
      // a share of what is left, so this thread does not wait for a backlog after its last file.
      while ((inFlight.size < 2 || inFlightBytes < Math.min(IN_FLIGHT_BYTES, queue.bytes / 4)) && queue.next.length) {
        const i = take(queue, files)!;
        inFlight.add(i);
        inFlightBytes += files[i].size;
        worker.postMessage({ index: i, format: files[i].format, path: files[i].path });
      }
      if (!inFlight.size) { void worker.terminate(); resolve([]); }
    };
    worker.on('message', (m: { index: number; json: string; prompts: string }) => {
      inFlight.delete(m.index);
      inFlightBytes -= files[m.index].size;
      const r = JSON.parse(m.json) as FileResult;
      r.prompts = JSON.parse(m.prompts) as FileResult['prompts'];
      done(m.index, r);
      feed();
    });
    worker.on('error', (err) => {
      if (process.env.AGENTPPROF_DEBUG) console.error('worker failed:', err);
      resolve([...inFlight]);
    });
    // A worker that exits on its own (killed, out of memory) leaves its files to this thread.
    worker.on('exit', () => resolve([...inFlight]));
    feed();
  });
}
