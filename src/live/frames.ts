// Frames for live samples: the causal chain prompt:TAG → call:llm/KIND → tool:NAME → process/file/domain
// as `prefix:value` labels (DESIGN.md "Frames"). Pure functions: labels in, stacks out. Kept to what live
// mode needs until it can call profile/'s stack builder for single events.

import type { LlmCall, ResponseShape } from '../model.js';

const EDIT_TOOLS = new Set(['Edit', 'Write', 'MultiEdit', 'NotebookEdit', 'apply_patch']);

/** What a response did, from its shape: edit, tool, code, think or text. */
export function callKind(shape: ResponseShape | undefined): string {
  if (!shape) return 'text';
  if (shape.tools.some((t) => EDIT_TOOLS.has(t))) return 'edit';
  if (shape.toolUses > 0) return 'tool';
  if (shape.codeBlocks > 0) return 'code';
  if (shape.thinkingChars > 0 && shape.textChars === 0) return 'think';
  return 'text';
}

export const callFrame = (c: Pick<LlmCall, 'shape'>): string => `call:llm/${callKind(c.shape)}`;

const HOME = /^\/(home\/[^/]+|root|Users\/[^/]+)(\/|$)/;

/** A path as a frame value: project-relative inside cwd, else a stable external/… bucket (no user names). */
export function fileLabel(path: string, cwd: string | undefined): string {
  if (cwd && path.startsWith(cwd.endsWith('/') ? cwd : cwd + '/')) return path.slice(cwd.length).replace(/^\/+/, '') || '.';
  if (cwd && path === cwd) return '.';
  if (!path.startsWith('/')) return path.replace(/^\.\//, '');
  if (/\/\.claude(\/|$)/.test(path)) return 'external/claude';
  if (/\/\.codex(\/|$)/.test(path)) return 'external/codex';
  if (path.startsWith('/tmp/') || path.startsWith('/var/tmp/')) return 'external/tmp';
  if (HOME.test(path)) return 'external/home';
  return 'external/path';
}

const PRIVATE_V4 = /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|169\.254\.)/;

/** A connect target (`host:port`, address or domain) as a domain frame value; private addresses collapse. */
export function domainLabel(target: string, domain?: string): string {
  const host = (domain ?? target).replace(/^\[|\](:\d+)?$/g, '').replace(/:\d+$/, '');
  if (host === '::1' || host.startsWith('127.') || host === 'localhost') return 'localhost';
  if (PRIVATE_V4.test(host)) return 'private.network';
  return host.toLowerCase();
}

/** Last path component of a command line's program: `process:` frame value. */
export function processLabel(comm: string | undefined): string {
  return (comm ?? '?').split('/').pop() || '?';
}
