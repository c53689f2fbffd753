// The join fed event by event as live mode feeds it: evidence that runs ahead of the session it names,
// tools whose result is still to come, effects placed again when a binding or a tool arrives late,
// TLS calls placed by their pid and bound by their message id, every table bounded.
import { describe, expect, it } from 'vitest';
import { ToolIndex } from '../src/join/attribute.js';
import { Binder } from '../src/join/bind.js';
import { CallJoiner, PromptIndex } from '../src/join/calls.js';
import { EffectJoin } from '../src/join/incremental.js';
import type { ApiCall } from '../src/http/types.js';
import type { Effect, LlmCall, Session, ToolCall } from '../src/model.js';

const T = 1_772_445_600_000;
const CODEX_ID = '019a5c3e-7d2b-7c11-9f0e-3b2a1c0d9e8f';
const codex: Session = {
  id: CODEX_ID, agent: 'codex', cwd: '/home/dev/app', project: 'app', start: T, end: T,
  file: `/home/dev/.codex/sessions/2026/03/02/rollout-2026-03-02T10-00-00-${CODEX_ID}.jsonl`,
};
const claude: Session = {
  id: '6f1e2d3c-4b5a-4968-8776-655443322110', agent: 'claude', cwd: '/home/dev/app', project: 'app', start: T, end: T,
  file: '/home/dev/.claude/projects/-home-dev-app/6f1e2d3c-4b5a-4968-8776-655443322110.jsonl',
};
const fx = (ts: number, kind: Effect['kind'], target: string, pid: number): Effect => ({ ts, kind, target, evidence: 'kernel', pid });
const tool = (id: string, session: string, ts: number, end = ts, extra: Partial<ToolCall> = {}): ToolCall =>
  ({ id, session, llmCall: 'msg_1', name: 'Bash', ts, end, status: 'unknown', hints: [], ...extra });

describe('Binder fed live', () => {
  it('binds Codex by the files it names after its session id, also when they come before the session', () => {
    const b = new Binder([], { cap: 100 });
    // The shell snapshot is written before the tailer has read the rollout's first line.
    expect(b.effect(fx(T, 'write', `/home/dev/.codex/shell_snapshots/${CODEX_ID}.sh`, 700))).toBe(false);
    expect(b.sessionOf(undefined, 700)).toBeUndefined();
    const v = b.version;
    b.addSession(codex);
    expect(b.sessionOf(undefined, 700)).toEqual({ session: CODEX_ID, confidence: 0.9, reason: 'session-file' });
    expect(b.version).toBeGreaterThan(v);
    // Reads of a session-named file are no evidence (anyone may list them); a lock write is.
    b.effect(fx(T + 5, 'read', `/home/dev/.codex/shell_snapshots/${CODEX_ID}.sh`, 701));
    b.effect(fx(T + 5, 'delete', `/tmp/codex-${CODEX_ID}.lock`, 702));
    expect(b.sessionOf(undefined, 701)).toBeUndefined();
    expect(b.sessionOf(undefined, 702)?.session).toBe(CODEX_ID);
  });

  it('binds a trace file\'s writer once the session appears; its writes are bookkeeping, not effects', () => {
    const b = new Binder();
    expect(b.effect(fx(T, 'create', claude.file!, 500))).toBe(false); // not known yet: counted as an effect
    b.addSession(claude);
    expect(b.sessionOf(undefined, 500)).toMatchObject({ session: claude.id, reason: 'trace-file-write' });
    expect(b.effect(fx(T + 1, 'write', claude.file!, 500))).toBe(true);
    // A session seen again (its end moved) keeps its earliest start and its bindings.
    b.addSession({ ...claude, start: T + 10, end: T + 60_000 });
    expect(b.session(claude.id)).toMatchObject({ start: T, end: T + 60_000 });
  });

  it('an ancestor\'s binding beats a descendant\'s cwd guess (two sessions in one project), not its own evidence', () => {
    const b = new Binder([codex, claude]);
    b.bind(undefined, 500, claude.id, 'trace-file-write', T);
    b.process({ pid: 510, ppid: 500, comm: 'bash', start: T + 100 });
    // `node` run by Claude's Bash tool, in the project both sessions share, started near Codex's start.
    b.process({ pid: 511, ppid: 510, comm: 'node', cwd: '/home/dev/app', start: T + 200 });
    expect(b.bindings().some((x) => x.pid === 511 && x.reason === 'cwd-start')).toBe(true);
    expect(b.sessionOf(undefined, 511)).toEqual({ session: claude.id, confidence: 0.95, reason: 'inherited' });
    expect(b.proc(undefined, 511)?.comm).toBe('node');
    // Codex run by Claude's Bash tool: its own session's files bind it, whatever its ancestors.
    b.process({ pid: 512, ppid: 510, comm: 'codex', start: T + 300 });
    b.effect(fx(T + 400, 'write', `/home/dev/.codex/shell_snapshots/${CODEX_ID}.sh`, 512));
    expect(b.sessionOf(undefined, 512)).toEqual({ session: CODEX_ID, confidence: 0.9, reason: 'session-file' });
  });

  it('stays bounded', () => {
    const b = new Binder([], { cap: 50 });
    for (let pid = 1; pid <= 1000; pid++) {
      b.process({ pid, ppid: 1, comm: 'cat', start: T });
      b.bind(undefined, pid, 's', 'api-message-id', T);
    }
    expect(b.bindings()).toHaveLength(50);
    expect(b.proc(undefined, 1)).toBeUndefined();
    expect(b.proc(undefined, 1000)).toBeDefined();
  });
});

