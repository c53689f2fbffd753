// Reads AgentSight recordings (any form, any number of hosts): each into a RecordingRead of calls,
// processes, effects (and the joined events of our own live --record files), on its own clock.
// Joining them with the agents' trace files is src/join/recordings.ts.
import { type RecordingInput } from './agentsight-files.js';
import { readEventLog } from './agentsight-log.js';
import { readSnapshot } from './agentsight-snapshot.js';
import { readSqliteRecording } from './agentsight-sqlite.js';
import type { RecordingRead } from './agentsight-types.js';

export { listRecordings, recordingForm, parseArg, splitRecordingArgs } from './agentsight-files.js';
export type { RecordingInput } from './agentsight-files.js';

export interface ReadOptions {
  /** Boot time (epoch ms) of the machine that wrote raw probe lines (ns since boot). Default: this one. */
  bootEpochMs?: number;
  /** Whether a call's request body is worth keeping (not when a trace file holds the call). */
  wantRequestBody?: (id: string) => boolean;
}

/** One recording, read whole. */
export function readRecording(input: RecordingInput, opts: ReadOptions = {}): RecordingRead {
  if (input.form === 'sqlite') return readSqliteRecording(input.files[0], input.host);
  if (input.form === 'snapshot') return readSnapshot(input.files[0], input.host);
  return readEventLog(input.files, { host: input.host, bootEpochMs: opts.bootEpochMs, wantRequestBody: opts.wantRequestBody });
}
