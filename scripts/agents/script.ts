// What the scripted model answers. A conversation's next reply is chosen by its latest typed prompt and
// the assistant turns since it (the agents resend the whole conversation each time), so one server can
// serve many agents, subagents and runs at once without any state per connection.
import type { Usage } from '../../src/model.js';
import { BUG, TEST_COMMAND } from './repo.js';

export type ReplyBlock =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  /** fails: the tool is expected to fail when it runs (e.g. the test before the fix), so its call is an error. */
  | { type: 'tool'; name: string; input: Record<string, unknown>; fails?: boolean; namespace?: string }
  /** Answer with an HTTP error instead of a reply (e.g. 400 invalid_request_error, 529 overloaded_error). */
  | { type: 'error'; status: number; errorType: string; message: string };

export interface ScriptContext {
  agent: 'claude' | 'codex';
  /** Assistant turns since the latest typed prompt: 0 for the first reply to it. */
  turn: number;
  /** The latest typed prompt in the conversation ('' when none was found). */
  prompt: string;
  /** The agent's working directory, read from its system prompt / environment context. */
  cwd: string | undefined;
  /** Names of the tools the agent offered in this request. */
  tools: string[];
  /** The parsed request body, for scripts that need more (e.g. an id from an earlier tool output). */
  request: Record<string, unknown>;
}

/** Returns the blocks of one reply; for [] the server answers a short text. */
export type Script = (ctx: ScriptContext) => ReplyBlock[];

export const FINAL_TEXT = 'Fixed: add() subtracted instead of adding. The test passes now.';
export const FIRST_COMMAND = 'cat README.md; echo hi > out.txt';

const abs = (ctx: ScriptContext, rel: string): string => (ctx.cwd ? `${ctx.cwd}/${rel}` : rel);

export const TESTS_AGAIN_PROMPT = 'run the tests again';
export const TESTS_PASS_TEXT = 'All tests pass.';

export const SUBAGENT_PROMPT = 'ask a helper agent what the README says';
export const HELPER_TASK = 'Read README.md and summarize it in one sentence.';
export const HELPER_ANSWER = 'The README describes a tiny calculator tested with node --test.';

/** Claude with a subagent: Agent (general-purpose) whose own conversation runs Bash and answers; then text. */
const claudeSubagent = (ctx: ScriptContext): ReplyBlock[] => {
  if (ctx.prompt === HELPER_TASK) {
    return ctx.turn === 0
      ? [{ type: 'tool', name: 'Bash', input: { command: 'cat README.md', description: 'Read the README' } }]
      : [{ type: 'text', text: HELPER_ANSWER }];
  }
  return ctx.turn === 0
    ? [{ type: 'tool', name: 'Agent', input: { description: 'Summarize the README', prompt: HELPER_TASK, subagent_type: 'general-purpose' } }]
    : [{ type: 'text', text: `The helper says: ${HELPER_ANSWER}` }];
};

export const FORKED_SUBAGENT_PROMPT = 'ask a forked helper agent what the README says';

/** The agent id in the latest spawn_agent output (`{"agent_id": …}`) of a Responses request. */
const spawnedAgentId = (ctx: ScriptContext): string => {
  const outputs = ((ctx.request.input as { type?: string; output?: unknown }[] | undefined) ?? []).filter((i) => i?.type === 'function_call_output');
  const text = outputs.map((o) => (typeof o.output === 'string' ? o.output : JSON.stringify(o.output))).join('\n');
  return [...text.matchAll(/"agent_id"\s*:\s*"([^"]+)"/g)].at(-1)?.[1] ?? 'unknown';
};

/** Codex with a subagent (multi_agent_v1 spawn_agent → wait_agent); the subagent runs a shell call and answers. */
const codexSubagent = (ctx: ScriptContext): ReplyBlock[] => {
  if (ctx.prompt.includes(HELPER_TASK)) return ctx.turn === 0 ? [shell(ctx, 'cat README.md')] : [{ type: 'text', text: HELPER_ANSWER }];
  const ns = 'multi_agent_v1';
  switch (ctx.turn) {
    case 0:
      return [{ type: 'tool', namespace: ns, name: 'spawn_agent', input: { message: HELPER_TASK, fork_context: ctx.prompt === FORKED_SUBAGENT_PROMPT } }];
    case 1:
      return [{ type: 'tool', namespace: ns, name: 'wait_agent', input: { targets: [spawnedAgentId(ctx)], timeout_ms: 30000 } }];
    default:
      return [{ type: 'text', text: `The helper says: ${HELPER_ANSWER}` }];
  }
};

