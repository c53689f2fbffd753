// One entry point per trace file, shared by the in-process path and the worker threads.
import type { FileResult } from './merge.js';
import { emptyFileResult } from './merge.js';
import { readClaudeFile } from './claude.js';
import { readCodexFile } from './codex.js';
import { readGeminiFile } from './gemini.js';
import type { Format } from './roots.js';

export function readTraceFile(format: Format, path: string): FileResult {
  try {
    if (format === 'claude') return readClaudeFile(path);
    if (format === 'codex') return readCodexFile(path);
    return readGeminiFile(path);
  } catch (err) {
    // An unreadable file (permissions, vanished, a directory) is one skipped input, not a failed scan.
    const r = emptyFileResult(path);
    r.skipped.push({ file: path, line: 0, reason: `unreadable: ${err instanceof Error ? err.message : String(err)}` });
    r.skippedCount = 1;
    return r;
  }
}
