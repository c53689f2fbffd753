// Which user-channel text is a person's intent (human), harness text that resumes work (continue),
// or everything else (meta). Only human and continue prompts become `prompt:` frames.
import type { PromptKind } from '../model.js';

const CONTINUE_PREFIXES = ['This session is being continued', '[Session continued'];
const META_PREFIXES = [
  '<command-name>', '<command-message>', '<command-args>', '<local-command-stdout>', '<local-command-stderr>',
  '<system-reminder>', 'Caveat:', '[Request interrupted by user', '<bash-stdout>', '<bash-stderr>',
  '<user-prompt-submit-hook>',
];

export function classifyClaudePrompt(text: string, flags: { isMeta?: unknown; isCompactSummary?: unknown }): PromptKind {
  if (flags.isCompactSummary === true) return 'continue';
  const t = text.trimStart();
  if (CONTINUE_PREFIXES.some((p) => t.startsWith(p))) return 'continue';
  if (flags.isMeta === true) return 'meta';
  if (META_PREFIXES.some((p) => t.startsWith(p))) return 'meta';
  return 'human';
}