/** A follow-up prompt (e.g. in a resumed session): run the tests, then say so. */
const testsAgain = (ctx: ScriptContext, tool: ReplyBlock): ReplyBlock[] =>
  ctx.turn === 0 ? [tool] : [{ type: 'text', text: TESTS_PASS_TEXT }];

const claudeTest = (fails: boolean): ReplyBlock => ({ type: 'tool', name: 'Bash', input: { command: TEST_COMMAND, description: 'Run the tests' }, fails });

/** Claude Code: Bash (look) → Bash (the test fails) → Read → Edit → Bash (the test passes) → final text. */
export const claudeScript: Script = (ctx) => {
  if (ctx.prompt === SUBAGENT_PROMPT || ctx.prompt === HELPER_TASK) return claudeSubagent(ctx);
  if (ctx.prompt === TESTS_AGAIN_PROMPT) return testsAgain(ctx, claudeTest(false));
  switch (ctx.turn) {
    case 0:
      return [
        { type: 'text', text: "I'll look at the repository first." },
        { type: 'tool', name: 'Bash', input: { command: FIRST_COMMAND, description: 'Show the README' } },
      ];
    case 1:
      return [claudeTest(true)];
    case 2:
      return [{ type: 'tool', name: 'Read', input: { file_path: abs(ctx, BUG.file) } }];
    case 3:
      return [
        { type: 'text', text: 'The bug is a minus sign.' },
        { type: 'tool', name: 'Edit', input: { file_path: abs(ctx, BUG.file), old_string: BUG.before, new_string: BUG.after } },
      ];
    case 4:
      return [claudeTest(false)];
    default:
      return [{ type: 'text', text: FINAL_TEXT }];
  }
};

/** Codex's shell tool: `exec_command {cmd}` in current versions, `shell {command: argv}` in older ones. */
const shell = (ctx: ScriptContext, cmd: string, fails = false): ReplyBlock =>
  ctx.tools.includes('exec_command') || !ctx.tools.includes('shell')
    ? { type: 'tool', name: 'exec_command', input: { cmd }, fails }
    : { type: 'tool', name: 'shell', input: { command: ['bash', '-lc', cmd] }, fails };

/** Codex: look (with a reasoning summary) → the test fails → fix with sed → the test passes → final text. */
export const codexScript: Script = (ctx) => {
  if (ctx.prompt === SUBAGENT_PROMPT || ctx.prompt === FORKED_SUBAGENT_PROMPT || ctx.prompt.includes(HELPER_TASK)) return codexSubagent(ctx);
  if (ctx.prompt === TESTS_AGAIN_PROMPT) return testsAgain(ctx, shell(ctx, TEST_COMMAND));
  switch (ctx.turn) {
    case 0:
      return [{ type: 'reasoning', text: 'Reading the README first.' }, shell(ctx, FIRST_COMMAND)];
    case 1:
      return [shell(ctx, TEST_COMMAND, true)];
    case 2:
      return [shell(ctx, `sed -i 's/${BUG.before}/${BUG.after}/' ${BUG.file}`)];
    case 3:
      return [shell(ctx, TEST_COMMAND)];
    default:
      return [{ type: 'text', text: FINAL_TEXT }];
  }
};

export const ATTRIBUTION_PROMPT = 'trace every kind of tool effect in this repository';
export const ATTRIBUTION_TASK = 'Print package.json with cat and say its name.';
/** The three-level process tree: the agent's shell → sh → sh → cat (each level a process of its own). */
export const TREE_COMMAND = `sh -c 'sh -c "cat package.json > tree.txt"'`;
/** A background job that keeps writing for 3 s after its tool returned. */
export const BACKGROUND_COMMAND = 'for i in 1 2 3 4 5 6; do echo $i >> bg.log; sleep 0.5; done';

/**
 * Every kind of cause the join must tell apart (issue 18): parallel read-only tools in one response; a
 * Bash spawning a three-level tree; a background Bash writing for 3 s after its result, while the next
 * tools run; a subagent with its own Bash; an Edit of a file the next tool of the same response reads
 * milliseconds later; a Bash that outlasts the background job. Claude Code's tool names.
 */
