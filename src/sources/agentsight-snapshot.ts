// Reader of `agentsight report export` snapshots (JSON, schema v1). The same rows as the SQLite
// recording, so the same converters; token_summary rows become calls with usage (no bodies).
import { readFileSync } from 'node:fs';
import { emptyUsage } from '../model.js';
import { bump, emptyRead, keepRow, type RecordingRead } from './agentsight-types.js';
import { pick, rowToEffect, rowToProcess, rowToSession, addSession, rowToTool, rowUsage, epochMs, type Row } from './agentsight-rows.js';

export const SNAPSHOT_VERSIONS = new Set([1]);

export function readSnapshot(file: string, host: string): RecordingRead {
  const out = emptyRead(file, 'snapshot', host, [file]);
  let doc: Row;
  try {
    const raw = readFileSync(file, 'utf8');
    out.bytes = Buffer.byteLength(raw);
    doc = JSON.parse(raw) as Row;
  } catch (e) {
    out.problems.push(`${file}: not a readable snapshot (${(e as Error).message})`);
    return out;
  }
  const version = doc?.schema_version;
  if (!SNAPSHOT_VERSIONS.has(Number(version))) {
    bump(out.unknown, `snapshot schema_version ${String(version)}`);
    out.problems.push(`${file}: snapshot schema_version ${String(version)} is not supported (known: 1); skipped`);
    return out;
  }
  const list = (name: string): Row[] => (Array.isArray(doc[name]) ? (doc[name] as Row[]) : []);
  list('process_nodes').forEach((r, i) => keepRow(out, 'process_nodes', i + 1, rowToProcess(r, host), (p) => out.processes.push(p)));
  list('audit_events').forEach((r, i) => keepRow(out, 'audit_events', i + 1, rowToEffect(r, host), (e) => out.effects.push(e)));
  list('sessions').forEach((r, i) => keepRow(out, 'sessions', i + 1, rowToSession(r, host), (s) => addSession(out, r, s)));
  list('tool_calls').forEach((r, i) => keepRow(out, 'tool_calls', i + 1, rowToTool(r), (t) => out.tools.push(t)));
  const generated = epochMs(doc.generated_at) ?? 0;
  list('token_summary').forEach((r, i) => {
    const model = String(pick(r, 'model') ?? 'unknown');
    const ts = epochMs(pick(r, 'timestamp', 'first_seen', 'start_time')) ?? generated;
    const usage = r && typeof r === 'object' ? rowUsage(r) : emptyUsage();
    out.calls.push({
      id: `snapshot:${host}:${file}:${i}`, idSynthesized: true,
      api: /claude|anthropic/i.test(`${pick(r, 'provider')} ${model}`) ? 'anthropic-messages' : 'openai-responses',
      ts, end: ts, pid: Number(pick(r, 'pid') ?? 0), host, path: '', model, usage, stream: false,
      shape: { toolUses: 0, textChars: 0, thinkingChars: 0, codeBlocks: 0, tools: [] },
    });
  });
  for (const k of ['network_targets', 'resource_samples']) if (list(k).length) bump(out.ignored, k, list(k).length);
  return out;
}
