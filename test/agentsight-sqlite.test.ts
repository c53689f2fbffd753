import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordingForm } from '../src/sources/agentsight.js';
import { loadRecordings } from '../src/join/recordings.js';
import { readSqliteRecording } from '../src/sources/agentsight-sqlite.js';
import { readSnapshot } from '../src/sources/agentsight-snapshot.js';

const dir = mkdtempSync(join(tmpdir(), 'agentpprof-asdb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const T = Date.parse('2026-03-02T10:00:00.000Z');

const sseBody = (id: string) => [
  `event: message_start\ndata: ${JSON.stringify({ type: 'message_start', message: { id, model: 'claude-sonnet-4-5', usage: { input_tokens: 5, output_tokens: 1, cache_read_input_tokens: 100 } } })}`,
  `event: message_delta\ndata: ${JSON.stringify({ type: 'message_delta', usage: { output_tokens: 40 } })}`,
  `event: message_stop\ndata: {"type":"message_stop"}`, ''].join('\n\n');

/** An AgentSight recording as a newer `record` writes it — minus a table and some columns (older build). */
function makeDb(path: string, rows = 1): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(`
    CREATE TABLE llm_calls (id INTEGER PRIMARY KEY, timestamp INTEGER, pid INTEGER, provider TEXT, model TEXT, host TEXT, path TEXT, status_code INTEGER, request_body TEXT, response_body TEXT, view_source TEXT, confidence REAL);
    CREATE TABLE token_usage (id INTEGER PRIMARY KEY, llm_call_id INTEGER, input_tokens INTEGER, output_tokens INTEGER, cache_creation INTEGER, cache_read INTEGER, total INTEGER, source TEXT);
    CREATE TABLE process_nodes (pid INTEGER, ppid INTEGER, root_pid INTEGER, argv_json TEXT, cwd TEXT, exit_code INTEGER, started_at TEXT);
    CREATE TABLE audit_events (id INTEGER PRIMARY KEY, timestamp INTEGER, audit_type TEXT, subject TEXT, action TEXT, target TEXT, status TEXT, summary TEXT, details_json TEXT, pid INTEGER, view_source TEXT, confidence REAL);
    CREATE TABLE sessions (id TEXT, agent TEXT, cwd TEXT, started_at INTEGER, root_pid INTEGER, confidence REAL);
  `);
  const ins = db.prepare('INSERT INTO llm_calls (timestamp, pid, provider, model, host, path, status_code, request_body, response_body) VALUES (?,?,?,?,?,?,?,?,?)');
  for (let i = 0; i < rows; i++) {
    ins.run(T + i * 1000, 77, 'anthropic', 'claude-sonnet-4-5', 'api.anthropic.com', '/v1/messages', 200,
      JSON.stringify({ model: 'claude-sonnet-4-5', stream: true, messages: [{ role: 'user', content: 'explain the parser' }] }), sseBody(`msg_db${i}`));
  }
  // A call stored without bodies: its usage comes from token_usage.
  db.prepare('INSERT INTO llm_calls (id, timestamp, pid, model, path) VALUES (?,?,?,?,?)').run(1000, T + 500, 77, 'claude-haiku-4-5', '/v1/messages');
  db.prepare('INSERT INTO token_usage (llm_call_id, input_tokens, output_tokens, cache_creation, cache_read) VALUES (?,?,?,?,?)').run(1000, 9, 8, 7, 6);
  db.prepare('INSERT INTO process_nodes VALUES (?,?,?,?,?,?,?)').run(77, 1, 77, JSON.stringify(['/usr/bin/node', '/opt/claude/cli.js']), '/home/dev/calc', null, new Date(T - 1000).toISOString());
  db.prepare('INSERT INTO process_nodes (pid, ppid) VALUES (?,?)').run(78, 77);
  const ae = db.prepare('INSERT INTO audit_events (timestamp, audit_type, action, target, pid, view_source) VALUES (?,?,?,?,?,?)');
  ae.run(T + 100, 'file', 'open_read', '/home/dev/calc/README.md', 78, 'ebpf');
  ae.run(T + 200, 'file', 'unlink', '/home/dev/calc/tmp.txt', 78, 'ebpf');
  ae.run(T + 300, 'network', 'connect', '140.82.112.3:443', 78, 'ebpf');
  ae.run(T + 400, 'mystery', 'frobnicate', 'x', 78, 'ebpf');
  db.prepare('INSERT INTO sessions VALUES (?,?,?,?,?,?)').run('as-sess-1', 'claude', '/home/dev/calc', T - 900, 77, 0.8);
  db.close();
}

describe('AgentSight SQLite recordings', () => {
  it('reads every table there is, tolerating missing tables and columns', () => {
    const p = join(dir, 'agentsight-1.db');
    makeDb(p, 3);
    expect(recordingForm(p)).toBe('sqlite');
    const r = readSqliteRecording(p, 'box');
    expect(r.calls.map((c) => c.id).sort()).toEqual(['db:box:1000', 'msg_db0', 'msg_db1', 'msg_db2']);
    const db0 = r.calls.find((c) => c.id === 'msg_db0')!;
    expect(db0).toMatchObject({ model: 'claude-sonnet-4-5', prompt: 'explain the parser', pid: 77, host: 'box', ts: T });
    expect(db0.usage).toMatchObject({ input: 5, output: 40, cacheRead: 100 });
    const bare = r.calls.find((c) => c.model === 'claude-haiku-4-5')!;
    expect(bare.usage).toMatchObject({ input: 9, output: 8, cacheWrite5m: 7, cacheRead: 6 });
    expect(r.processes.find((p) => p.pid === 77)).toMatchObject({ comm: 'node', cwd: '/home/dev/calc', start: T - 1000 });
    expect(r.effects.map((e) => e.kind)).toEqual(['read', 'delete', 'connect']);
    expect(r.skips.examples.map((s) => s.reason)).toContain('audit event of unknown kind mystery');
    expect(r.sessions[0]).toMatchObject({ id: 'as-sess-1', cwd: '/home/dev/calc', project: 'calc' });
    expect(r.problems.join('\n')).toMatch(/no table tool_calls, network_targets, resource_samples/);
  });

  it('uses AgentSight\'s own session binding (with its confidence) for the calls and effects of that tree', async () => {
    const p = join(dir, 'agentsight-3.db');
    makeDb(p, 2);
    const res = await loadRecordings([`box=${p}`]);
    expect(res.bindings).toEqual([expect.objectContaining({ host: 'box', pid: 77, session: 'as-sess-1', reason: 'recorded', confidence: 0.8 })]);
    expect(res.calls.every((c) => c.session === 'as-sess-1')).toBe(true);
    expect(res.effects.every((e) => e.session === 'as-sess-1')).toBe(true); // pid 78 is 77's child
    expect(res.status.bindings).toEqual({ recorded: { pids: 1, confidence: 0.8 } });
  });

  it('a corrupt file is a clear message, not a crash, and what is readable is still used', async () => {
    const p = join(dir, 'agentsight-2.db');
    makeDb(p, 400);
    // Overwrite the middle of the file: later pages (most llm_calls rows) are garbage.
    const buf = readFileSync(p);
    buf.fill(0xa5, Math.floor(buf.length * 0.5), buf.length - 4096);
    writeFileSync(p, buf);
    const r = readSqliteRecording(p, 'box');
    expect(r.problems.some((m) => /malformed|corrupt|not a database|unreadable/i.test(m))).toBe(true);
    expect(r.problems.join('\n')).toMatch(/table llm_calls unreadable after row \d+: database disk image is malformed/);
    // The rows before the damage, and the other tables, are still used.
    expect(r.calls.length).toBeGreaterThan(10);
    expect(r.calls.length).toBeLessThan(400);
    expect(r.processes).toHaveLength(2);
    expect(r.effects).toHaveLength(3);
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'this is not sqlite at all, just text that happens to be in a .db file');
    const res = await loadRecordings([p, junk]);
    expect(res.status.problems.some((m) => m.includes('junk.db'))).toBe(true);
  });
});