export const attributionScript: Script = (ctx) => {
  const bash = (command: string, extra: Record<string, unknown> = {}): ReplyBlock => ({ type: 'tool', name: 'Bash', input: { command, description: 'Run it', ...extra } });
  if (ctx.prompt === ATTRIBUTION_TASK) return ctx.turn === 0 ? [bash('cat package.json')] : [{ type: 'text', text: 'It is calc.' }];
  switch (ctx.turn) {
    case 0:
      return [{ type: 'tool', name: 'Read', input: { file_path: abs(ctx, 'README.md') } }, { type: 'tool', name: 'Read', input: { file_path: abs(ctx, 'package.json') } }];
    case 1:
      return [bash(TREE_COMMAND)];
    case 2:
      return [bash(BACKGROUND_COMMAND, { run_in_background: true })];
    case 3:
      return [{ type: 'tool', name: 'Agent', input: { description: 'Name the package', prompt: ATTRIBUTION_TASK, subagent_type: 'general-purpose' } }];
    case 4:
      return [
        { type: 'tool', name: 'Edit', input: { file_path: abs(ctx, BUG.file), old_string: BUG.before, new_string: BUG.after } },
        { type: 'tool', name: 'Read', input: { file_path: abs(ctx, BUG.file) } },
      ];
    case 5:
      return [bash('sleep 3; cat README.md > done.txt')];
    default:
      return [{ type: 'text', text: 'Done.' }];
  }
};

/** The same causes for Codex (exec_command): two commands in one response, the tree, a background job
 * detached from the command's output, an edit by sed read back by the next command, a long command. */
export const codexAttributionScript: Script = (ctx) => {
  switch (ctx.turn) {
    case 0: return [shell(ctx, 'cat README.md'), shell(ctx, 'cat package.json')];
    case 1: return [shell(ctx, TREE_COMMAND)];
    // Its own session: Codex kills the command's process group when the command returns.
    case 2: return [shell(ctx, `setsid -f sh -c '${BACKGROUND_COMMAND}' >/dev/null 2>&1`)];
    case 3: return [shell(ctx, `sed -i 's/${BUG.before}/${BUG.after}/' ${BUG.file}`)];
    case 4: return [shell(ctx, `cat ${BUG.file}`)];
    case 5: return [shell(ctx, 'sleep 3; cat README.md > done.txt')];
    default: return [{ type: 'text', text: 'Done.' }];
  }
};

export const defaultScript: Script = (ctx) => (ctx.agent === 'claude' ? claudeScript(ctx) : codexScript(ctx));

/**
 * Distinct, known usage for the n-th reply of a server (normalized terms, src/model.ts): every
 * field differs from every other reply's, so a reader that drops, duplicates or mixes up a call or
 * a token kind cannot match by accident. Codex has no cache writes; its reasoning is part of output.
 */
export function usageFor(n: number, agent: 'claude' | 'codex'): Usage {
  const base = {
    input: 1000 + 17 * n,
    output: 60 + 13 * n,
    cacheRead: 20000 + 1009 * n,
    cacheWrite5m: agent === 'claude' ? 300 + 11 * n : 0,
    cacheWrite1h: agent === 'claude' ? 40 + 3 * n : 0,
  };
  return agent === 'codex' ? { ...base, reasoning: 8 + n } : base;
}

/**
 * A long run for live mode and tracing: `turns` shell calls, each writing a file and reading it back
 * (`mkdir -p steps; echo step-N > steps/N.txt; cat steps/N.txt`), then a final text. Works for both agents.
 */
export function stepsScript(turns: number): Script {
  return (ctx) => {
    if (ctx.turn >= turns) return [{ type: 'text', text: `Done: ${turns} steps.` }];
    const cmd = `mkdir -p steps; echo step-${ctx.turn} > steps/${ctx.turn}.txt; cat steps/${ctx.turn}.txt`;
    return [ctx.agent === 'claude' ? { type: 'tool', name: 'Bash', input: { command: cmd, description: `Step ${ctx.turn}` } } : shell(ctx, cmd)];
  };
}

/**
 * The default script with API errors: the second turn first fails with a retryable error (Claude 529
 * overloaded, Codex 500), which the agents retry; the third turn fails with a fatal 400 "prompt is too
 * long", which ends the run (exit 1). Stateful: make one per run.
 */
export function apiErrorScript(): Script {
  let retried = false;
  return (ctx) => {
    if (ctx.turn === 1 && !retried) {
      retried = true;
      return [ctx.agent === 'claude'
        ? { type: 'error', status: 529, errorType: 'overloaded_error', message: 'Overloaded' }
        : { type: 'error', status: 500, errorType: 'server_error', message: 'The server had an error' }];
    }
    if (ctx.turn === 2) return [{ type: 'error', status: 400, errorType: 'invalid_request_error', message: 'prompt is too long: 300000 tokens > 200000 maximum' }];
    return defaultScript(ctx);
  };
}

/** Where the latest typed prompt is in a conversation (-1 when none) and its text. */
export function latestPrompt<T>(items: T[], typedText: (item: T) => string | undefined): { at: number; prompt: string } {
  for (let i = items.length - 1; i >= 0; i--) {
    const t = typedText(items[i]);
    if (t !== undefined) return { at: i, prompt: t };
  }
  return { at: -1, prompt: '' };
}
