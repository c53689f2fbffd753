// Where an effect belongs (src/join/place.ts), rule by rule, on the shapes the real runs showed
// (test/attribution-real.test.ts runs the real agents): reading a trace file binds nothing; lineage
// before time windows, background jobs included; the agent's own request setup is its LLM call's; the
// tool running then among held windows; a command tool only for processes running its command.
import { describe, expect, it } from 'vitest';
import { ToolIndex } from '../src/join/attribute.js';
import { Binder } from '../src/join/bind.js';
import { CallIndex } from '../src/join/llm-calls.js';
import { attributeEffects, Placer } from '../src/join/place.js';
import { LiveRuntime } from '../src/live/runtime.js';
import { FirstWordTagger } from '../src/live/tagger.js';
import type { Effect, LlmCall, Process, Session, ToolCall } from '../src/model.js';
import { buildProfile } from '../src/profile/index.js';

const T = 1_772_445_600_000;
const S = 'a1b2c3d4-0000-4000-8000-00000000cafe';
const file = `/h/.claude/projects/-w-app/${S}.jsonl`;
const session: Session = { id: S, agent: 'claude', cwd: '/w/app', project: 'app', file, start: T, end: T + 60_000 };
const proc = (pid: number, ppid: number, comm: string, start: number, argv?: string[]): Process => ({ pid, ppid, comm, start, ...(argv ? { argv } : {}) });
const fx = (ts: number, kind: Effect['kind'], target: string, pid: number, extra: Partial<Effect> = {}): Effect => ({ ts, kind, target, evidence: 'kernel', pid, ...extra });
const tool = (id: string, name: string, ts: number, end: number, hints: ToolCall['hints']): ToolCall =>
  ({ id, session: S, llmCall: 'msg_1', name, ts, end, status: 'ok', hints });
const call = (id: string, ts: number, end: number): LlmCall => ({
  id, session: S, prompt: 'u1', ts, end, model: 'claude-sonnet-4-5-20250929',
  usage: { input: 1, output: 1, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 }, shape: { toolUses: 1, textChars: 0, thinkingChars: 0, codeBlocks: 0, tools: [] },
});

/** The agent (pid 100) bound by writing its trace file; its processes as the collector reports them. */
function setup(tools: ToolCall[], calls: LlmCall[] = [], procs: Process[] = []): Placer {
  const b = new Binder([session]);
  b.process(proc(100, 1, 'claude', T));
  for (const p of procs) b.process(p);
  expect(b.effect(fx(T + 1, 'write', file, 100))).toBe(true);
  return new Placer(b, new ToolIndex(tools), new CallIndex(calls));
}

describe('binding', () => {
  it('binds by writing a trace file, never by reading one; the agent\'s own read is bookkeeping', () => {
    const b = new Binder([session]);
    expect(b.effect(fx(T, 'read', file, 200))).toBe(false); // `agentpprof sessions` reading it
    expect(b.sessionOf(undefined, 200)).toBeUndefined();
    expect(b.effect(fx(T, 'write', file, 100))).toBe(true);
    expect(b.sessionOf(undefined, 100)).toMatchObject({ session: S, reason: 'trace-file-write' });
    expect(b.effect(fx(T + 5, 'read', file, 100))).toBe(true); // a resume reading its own file
    expect(b.effect(fx(T + 5, 'read', file, 200))).toBe(false);
  });
});

