// What the reading side of a live run (tailer, collector supervisor — possibly root) sends to the
// processing side (pipeline + server — unprivileged): plain data, structured-clone safe for IPC.
import type { TailLines } from './tail.js';

export type LiveInput =
  /** Appended complete lines, as bytes. */
  | { k: 'lines'; lines: TailLines[] }
  | { k: 'reset'; file: string }
  /** Raw collector bytes (framed msgpack or JSON lines), decoded on the processing side. */
  | { k: 'kernel'; data: Uint8Array }
  | { k: 'collector'; state: string; reason?: string; restarts?: number }
  | { k: 'missing'; what: string[] }
  /** What the collector traces (src/live/scope.ts). */
  | { k: 'scope'; what: string };
