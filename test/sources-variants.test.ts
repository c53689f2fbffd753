// Any valid JSON, the same events: every trace line of every fixture (examples/, the synthetic fixtures,
// the traces captured from the real CLIs) and a set of AgentSight recordings are re-serialized in other
// valid spellings (test/helpers/json-variants.ts: Python's separators, tabs and spaces, reversed key
// order, every escape, respelled numbers, unknown fields) and each reader must return exactly what it
// returns for the original: sessions, prompts, calls, usage, tools, effects, skipped-line counts.
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listRecordings } from '../src/sources/agentsight-files.js';
import { readEventLog } from '../src/sources/agentsight-log.js';
import { readSnapshot } from '../src/sources/agentsight-snapshot.js';
import { readSqliteRecording } from '../src/sources/agentsight-sqlite.js';
import type { RecordingRead } from '../src/sources/agentsight-types.js';
import { mergeResults, type FileResult } from '../src/sources/merge.js';
import { readTraceFile } from '../src/sources/read.js';
import { listTraceFiles } from '../src/sources/roots.js';
import { makeDemo } from './fixtures/agentsight/make-demo.js';
import { httpRequest } from './fixtures/agentsight/synth.js';
import { variants, type Variant } from './helpers/json-variants.js';

const ROOT = join(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'agentpprof-variants-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Trace trees: each is read as a whole (subagent files, .meta.json and .project_root included). */
const TREES = [
  ...['claude', 'codex', 'gemini'].map((a) => join(ROOT, 'examples', a)),
  ...['claude', 'codex', 'gemini'].map((a) => join(ROOT, 'test/fixtures/sources', a)),
  ...readdirSync(join(ROOT, 'test/fixtures/real')).map((d) => join(ROOT, 'test/fixtures/real', d)).filter((d) => statSync(d).isDirectory()),
];

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out); else out.push(p);
  }
  return out;
}

const isObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
const tryParse = (s: string): unknown => { try { return JSON.parse(s); } catch { return undefined; } };

interface Counts { lines: number; docs: number }

/**
 * Writes `src` re-spelled into `dst`: each JSON-object line of a .jsonl/.log file, or a whole .json
 * document. Lines that do not parse (the fixtures' deliberate bad lines, a half-written tail) and
 * blank lines are copied unchanged, so skipped-line counts and line numbers stay comparable.
 */
function respellFile(src: string, dst: string, v: Variant, counts: Counts): void {
  mkdirSync(dirname(dst), { recursive: true });
  const text = readFileSync(src, 'utf8');
  if (/\.json$/.test(src)) {
    const doc = tryParse(text);
    if (isObject(doc)) { writeFileSync(dst, v.text(doc)); counts.docs++; } else copyFileSync(src, dst);
    return;
  }
  if (!/\.(jsonl|log)(\.\d+)?$/.test(src)) { copyFileSync(src, dst); return; }
  const out = text.split('\n').map((line) => {
    const o = tryParse(line);
    if (!isObject(o)) return line;
    counts.lines++;
    return v.text(o);
  });
  writeFileSync(dst, out.join('\n'));
}

/** The result with the variant tree's paths put back to the original's and byte counts dropped. */
function normalize<T>(x: T, from: string, to: string): unknown {
  return JSON.parse(JSON.stringify(x, (k, val) => {
    if (k === 'bytes') return undefined;
    return typeof val === 'string' ? val.split(from).join(to) : val;
  }));
}

function readTree(dir: string): FileResult[] {
  const { files } = listTraceFiles({ paths: [dir] });
  return files.map((f) => readTraceFile(f.format, f.path));
}

const original = TREES.map((t) => ({ tree: t, results: readTree(t) }));
const jsonlVariants = variants();
const docVariants = variants({ multiline: true });
const tally = new Map<string, Counts>();

