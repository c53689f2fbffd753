// Checks of the project's readers (loadHistory) against what the scripted model server sent, in the terms
// of src/model.ts. Shared by test/real-agents.test.ts (fresh runs and committed fixtures); usable by any test
// that reads real agent traces made with scripts/agents/.
import { expect } from 'vitest';
import type { History } from '../src/sources/index.js';
import { TEST_COMMAND } from '../scripts/agents/repo.js';
import { FIRST_COMMAND } from '../scripts/agents/script.js';
import type { SentReply } from '../scripts/agents/sent-log.js';
import { claudeLoggedOutputs } from './real-agents-raw.js';

const COMMAND_HINTS: Record<string, { kind: string; target: string }[]> = {
  [FIRST_COMMAND]: [{ kind: 'exec', target: 'cat README.md' }, { kind: 'read', target: 'README.md' }, { kind: 'write', target: 'out.txt' }],
  [TEST_COMMAND]: [{ kind: 'exec', target: TEST_COMMAND }],
  'cat README.md': [{ kind: 'exec', target: 'cat README.md' }, { kind: 'read', target: 'README.md' }],
};

export interface Expected {
  agent: 'claude' | 'codex';
  version: string;
  /** The typed prompts, in order. */
  prompts: string[];
  cwd: string;
  sent: SentReply[];
  /** Subagent task prompt → the typed prompt of the thread that spawned it. */
  subagentTasks?: Record<string, string>;
  /** When the agent ran (live runs only): every event must fall inside. */
  window?: [number, number];
}

/** The project's readers (loadHistory) against what the model server sent, in src/model.ts terms. */
export function checkHistory(history: History, x: Expected): void {
  // Readers emit file by file (a subagent's file after its parent's): compare in time order, as the server sent.
  const byTs = <T extends { ts: number }>(xs: T[]) => [...xs].sort((a, b) => a.ts - b.ts);
  const h = { ...history, calls: byTs(history.calls), tools: byTs(history.tools) };
  expect(h.problems).toEqual([]);
  expect(h.skippedCount).toBe(0);
  expect(h.sessions).toHaveLength(1);
  expect(h.sessions[0]).toMatchObject({ agent: x.agent, version: x.version, cwd: x.cwd, project: 'calc' });

  const human = h.prompts.filter((p) => p.kind === 'human' && !p.sidechain);
  expect(human.map((p) => p.text)).toEqual(x.prompts);
  const tasks = x.subagentTasks ?? {};
  expect(h.prompts.filter((p) => p.sidechain).map((p) => p.text)).toEqual(Object.keys(tasks));
  expect(h.prompts.filter((p) => p.kind === 'continue')).toEqual([]);

  // Calls: one per reply, in order, with the reply's model and exactly its usage (Codex's cached-inclusive
  // input is split back into input + cacheRead; its reasoning stays inside output).
  expect(h.calls.map((c) => c.usage)).toEqual(x.sent.map((s) => s.usage));
  expect(h.calls.map((c) => c.model)).toEqual(x.sent.map((s) => s.model));
  // Claude: message.id + requestId; Codex 0.171: token_usage_record.response_id — the ids on the wire.
  expect(h.calls.map((c) => c.id)).toEqual(x.sent.map((s) => s.id));
  if (x.agent === 'claude') expect(h.calls.map((c) => c.requestId)).toEqual(x.sent.map((s) => s.requestId));
  expect(new Set(h.calls.map((c) => c.id)).size).toBe(x.sent.length);
  // Each call belongs to the prompt the server saw it answer.
  const promptId = new Map(human.map((p) => [p.text, p.id]));
  // A subagent's calls count toward the prompt that spawned it.
  expect(h.calls.map((c) => c.prompt)).toEqual(x.sent.map((s) => promptId.get(tasks[s.prompt] ?? s.prompt)));
  expect(h.calls.map((c) => c.sidechain === true)).toEqual(x.sent.map((s) => s.prompt in tasks));
  expect(h.calls.some((c) => c.modelGuessed)).toBe(false);
  expect(h.calls.map((c) => c.shape.tools)).toEqual(x.sent.map((s) => s.tools.map((t) => t.name)));

  // Tools: the server's tool ids and names, each under the call that asked for it (status: checkToolStatus).
  const callOf = new Map(x.sent.flatMap((s, i) => s.tools.map((t) => [t.id, h.calls[i].id] as const)));
  expect(h.tools.map((t) => ({ id: t.id, name: t.name, llmCall: t.llmCall })))
    .toEqual(x.sent.flatMap((s) => s.tools.map((t) => ({ id: t.id, name: t.name, llmCall: callOf.get(t.id) }))));
  // Shell commands become effect hints: `cat README.md; echo hi > out.txt` names an exec, a read and a write.
  const hintsOf = new Map(h.tools.map((t) => [t.id, t.hints]));
  for (const t of x.sent.flatMap((s) => s.tools)) {
    const command = String(t.input.command ?? t.input.cmd ?? '');
    if (command in COMMAND_HINTS) expect(hintsOf.get(t.id)).toEqual(expect.arrayContaining(COMMAND_HINTS[command]));
  }
  if (x.window) {
    const [from, to] = x.window;
    for (const ts of [...h.prompts.map((p) => p.ts), ...h.calls.map((c) => c.ts), ...h.tools.map((t) => t.ts)]) {
      expect(ts).toBeGreaterThanOrEqual(from - 1000);
      expect(ts).toBeLessThanOrEqual(to + 1000);
    }
  }
}

/** A tool that failed when it ran (the test before the fix) is an error, every other one ok. */
export function checkToolStatus(h: History, sent: SentReply[]): void {
  const status = new Map(h.tools.map((t) => [t.id, t.status]));
  const tools = sent.flatMap((s) => s.tools);
  expect(tools.some((t) => t.fails)).toBe(true);
  expect(tools.map((t) => status.get(t.id))).toEqual(tools.map((t) => (t.fails ? 'error' : 'ok')));
}

/**
 * What a Claude trace can tell: the sent replies, except that a response logged only before its message_delta
 * holds a partial output count (claudeLoggedOutputs) — a reader can only report that one.
 */
export function asClaudeLogged(sent: SentReply[], files: string[]): SentReply[] {
  const logged = claudeLoggedOutputs(files);
  return sent.map((s) => {
    const l = logged.get(s.id);
    return l && !l.final ? { ...s, usage: { ...s.usage, output: l.output } } : s;
  });
}
