// Claude Code writer: renders a SessionPlan as `projects/<enc-cwd>/<sessionId>.jsonl` with every layout
// and pitfall in agent-traces.md §1 — streamed responses split one block per line (same message.id,
// requestId and usage; partial output_tokens on early lines), subagents in `<session>/subagents/`
// (2.1.x), legacy `agent-*.jsonl` (2.0.x, sometimes also copied inline), inline sidechains (1.0.x),
// resumed sessions that copy earlier lines, compaction, meta/command lines, <synthetic> and API-error
// rows, summary lines, blank / non-object / broken / truncated lines. Counts go to the Tally only for
// what a correct reader must count.
import type { Rng } from './rng.js';
import type { CallPlan, SessionPlan, TaskPlan, ToolPlan } from './plan.js';
import { numbered, prose } from './content.js';
import type { Tally, Usage5 } from './totals.js';
import { BROKEN_LINES, NON_OBJECT_LINES, type Sink } from './sink.js';
import { costTotal, Pricer } from '../../src/cost/pricing.js';

const PRICER = new Pricer();
const listCost = (model: string, u: Usage5): number => {
  const parts = PRICER.cost(model, u);
  return parts ? costTotal(parts) : 0;
};
import type { Showcase } from './showcase.js';

export type ClaudeEra = 'old' | 'mid' | 'new';

export interface ClaudeWriterCtx {
  rng: Rng;
  tally: Tally;
  sink: Sink;
  /** Directory inside the corpus that plays CLAUDE_CONFIG_DIR. */
  root: string;
  show: Showcase;
}

/** What a later session needs to resume this one. */
export interface ClaudeSessionOut {
  sessionId: string;
  lines: string[];
  era: ClaudeEra;
}

const VERSIONS: Record<ClaudeEra, string[]> = {
  old: ['1.0.51', '1.0.88', '1.0.113'],
  mid: ['2.0.14', '2.0.37', '2.0.76', '2.1.1'],
  new: ['2.1.12', '2.1.47', '2.1.81'],
};

const MAIN_MODELS = [['claude-opus-4-6', 5], ['claude-sonnet-4-5-20250929', 3], ['claude-haiku-4-5', 1]] as const;

export const encodeCwd = (cwd: string): string => cwd.replace(/[^a-zA-Z0-9]/g, '-');

const TOOL_NAME: Record<ToolPlan['kind'], string> = {
  read: 'Read', write: 'Write', edit: 'Edit', bash: 'Bash', grep: 'Grep', glob: 'Glob', fetch: 'WebFetch',
  search: 'WebSearch', task: 'Task', todo: 'TodoWrite',
};

function toolInput(t: ToolPlan): Record<string, unknown> {
  switch (t.kind) {
    case 'read': return { file_path: t.path };
    case 'write': return { file_path: t.path, content: t.content };
    case 'edit': return { file_path: t.path, old_string: t.oldText, new_string: t.newText };
    case 'bash': return { command: t.command!.command, description: `Run ${t.command!.command.split(' ')[0]}` };
    case 'grep': return { pattern: t.pattern, path: t.path, output_mode: 'files_with_matches' };
    case 'glob': return { pattern: t.pattern, path: t.path };
    case 'fetch': return { url: t.url, prompt: 'Summarize the relevant parts' };
    case 'search': return { query: t.query };
    case 'task': return { description: t.task!.description, prompt: t.task!.prompt, subagent_type: t.task!.agentType };
    case 'todo': return { todos: JSON.parse(t.content!) };
  }
}