describe('agent traces: every line in every spelling reads the same', () => {
  it('has fixtures with sessions, calls and tools to compare', () => {
    const all = original.flatMap((o) => o.results);
    expect(all.length).toBeGreaterThan(40);
    expect(all.reduce((n, r) => n + r.calls.length, 0)).toBeGreaterThan(100);
    expect(all.reduce((n, r) => n + r.tools.length, 0)).toBeGreaterThan(100);
    expect(all.some((r) => r.skippedCount > 0)).toBe(true);
  });

  it.each(docVariants.map((v) => [v.name, v] as const))('%s', (name, v) => {
    const counts: Counts = { lines: 0, docs: 0 };
    for (const { tree, results } of original) {
      const dst = join(tmp, name, relative(ROOT, tree));
      for (const f of walk(tree)) {
        // Pretty-printing is not valid JSONL: only whole-file documents get the multi-line spellings.
        if (v.multiline && !f.endsWith('.json')) { mkdirSync(dirname(join(dst, relative(tree, f))), { recursive: true }); copyFileSync(f, join(dst, relative(tree, f))); continue; }
        respellFile(f, join(dst, relative(tree, f)), v, counts);
      }
      const got = readTree(dst);
      expect(got.map((r) => relative(dst, r.file))).toEqual(results.map((r) => relative(tree, r.file)));
      for (const [i, r] of got.entries()) {
        expect(normalize(r, dst, tree), `${name}: ${relative(ROOT, results[i].file)}`).toEqual(normalize(results[i], tree, tree));
      }
      // mergeResults joins results into the files' tool calls in place: merge copies.
      expect(normalize(mergeResults(got), dst, tree), `${name}: ${relative(ROOT, tree)} merged`).toEqual(normalize(mergeResults(structuredClone(results)), tree, tree));
    }
    tally.set(name, counts);
    expect(counts.lines + counts.docs).toBeGreaterThan(0);
  });

  it('reads a Gemini conversation pretty-printed into a .jsonl name as the document it is', () => {
    const docs = original.flatMap((o) => o.results).filter((r) => /\/chats\/session-[^/]+\.json$/.test(r.file));
    expect(docs.length).toBeGreaterThan(1);
    for (const r of docs) {
      const dst = join(tmp, 'gemini-pretty-jsonl', relative(ROOT, r.file)) + 'l';
      mkdirSync(dirname(dst), { recursive: true });
      writeFileSync(dst, JSON.stringify(JSON.parse(readFileSync(r.file, 'utf8')), null, 2) + '\n');
      const root = join(dirname(dirname(r.file)), '.project_root');
      if (existsSync(root)) copyFileSync(root, join(dirname(dirname(dst)), '.project_root'));
      expect(normalize(readTraceFile('gemini', dst), dst, r.file)).toEqual(normalize(r, r.file, r.file));
    }
  });

  it('re-spelled every line and document (counts for the record)', () => {
    const lines = Math.max(...[...tally.values()].map((c) => c.lines));
    const docs = Math.max(...[...tally.values()].map((c) => c.docs));
    const checked = [...tally.values()].reduce((n, c) => n + c.lines + c.docs, 0);
    process.stdout.write(`sources-variants: agent traces: ${lines} JSONL lines × ${jsonlVariants.length} variants + ${docs} JSON documents × ${docVariants.length} variants = ${checked} re-spelled records read\n`);
    expect(lines).toBeGreaterThan(1000);
    expect(docs).toBeGreaterThan(5);
  });
});

