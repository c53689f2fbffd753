import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageTotal } from '../src/model.js';
import { buildProfile } from '../src/profile/index.js';
import { loadHistory } from '../src/sources/index.js';
import { loadRecordings, type RecordingsResult } from '../src/join/recordings.js';
import { BASH_PID, CLAUDE_PID, claudeSession, recordEvents, writeRotated, type HostSpec } from './fixtures/agentsight/synth.js';

const T0 = Date.parse('2026-03-02T10:00:00.000Z');

describe('merging two hosts\' recordings with their trace files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentpprof-merge-'));
  const hosts: HostSpec[] = [
    { dir: join(dir, 'a'), session: '1b2c3d4e-0000-4000-8000-00000000000a', t0: T0, skewMs: 0, tag: 'A', cwd: '/home/dev/calc' },
    // Host b's clock runs 1 h 2 s ahead of its trace files' (another machine, another time zone setting).
    { dir: join(dir, 'b'), session: '1b2c3d4e-0000-4000-8000-00000000000b', t0: T0 + 600_000, skewMs: 3_602_000, tag: 'B', cwd: '/srv/work/api' },
  ];
  let res: RecordingsResult;
  let traceTotal = 0;

  beforeAll(async () => {
    const files = hosts.map((h) => claudeSession(h));
    traceTotal = files.reduce((n, f) => n + f.usageTotal, 0);
    const recs = hosts.map((h, i) => writeRotated(join(h.dir, 'rec'), recordEvents(h, files[i].file)));
    // An overlapping second recording on host a: the same events from the middle on.
    const evA = recordEvents(hosts[0], files[0].file);
    const overlap = writeRotated(join(hosts[0].dir, 'rec2'), evA.slice(4));
    const traces = await loadHistory({ paths: files.map((f) => f.file), threads: 0 });
    res = await loadRecordings([`hostA=${recs[0]}`, `hostB=${recs[1]}`, `hostA=${overlap}`], { traces });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts every token once: trace calls plus the calls only the traffic saw', () => {
    const total = res.calls.reduce((n, c) => n + usageTotal(c.usage), 0);
    expect(res.status.calls_in_traces).toBeGreaterThanOrEqual(4);
    expect(res.status.calls_from_traffic).toBe(2); // one title call per host
    expect(total).toBe(traceTotal + 2 * (7 + 3));
    const traffic = res.calls.filter((c) => c.source === 'traffic');
    expect(traffic.map((c) => c.host).sort()).toEqual(['hostA', 'hostB']);
    expect(traffic.every((c) => c.session === hosts[c.host === 'hostA' ? 0 : 1].session)).toBe(true);
  });

  it('estimates each host\'s clock offset from the calls both sides saw', () => {
    const byHost = Object.fromEntries(res.status.recordings.map((r) => [r.name.includes('rec2') ? 'overlap' : r.host, r]));
    expect(byHost.hostA.offset_ms).toBe(0);
    // True skew −3 602 000 ms; the trace lines sit 50–100 ms after their responses' ends.
    expect(Math.abs(byHost.hostB.offset_ms - -3_602_000)).toBeLessThanOrEqual(100);
  });

  it('binds the agent by its trace-file open (0.95) and its API message ids; bash inherits', () => {
    const a = res.bindings.find((b) => b.host === 'hostA' && b.pid === CLAUDE_PID)!;
    expect(a).toMatchObject({ session: hosts[0].session, confidence: 0.95, reason: 'trace-file-write' });
    expect(res.status.bindings['trace-file-write'].pids).toBe(2);
    expect(res.bindings.some((b) => b.pid === BASH_PID)).toBe(false); // inherited, not bound itself
    expect(res.sessions.filter((s) => s.agent === 'claude').map((s) => s.host).sort()).toEqual(['hostA', 'hostB']);
    // …which the profile carries as a sample label (pprof -tags) on every sample of those sessions.
    const files = buildProfile(res, new Map(), { view: 'files', privacy: { userNames: [] } });
    expect(new Set(files.samples.map((s) => s.labels?.host))).toEqual(new Set(['hostA', 'hostB', undefined]));
  });

  it('attributes the Bash tool\'s file effects to its tool call, keeps the rest visible', () => {
    for (const [i, h] of hosts.entries()) {
      const host = i ? 'hostB' : 'hostA';
      const bash = res.effects.filter((e) => e.host === host && e.pid === BASH_PID);
      expect(bash.map((e) => `${e.kind} ${e.target.replace(h.cwd, '.')}`).sort()).toEqual(['exec /bin/bash', 'read ./README.md', 'write ./out.txt']);
      expect(bash.every((e) => e.toolCall === `toolu_${h.tag}1` && e.session === h.session)).toBe(true);
    }
    const vim = res.effects.filter((e) => e.pid === 300);
    expect(vim.every((e) => e.session === 'unbound' && !e.toolCall)).toBe(true);
    expect(res.sessions.some((s) => s.id === 'unbound')).toBe(true);
    expect(res.status.attribution).toMatchObject({ attributed: 6, unbound: 2 });
    expect(res.status.attribution.unattributed).toBeGreaterThanOrEqual(4);
  });

  it('removes what overlapping recordings both hold', () => {
    const opens = res.effects.filter((e) => e.host === 'hostA' && e.target.endsWith('out.txt'));
    expect(opens).toHaveLength(1);
    expect(res.status.duplicates.effects).toBeGreaterThan(0);
    expect(res.status.duplicates.calls).toBeGreaterThan(0);
  });

  it('counts unknown sources, ignored samples and half-written tails, with file:line', () => {
    const a = res.status.recordings.find((r) => r.host === 'hostA')!;
    expect(a.files).toBe(2);
    expect(a.unknown).toEqual({ 'source:mystery_probe': 1 });
    expect(a.ignored).toEqual({ system: 1 });
    expect(res.skipped.some((s) => s.file.endsWith('rec/record.log') && /half-written/.test(s.reason))).toBe(true);
    expect(JSON.stringify(res)).not.toContain('SECRET');
  });
});

describe('a recording without readable TLS (Codex-like)', () => {
  it('takes its clock offset from the trace file\'s creation and still attributes effects', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentpprof-merge-notls-'));
    try {
      const h: HostSpec = { dir, session: '1b2c3d4e-0000-4000-8000-00000000000c', t0: T0, skewMs: -7_200_000, tag: 'C', cwd: '/home/dev/calc' };
      const f = claudeSession(h);
      const rec = writeRotated(join(dir, 'rec'), recordEvents(h, f.file).filter((e) => e.source !== 'ssl'));
      const traces = await loadHistory({ paths: [f.file], threads: 0 });
      const res = await loadRecordings([`hostC=${rec}`], { traces });
      // The fixture opens the file 500 ms before the first line is stamped: the estimate is off by that much.
      expect(res.status.recordings[0]).toMatchObject({ offset_evidence: 'trace-file-writes', offset_pairs: 1 });
      expect(res.status.recordings[0].offset_ms).toBe(7_200_000 + 500);
      const bash = res.effects.filter((e) => e.pid === BASH_PID && e.kind !== 'exec');
      expect(bash.every((e) => e.toolCall === 'toolu_C1')).toBe(true);
      expect(bash).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
