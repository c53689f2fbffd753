// Frame vocabulary (DESIGN.md "Frames") and the small derivations that name frames: what a response
// did (call:llm/KIND) and which program a command line runs (process:NAME).

import type { ResponseShape } from '../model.js';
import { usageError } from '../util/cli-error.js';

export const FRAME_KINDS = ['agent', 'project', 'session', 'prompt', 'call', 'model', 'tool', 'process', 'file', 'effect', 'domain', 'token', 'host'] as const;
export type FrameKind = (typeof FRAME_KINDS)[number];

export function parseFrameKind(s: string, where: string): FrameKind {
  const k = s.trim().replace(/:$/, '') as FrameKind;
  if (!FRAME_KINDS.includes(k)) throw usageError(`${where}: unknown frame kind "${s}" (have: ${FRAME_KINDS.join(', ')})`);
  return k;
}

const EDIT_TOOLS = new Set(['Edit', 'Write', 'MultiEdit', 'NotebookEdit', 'apply_patch', 'write_file', 'replace', 'edit', 'edit_file', 'str_replace_based_edit_tool']);
const AGENT_TOOLS = new Set(['Task', 'Agent', 'spawn_agent', 'delegate', 'subagent']);
const WEB_TOOLS = new Set(['WebFetch', 'WebSearch', 'web_search', 'web_fetch', 'web_search_call', 'google_web_search']);

/**
 * Call kinds — `call:llm/KIND`, what one model response did, from its ResponseShape, first that applies:
 *   edit      called a file-editing tool (Edit, Write, MultiEdit, NotebookEdit, apply_patch, write_file, replace…)
 *   agent     spawned a subagent (Task, Agent)
 *   web       fetched or searched the web (WebFetch, WebSearch, web_search)
 *   tool      called any other tool (Bash, Read, Grep, shell, MCP tools…)
 *   code      answered with fenced code blocks, no tools
 *   text      answered in prose
 *   thinking  produced only reasoning (no text, no tools)
 *   usage     no content seen, only a usage report (Codex token_count events, interrupted streams)
 */
export const CALL_KINDS_HELP = `Call kinds (call:llm/KIND, what the response did; first that applies):
  edit      called a file-editing tool (Edit, Write, MultiEdit, apply_patch, …)
  agent     spawned a subagent (Task, Agent)
  web       fetched or searched the web (WebFetch, WebSearch)
  tool      called any other tool (Bash, Read, Grep, shell, MCP tools, …)
  code      answered with fenced code blocks and no tools
  text      answered in prose
  thinking  produced only reasoning
  usage     only a usage report (no content seen)`;

export function callKind(shape: ResponseShape | undefined): string {
  if (!shape) return 'usage';
  const tools = shape.tools ?? [];
  if (tools.some((t) => EDIT_TOOLS.has(t))) return 'edit';
  if (tools.some((t) => AGENT_TOOLS.has(t))) return 'agent';
  if (tools.some((t) => WEB_TOOLS.has(t))) return 'web';
  if (shape.toolUses > 0 || tools.length > 0) return 'tool';
  if (shape.codeBlocks > 0) return 'code';
  if (shape.textChars > 0) return 'text';
  if (shape.thinkingChars > 0) return 'thinking';
  return 'usage';
}

const WRAPPERS = new Set(['sudo', 'env', 'time', 'nohup', 'nice', 'timeout', 'exec', 'command', 'xargs', 'stdbuf', 'npx', 'bunx']);

/** The program a command line runs: first word after `VAR=x` prefixes and wrappers, basename only. */
export function programOf(command: string): string | undefined {
  const words = command.trim().split(/\s+/);
  let i = 0;
  while (i < words.length) {
    const w = words[i].replace(/^["'(]+|["')]+$/g, '');
    if (!w || /^[A-Za-z_][A-Za-z0-9_]*=/.test(w) || w.startsWith('-') || /^[0-9.]+[smhd]?$/.test(w)) { i++; continue; }
    if (WRAPPERS.has(w)) { i++; continue; }
    return w.split('/').pop() || undefined;
  }
  return undefined;
}
