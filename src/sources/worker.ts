// Worker thread: reads the trace files the main thread hands it, one message per file.
import { parentPort } from 'node:worker_threads';
import { readTraceFile } from './read.js';
import type { Format } from './roots.js';

parentPort?.on('message', (m: { index: number; format: Format; path: string }) => {
  parentPort!.postMessage({ index: m.index, result: readTraceFile(m.format, m.path) });
});