function toolUseResult(t: ToolPlan, sub: { agentId: string; usage: Usage5; tokens: number } | null): unknown {
  if (t.error) return `Error: ${t.output}`;
  switch (t.kind) {
    case 'read': {
      const n = t.output.split('\n').length;
      return { type: 'text', file: { filePath: t.path, content: t.output, numLines: n, startLine: 1, totalLines: n } };
    }
    case 'write': return { type: 'create', filePath: t.path, content: t.content, structuredPatch: [] };
    case 'edit': return { filePath: t.path, oldString: t.oldText, newString: t.newText, originalFile: t.original ?? null, replaceAll: false, userModified: false,
      structuredPatch: [{ oldStart: 1, oldLines: 1, newStart: 1, newLines: 1, lines: [`-${t.oldText}`, `+${t.newText}`] }] };
    case 'bash': return { stdout: t.command!.stdout, stderr: t.command!.stderr, interrupted: false, isImage: false, noOutputExpected: false };
    case 'grep': case 'glob': {
      const filenames = t.output.split('\n');
      return { filenames, numFiles: filenames.length, durationMs: t.ms, truncated: false };
    }
    case 'fetch': return { bytes: t.output.length * 3, code: 200, codeText: 'OK', result: t.output, durationMs: t.ms, url: t.url };
    case 'search': return { query: t.query, results: t.output.split('\n'), durationSeconds: t.ms / 1000 };
    case 'todo': return { oldTodos: [], newTodos: JSON.parse(t.content!) };
    case 'task': return {
      status: 'completed', prompt: t.task!.prompt, agentId: sub?.agentId, content: [{ type: 'text', text: t.output }],
      totalDurationMs: t.ms, totalTokens: sub?.tokens ?? 0, totalToolUseCount: t.task!.calls.reduce((a, c) => a + c.tools.length, 0),
      // A copy of the subagent's usage: NEVER counted (the subagent transcript has the real calls).
      usage: sub ? { input_tokens: sub.usage.input, output_tokens: sub.usage.output, cache_read_input_tokens: sub.usage.cacheRead,
        cache_creation_input_tokens: sub.usage.cacheWrite5m + sub.usage.cacheWrite1h, service_tier: 'standard' } : undefined,
    };
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** One thread of lines (main or a sidechain) with its parentUuid chain. */
class Thread {
  lines: string[] = [];
  last: string | null = null;
  constructor(readonly base: Record<string, unknown>, readonly rng: Rng) {}

  push(type: string, ts: number, body: Record<string, unknown>, uuid = this.rng.uuid()): string {
    const line = { parentUuid: this.last, ...this.base, type, ...body, uuid, timestamp: iso(ts) };
    this.lines.push(JSON.stringify(line));
    this.last = uuid;
    return uuid;
  }

  raw(line: string): void {
    this.lines.push(line);
  }
}

interface SessionState {
  c: ClaudeWriterCtx;
  plan: SessionPlan;
  era: ClaudeEra;
  sessionId: string;
  base: Record<string, unknown>;
  model: string;
  ttl1h: number;
  dir: string;
}

function usageOf(s: SessionState, call: CallPlan, first: boolean): { raw: Record<string, unknown>; u: Usage5 } {
  const r = s.c.rng;
  const cached = first ? 0 : call.context;
  const write = first ? call.context + call.fresh : call.fresh;
  const input = r.chance(0.9) ? r.int(1, 12) : r.int(20, 3000);
  const w1h = s.era === 'old' ? 0 : Math.round(write * s.ttl1h);
  const w5m = write - w1h;
  const raw: Record<string, unknown> = { input_tokens: input, cache_creation_input_tokens: write, cache_read_input_tokens: cached, output_tokens: call.output };
  if (s.era !== 'old') raw.cache_creation = { ephemeral_5m_input_tokens: w5m, ephemeral_1h_input_tokens: w1h };
  raw.service_tier = 'standard';
  if (s.era === 'new') Object.assign(raw, { server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 }, inference_geo: '', iterations: [], speed: 'standard' });
  return { raw, u: { input, output: call.output, cacheRead: cached, cacheWrite5m: w5m, cacheWrite1h: w1h } };
}

/** Writes one LLM call as streamed lines; returns the tool_use ids in order and the end time. */
function writeCall(s: SessionState, th: Thread, call: CallPlan, ts: number, model: string, first: boolean): { ids: string[]; lineOf: Map<string, string>; usage: Usage5 } {
  const r = s.c.rng;
  const msgId = `msg_01${r.base62(22)}`;
  const requestId = s.era === 'old' && s.c.show.take(r, 'no-request-id', 0.25) ? undefined : `req_011C${r.base62(20)}`;
  const { raw, u } = usageOf(s, call, first);
  const blocks: Record<string, unknown>[] = [];
  if (call.thinking) blocks.push({ type: 'thinking', thinking: call.thinking, signature: r.base62(60) });
  if (call.text) blocks.push({ type: 'text', text: call.text });
  const ids: string[] = [];
  for (const t of call.tools) {
    const id = `toolu_01${r.base62(22)}`;
    ids.push(id);
    blocks.push({ type: 'tool_use', id, name: TOOL_NAME[t.kind], input: toolInput(t) });
  }
  if (!blocks.length) blocks.push({ type: 'text', text: 'Done.' });
  // Old versions wrote a response as one line; later ones one line per content block.
  const split = s.era !== 'old' || r.chance(0.3);
  const parts = split ? blocks.map((b) => [b]) : [blocks];
  const stop = call.tools.length ? 'tool_use' : 'end_turn';
  const lineOf = new Map<string, string>();
  parts.forEach((content, i) => {
    const last = i === parts.length - 1;
    const usage = last ? raw : { ...raw, output_tokens: Math.min(call.output, r.int(1, 40)) };
    const uuid = th.push('assistant', ts + i * 40, {
      message: { id: msgId, type: 'message', role: 'assistant', model, content, stop_reason: last ? stop : null, stop_sequence: null, usage },
      ...(requestId ? { requestId } : {}),
      // Old versions wrote the request's list-price cost; ccusage's default mode uses it when present.
      ...(s.era === 'old' ? { costUSD: +listCost(model, u).toFixed(9) } : {}),
    });
    for (const b of content) if (b.type === 'tool_use') lineOf.set(b.id as string, uuid);
  });
  s.c.tally.call('claude', model, u);
  s.c.tally.of('claude').toolCalls += call.tools.length;
  return { ids, lineOf, usage: u };
}

function writeToolResults(s: SessionState, th: Thread, call: CallPlan, ids: string[], lineOf: Map<string, string>, ts: number, subs: (ReturnType<typeof writeSubagent> | null)[]): void {
  call.tools.forEach((t, i) => {
    const content = t.kind === 'read' && !t.error ? numbered(t.output) : t.error ? `<tool_use_error>${t.output}</tool_use_error>` : t.output;
    th.push('user', ts + t.ms, {
      message: { role: 'user', content: [{ tool_use_id: ids[i], type: 'tool_result', content, ...(t.error ? { is_error: true } : {}) }] },
      toolUseResult: toolUseResult(t, subs[i] ?? null),
      ...(s.era === 'new' ? { sourceToolAssistantUUID: lineOf.get(ids[i]) } : {}),
    });
  });
}

function writeSubagent(s: SessionState, main: Thread, task: TaskPlan, toolUseId: string, ts: number): { agentId: string; usage: Usage5; tokens: number } {
  const r = s.c.rng;
  const agentId = s.era === 'new' ? r.hex(17) : r.hex(8);
  const model = task.agentType === 'Explore' ? 'claude-haiku-4-5' : s.model;
  const th = new Thread({ ...s.base, isSidechain: true, agentId }, r);
  th.push('user', ts, { message: { role: 'user', content: task.prompt } });
  let t = ts + 500;
  const usage: Usage5 = { input: 0, output: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 };
  task.calls.forEach((call, i) => {
    const { ids, lineOf, usage: u } = writeCall(s, th, call, t, model, i === 0);
    for (const k of Object.keys(usage) as (keyof Usage5)[]) usage[k] += u[k];
    t += call.ms;
    writeToolResults(s, th, call, ids, lineOf, t, []);
    t += call.tools.reduce((a, x) => a + x.ms, 0);
  });
  const tokens = usage.input + usage.output + usage.cacheRead + usage.cacheWrite5m + usage.cacheWrite1h;
  if (s.era === 'new') {
    s.c.sink.writeLines(`${s.dir}/${s.sessionId}/subagents/agent-${agentId}.jsonl`, th.lines);
    s.c.sink.writeText(`${s.dir}/${s.sessionId}/subagents/agent-${agentId}.meta.json`,
      JSON.stringify({ agentType: task.agentType, description: task.description, toolUseId, spawnDepth: 1, model }));
    s.c.tally.of('claude').subagents++;
  } else if (s.era === 'mid') {
    s.c.sink.writeLines(`${s.dir}/agent-${agentId}.jsonl`, th.lines);
    s.c.tally.of('claude').subagents++;
    // Some 2.0.x sessions also kept the sidechain inline: the same messages twice, counted once.
    if (s.c.show.take(r, 'mid-inline-copy', 0.3)) for (const l of th.lines) main.raw(l);
  } else {
    for (const l of th.lines) main.raw(l);
  }
  return { agentId, usage, tokens };
}

const META_COMMANDS = [['/model', 'Set model to opus (claude-opus-4-6)'], ['/clear', ''], ['/mcp', 'No MCP servers configured'],
  ['/cost', 'Total cost: $1.84'], ['/compact', 'Compacted.']] as const;

function writeMeta(s: SessionState, th: Thread, ts: number): void {
  const [name, out] = s.c.rng.pick(META_COMMANDS);
  th.push('user', ts, { isMeta: true, message: { role: 'user', content: 'Caveat: The messages below were generated by the user while running local commands. DO NOT respond to these messages or otherwise consider them in your response unless the user explicitly asks you to.' } });
  th.push('user', ts + 1, { message: { role: 'user', content: `<command-name>${name}</command-name>\n            <command-message>${name.slice(1)}</command-message>\n            <command-args></command-args>` } });
  th.push('user', ts + 2, { message: { role: 'user', content: `<local-command-stdout>${out}</local-command-stdout>` } });
}

export function writeClaudeSession(c: ClaudeWriterCtx, plan: SessionPlan, era: ClaudeEra, resume: ClaudeSessionOut | null): ClaudeSessionOut {
  const r = c.rng;
  const sessionId = r.uuid();
  const version = r.pick(VERSIONS[era]);
  const s: SessionState = {
    c, plan, era, sessionId, model: MAIN_MODELS.find(([m]) => c.show.first(m))?.[0] ?? r.weighted(MAIN_MODELS), ttl1h: era === 'new' && c.show.first('ttl-1h') ? 1 : r.pick([0, 0, 0.3, 1]),
    base: { isSidechain: false, userType: 'external', cwd: plan.project.cwd, sessionId, version, gitBranch: r.pick(['main', 'main', 'dev', 'fix/login']),
      ...(era === 'new' ? { entrypoint: 'cli' } : {}) },
    dir: `${c.root}/projects/${encodeCwd(plan.project.cwd)}`,
  };
  const tally = c.tally.of('claude');
  tally.sessions++;
  const th = new Thread(s.base, r);
  const good: string[] = [];
  if (resume || c.show.take(r, 'summary', 0.2)) for (let i = r.int(1, 3); i > 0; i--) th.raw(JSON.stringify({ type: 'summary', summary: prose(r, 1, 1).slice(0, 60), leafUuid: r.uuid() }));
  // A resumed session starts with a verbatim copy of the earlier one (same uuids, message ids): counted once.
  if (resume) for (const l of resume.lines) th.raw(l);
  if (c.show.take(r, 'meta', 0.3)) writeMeta(s, th, plan.start - 5000);
  let firstCall = !resume;
  const compactAt = plan.turns.length > 5 && c.show.take(r, 'compact', 0.6) ? r.int(2, plan.turns.length - 2) : -1;
  plan.turns.forEach((turn, ti) => {
    let ts = turn.ts;
    if (ti === compactAt) {
      th.push('system', ts - 2000, { subtype: 'compact_boundary', content: 'Conversation compacted', level: 'info', logicalParentUuid: th.last, compactMetadata: { trigger: r.pick(['auto', 'manual']), preTokens: turn.calls[0].context } });
      th.push('user', ts - 1000, { isCompactSummary: true, isVisibleInTranscriptOnly: true, message: { role: 'user', content: [{ type: 'text', text: `This session is being continued from a previous conversation that ran out of context. The conversation is summarized below:\nAnalysis:\n${prose(r, 5, 40)}` }] } });
      tally.prompts.continue++;
      firstCall = true;
    }
    if (era === 'new' && c.show.take(r, 'snapshot', 0.3)) th.raw(JSON.stringify({ type: 'file-history-snapshot', messageId: r.uuid(), snapshot: { messageId: r.uuid(), trackedFileBackups: {}, timestamp: iso(ts) }, isSnapshotUpdate: false }));
    if (c.show.take(r, 'system-reminder', 0.04)) th.push('user', ts - 10, { message: { role: 'user', content: `<system-reminder>\nThe TodoWrite tool hasn't been used recently.\n</system-reminder>` } });
    const content = r.chance(0.7) ? turn.text : [{ type: 'text', text: turn.text }, ...(c.show.take(r, 'image', 0.05) ? [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: r.base62(400) } }] : [])];
    // 2.1.x queues the typed prompt first: `enqueue` repeats its text but is not a prompt of its own.
    if (era === 'new' && c.show.take(r, 'queue-operation', 0.5)) {
      th.raw(JSON.stringify({ type: 'queue-operation', operation: 'enqueue', timestamp: iso(ts - 5), sessionId, content: turn.text }));
      th.raw(JSON.stringify({ type: 'queue-operation', operation: 'dequeue', timestamp: iso(ts - 5), sessionId }));
    }
    th.push('user', ts, { message: { role: 'user', content }, ...(era !== 'old' ? { promptId: r.uuid(), permissionMode: 'default' } : {}) });
    tally.prompts.human++;
    if (era === 'new' && ti === 0 && c.show.take(r, 'attachment', 0.5)) {
      th.push('attachment', ts + 1, { attachment: { type: 'skill_listing', content: '- deep-research: fan-out web searches and synthesize a cited report.\n- pdf: read and fill PDF forms.' } });
    }
    ts += 300;
    turn.calls.forEach((call, ci) => {
      if (c.show.take(r, 'api-error', 0.02)) {
        th.push('assistant', ts, { isApiErrorMessage: true, message: { id: r.uuid(), model: '<synthetic>', role: 'assistant', type: 'message', content: [{ type: 'text', text: 'API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}' }], stop_reason: 'stop_sequence', stop_sequence: '', usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } } });
        ts += 2000;
      }
      const { ids, lineOf } = writeCall(s, th, call, ts, s.model, firstCall);
      firstCall = false;
      ts += call.ms;
      const subs = call.tools.map((t, i) => (t.kind === 'task' && t.task ? writeSubagent(s, th, t.task, ids[i], ts) : null));
      writeToolResults(s, th, call, ids, lineOf, ts, subs);
      ts += call.tools.reduce((a, t) => a + t.ms, 0);
      if (ci === turn.calls.length - 1 && c.show.take(r, 'interrupt', 0.04)) {
        th.push('user', ts + 100, { message: { role: 'user', content: [{ type: 'text', text: '[Request interrupted by user]' }] } });
        th.push('assistant', ts + 200, { message: { id: r.uuid(), model: '<synthetic>', role: 'assistant', type: 'message', content: [{ type: 'text', text: 'No response requested.' }], stop_reason: 'stop_sequence', stop_sequence: '', usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } } });
      }
    });
  });
  const lastHuman = plan.turns[plan.turns.length - 1].text;
  if (era === 'new') th.raw(JSON.stringify({ type: 'last-prompt', lastPrompt: lastHuman, leafUuid: th.last, sessionId }));
  good.push(...th.lines);
  // Damage the file the way real ones are damaged: counted and skipped, never fatal.
  const out = [...th.lines];
  if (c.show.take(r, 'blank', 0.25)) out.splice(r.int(1, out.length), 0, '');
  if (c.show.take(r, 'non-object', 0.08)) { out.splice(r.int(1, out.length), 0, r.pick(NON_OBJECT_LINES)); tally.skippedLines++; }
  if (c.show.take(r, 'broken', 0.05)) { out.splice(r.int(1, out.length), 0, r.pick(BROKEN_LINES)); tally.skippedLines++; }
  let tail: string | undefined;
  if (c.show.take(r, 'truncated', 0.08)) {
    const partial = JSON.stringify({ parentUuid: th.last, ...s.base, type: 'assistant', message: { id: `msg_01${r.base62(22)}`, model: s.model, content: [{ type: 'text', text: prose(r, 2, 8) }] }, uuid: r.uuid(), timestamp: iso(plan.end) });
    tail = partial.slice(0, r.int(20, partial.length - 5));
    tally.skippedLines++;
  }
  c.sink.writeLines(`${s.dir}/${sessionId}.jsonl`, out, tail);
  return { sessionId, lines: good, era };
}
