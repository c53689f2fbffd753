// The semantic events a host pushes to Loki: one line per LLM call (with its tool calls and their
// effects), per tool call without a known LLM call, and per effect without a tool call. Each line
// carries its already-folded, privacy-filtered stacks and weights for every additive view, so the
// fleet profile rebuilt from Loki is exactly the sum of the hosts' own profiles. The time view is
// left out: a call's duration depends on the events before it in its session, not on the call alone.

import type { EventBatch, Effect, LlmCall, ToolCall } from '../model.js';
import { buildProfile, type BuildOptions } from '../profile/build.js';
import { Privacy, userNamesIn } from '../profile/privacy.js';
import { tagOf } from '../profile/status.js';
import type { ViewName } from '../profile/types.js';
import type { LokiEvent } from './loki-push.js';
import { groupBy } from '../util/collections.js';

export const PUSHED_VIEWS: ViewName[] = ['tokens', 'cost', 'ops', 'files', 'network'];

export interface SemanticLine {
  v: 1;
  type: 'llm_call' | 'tool_call' | 'effect';
  ts: number;
  host: string;
  agent: string;
  tag: string;
  model?: string;
  /** The session's project, privacy-scrubbed as its project: frame (for a store's --project filter). */
  project?: string;
  /** View → [folded stack, weight] pairs. */
  samples: Partial<Record<ViewName, [string, number][]>>;
}

export interface LineOptions {
  host: string;
  build?: Omit<BuildOptions, 'view' | 'labels'>;
}

export function* semanticEvents(batch: EventBatch, tags: ReadonlyMap<string, string>, opts: LineOptions): Generator<LokiEvent> {
  const sessions = new Map(batch.sessions.map((s) => [s.id, s]));
  const prompts = new Map(batch.prompts.map((p) => [p.id, p]));
  const callIds = new Set(batch.calls.map((c) => c.id));
  const toolsByCall = groupBy(batch.tools, (t) => t.llmCall);
  const toolIds = new Set(batch.tools.map((t) => t.id));
  const effectsByTool = groupBy(batch.effects, (e) => e.toolCall ?? '');
  const procs = new Map(batch.processes.map((p) => [p.pid, p]));
  const privacy = new Privacy({ userNames: [...(opts.build?.privacy?.userNames ?? []), ...userNamesIn(batch.sessions.map((s) => s.cwd))] });

  const line = (type: SemanticLine['type'], ts: number, sessionId: string | undefined, call: LlmCall | undefined,
    tools: ToolCall[], effects: Effect[]): LokiEvent => {
    const session = sessionId ? sessions.get(sessionId) : undefined;
    const prompt = call?.prompt ? prompts.get(call.prompt) : undefined;
    const mini: EventBatch = {
      sessions: session ? [session] : [], prompts: prompt ? [prompt] : [], calls: call ? [call] : [], tools, effects,
      processes: effects.flatMap((e) => (e.pid !== undefined && procs.has(e.pid) ? [procs.get(e.pid)!] : [])),
      skipped: [], skippedCount: 0,
    };
    const samples: SemanticLine['samples'] = {};
    for (const view of PUSHED_VIEWS) {
      const p = buildProfile(mini, tags, { ...opts.build, view, labels: false });
      if (p.samples.length) samples[view] = p.samples.map((s) => [s.stack.join(';'), s.weight]);
    }
    const tag = prompt ? tagOf(prompt, tags) : call ? 'none' : 'unattributed';
    const agent = session?.agent ?? 'unknown';
    const l: SemanticLine = { v: 1, type, ts, host: opts.host, agent, tag, ...(call ? { model: call.model } : {}),
      project: privacy.scrub(session?.project || 'unknown'), samples };
    return { ts, labels: { host: opts.host, agent, tag }, line: l };
  };

  for (const c of batch.calls) {
    const tools = toolsByCall.get(c.id) ?? [];
    yield line('llm_call', c.ts, c.session, c, tools, tools.flatMap((t) => effectsByTool.get(t.id) ?? []));
  }
  for (const t of batch.tools) {
    if (!callIds.has(t.llmCall)) yield line('tool_call', t.ts, t.session, undefined, [t], effectsByTool.get(t.id) ?? []);
  }
  for (const e of batch.effects) {
    if (!e.toolCall || !toolIds.has(e.toolCall)) yield line('effect', e.ts, e.session, undefined, [], [e]);
  }
}
