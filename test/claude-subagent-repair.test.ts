// A subagent's last response logged only before its message_delta (Claude Code 2.1.112/2.1.197 under load:
// one copy, stop_reason null, output_tokens 1) gets the final usage that the parent's Agent tool_result
// repeats in toolUseResult.usage — only when the two describe the same response, and never as a call of its
// own. Transcripts are written here the way the real CLI writes them (key order included, so the byte fast
// paths engage), from a parent file and a subagents/agent-<id>.jsonl with its .meta.json.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Usage } from '../src/model.js';
import { loadHistory, type History } from '../src/sources/index.js';
import { HELPER_TASK } from '../scripts/agents/script.js';
import { mainReplies, type SentLog } from '../scripts/agents/sent-log.js';

const SESSION = '6e7a9fd0-8008-49af-a2c9-e666a43adac3';
const AGENT = 'a8830b152e4913c98';
const AGENT_TOOL = 'toolu_ZgWOFSbk6Ne2I8Tyx4O6eLKJ';
const CWD = '/home/dev/calc';
const T0 = Date.parse('2026-11-27T07:48:05.000Z');

const usage = (n: number, output: number): Usage => ({
  input: 1000 + 17 * n, output, cacheRead: 20000 + 1009 * n, cacheWrite5m: 300 + 11 * n, cacheWrite1h: 40 + 3 * n,
});
/** The subagent's calls as the server sent them: reply 1 asks for Bash, reply 2 answers. */
const SUB1 = usage(1, 73);
const SUB2 = usage(2, 86);

/** Usage on the wire, in the order Claude Code logs it. */
const wire = (u: Usage) => ({
  input_tokens: u.input, cache_creation_input_tokens: u.cacheWrite5m + u.cacheWrite1h, cache_read_input_tokens: u.cacheRead,
  cache_creation: { ephemeral_5m_input_tokens: u.cacheWrite5m, ephemeral_1h_input_tokens: u.cacheWrite1h },
  output_tokens: u.output, service_tier: 'standard',
});

interface Spec {
  /** Output count logged for the subagent's last call (1 = partial, as logged before message_delta). */
  lastOutput: number;
  /** The parent's toolUseResult.usage; null = a result without usage; undefined = no Agent result at all. */
  parentUsage?: Usage | null;
  /** The .meta.json names the spawning tool_use (2.1.197); 2.1.112 writes only agentType and description. */
  metaToolUseId?: boolean;
  /** A call the same subagent makes after its result (resumed with SendMessage), partial too. */
  resumed?: boolean;
  /** Keys in an order the byte fast paths refuse: every line goes through JSON.parse. */
  shuffled?: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();
const common = { userType: 'external', entrypoint: 'sdk-cli', cwd: CWD, sessionId: SESSION, version: '2.1.112', gitBranch: 'main' };

function writer(sidechain: boolean, shuffled: boolean) {
  const lines: string[] = [];
  let parent: string | null = null;
  let n = 0;
  const side = sidechain ? { isSidechain: true, agentId: AGENT } : { isSidechain: false };
  const push = (type: string, ms: number, body: Record<string, unknown>) => {
    const uuid = `${sidechain ? 's' : 'p'}-${++n}`;
    const line = { parentUuid: parent, ...side, ...body, type, uuid, timestamp: iso(T0 + ms), ...common };
    lines.push(JSON.stringify(shuffled ? Object.fromEntries(Object.entries(line).reverse()) : line));
    parent = uuid;
  };
  return {
    lines,
    prompt: (ms: number, text: string) => push('user', ms, { message: { role: 'user', content: text } }),
    call: (ms: number, id: string, u: Usage, final: boolean, content: unknown[], stop = 'end_turn') => push('assistant', ms, {
      message: { id, type: 'message', role: 'assistant', model: 'claude-sonnet-4-6', content, stop_reason: final ? stop : null, stop_sequence: null, usage: wire(u) },
      requestId: `req_${id}`,
    }),
    result: (ms: number, toolId: string, content: unknown, extra: Record<string, unknown> = {}) => {
      const block = { tool_use_id: toolId, type: 'tool_result', content, is_error: false };
      push('user', ms, { message: { role: 'user', content: [shuffled ? Object.fromEntries(Object.entries(block).reverse()) : block] }, ...extra });
    },
  };
}

const bash = (id: string, command: string) => ({ type: 'tool_use', id, name: 'Bash', input: { command, description: 'Run it' } });

/** A parent that runs one Bash command, then the Agent tool; and the subagent's file. Returns the root dir. */
function writeTranscripts(spec: Spec): string {
  const root = mkdtempSync(join(tmpdir(), 'agentpprof-subrepair-'));
  const dir = join(root, 'projects', '-home-dev-calc');
  mkdirSync(join(dir, SESSION, 'subagents'), { recursive: true });
  const shuffled = spec.shuffled ?? false;

  const p = writer(false, shuffled);
  p.prompt(0, 'ask a helper agent what the README says');
  p.call(100, 'msg_main0', usage(0, 60), true, [bash('toolu_main_bash', 'ls')], 'tool_use');
  p.result(300, 'toolu_main_bash', 'README.md\nsrc\ntest', { toolUseResult: { stdout: 'README.md\nsrc\ntest', stderr: '', interrupted: false, isImage: false, noOutputExpected: false } });
  p.call(400, 'msg_main1', usage(3, 99), true, [{ type: 'tool_use', id: AGENT_TOOL, name: 'Agent', input: { description: 'Summarize the README', prompt: 'Read README.md and summarize it in one sentence.', subagent_type: 'general-purpose' } }], 'tool_use');
  if (spec.parentUsage !== undefined) {
    const u = spec.parentUsage;
    p.result(3000, AGENT_TOOL, [{ type: 'text', text: 'The README describes a tiny calculator.' }], {
      toolUseResult: {
        status: 'completed', prompt: 'Read README.md and summarize it in one sentence.', agentId: AGENT, agentType: 'general-purpose',
        content: [{ type: 'text', text: 'The README describes a tiny calculator.' }], totalDurationMs: 2400,
        totalTokens: u ? u.input + u.output + u.cacheRead + u.cacheWrite5m + u.cacheWrite1h : 0, totalToolUseCount: 1,
        ...(u ? { usage: { ...wire(u), server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 }, inference_geo: '', iterations: [], speed: 'standard' } } : {}),
      },
    });
    p.call(3100, 'msg_main2', usage(4, 112), true, [{ type: 'text', text: 'The helper says: a tiny calculator.' }]);
  }
  writeFileSync(join(dir, `${SESSION}.jsonl`), p.lines.join('\n') + '\n');

