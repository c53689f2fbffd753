// Frames for live samples: the causal chain prompt:TAG → call:llm/KIND → tool:NAME → process/file/domain
// as `prefix:value` labels, named exactly as offline profiles name them (profile/frames, profile/privacy).
import type { LlmCall } from '../model.js';
import { callKind } from '../profile/frames.js';
import { fileBucket, hostBucket, hostOf } from '../profile/privacy.js';

export const callFrame = (c: Pick<LlmCall, 'shape'>): string => `call:llm/${callKind(c.shape)}`;

/** A path as a frame value: project-relative inside cwd, else a stable external/… bucket (no user names). */
export const fileLabel = (path: string, cwd: string | undefined): string => fileBucket(path, cwd ?? '');

/** A connect target (`host:port`, address or domain) as a domain frame value; private addresses collapse. */
export const domainLabel = (target: string, domain?: string): string => hostBucket(hostOf(domain ?? target) || target);

/** Last path component of a command: `process:` frame value. */
export function processLabel(comm: string | undefined): string {
  return (comm ?? '?').split('/').pop() || '?';
}