// AgentSight recordings: the two-host demo (rotated record.log with a half-written last line, unknown
// sources, process and file events, TLS captures), raw probe lines whose sslsniff data holds bytes that
// are not UTF-8 (written as \u00XX escapes: one byte each, the format's own rule) and non-ASCII text, and
// a report-export snapshot.
function agentsightInputs(dir: string): void {
  makeDemo(dir);
  const gz = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xc3, 0xa9, 0x80, 0x00, 0x41]);
  // sslsniff's spelling: bytes that are not UTF-8 as \u00XX, everything else raw.
  const bytesJson = '"' + [...gz].map((b) => (b >= 0x80 || b < 0x20 ? `\\u00${b.toString(16).padStart(2, '0')}` : String.fromCharCode(b))).join('') + '"';
  const raw = [
    JSON.stringify({ timestamp: 10e9, event: 'EXEC', comm: 'claude', pid: 7, ppid: 1, filename: '/usr/bin/node' }),
    JSON.stringify({ function: 'WRITE/SEND', timestamp_ns: 11e9, comm: 'HTTP Client', pid: 7, tid: 9, uid: 0, len: 10, buf_size: 10, latency_ms: 0.1, is_handshake: false, data: httpRequest('répare le test — 修复测试 😀 / ok'), truncated: false }),
    `{"function":"READ/RECV","timestamp_ns":12000000000,"comm":"HTTP Client","pid":7,"tid":9,"uid":0,"len":10,"buf_size":10,"latency_ms":0.1,"is_handshake":false,"data":${bytesJson},"truncated":false}`,
    JSON.stringify({ timestamp: 13e9, event: 'FILE_OPEN', comm: 'claude', pid: 7, count: 3, filepath: '/w/été/a.txt', flags: 0 }),
  ];
  mkdirSync(join(dir, 'raw'), { recursive: true });
  writeFileSync(join(dir, 'raw', 'probes.jsonl'), raw.join('\n') + '\n');
  const T = Date.parse('2026-03-02T09:00:00.000Z');
  mkdirSync(join(dir, 'snap'), { recursive: true });
  // Two providers' usage, non-ASCII argv and paths, a 1 KB token count as 1e3-style numbers would spell it.
  const rows = {
    token_summary: [
      { model: 'claude-opus-4-6', provider: 'anthropic', input: 1000, output: 250, cache_read: 40000, cache_creation: 1200, timestamp: T + 5 },
      { model: 'gpt-5', provider: 'openai', input: 300, output: 0.5e3, cache_read: 0, cache_creation: 0 },
    ],
    process_nodes: [{ pid: 41, ppid: 1, argv_json: '["claude","--résumé","/tmp/ünï"]', cwd: '/w/café' }, { pid: 42, ppid: 41, argv_json: '["bash","-c","ls"]', cwd: '/w/café' }],
    audit_events: [{ timestamp: T + 7, audit_type: 'file', action: 'read', target: '/w/café/menu.txt', pid: 42 }],
    sessions: [{ id: 'sé1', cwd: '/w/café' }],
    tool_calls: [{ id: 'tü1', name: 'Read', timestamp: T + 6, session_id: 'sé1' }],
    network_targets: [{ host: 'api.openai.com', path: '/v1/responses', count: 1, error_count: 0 }],
  };
  writeFileSync(join(dir, 'snap', 'snapshot.json'), JSON.stringify({ generated_at: new Date(T).toISOString(), schema_version: 1, ...rows }, null, 2));
}

const BOOT = Date.parse('2026-03-02T08:00:00.000Z');

function readRecordings(dir: string): { host: string; read: RecordingRead }[] {
  const { inputs, problems } = listRecordings([join(dir, 'a', 'rec'), join(dir, 'b', 'rec'), join(dir, 'raw'), join(dir, 'snap')]);
  expect(problems).toEqual([]);
  return inputs.map((i) => ({
    host: i.host,
    read: i.form === 'snapshot' ? readSnapshot(i.files[0], i.host) : readEventLog(i.files, { host: i.host, bootEpochMs: BOOT }),
  }));
}

