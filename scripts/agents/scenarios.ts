// Named runs of the real agents, each with what its trace must say (the typed prompts, subagent tasks, the
// exit code). test/real-agents.test.ts runs them all; save-fixtures.ts saves some under test/fixtures/real/.
import { DEFAULT_PROMPT, describeFailure, type AgentRun } from './agent-run.js';
import { startModelServer } from './model-server.js';
import { runClaude } from './run-claude.js';
import { runCodex } from './run-codex.js';
import { apiErrorScript, ATTRIBUTION_PROMPT, ATTRIBUTION_TASK, attributionScript, codexAttributionScript, FORKED_SUBAGENT_PROMPT, HELPER_TASK, stepsScript, SUBAGENT_PROMPT, TESTS_AGAIN_PROMPT } from './script.js';

export interface Expectation {
  /** Typed prompts of the user's own thread, in order. */
  prompts: string[];
  /** Subagent task prompt → the typed prompt that spawned it. */
  subagentTasks?: Record<string, string>;
  exitCode: number;
}

export interface Scenario extends Expectation {
  run: () => Promise<AgentRun>;
  /** Directory name under test/fixtures/real/ when the scenario is saved as a fixture. */
  fixture?: string;
}

/** A first run, then a second prompt in the same session, on one server (so every reply's usage stays distinct). */
async function resumed(run: typeof runClaude | typeof runCodex): Promise<AgentRun> {
  const server = await startModelServer({ tls: true });
  try {
    const first = await run({ server });
    if (first.exitCode !== 0) throw new Error(describeFailure(first));
    return { ...(await run({ server, resume: first, prompt: TESTS_AGAIN_PROMPT })), start: first.start };
  } finally {
    await server.close();
  }
}

const plain: Expectation = { prompts: [DEFAULT_PROMPT], exitCode: 0 };
const subagent: Expectation = { prompts: [SUBAGENT_PROMPT], subagentTasks: { [HELPER_TASK]: SUBAGENT_PROMPT }, exitCode: 0 };
const withAgentTool = { prompt: SUBAGENT_PROMPT, allowedTools: 'Bash,Read,Edit,Agent' };

export const SCENARIOS: Record<string, Scenario> = {
  claude: { ...plain, run: () => runClaude(), fixture: 'claude-2.1.112' },
  claudeNative: { ...plain, run: () => runClaude({ native: true }), fixture: 'claude-2.1.197' },
  codex: { ...plain, run: () => runCodex(), fixture: 'codex-0.171.0' },
  // A subagent (Agent tool): its own conversation goes to <session>/subagents/agent-<id>.jsonl.
  claudeSubagent: { ...subagent, run: () => runClaude(withAgentTool), fixture: 'claude-2.1.112-subagent' },
  claudeNativeSubagent: { ...subagent, run: () => runClaude({ ...withAgentTool, native: true }), fixture: 'claude-2.1.197-subagent' },
  // A slow end of stream: Claude logs the subagent's responses before their message_delta (partial output count).
  claudeSubagentPartial: { ...subagent, run: () => runClaude({ ...withAgentTool, finalDelayMs: 500 }), fixture: 'claude-2.1.112-subagent-partial' },
  // Codex subagents (multi_agent_v1): a child rollout with source.subagent; forked, it first copies the parent's history.
  codexSubagent: { ...subagent, run: () => runCodex({ prompt: SUBAGENT_PROMPT }), fixture: 'codex-0.171.0-subagent' },
  codexSubagentFork: { ...subagent, prompts: [FORKED_SUBAGENT_PROMPT], subagentTasks: { [HELPER_TASK]: FORKED_SUBAGENT_PROMPT },
    run: () => runCodex({ prompt: FORKED_SUBAGENT_PROMPT }), fixture: 'codex-0.171.0-subagent-fork' },
  // A longer run for live mode (N shell calls, each writing a file), over plain HTTP.
  codexSteps: { ...plain, run: () => runCodex({ script: stepsScript(3), tls: false }) },
  // Every kind of cause the join must tell apart (test/attribution-real.test.ts).
  claudeAttribution: { prompts: [ATTRIBUTION_PROMPT], subagentTasks: { [ATTRIBUTION_TASK]: ATTRIBUTION_PROMPT }, exitCode: 0,
    run: () => runClaude({ prompt: ATTRIBUTION_PROMPT, script: attributionScript, allowedTools: 'Bash,Read,Edit,Agent' }) },
  codexAttribution: { ...plain, prompts: [ATTRIBUTION_PROMPT], run: () => runCodex({ prompt: ATTRIBUTION_PROMPT, script: codexAttributionScript }) },
  // API errors: one retried, then a fatal one that ends the run with exit 1.
  claudeErrors: { ...plain, exitCode: 1, run: () => runClaude({ script: apiErrorScript() }), fixture: 'claude-2.1.112-api-errors' },
  codexErrors: { ...plain, exitCode: 1, run: () => runCodex({ script: apiErrorScript() }), fixture: 'codex-0.171.0-api-errors' },
  claudeResumed: { ...plain, prompts: [DEFAULT_PROMPT, TESTS_AGAIN_PROMPT], run: () => resumed(runClaude), fixture: 'claude-2.1.112-resumed' },
  codexResumed: { ...plain, prompts: [DEFAULT_PROMPT, TESTS_AGAIN_PROMPT], run: () => resumed(runCodex), fixture: 'codex-0.171.0-resumed' },
};

/** Runs scenarios `width` at a time (each mostly waits on process start-up and the model server). */
export async function runScenarios(names: string[], width = 3): Promise<Record<string, AgentRun>> {
  const runs: Record<string, AgentRun> = {};
  const queue = [...names];
  const worker = async () => {
    for (let name = queue.shift(); name; name = queue.shift()) runs[name] = await SCENARIOS[name].run();
  };
  await Promise.all(Array.from({ length: width }, worker));
  return runs;
}
