// Codex CLI writer: renders a SessionPlan in the three rollout generations of agent-traces.md §2 —
// current `{timestamp,type,payload}` envelopes (with cumulative token_count: re-emitted totals, null
// info, a reset, missing turn_context.model in old versions, subagent rollouts that open with a replay
// burst of the parent's token counts), flat mid-2025 JSONL and legacy `.json` documents (no tokens) —
// and archived_sessions/ copies. Counts go to the Tally only for what a correct reader must count.
import type { Rng } from './rng.js';
import type { CallPlan, SessionPlan, TaskPlan, ToolPlan } from './plan.js';
import { prose } from './content.js';
import type { Tally } from './totals.js';
import { NON_OBJECT_LINES, type Sink } from './sink.js';
import type { Showcase } from './showcase.js';

export interface CodexWriterCtx {
  rng: Rng;
  tally: Tally;
  sink: Sink;
  /** Directory inside the corpus that plays CODEX_HOME. */
  root: string;
  show: Showcase;
}

interface Tok {
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  reasoning_output_tokens: number;
  total_tokens: number;
}

const zeroTok = (): Tok => ({ input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0, total_tokens: 0 });
const addTok = (a: Tok, b: Tok): Tok => ({
  input_tokens: a.input_tokens + b.input_tokens, cached_input_tokens: a.cached_input_tokens + b.cached_input_tokens,
  output_tokens: a.output_tokens + b.output_tokens, reasoning_output_tokens: a.reasoning_output_tokens + b.reasoning_output_tokens,
  total_tokens: a.total_tokens + b.total_tokens,
});

const iso = (ms: number): string => new Date(ms).toISOString();
const pad = (n: number): string => String(n).padStart(2, '0');