describe('AgentSight snapshot (report export, schema v1)', () => {
  it('reads v1 and skips unknown versions with a message', () => {
    const v1 = join(dir, 'snapshot.json');
    writeFileSync(v1, JSON.stringify({
      schema_version: 1, generated_at: new Date(T).toISOString(), summary: {},
      token_summary: [{ model: 'claude-sonnet-4-5', input: 100, output: 50, cache_read: 10, cache_creation: 5 }],
      network_targets: [{ host: 'api.anthropic.com', path: '/v1/messages', count: 3, error_count: 0 }],
      process_nodes: [{ pid: 5, ppid: 1, argv_json: '["claude"]', cwd: '/w' }],
      audit_events: [{ timestamp: T, audit_type: 'file', action: 'write', target: '/w/x', pid: 5 }],
      resource_samples: [], sessions: [{ id: 's1', cwd: '/w' }], tool_calls: [{ id: 't1', name: 'Bash', timestamp: T, session_id: 's1' }],
    }, null, 2));
    expect(recordingForm(v1)).toBe('snapshot');
    const r = readSnapshot(v1, 'h');
    expect(r.calls[0]).toMatchObject({ model: 'claude-sonnet-4-5', usage: { input: 100, output: 50, cacheRead: 10, cacheWrite5m: 5 } });
    expect(r.effects[0]).toMatchObject({ kind: 'write', target: '/w/x', pid: 5 });
    expect(r.tools[0]).toMatchObject({ id: 't1', name: 'Bash', session: 's1' });
    expect(r.ignored).toEqual({ network_targets: 1 });
    const v9 = join(dir, 'snapshot9.json');
    writeFileSync(v9, JSON.stringify({ schema_version: 9, token_summary: [{ model: 'x', input: 1 }] }));
    const r9 = readSnapshot(v9, 'h');
    expect(r9.calls).toHaveLength(0);
    expect(r9.unknown).toEqual({ 'snapshot schema_version 9': 1 });
    expect(r9.problems[0]).toMatch(/schema_version 9 is not supported/);
  });
});