describe('ToolIndex fed live', () => {
  it('keeps a tool open until its result line; the result completes it in place', () => {
    const live = new ToolIndex([], { openEnded: true });
    const offline = new ToolIndex();
    for (const idx of [live, offline]) idx.add(tool('toolu_1', 's', T));
    const e = fx(T + 60_000, 'read', '/home/dev/app/a.txt', 1);
    expect(live.toolFor('s', e)?.id).toBe('toolu_1');
    expect(offline.toolFor('s', e)).toBeUndefined(); // offline a tool with no end was interrupted
    const got = live.add(tool('toolu_1', 's', T, T + 30_000, { name: '', status: 'ok', outputChars: 12 }));
    expect(got).toMatchObject({ fresh: false, ended: true, tool: { name: 'Bash', end: T + 30_000, status: 'ok', outputChars: 12 } });
    expect(live.toolFor('s', e)).toBeUndefined();
    expect(live.add(tool('toolu_x', 's', T, T + 1, { name: '' }))).toBeUndefined(); // a result whose call was never seen
  });

  it('answers right after out-of-order adds and keeps the latest tools per session', () => {
    const idx = new ToolIndex([], { perSession: 3, openEnded: true });
    for (const [i, ts] of [5, 1, 4, 2, 3].entries()) idx.add(tool(`t${i}`, 's', T + ts * 1000, T + ts * 1000 + 500));
    expect(idx.openAt('s', T + 4200, 0).map((t) => t.ts - T)).toEqual([4000]);
    expect(idx.openAt('s', T + 1200, 0)).toEqual([]); // t1 (1 s) was the oldest: let go
    expect(idx.openAt('s', T + 3300, 0).map((t) => t.id)).toEqual(['t4']);
  });
});

describe('EffectJoin', () => {
  it('places effects again when the binding and the tool arrive after them, and lets settled ones go', () => {
    const binder = new Binder([claude]);
    const join = new EffectJoin<string>(binder, new ToolIndex([], { openEnded: true }));
    const placed = (e: Effect) => { const p = join.place(e); return `${p.session ?? '-'}/${p.tool?.id ?? '-'}`; };
    binder.process({ pid: 600, ppid: 500, comm: 'cat', start: T + 1000 });
    const cat = fx(T + 1001, 'read', '/home/dev/app/README.md', 600);
    join.hold(cat, join.place(cat), placed(cat), T);
    expect(placed(cat)).toBe('-/-');
    const moves: string[] = [];
    const revisit = (now: number) => join.revisit(now, (e, was, p) => { const v = `${p.session ?? '-'}/${p.tool?.id ?? '-'}`; if (v !== was) moves.push(`${was} → ${v}`); return v; });
    binder.effect(fx(T + 50, 'write', claude.file!, 500));
    expect(join.changed).toBe(true);
    revisit(T + 2000);
    expect(join.changed).toBe(false);
    join.tool(tool('toolu_1', claude.id, T + 950)); // the tool_use line, result still to come
    revisit(T + 2500);
    join.tool(tool('toolu_1', claude.id, T + 950, T + 1500, { status: 'ok' }));
    revisit(T + 3000);
    expect(moves).toEqual([`-/- → ${claude.id}/-`, `${claude.id}/- → ${claude.id}/toolu_1`]);
    // Settled (its tool ended): a later change does not move it again.
    join.tool(tool('toolu_2', claude.id, T + 1000, T + 1200));
    revisit(T + 4000);
    expect(moves).toHaveLength(2);
  });

  it('gives up on an effect after openMs', () => {
    const binder = new Binder([claude]);
    const join = new EffectJoin<number>(binder, new ToolIndex(), { openMs: 1000 });
    const e = fx(T, 'read', '/etc/hosts', 900);
    join.hold(e, join.place(e), 0, T);
    binder.bind(undefined, 900, claude.id, 'api-message-id', T);
    let seen = 0;
    join.revisit(T + 5000, () => ++seen);
    expect(seen).toBe(0);
  });
});