  const s = writer(true, shuffled);
  s.prompt(600, 'Read README.md and summarize it in one sentence.');
  s.call(700, 'msg_sub1', SUB1, true, [bash('toolu_sub_bash', 'cat README.md')], 'tool_use');
  s.result(1300, 'toolu_sub_bash', '# calc\n\nA tiny calculator.');
  // A long answer: the line goes through the cut path (claude-cut.ts) too.
  s.call(1400, 'msg_sub2', { ...SUB2, output: spec.lastOutput }, spec.lastOutput === SUB2.output, [{ type: 'text', text: 'The README describes a tiny calculator. '.repeat(120) }]);
  if (spec.resumed) {
    s.prompt(5000, 'Now count the lines.');
    s.call(5100, 'msg_sub3', usage(5, 1), false, [{ type: 'text', text: 'Three lines.' }]);
  }
  writeFileSync(join(dir, SESSION, 'subagents', `agent-${AGENT}.jsonl`), s.lines.join('\n') + '\n');
  const meta = { agentType: 'general-purpose', description: 'Summarize the README', ...(spec.metaToolUseId ? { toolUseId: AGENT_TOOL } : {}) };
  writeFileSync(join(dir, SESSION, 'subagents', `agent-${AGENT}.meta.json`), JSON.stringify(meta));
  return root;
}

const load = (root: string, threads = 0) => loadHistory({ claudeDirs: [root], threads });
const usageById = (h: History) => Object.fromEntries(h.calls.map((c) => [c.id, c.usage]));
const outputs = (h: History) => Object.fromEntries(h.calls.map((c) => [c.id, c.usage.output]));

