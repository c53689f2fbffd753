// Reader of AgentSight's SQLite recording (`agentsight-*.db`), opened read-only. Tables and columns
// differ between versions: a missing table is noted, a missing column leaves its field empty, and a
// corrupt file yields a clear message plus every row that could still be read.
import type BetterSqlite3 from 'better-sqlite3';
import { createRequire } from 'node:module';
import type { Usage } from '../model.js';
import { emptyRead, bump, keepRow, type RecordingRead } from './agentsight-types.js';
import { pick, rowToCall, rowToEffect, rowToProcess, rowToSession, addSession, rowToTool, rowUsage, type Row } from './agentsight-rows.js';
import { statSync } from 'node:fs';
import { installHint, isMissingPackage } from '../util/optional-package.js';

const TABLES = ['llm_calls', 'token_usage', 'process_nodes', 'audit_events', 'tool_calls', 'network_targets', 'sessions', 'resource_samples'];

export function readSqliteRecording(file: string, host: string): RecordingRead {
  const out = emptyRead(file, 'sqlite', host, [file]);
  try {
    out.bytes = statSync(file).size;
  } catch { /* reported by the open below */ }
  let Database: typeof BetterSqlite3;
  try {
    Database = createRequire(import.meta.url)('better-sqlite3');
  } catch (e) {
    if (!isMissingPackage(e, 'better-sqlite3')) throw e;
    out.problems.push(`${file}: ${installHint('better-sqlite3', 'reading AgentSight SQLite recordings')}`);
    return out;
  }
  let db: BetterSqlite3.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (e) {
    out.problems.push(`${file}: cannot open as SQLite: ${(e as Error).message}`);
    return out;
  }
  try {
    let present: Set<string>;
    try {
      present = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Row[]).map((r) => String(r.name)));
    } catch (e) {
      out.problems.push(`${file}: not a readable SQLite database (${(e as Error).message})`);
      return out;
    }
    const missing = TABLES.filter((t) => !present.has(t));
    if (missing.length) out.problems.push(`${file}: no table ${missing.join(', ')} (older or partial recording; read what is there)`);
    const rows = (table: string, fn: (r: Row, i: number) => void) => {
      if (!present.has(table)) return;
      let i = 0;
      try {
        for (const r of db.prepare(`SELECT * FROM "${table}"`).iterate() as IterableIterator<Row>) fn(r, ++i);
      } catch (e) {
        out.problems.push(`${file}: table ${table} unreadable after row ${i}: ${(e as Error).message}`);
      }
    };
    const usage = new Map<string, Usage>();
    rows('token_usage', (r) => {
      const id = pick(r, 'llm_call_id', 'call_id', 'message_id');
      if (id !== undefined) usage.set(String(id), rowUsage(r));
    });
    rows('llm_calls', (r, i) => {
      const u = usage.get(String(pick(r, 'id', 'call_id'))) ?? usage.get(String(pick(r, 'message_id')));
      keepRow(out, 'llm_calls', i, rowToCall(r, host, u), (c) => out.calls.push(c));
    });
    rows('process_nodes', (r, i) => keepRow(out, 'process_nodes', i, rowToProcess(r, host), (p) => out.processes.push(p)));
    rows('audit_events', (r, i) => keepRow(out, 'audit_events', i, rowToEffect(r, host), (e) => out.effects.push(e)));
    rows('sessions', (r, i) => keepRow(out, 'sessions', i, rowToSession(r, host), (s) => addSession(out, r, s)));
    rows('tool_calls', (r, i) => keepRow(out, 'tool_calls', i, rowToTool(r), (t) => out.tools.push(t)));
    rows('network_targets', () => bump(out.ignored, 'network_targets'));
    rows('resource_samples', () => bump(out.ignored, 'resource_samples'));
  } finally {
    db.close();
  }
  return out;
}