function rolloutPath(start: number, id: string): string {
  const d = new Date(start);
  const day = `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`;
  const stamp = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}-${pad(d.getUTCMinutes())}-${pad(d.getUTCSeconds())}`;
  return `${day}/rollout-${stamp}-${id}.jsonl`;
}

function envContext(cwd: string): string {
  return `<environment_context>\n  <cwd>${cwd}</cwd>\n  <approval_policy>on-request</approval_policy>\n  <sandbox_mode>workspace-write</sandbox_mode>\n  <network_access>restricted</network_access>\n  <shell>bash</shell>\n</environment_context>`;
}

/** A tool as Codex items: the call and its output (0.17x: `exec_command {cmd}` with a plain-text output). */
function toolItems(r: Rng, show: Showcase, t: ToolPlan, cwd: string, modern = false): [Record<string, unknown>, Record<string, unknown>] {
  const call_id = `call_${r.base62(24)}`;
  const shell = (command: string, output: string, code: number) => (modern ? [
    { type: 'function_call', status: 'completed', id: `fc_${r.base62(24)}`, name: 'exec_command', arguments: JSON.stringify({ cmd: command }), call_id },
    { type: 'function_call_output', id: `fco_${r.uuid()}`, call_id, output: `Chunk ID: ${r.hex(6)}\nWall time: ${(t.ms / 1000).toFixed(4)} seconds\nProcess exited with code ${code}\nOriginal token count: ${Math.ceil(output.length / 4)}\nOutput:\n${output}` },
  ] : [
    { type: 'function_call', name: 'shell', arguments: JSON.stringify({ command: ['bash', '-lc', command], workdir: cwd, timeout_ms: 120000 }), call_id },
    { type: 'function_call_output', call_id, output: JSON.stringify({ output, metadata: { exit_code: code, duration_seconds: +(t.ms / 1000).toFixed(1) } }) },
  ]) as [Record<string, unknown>, Record<string, unknown>];
  switch (t.kind) {
    case 'bash':
      if (show.take(r, 'local-shell', 0.15)) {
        return [{ type: 'local_shell_call', call_id, status: 'completed', action: { type: 'exec', command: ['bash', '-lc', t.command!.command], working_directory: cwd } },
          { type: 'function_call_output', call_id, output: JSON.stringify({ output: t.output, metadata: { exit_code: t.command!.exitCode } }) }];
      }
      return shell(t.command!.command, t.output, t.command!.exitCode);
    case 'read': return shell(`sed -n '1,400p' ${t.path}`, t.output, t.error ? 1 : 0);
    case 'grep': return shell(`rg -n "${t.pattern}" ${t.path}`, t.output, 0);
    case 'glob': return shell(`rg --files ${t.path} | head -200`, t.output, 0);
    case 'write': case 'edit': {
      const body = t.kind === 'write' ? `*** Add File: ${t.path}\n${t.content!.split('\n').map((l) => '+' + l).join('\n')}`
        : `*** Update File: ${t.path}\n@@\n-${t.oldText!.split('\n').join('\n-')}\n+${t.newText!.split('\n').join('\n+')}`;
      return [{ type: 'custom_tool_call', status: 'completed', call_id, name: 'apply_patch', input: `*** Begin Patch\n${body}\n*** End Patch` },
        { type: 'custom_tool_call_output', call_id, output: JSON.stringify({ output: t.error ? 'patch failed' : `Success. Updated the following files:\nM ${t.path}`, metadata: { exit_code: t.error ? 1 : 0 } }) }];
    }
    case 'fetch': return shell(`curl -sL ${t.url}`, t.output, 0);
    case 'search': return [{ type: 'web_search_call', status: 'completed', action: { type: 'search', query: t.query } },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: t.output }] }];
    case 'todo': return [{ type: 'function_call', name: 'update_plan', arguments: JSON.stringify({ plan: [{ step: 'do it', status: 'in_progress' }] }), call_id },
      { type: 'function_call_output', call_id, output: 'Plan updated' }];
    case 'task': return [{ type: 'function_call', name: 'spawn_agent', arguments: JSON.stringify({ message: t.task!.prompt }), call_id },
      { type: 'function_call_output', call_id, output: t.output }];
  }
}

interface Env {
  lines: string[];
  /** 0.17x rollouts: `ordinal` on every line, item_completed events, token_usage_record, no user_message event. */
  modern: boolean;
  threadId: string;
  turnId: string;
  push(ts: number, type: string, payload: unknown): void;
}

function envelope(modern: boolean, threadId: string): Env {
  const lines: string[] = [];
  let ordinal = 0;
  return {
    lines, modern, threadId, turnId: '',
    push: (ts, type, payload) => lines.push(JSON.stringify(modern ? { timestamp: iso(ts), ordinal: ordinal++, type, payload } : { timestamp: iso(ts), type, payload })),
  };
}

/** Writes the calls of one thread; returns the running total. `onCall` sees each intended call. */
function writeCalls(c: CodexWriterCtx, e: Env, calls: CallPlan[], ts0: number, cwd: string, total: Tok, model: string, opts: { resetAt: number; history: Tok[] }, sub: (t: TaskPlan, ts: number, total: Tok) => void): { ts: number; total: Tok } {
  const r = c.rng;
  let ts = ts0;
  calls.forEach((call, i) => {
    if (call.thinking) {
      e.push(ts, 'response_item', { type: 'reasoning', summary: [{ type: 'summary_text', text: call.thinking }], content: null, encrypted_content: r.base62(200) });
      e.push(ts, 'event_msg', { type: 'agent_reasoning', text: call.thinking });
    }
    if (call.text) {
      e.push(ts, 'response_item', { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: call.text }] });
      e.push(ts, 'event_msg', { type: 'agent_message', message: call.text });
    }
    const items = call.tools.map((t) => toolItems(r, c.show, t, cwd, e.modern));
    for (const [item] of items) e.push(ts, 'response_item', item);
    const cached = i === 0 && opts.history.length === 0 ? 0 : call.context;
    const last: Tok = { input_tokens: cached + call.fresh, cached_input_tokens: cached, output_tokens: call.output, reasoning_output_tokens: call.reasoning,
      total_tokens: cached + call.fresh + call.output };
    // A reset: the cumulative total starts over from this call (seen after resumes); the call is last_token_usage.
    const reset = opts.history.length === opts.resetAt && total.total_tokens > last.total_tokens && total.input_tokens > last.input_tokens;
    if (reset) c.show.mark('reset');
    total = reset ? { ...last } : addTok(total, last);
    opts.history.push(total);
    ts += call.ms;
    // 0.17x also records each response's usage: the same call as the token_count below, never a second one.
    if (e.modern) e.push(ts, 'token_usage_record', { thread_id: e.threadId, turn_id: e.turnId, session_id: e.threadId, root_turn_id: e.turnId,
      response_id: `resp_${r.base62(24)}`, usage: { ...last, cache_write_input_tokens: 0 }, turn_token_usage: last, thread_token_usage: total });
    e.push(ts, 'event_msg', { type: 'token_count', info: { total_token_usage: total, last_token_usage: last, model_context_window: 272000 },
      rate_limits: { primary: { used_percent: r.int(1, 90), window_minutes: 300 } } });
    c.tally.call('codex', model, { input: last.input_tokens - last.cached_input_tokens, output: last.output_tokens, cacheRead: last.cached_input_tokens, cacheWrite5m: 0, cacheWrite1h: 0 });
    c.tally.of('codex').toolCalls += call.tools.length;
    call.tools.forEach((t, k) => {
      if (t.kind === 'task' && t.task) sub(t.task, ts, total);
      if (e.modern && t.command) e.push(ts + t.ms, 'event_msg', { type: 'item_completed', thread_id: e.threadId, turn_id: e.turnId,
        item: { type: 'CommandExecution', id: items[k][0].call_id, command: ['/bin/bash', '-lc', t.command.command], exit_code: t.command.exitCode } });
      e.push(ts + t.ms, 'response_item', items[k][1]);
      ts += t.ms;
    });
    // Re-emitted with an unchanged total: not a call.
    if (c.show.take(r, 're-emit', 0.3)) e.push(ts, 'event_msg', { type: 'token_count', info: { total_token_usage: total, last_token_usage: last, model_context_window: 272000 }, rate_limits: null });
  });
  return { ts, total };
}

function writeEnvelopeSession(c: CodexWriterCtx, plan: SessionPlan, parent: { id: string; history: Tok[] } | null, task: TaskPlan | null, start: number): string {
  const r = c.rng;
  const id = r.uuid();
  const cwd = plan.project.cwd;
  const old = !parent && c.show.take(r, 'no-model', 0.15);
  const model = old ? 'gpt-5' : c.show.first('gpt-5.1-codex') ? 'gpt-5.1-codex' : c.show.first('gpt-5.2-codex') ? 'gpt-5.2-codex'
    : r.pick(['gpt-5.1-codex', 'gpt-5.2-codex', 'gpt-5.2-codex']);
  // The newest CLI (0.17x) for a share of sessions; subagent rollouts keep the classic shape.
  const modern = !parent && !old && (c.show.first('codex-0.17x') || r.chance(0.4));
  const e = envelope(modern, id);
  const source = parent ? { subagent: { thread_spawn: { parent_thread_id: parent.id, depth: 1 } } } : r.pick(['cli', 'cli', 'exec']);
  e.push(start, 'session_meta', { id, timestamp: iso(start), cwd, originator: 'codex_cli_rs', cli_version: old ? '0.31.0' : modern ? '0.171.0' : r.pick(['0.77.0', '0.98.0']),
    instructions: null, source, model_provider: 'openai', git: { commit_hash: r.hex(40), branch: 'main', repository_url: `git@github.com:${plan.user}/${plan.project.name}.git` } });
  const history: Tok[] = [];
  let total = zeroTok();
  // A subagent rollout opens by replaying the parent's token_count history in the same second: not calls,
  // but the baseline for the deltas that follow.
  if (parent) {
    for (const h of parent.history) e.push(start, 'event_msg', { type: 'token_count', info: { total_token_usage: h, last_token_usage: h, model_context_window: 272000 }, rate_limits: null });
    if (parent.history.length) total = { ...parent.history[parent.history.length - 1] };
    history.push(...parent.history);
  } else if (c.show.take(r, 'null-info', 0.5)) e.push(start, 'event_msg', { type: 'token_count', info: null, rate_limits: { primary: { used_percent: 3, window_minutes: 300 } } });
  const turns = task ? [{ text: task.prompt, ts: start + 1000, calls: task.calls }] : plan.turns;
  const resetAt = !parent && (c.show.want('reset') || r.chance(0.25)) ? r.int(3, 8) : -1;
  let ts = start;
  turns.forEach((turn, ti) => {
    ts = Math.max(ts, turn.ts);
    e.turnId = r.uuid();
    if (modern) {
      // 0.17x: the prompt arrives only as a user response_item (+ an item_completed echo), no user_message event.
      e.push(ts, 'event_msg', { type: 'task_started', turn_id: e.turnId, model_context_window: 272000 });
      if (ti === 0) {
        e.push(ts, 'response_item', { type: 'message', id: `msg_${r.uuid()}`, role: 'developer', content: [{ type: 'input_text', text: '<permissions instructions>\nFilesystem sandboxing: workspace-write.\n</permissions instructions>' }] });
        e.push(ts, 'response_item', { type: 'message', id: `msg_${r.uuid()}`, role: 'user', content: [{ type: 'input_text', text: envContext(cwd) }] });
        e.push(ts, 'world_state', { full: true, state: { collaboration_mode: { mode: 'default', model } } });
      }
      e.push(ts, 'turn_context', { turn_id: e.turnId, cwd, approval_policy: 'on-request', model, effort: r.pick(['medium', 'high']), summary: 'auto' });
      if (ti === 0) e.push(ts, 'event_msg', { type: 'thread_settings_applied', thread_id: id, thread_settings: { model, approval_policy: 'on-request' } });
      e.push(ts, 'response_item', { type: 'message', id: `msg_${r.uuid()}`, role: 'user', content: [{ type: 'input_text', text: turn.text }] });
      e.push(ts, 'event_msg', { type: 'item_completed', thread_id: id, turn_id: e.turnId, item: { type: 'UserMessage', id: r.uuid(), content: [{ type: 'text', text: turn.text }] } });
    } else {
      if (ti === 0) e.push(ts, 'response_item', { type: 'message', role: 'user', content: [{ type: 'input_text', text: envContext(cwd) }] });
      e.push(ts, 'response_item', { type: 'message', role: 'user', content: [{ type: 'input_text', text: turn.text }] });
      e.push(ts, 'event_msg', { type: 'user_message', message: turn.text, images: [] });
      const tc: Record<string, unknown> = { cwd, approval_policy: 'on-request', sandbox_policy: { type: 'workspace-write', network_access: false }, summary: 'auto' };
      if (!old) { tc.model = model; tc.effort = r.pick(['medium', 'high']); }
      e.push(ts, 'turn_context', tc);
      e.push(ts, 'event_msg', { type: 'task_started', model_context_window: 272000 });
    }
    if (!task) c.tally.of('codex').prompts.human++;
    const res = writeCalls(c, e, turn.calls, ts + 200, cwd, total, model, { resetAt, history }, (t, at) => {
      writeEnvelopeSession(c, plan, { id, history: [...history] }, t, at);
    });
    ts = res.ts;
    total = res.total;
    e.push(ts, 'event_msg', { type: 'task_complete', last_agent_message: turn.calls[turn.calls.length - 1].text });
    if (!task && ti < turns.length - 1 && c.show.take(r, 'compacted', 0.05)) e.push(ts, 'compacted', { message: prose(r, 3, 20) });
  });
  const rel = rolloutPath(start, id);
  if (parent) {
    c.tally.of('codex').subagents++;
    c.sink.writeLines(`${c.root}/sessions/${rel}`, e.lines);
    return id;
  }
  c.tally.of('codex').sessions++;
  const where = c.show.first('archived-copy') ? 'both' : c.show.first('archived-only') ? 'archived' : r.weighted([['sessions', 18], ['both', 2], ['archived', 1]] as const);
  if (where === 'sessions') {
    const out = [...e.lines];
    if (c.show.take(r, 'non-object', 0.04)) { out.splice(r.int(1, out.length), 0, r.pick(NON_OBJECT_LINES)); c.tally.of('codex').skippedLines++; }
    if (c.show.take(r, 'blank', 0.2)) out.splice(r.int(1, out.length), 0, '');
    let tail: string | undefined;
    if (c.show.take(r, 'truncated', 0.06)) {
      const l = JSON.stringify({ timestamp: iso(ts), type: 'event_msg', payload: { type: 'agent_message', message: prose(r, 2, 6) } });
      tail = l.slice(0, r.int(10, l.length - 3));
      c.tally.of('codex').skippedLines++;
    }
    c.sink.writeLines(`${c.root}/sessions/${rel}`, out, tail);
  } else {
    // Archived copies are intact: a reader that prefers sessions/ never reads the duplicate.
    if (where === 'both') c.sink.writeLines(`${c.root}/sessions/${rel}`, e.lines);
    c.sink.writeLines(`${c.root}/archived_sessions/${rel}`, e.lines);
  }
  return id;
}

/** Bare ResponseItems of the flat and legacy generations (no token counts, so no LLM calls). */
function bareItems(c: CodexWriterCtx, plan: SessionPlan, stateMarkers: boolean): unknown[] {
  const r = c.rng;
  const items: unknown[] = [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: envContext(plan.project.cwd) }] }];
  for (const turn of plan.turns) {
    items.push({ type: 'message', role: 'user', content: [{ type: 'input_text', text: turn.text }] });
    c.tally.of('codex').prompts.human++;
    for (const call of turn.calls) {
      if (call.thinking) items.push({ type: 'reasoning', id: `rs_${r.hex(24)}`, summary: [{ type: 'summary_text', text: call.thinking }] });
      if (call.text) items.push({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: call.text }] });
      for (const t of call.tools) {
        const [a, b] = toolItems(r, c.show, t.kind === 'search' || t.kind === 'task' ? { ...t, kind: 'fetch', url: 'https://example.com/' } : t, plan.project.cwd);
        items.push(a, b);
        c.tally.of('codex').toolCalls++;
      }
    }
    if (stateMarkers) items.push({ record_type: 'state' });
  }
  return items;
}

export function writeCodexSession(c: CodexWriterCtx, plan: SessionPlan): void {
  const r = c.rng;
  const gen = c.show.first('gen-envelope') ? 'envelope' : c.show.first('gen-flat') ? 'flat' : c.show.first('gen-legacy') ? 'legacy'
    : r.weighted([['envelope', 8], ['flat', 1.2], ['legacy', 0.8]] as const);
  if (gen === 'envelope') { writeEnvelopeSession(c, plan, null, null, plan.start); return; }
  const id = r.uuid();
  c.tally.of('codex').sessions++;
  if (gen === 'flat') {
    const lines = [JSON.stringify({ id, timestamp: iso(plan.start), instructions: null, git: { commit_hash: r.hex(40), branch: 'main' } }), JSON.stringify({ record_type: 'state' })];
    for (const it of bareItems(c, plan, true)) lines.push(JSON.stringify(it));
    c.sink.writeLines(`${c.root}/sessions/${rolloutPath(plan.start, id)}`, lines);
    return;
  }
  const d = new Date(plan.start);
  const doc = { session: { timestamp: iso(plan.start), id, instructions: '' }, items: bareItems(c, plan, false) };
  c.sink.writeText(`${c.root}/sessions/rollout-${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}-${id}.json`, JSON.stringify(doc, null, 2));
}