describe('AgentSight recordings: every record in every spelling reads the same', () => {
  const src = join(tmp, 'agentsight-original');
  agentsightInputs(src);
  const base = readRecordings(src);

  it('reads calls, processes, effects and the raw bytes from the originals', () => {
    expect(base.map((b) => b.read.form).sort()).toEqual(['events', 'events', 'events', 'snapshot']);
    const events = base.map((b) => b.read);
    expect(events.reduce((n, r) => n + r.calls.length, 0)).toBeGreaterThan(4);
    expect(events.reduce((n, r) => n + r.effects.length, 0)).toBeGreaterThan(6);
    expect(events.reduce((n, r) => n + r.skips.count, 0)).toBeGreaterThan(0);
  });

  // In sslsniff strings \u0080-\u00ff are bytes: those characters keep their spelling (keepLatin1).
  const asVariants = variants({ keepLatin1: true, multiline: true });
  it.each(asVariants.map((v) => [v.name, v] as const))('%s', (name, v) => {
    const dst = join(tmp, `agentsight-${name}`);
    const counts: Counts = { lines: 0, docs: 0 };
    for (const f of walk(src)) {
      const to = join(dst, relative(src, f));
      if (v.multiline && !f.endsWith('.json')) { mkdirSync(dirname(to), { recursive: true }); copyFileSync(f, to); continue; }
      respellFile(f, to, v, counts);
    }
    const got = readRecordings(dst);
    expect(got.length).toBe(base.length);
    for (const [i, g] of got.entries()) {
      expect(normalize(g.read, dst, src), `${name}: ${relative(src, base[i].read.name)}`).toEqual(normalize(base[i].read, src, src));
    }
    tally.set(`agentsight ${name}`, counts);
  });

  it('re-spelled every record (counts for the record)', () => {
    const as = [...tally.entries()].filter(([k]) => k.startsWith('agentsight '));
    const lines = Math.max(...as.map(([, c]) => c.lines));
    process.stdout.write(`sources-variants: AgentSight: ${lines} JSONL records × ${asVariants.length - 2} variants + 1 snapshot × ${asVariants.length} variants\n`);
    expect(lines).toBeGreaterThan(20);
  });
});

// AgentSight's SQLite recording keeps JSON inside its columns (request bodies, the SSE stream's data
// lines, argv): those texts re-spelled must read the same too.
describe('AgentSight SQLite: JSON inside columns in every spelling reads the same', () => {
  const T = Date.parse('2026-03-02T11:00:00.000Z');
  const request = { model: 'claude-opus-4-6', stream: true, system: [{ type: 'text', text: 'You are Claude Code' }], messages: [{ role: 'user', content: [{ type: 'text', text: 'réécris le parseur / rewrite the parser 😀' }] }] };
  const events = [
    ['message_start', { type: 'message_start', message: { id: 'msg_sq1', model: 'claude-opus-4-6', usage: { input_tokens: 12, output_tokens: 1, cache_read_input_tokens: 3000, cache_creation_input_tokens: 200 } } }],
    ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_sq1', name: 'Edit', input: {} } }],
    ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"file_path":"/w/p.py"}' } }],
    ['message_delta', { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 64 } }],
    ['message_stop', { type: 'message_stop' }],
  ] as const;
  const argv = ['/usr/bin/node', '/opt/claude/cli.js', '--résumé'];
  function db(path: string, spell: (v: unknown) => string): void {
    const d = new Database(path);
    d.exec(`CREATE TABLE llm_calls (id INTEGER PRIMARY KEY, timestamp INTEGER, pid INTEGER, model TEXT, host TEXT, path TEXT, status_code INTEGER, request_body TEXT, response_body TEXT);
      CREATE TABLE process_nodes (pid INTEGER, ppid INTEGER, argv_json TEXT, cwd TEXT);`);
    const sse = events.map(([e, data]) => `event: ${e}\ndata: ${spell(data)}\n\n`).join('');
    d.prepare('INSERT INTO llm_calls (timestamp, pid, model, host, path, status_code, request_body, response_body) VALUES (?,?,?,?,?,?,?,?)')
      .run(T, 91, 'claude-opus-4-6', 'api.anthropic.com', '/v1/messages', 200, spell(request), sse);
    d.prepare('INSERT INTO process_nodes VALUES (?,?,?,?)').run(91, 1, spell(argv), '/w');
    d.close();
  }
  const base = join(tmp, 'sqlite-original.db');
  db(base, (v) => JSON.stringify(v));
  const want = readSqliteRecording(base, 'box');

  it('reads the call and the process from the original', () => {
    expect(want.calls.map((c) => [c.id, c.usage.output, c.prompt])).toEqual([['msg_sq1', 64, request.messages[0].content[0].text]]);
    expect(want.processes[0].argv).toEqual(argv);
  });
  it.each(variants().filter((v) => !v.addsFields).map((v) => [v.name, v] as const))('%s', (name, v) => {
    const p = join(tmp, `sqlite-${name}.db`);
    db(p, v.text);
    expect(normalize(readSqliteRecording(p, 'box'), p, base)).toEqual(normalize(want, base, base));
  });
});