describe('Placer', () => {
  const bash = tool('t_bash', 'Bash', T + 1000, T + 2000, [{ kind: 'exec', target: 'sh -c cat package.json > tree.txt' }, { kind: 'write', target: 'tree.txt' }]);
  const bg = tool('t_bg', 'Bash', T + 3000, T + 3100, [{ kind: 'exec', target: 'for i in 1 2 3' }]);

  it('gives a spawned tree to the tool that started it, for its whole life (background after it returned)', () => {
    const p = setup([bash, bg], [], [
      proc(110, 100, 'bash', T + 1010, ['/bin/bash', '-c', "eval 'sh -c \"cat package.json > tree.txt\"'"]),
      proc(111, 110, 'sh', T + 1020), proc(112, 111, 'sh', T + 1030), proc(113, 112, 'cat', T + 1040),
      proc(120, 100, 'bash', T + 3010, ['/bin/bash', '-c', 'for i in 1 2 3; do echo $i >> bg.log; done']),
    ]);
    expect(p.place(fx(T + 1050, 'read', '/w/app/package.json', 113))).toMatchObject({ tool: bash, held: true });
    expect(p.place(fx(T + 3050, 'write', '/w/app/bg.log', 120)).background).toBeUndefined();
    // 3 s after its tool returned, while another tool runs: still its own tool's, marked background.
    expect(p.place(fx(T + 6000, 'write', '/w/app/bg.log', 120))).toMatchObject({ tool: bg, background: true });
  });

  it('leaves the agent\'s own helpers started while a command tool runs to no tool (shell snapshot, which)', () => {
    const p = setup([bash], [], [proc(130, 100, 'bash', T + 1005, ['/bin/bash', '-c', '-l', 'SNAPSHOT_FILE=/h/.claude/shell-snapshots/x.sh; source ~/.bashrc'])]);
    expect(p.place(fx(T + 1010, 'read', '/etc/profile', 130))).toEqual({ session: S });
  });

  it('charges the agent\'s connects and resolver reads to the LLM call they were for, a tool naming the host aside', () => {
    const fetch = tool('t_fetch', 'WebFetch', T + 5000, T + 6000, [{ kind: 'connect', target: 'https://example.com/x' }]);
    const p = setup([bash, fetch], [call('msg_1', T + 500, T + 900), call('msg_2', T + 2100, T + 2600)]);
    // 10 ms after Bash returned, inside its slack: the next request's setup, not the Bash.
    expect(p.place(fx(T + 2010, 'read', '/etc/hosts', 100)).call?.id).toBe('msg_2');
    expect(p.place(fx(T + 2012, 'connect', '127.0.0.1:8443', 100, { domain: 'localhost' })).call?.id).toBe('msg_2');
    expect(p.place(fx(T + 5100, 'connect', '93.184.216.34:443', 100, { domain: 'example.com' })).tool?.id).toBe(fetch.id);
  });

  it('puts the agent\'s own file effects under the tool naming them, the one running then; its other files under none', () => {
    // One response: Edit, then Read of the same file; the Edit runs first (its line lags its first read).
    const edit = tool('t_edit', 'Edit', T + 1000, T + 1040, [{ kind: 'write', target: '/w/app/src/app.js' }]);
    const read = tool('t_read', 'Read', T + 1010, T + 1100, [{ kind: 'read', target: '/w/app/src/app.js' }]);
    const p = setup([edit, read]);
    expect(p.place(fx(T + 985, 'read', '/w/app/src/app.js', 100)).tool?.id).toBe(edit.id); // before either line: the nearest
    expect(p.place(fx(T + 1020, 'read', '/w/app/src/app.js', 100)).tool?.id).toBe(edit.id); // both held: the first to finish
    expect(p.place(fx(T + 1030, 'write', '/w/app/src/app.js.tmp.100.1', 100)).tool?.id).toBe(edit.id);
    expect(p.place(fx(T + 1060, 'read', '/w/app/src/app.js', 100)).tool?.id).toBe(read.id);
    expect(p.place(fx(T + 1030, 'write', '/h/.claude/todos/x.json', 100))).toEqual({ session: S });
  });

  it('counts each kernel observation once: the hint of a target the kernel saw is replaced', () => {
    const cat = tool('t_cat', 'Bash', T + 1000, T + 2000, [{ kind: 'exec', target: 'cat README.md' }, { kind: 'read', target: 'README.md' }, { kind: 'read', target: 'NOTES.md' }]);
    const effects = [fx(T + 1100, 'read', '/w/app/README.md', 140)];
    const placer = setup([cat], [], [proc(140, 100, 'cat', T + 1050, ['cat', 'README.md'])]);
    const { effects: kept } = attributeEffects(effects, placer);
    const batch = { sessions: [session], prompts: [], calls: [call('msg_1', T + 500, T + 900)], tools: [cat], effects: kept, processes: [], skipped: [], skippedCount: 0 };
    const stacks = buildProfile(batch, new Map([['u1', 'debug']]), { view: 'files', labels: false }).samples.map((x) => `${x.stack.join(';')} ${x.weight}`);
    expect(stacks.sort()).toEqual(['prompt:debug;tool:Bash;process:cat;file:NOTES.md;effect:read 1', 'prompt:debug;tool:Bash;process:cat;file:README.md;effect:read 1']);
  });
});

describe('time view, live = offline', () => {
  it('charges a call from the previous mark, not the spread of its lines (native Claude: 27 ms of lines after 6 s)', async () => {
    const rt = new LiveRuntime({ tagger: new FirstWordTagger(), clock: () => T + 10_000, kernel: () => true });
    const c = { ...call('msg_1', T + 6000, T + 6027), prompt: 'u1' };
    const batch = { sessions: [session], prompts: [{ id: 'u1', session: S, ts: T, text: 'debug it', kind: 'human' as const }], calls: [c], tools: [], effects: [], processes: [], skipped: [], skippedCount: 0 };
    await rt.push(batch);
    const live = rt.hub.profile('time', 'all').total;
    const offline = buildProfile(batch, new Map([['u1', 'debug']]), { view: 'time' }).total;
    expect(offline).toBeCloseTo(6.027, 6);
    expect(live).toBeCloseTo(offline, 6);
  });
});