describe('a subagent call logged before its message_delta', () => {
  it('takes the final usage of the parent Agent result (2.1.112: linked by toolUseResult.agentId)', async () => {
    const h = await load(writeTranscripts({ lastOutput: 1, parentUsage: SUB2 }));
    expect(h.skippedCount).toBe(0);
    expect(h.problems).toEqual([]);
    // One call per response: the parent's copy of the usage completes msg_sub2, it is no call of its own.
    expect(h.calls.map((c) => c.id).sort()).toEqual(['msg_main0', 'msg_main1', 'msg_main2', 'msg_sub1', 'msg_sub2']);
    expect(usageById(h).msg_sub2).toEqual(SUB2);
    expect(usageById(h).msg_sub1).toEqual(SUB1);
    expect(h.calls.find((c) => c.id === 'msg_sub2')).toMatchObject({ sidechain: true, requestId: 'req_msg_sub2' });
  });

  it('links the same way through the .meta.json toolUseId (2.1.197)', async () => {
    const h = await load(writeTranscripts({ lastOutput: 1, parentUsage: SUB2, metaToolUseId: true }));
    expect(usageById(h).msg_sub2).toEqual(SUB2);
  });

  it('completes the run\'s last call before the parent\'s result, not a call of the resumed subagent after it', async () => {
    const h = await load(writeTranscripts({ lastOutput: 1, parentUsage: SUB2, resumed: true }));
    expect(outputs(h)).toMatchObject({ msg_sub2: SUB2.output, msg_sub3: 1 });
  });

  it('reads the same through the byte fast paths as through a full parse, on one thread and on two', async () => {
    const spec: Spec = { lastOutput: 1, parentUsage: SUB2 };
    const fast = await load(writeTranscripts(spec));
    const full = await load(writeTranscripts({ ...spec, shuffled: true }), 2);
    const strip = (h: History) => ({
      calls: h.calls.map(({ session, id, usage: u, prompt, sidechain }) => ({ session, id, u, prompt, sidechain })).sort((a, b) => a.id.localeCompare(b.id)),
      tools: h.tools.map(({ id, name, status, outputChars, end }) => ({ id, name, status, outputChars, end })).sort((a, b) => a.id.localeCompare(b.id)),
    });
    expect(strip(full)).toEqual(strip(fast));
    expect(strip(await load(writeTranscripts(spec), 2))).toEqual(strip(fast));
    expect(outputs(full).msg_sub2).toBe(SUB2.output);
  });
});

describe('left as logged', () => {
  it('a last call whose logged usage is already final', async () => {
    const h = await load(writeTranscripts({ lastOutput: SUB2.output, parentUsage: SUB2 }));
    expect(usageById(h)).toMatchObject({ msg_sub1: SUB1, msg_sub2: SUB2 });
  });

  it.each([
    ['no Agent result (the run was cut short)', undefined],
    ['an Agent result without usage', null],
  ] as const)('without the parent\'s final usage: %s', async (_, parentUsage) => {
    const h = await load(writeTranscripts({ lastOutput: 1, parentUsage }));
    expect(outputs(h)).toMatchObject({ msg_sub1: SUB1.output, msg_sub2: 1 });
    expect(h.calls).toHaveLength(parentUsage === undefined ? 4 : 5);
  });

  it.each([
    ['another response\'s input', { ...SUB2, input: SUB2.input + 1 }],
    ['another cache read', { ...SUB2, cacheRead: SUB2.cacheRead - 1009 }],
    ['another cache write total', { ...SUB2, cacheWrite5m: SUB2.cacheWrite5m + 5 }],
    // Older CLIs (and the corpus generator) wrote the sum of the run's calls: not the last call's usage.
    ['the run\'s sum', { input: SUB1.input + SUB2.input, output: SUB1.output + SUB2.output, cacheRead: SUB1.cacheRead + SUB2.cacheRead, cacheWrite5m: SUB1.cacheWrite5m + SUB2.cacheWrite5m, cacheWrite1h: SUB1.cacheWrite1h + SUB2.cacheWrite1h }],
  ])('when the parent\'s usage has %s: no repair, no warning', async (_, parentUsage) => {
    const h = await load(writeTranscripts({ lastOutput: 1, parentUsage }));
    expect(outputs(h)).toMatchObject({ msg_sub1: SUB1.output, msg_sub2: 1 });
    expect(h.calls).toHaveLength(5);
    expect(h.skippedCount).toBe(0);
    expect(h.skipped).toEqual([]);
    expect(h.problems).toEqual([]);
  });
});

describe('the real Claude Code 2.1.112 trace (test/fixtures/real/claude-2.1.112-subagent-partial)', () => {
  const dir = join(__dirname, 'fixtures', 'real', 'claude-2.1.112-subagent-partial');
  it('restores the subagent\'s last call to what the server sent; the earlier partial call stays as logged', async () => {
    const sent = JSON.parse(readFileSync(join(dir, 'sent.json'), 'utf8')) as SentLog;
    const h = await load(dir);
    const helper = mainReplies(sent).filter((s) => s.prompt === HELPER_TASK);
    const [first, last] = [helper[0].id, helper.at(-1)!.id];
    const got = usageById(h);
    const truth = Object.fromEntries(mainReplies(sent).map((s) => [s.id, s.usage]));
    expect(got[last]).toEqual(truth[last]);
    // The first subagent call's final count is in no line of any file: it keeps the partial 1.
    expect(got[first]).toEqual({ ...truth[first], output: 1 });
    expect(h.calls).toHaveLength(4);
    // 85 output tokens restored: the file held 1 of the 86 the server sent.
    expect(got[last].output - 1).toBe(85);
  });
});
