// Realistic Claude Code / Codex trace lines for the live tests, with the format's pitfalls: one
// response split over lines repeating message.id and usage (partial output_tokens first), tool_use
// then tool_result, meta lines, a re-emitted Codex token_count.
export const T0 = Date.parse('2026-11-27T06:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

export interface ClaudeTurn { prompt: string; msgId: string; input: number; output: number; cacheRead?: number; tool?: { id: string; name: string; input: unknown; output?: string } }

export function claudeLines(session: string, cwd: string, turns: ClaudeTurn[], t0 = T0): string[] {
  const base = { sessionId: session, cwd, version: '2.1.112', isSidechain: false, userType: 'external' };
  const out: string[] = [];
  let t = t0;
  turns.forEach((turn, i) => {
    out.push(JSON.stringify({ ...base, type: 'user', uuid: `u${i}`, timestamp: iso(t), message: { role: 'user', content: turn.prompt } }));
    out.push(JSON.stringify({ ...base, type: 'user', uuid: `m${i}`, isMeta: true, timestamp: iso(t), message: { role: 'user', content: '<command-name>/clear</command-name>' } }));
    const usage = (o: number) => ({ input_tokens: turn.input, output_tokens: o, cache_read_input_tokens: turn.cacheRead ?? 0, cache_creation_input_tokens: 0 });
    const msg = (content: unknown[], o: number) => ({ id: turn.msgId, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content, stop_reason: null, usage: usage(o) });
    t += 1500;
    out.push(JSON.stringify({ ...base, type: 'assistant', uuid: `a${i}`, requestId: `req_${i}`, timestamp: iso(t), message: msg([{ type: 'text', text: 'Looking.' }], 1) }));
    if (turn.tool) {
      out.push(JSON.stringify({ ...base, type: 'assistant', uuid: `b${i}`, requestId: `req_${i}`, timestamp: iso(t + 10), message: msg([{ type: 'tool_use', id: turn.tool.id, name: turn.tool.name, input: turn.tool.input }], turn.output) }));
      t += 800;
      out.push(JSON.stringify({ ...base, type: 'user', uuid: `r${i}`, timestamp: iso(t), toolUseResult: { stdout: 'ok' }, message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: turn.tool.id, content: turn.tool.output ?? 'ok', is_error: false }] } }));
    } else {
      out.push(JSON.stringify({ ...base, type: 'assistant', uuid: `b${i}`, requestId: `req_${i}`, timestamp: iso(t + 10), message: msg([{ type: 'text', text: 'Done.' }], turn.output) }));
    }
    t += 1000;
  });
  return out;
}

export function codexLines(id: string, cwd: string, t0 = T0): string[] {
  const L = (dt: number, type: string, payload: unknown) => JSON.stringify({ timestamp: iso(t0 + dt), type, payload });
  const usage = (inp: number, cached: number, out: number) => ({ input_tokens: inp, cached_input_tokens: cached, output_tokens: out, reasoning_output_tokens: 0, total_tokens: inp + out });
  return [
    L(0, 'session_meta', { id, timestamp: iso(t0), cwd, originator: 'codex_exec', cli_version: '0.171.0' }),
    L(10, 'turn_context', { cwd, model: 'gpt-5.1-codex', approval_policy: 'never' }),
    L(20, 'event_msg', { type: 'user_message', message: 'review the parser changes' }),
    L(900, 'response_item', { type: 'function_call', name: 'exec_command', arguments: JSON.stringify({ cmd: 'cat src/parser.ts' }), call_id: 'call_1' }),
    L(950, 'event_msg', { type: 'token_count', info: { total_token_usage: usage(1000, 200, 50), last_token_usage: usage(1000, 200, 50) } }),
    L(951, 'event_msg', { type: 'token_count', info: { total_token_usage: usage(1000, 200, 50), last_token_usage: usage(1000, 200, 50) } }),
    L(1400, 'response_item', { type: 'function_call_output', call_id: 'call_1', output: 'export {}' }),
    L(2000, 'event_msg', { type: 'token_count', info: { total_token_usage: usage(2300, 1100, 130), last_token_usage: usage(1300, 900, 80) } }),
  ];
}