describe('CallJoiner fed live', () => {
  const usage = { input: 10, output: 5, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 };
  const shape = { toolUses: 0, textChars: 2, thinkingChars: 0, codeBlocks: 0, tools: [] };
  const api = (id: string, pid: number, ts: number, prompt?: string): ApiCall =>
    ({ id, api: 'anthropic-messages', pid, ts, end: ts + 900, model: 'claude-sonnet-4-5', usage, shape, prompt, path: '/v1/messages', stream: true });

  it('places a TLS call by its pid, answering the prompt open then; a side call or an unbound one gets a prompt of its own', () => {
    const binder = new Binder([claude]);
    const prompts = new PromptIndex([], { cap: 10, perSession: 2 });
    const j = new CallJoiner(new Map(), binder, prompts, 10);
    binder.bind(undefined, 500, claude.id, 'trace-file-write', T);
    for (const [i, ts] of [0, 1000, 2000].entries()) prompts.add({ id: `p${i}`, session: claude.id, ts: T + ts, text: 'fix it', kind: 'human' });
    expect(j.place(api('msg_1', 500, T + 2500, 'fix it')).call).toMatchObject({ session: claude.id, prompt: 'p2', source: 'traffic', pid: 500 });
    expect(prompts.before(claude.id, T + 500)).toBeUndefined(); // p0 let go (2 per session)
    // A side call (a title) is its own thread: a prompt made from its request, in the same session.
    const side = j.place(api('msg_4', 500, T + 2600, 'Write a 5-10 word title for this conversation'));
    expect(side.prompt).toMatchObject({ session: claude.id, kind: 'human' });
    expect(side.call.prompt).toBe(side.prompt!.id);
    expect(j.place(api('msg_5', 500, T + 2700)).call.prompt).toBe('p2'); // request not captured: the prompt open then
    const free = j.place(api('msg_2', 999, T, 'review the diff'));
    expect(free.call.session).toBe('unbound');
    expect(free.prompt).toMatchObject({ text: 'review the diff', kind: 'human', session: 'unbound' });
    expect(j.place(api('msg_3', 999, T + 1, 'review the diff')).prompt).toBeUndefined(); // made once per text and pid
    // Live keeps digests, not prompt texts: the same answer.
    const digests = new PromptIndex([{ id: 'p7', session: claude.id, ts: T, text: 'fix it', kind: 'human' }], { digests: true });
    expect(digests.before(claude.id, T)?.text).not.toContain('fix it');
    expect(new CallJoiner(new Map(), binder, digests).place(api('msg_6', 500, T + 1, 'fix it')).call.prompt).toBe('p7');
  });

  it('binds the pid of a TLS copy by its message id, whichever copy comes first', () => {
    const binder = new Binder([claude]);
    const trace = new Map<string, LlmCall>();
    const j = new CallJoiner(trace, binder, new PromptIndex());
    const line: LlmCall = { id: 'msg_9', session: claude.id, prompt: 'p9', ts: T, end: T + 100, model: 'm', usage, shape };
    j.traced(line, { pid: 501 }); // TLS first, then its trace line
    expect(binder.sessionOf(undefined, 501)).toMatchObject({ session: claude.id, reason: 'api-message-id' });
    expect(j.bindIfTraced(api('msg_9', 502, T))).toBe(true); // trace line first, then TLS
    expect(j.place(api('msg_9', 502, T)).call).toMatchObject({ session: claude.id, prompt: 'p9' });
  });
});
