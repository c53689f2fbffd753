// The totals a correct reader must produce for a generated corpus, counted by the generator from what it
// INTENDED to write (never by re-reading its files). Semantics, shared with src/sources/ (readers):
//
// sessions      Top-level sessions: Claude main `<sessionId>.jsonl` files (a resumed session is a new
//               file with a new id, so it counts); Codex rollout files that are not subagents (a copy in
//               archived_sessions/ at the same relative path as one in sessions/ is not counted again;
//               an archived-only file is); Gemini chat files. `subagents` counts Claude subagent
//               transcripts (subagents/ and legacy agent-*.jsonl; inline sidechains are not files) and
//               Codex subagent rollouts — a reader may or may not emit these as Sessions with `parent`.
// prompts       human: typed by a person on the main thread, deduplicated by line uuid (resume copies);
//               not sidechain / subagent task prompts, not isMeta, not tool results, not command
//               wrappers or <local-command-stdout> / <system-reminder> / Caveat: / "[Request interrupted"
//               texts, not queue-operation / last-prompt copies of the text; Codex: event_msg
//               user_message (envelope files), else user `message` items whose text does not start
//               with `<` (flat, legacy and 0.17x files, which have no user_message event;
//               `<environment_context>` is meta; an item_completed UserMessage echo is not another);
//               Gemini: `user` messages left after `$rewindTo` (which drops the target and all after it)
//               and id replacement. continue: Claude `isCompactSummary` lines. Codex `compacted` records
//               are not prompts.
// llmCalls      Claude: distinct message.id+requestId over all files (streamed copies, resume copies,
//               inline+file sidechain copies count once), excluding `<synthetic>` and isApiErrorMessage;
//               Codex: token_count events whose total_token_usage advanced (or went down: a reset, where
//               last_token_usage is the call); re-emitted totals, null info and the subagent replay
//               burst are not calls, nor is a 0.17x token_usage_record (the same response as the
//               token_count after it); files without token counts (flat, legacy) have none; Gemini:
//               `gemini` messages with `tokens` left after replacement and rewinds.
// toolCalls     Claude tool_use blocks (distinct id); Codex function_call, custom_tool_call,
//               local_shell_call and web_search_call items; Gemini toolCalls[] entries of surviving
//               messages.
// usage         input: uncached input (Claude input_tokens; Codex input − cached; Gemini input − cached).
//               output: output incl. reasoning (Claude output_tokens, the max over streamed copies;
//               Codex output_tokens; Gemini output + thoughts). cacheRead: Claude
//               cache_read_input_tokens, Codex cached_input_tokens, Gemini cached. cacheWrite5m/1h:
//               Claude cache_creation.ephemeral_5m/1h; without the breakdown all of
//               cache_creation_input_tokens is 5m. toolUseResult.usage (Task results) is never counted.
// skippedLines  non-blank lines that are not JSON or not a JSON object (including a truncated last line).
//               Blank lines are not counted.
// models        per model string as written (Codex without turn_context.model: "gpt-5").

// The same shape the readers' scan totals have (src/sources/totals.ts), plus the generator's subagent count.
import type { ScanTotals, Usage5 } from '../../src/sources/totals.js';
export type { Usage5 } from '../../src/sources/totals.js';

export interface Totals extends ScanTotals {
  subagents: number;
}

export interface Expected {
  schema: 1;
  generator: string;
  seed: number;
  /** Root of each agent's tree inside the corpus dir (CLAUDE_CONFIG_DIR, CODEX_HOME, ~/.gemini). */
  roots: Record<string, string>;
  overall: Totals;
  agents: Record<string, Totals>;
  /** Informational: what was written. */
  written: { files: number; lines: number; bytes: number };
}

export const zeroUsage = (): Usage5 => ({ input: 0, output: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 });

export const emptyTotals = (): Totals => ({
  sessions: 0, subagents: 0, prompts: { human: 0, continue: 0 }, llmCalls: 0, toolCalls: 0, usage: zeroUsage(), skippedLines: 0, models: {},
});

export function addUsage(into: Usage5, u: Usage5): void {
  into.input += u.input;
  into.output += u.output;
  into.cacheRead += u.cacheRead;
  into.cacheWrite5m += u.cacheWrite5m;
  into.cacheWrite1h += u.cacheWrite1h;
}

/** Per-agent counters the writers bump exactly when they write something a reader must count. */
export class Tally {
  readonly agents: Record<string, Totals> = {};

  of(agent: string): Totals {
    return (this.agents[agent] ??= emptyTotals());
  }

  call(agent: string, model: string, u: Usage5): void {
    const t = this.of(agent);
    t.llmCalls++;
    addUsage(t.usage, u);
    const m = (t.models[model] ??= { calls: 0, usage: zeroUsage() });
    m.calls++;
    addUsage(m.usage, u);
  }

  overall(): Totals {
    const o = emptyTotals();
    for (const t of Object.values(this.agents)) mergeTotals(o, t);
    return o;
  }
}

export function mergeTotals(into: Totals, t: Totals): void {
  into.sessions += t.sessions;
  into.subagents += t.subagents;
  into.prompts.human += t.prompts.human;
  into.prompts.continue += t.prompts.continue;
  into.llmCalls += t.llmCalls;
  into.toolCalls += t.toolCalls;
  into.skippedLines += t.skippedLines;
  addUsage(into.usage, t.usage);
  for (const [name, m] of Object.entries(t.models)) {
    const mm = (into.models[name] ??= { calls: 0, usage: zeroUsage() });
    mm.calls += m.calls;
    addUsage(mm.usage, m.usage);
  }
}
