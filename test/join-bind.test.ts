import { describe, expect, it } from 'vitest';
import { ToolIndex } from '../src/join/attribute.js';
import { Binder } from '../src/join/bind.js';
import { CallIndex } from '../src/join/llm-calls.js';
import { attributeEffects, Placer } from '../src/join/place.js';
import type { Effect, Process, Session, ToolCall } from '../src/model.js';

const T = 1_772_445_600_000;
const session = (id: string, cwd: string, start: number, file?: string): Session =>
  ({ id, agent: 'claude', cwd, project: cwd.split('/').pop()!, start, end: start + 60_000, file });
const proc = (pid: number, ppid: number, comm: string, start: number, extra: Partial<Process> = {}): Process => ({ pid, ppid, comm, start, ...extra });

describe('Binder', () => {
  it('binds by cwd + start window (0.55) only agent-like programs, and the closest session', () => {
    const b = new Binder([session('s1', '/w', T), session('s2', '/w', T + 20_000), session('s3', '/other', T)]);
    b.process(proc(10, 1, 'claude', T + 18_000, { cwd: '/w' }));
    b.process(proc(11, 1, 'vim', T, { cwd: '/w' }));
    b.process(proc(12, 1, 'claude', T + 120_000, { cwd: '/w' }));
    expect(b.sessionOf(undefined, 10)).toEqual({ session: 's2', confidence: 0.55, reason: 'cwd-start' });
    expect(b.sessionOf(undefined, 11)).toBeUndefined();
    expect(b.sessionOf(undefined, 12)).toBeUndefined();
  });

  it('is sticky: weaker evidence never replaces a binding, stronger does; descendants inherit', () => {
    const b = new Binder([session('s1', '/w', T, '/h/.claude/projects/-w/aaaaaaaa-1.jsonl'), session('s2', '/w', T)]);
    b.process(proc(10, 1, 'claude', T, { cwd: '/w' }));
    b.process(proc(20, 10, 'bash', T + 5));
    b.process(proc(21, 20, 'node', T + 6));
    const first = b.sessionOf(undefined, 21)!;
    b.effect({ ts: T + 1, kind: 'write', target: '/elsewhere/copy/aaaaaaaa-1.jsonl', evidence: 'kernel', pid: 10 });
    expect(b.sessionOf(undefined, 21)).toEqual({ session: 's1', confidence: 0.95, reason: 'inherited' });
    expect(first.confidence).toBe(0.55);
    b.bind(undefined, 10, 's2', 'api-message-id', T + 2);
    expect(b.sessionOf(undefined, 10)).toMatchObject({ session: 's1', confidence: 0.95, reason: 'trace-file-write' });
    expect(b.bindings()).toHaveLength(1);
  });

  it('scopes pids by host', () => {
    const b = new Binder([session('s1', '/w', T)]);
    b.bind('a', 10, 's1', 'api-message-id', T);
    expect(b.sessionOf('a', 10)?.session).toBe('s1');
    expect(b.sessionOf('b', 10)).toBeUndefined();
  });
});

describe('attributeEffects', () => {
  const tool = (id: string, ts: number, end: number, hints: ToolCall['hints'] = []): ToolCall =>
    ({ id, session: 's1', llmCall: 'm1', name: 'Bash', ts, end, status: 'ok', hints });

  it('gives a spawned process\'s effects to the tool open at its spawn, the agent\'s own to the tool naming them', () => {
    const b = new Binder([session('s1', '/w', T)]);
    b.bind(undefined, 10, 's1', 'trace-file-write', T);
    b.process(proc(10, 1, 'claude', T));
    b.process(proc(20, 10, 'bash', T + 1000));
    const idx = new ToolIndex([tool('t1', T + 1000, T + 5000, [{ kind: 'read', target: '/w/a.txt' }]), tool('t2', T + 2000, T + 6000, [{ kind: 'read', target: '/w/b.txt' }])]);
    const e = (ts: number, target: string, pid = 20): Effect => ({ ts, kind: 'read', target, evidence: 'kernel', pid });
    const effects = [e(T + 1500, '/w/a.txt'), e(T + 3000, '/w/b.txt'), e(T + 9000, '/w/a.txt'), e(T + 3000, '/w/b.txt', 10), e(T + 3000, '/w/c.txt', 10), e(T + 9000, '/w/a.txt', 10), e(T + 3000, '/etc/x', 99)];
    const { counts } = attributeEffects(effects, new Placer(b, idx, new CallIndex()));
    // bash started inside t1: all its effects are t1's, the last one after t1 returned (background).
    // The agent's own: b.txt to t2 (it names it), c.txt to no tool (bookkeeping), a.txt after both ended to none.
    expect(effects.map((x) => x.toolCall ?? x.session)).toEqual(['t1', 't1', 't1', 't2', 's1', 's1', 'unbound']);
    expect(effects.map((x) => !!x.background)).toEqual([false, false, true, false, false, false, false]);
    expect(counts).toEqual({ effects: 7, attributed: 4, llm: 0, background: 1, unattributed: 2, unbound: 1, bookkeeping: 0 });
  });
});
