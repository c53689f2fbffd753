// Worker thread: reads the trace files the main thread hands it, one message per file.
import { parentPort } from 'node:worker_threads';
import { readTraceFile } from './read.js';
import type { Format } from './roots.js';

// Results travel as JSON text: plain data only, and stringify + parse cost ~30% less than the
// structured clone of the same objects (V8's serializer writes every property name of every object).
// Prompts travel as a JSON text of their own: their text is the only field that may hold characters
// beyond Latin-1, and one such character makes a whole string two bytes per character — twice the
// bytes to write, copy and parse for everything else.
parentPort?.on('message', (m: { index: number; format: Format; path: string }) => {
  const r = readTraceFile(m.format, m.path);
  const prompts = JSON.stringify(r.prompts);
  r.prompts = [];
  parentPort!.postMessage({ index: m.index, json: JSON.stringify(r), prompts });
});
