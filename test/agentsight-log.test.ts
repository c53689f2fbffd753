import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listRecordings, recordingForm, splitRecordingArgs } from '../src/sources/agentsight.js';
import { readEventLog } from '../src/sources/agentsight-log.js';
import { httpRequest, httpSseResponse } from './fixtures/agentsight/synth.js';

const dir = mkdtempSync(join(tmpdir(), 'agentpprof-aslog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, lines: unknown[], tail = '') => {
  const p = join(dir, name);
  writeFileSync(p, lines.map((l) => JSON.stringify(l)).join('\n') + '\n' + tail);
  return p;
};
const u = { input_tokens: 11, output_tokens: 22, cache_read_input_tokens: 33, cache_creation_input_tokens: 0 };
const BOOT = Date.parse('2026-03-02T09:00:00.000Z');

describe('raw probe lines (sslsniff / process stdout)', () => {
  it('puts ns-since-boot on the epoch with the given boot time and reassembles the call', () => {
    const ns = (s: number) => s * 1e9;
    const f = write('raw.jsonl', [
      { timestamp: ns(10), event: 'EXEC', comm: 'claude', pid: 7, ppid: 1, filename: '/usr/bin/node' },
      { function: 'WRITE/SEND', timestamp_ns: ns(11), comm: 'HTTP Client', pid: 7, tid: 9, uid: 0, len: 10, buf_size: 10, latency_ms: 0.1, is_handshake: false, data: httpRequest('hello'), truncated: false },
      { function: 'READ/RECV', timestamp_ns: ns(12), comm: 'HTTP Client', pid: 7, tid: 9, uid: 0, len: 10, buf_size: 10, latency_ms: 0.1, is_handshake: false, data: httpSseResponse('msg_raw1', 'claude-opus-4-6', u, []), truncated: false },
      { timestamp: ns(13), event: 'FILE_OPEN', comm: 'claude', pid: 7, count: 3, filepath: '/w/a.txt', flags: 0 },
      { timestamp: ns(14), event: 'BASH_READLINE', comm: 'bash', pid: 8, command: 'ls' },
    ]);
    expect(recordingForm(f)).toBe('events');
    const r = readEventLog([f], { host: 'h', bootEpochMs: BOOT });
    expect(r.timeBase).toBe('boot+given');
    expect(r.calls).toHaveLength(1);
    expect(r.calls[0]).toMatchObject({ id: 'msg_raw1', model: 'claude-opus-4-6', pid: 7, host: 'h', prompt: 'hello', ts: BOOT + 11_000 });
    expect(r.calls[0].usage).toMatchObject({ input: 11, output: 22, cacheRead: 33 });
    expect(r.processes[0]).toMatchObject({ pid: 7, comm: 'claude', start: BOOT + 10_000, host: 'h' });
    expect(r.effects.map((e) => [e.kind, e.target, e.ts])).toEqual([['exec', '/usr/bin/node', BOOT + 10_000], ['read', '/w/a.txt', BOOT + 13_000]]);
    expect(r.unknown).toEqual({ 'event:BASH_READLINE': 1 });
    expect(r.skips.examples[0]).toMatchObject({ file: f, line: 5 });
  });
});

describe('collector JSONL with http_parser and sse_processor events', () => {
  it('pairs a parsed request with its separately merged SSE stream, strips secrets', () => {
    const env = (ts: number, source: string, data: unknown) => ({ timestamp: ts, source, pid: 50, comm: 'claude', data });
    const body = JSON.stringify({ model: 'claude-sonnet-4-5', stream: true, messages: [{ role: 'user', content: 'my key is sk-ant-api03-abcdefghijklmnop, fix it' }] });
    const sse = [
      { event: 'message_start', data: { type: 'message_start', message: { id: 'msg_hp1', model: 'claude-sonnet-4-5', usage: { ...u, output_tokens: 1 } } } },
      { event: 'content_block_start', data: JSON.stringify({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', name: 'Read' } }) },
      { event: 'message_delta', data: { type: 'message_delta', usage: { output_tokens: 22 } } },
      { event: 'message_stop', data: { type: 'message_stop' } },
    ];
    const chunkedSse = httpSseResponse('msg_hp2', 'claude-sonnet-4-5', u, []).split('\r\n\r\n').slice(1).join('\r\n\r\n');
    const f = write('record.log', [
      env(1000, 'http_parser', { tid: 51, message_type: 'request', first_line: 'POST /v1/messages HTTP/1.1', method: 'POST', path: '/v1/messages?beta=true', protocol: 'HTTP/1.1', headers: { Host: 'api.anthropic.com', 'X-Api-Key': 'sk-ant-SECRET', Cookie: 'a=SECRET' }, body, total_size: 10, has_body: true, is_chunked: false }),
      env(1100, 'http_parser', { tid: 51, message_type: 'response', first_line: 'HTTP/1.1 200 OK', status_code: 200, status_text: 'OK', headers: { 'Content-Type': 'text/event-stream' }, body: '', has_body: false, is_chunked: true }),
      env(2000, 'sse_processor', { connection_id: '50:51', message_id: 'msg_hp1', start_time: 1, end_time: 2, duration_ns: 900e6, original_source: 'ssl', function: 'READ/RECV', tid: 51, json_content: '', text_content: '', total_size: 1, event_count: 4, has_message_start: true, sse_events: sse }),
      env(3000, 'http_parser', { tid: 51, message_type: 'request', method: 'POST', path: '/v1/messages', headers: { host: 'api.anthropic.com' }, body, is_chunked: false }),
      env(3500, 'http_parser', { tid: 51, message_type: 'response', status_code: 200, headers: { 'content-type': 'text/event-stream' }, body: chunkedSse, is_chunked: true }),
      env(3600, 'stdio', { line: 'x' }),
    ], '{"timestamp":4000,"source":"ssl","pid":50,"da');
    const r = readEventLog([f], { host: 'h' });
    expect(r.calls.map((c) => [c.id, c.ts, c.end, c.shape.tools.join()])).toEqual([['msg_hp1', 1000, 2000, 'Read'], ['msg_hp2', 3000, 3500, '']]);
    expect(r.calls[0].prompt).toBe('my key is [redacted], fix it');
    expect(r.calls[0].usage.output).toBe(22);
    expect(r.ignored).toEqual({ stdio: 1 });
    expect(r.skips.count).toBe(1);
    expect(r.skips.examples[0].reason).toMatch(/half-written/);
    expect(JSON.stringify(r.calls)).not.toMatch(/SECRET|sk-ant-api03/);
  });
});

describe('finding recordings', () => {
  it('groups rotated parts oldest first and labels hosts', () => {
    const sub = join(dir, 'rot');
    mkdirSync(sub);
    const ev = (ts: number) => JSON.stringify({ timestamp: ts, source: 'system', pid: 0, comm: '', data: {} });
    writeFileSync(join(sub, 'record.log'), ev(3000) + '\n');
    writeFileSync(join(sub, 'record.log.1'), ev(2000) + '\n');
    writeFileSync(join(sub, 'record.log.2'), ev(1000) + '\n');
    writeFileSync(join(sub, 'notes.txt'), 'hello');
    const { inputs, problems } = listRecordings([`box1=${sub}`, join(dir, 'missing')]);
    expect(inputs).toEqual([{ host: 'box1', form: 'events', files: ['record.log.2', 'record.log.1', 'record.log'].map((n) => join(sub, n)) }]);
    expect(problems[0]).toMatch(/missing/);
    // Agents' own trace files are not recordings, whatever keys they share.
    const codex = join(dir, 'rollout-2025-12-28T12-18-30-019b64e5.jsonl');
    writeFileSync(codex, '{"timestamp":"2025-12-28T12:18:30.533Z","type":"session_meta","payload":{"id":"019b","cwd":"/w","originator":"codex_cli_rs","source":"cli"}}\n');
    const claudeImg = join(dir, 'img.jsonl');
    writeFileSync(claudeImg, '{"timestamp":"2026-01-09T10:00:00.000Z","sessionId":"s","type":"user","message":{"role":"user","content":[{"type":"image","source":{"type":"base64","data":"AA"}}]}}\n');
    expect([codex, claudeImg].map(recordingForm)).toEqual([null, null]);
    const claudeRoot = join(dir, 'claude-root');
    mkdirSync(join(claudeRoot, 'projects'), { recursive: true });
    expect(splitRecordingArgs([sub, `x=${join(dir, 'nope')}`, claudeRoot, join(sub, 'notes.txt'), join(sub, 'record.log.1')])).toEqual({
      recordings: [sub, `x=${join(dir, 'nope')}`, join(sub, 'record.log.1')], others: [claudeRoot, join(sub, 'notes.txt')],
    });
  });
});

describe('our own live --record files', () => {
  it('go through the same reader: batches kept as joined, markers counted', async () => {
    const { Recorder } = await import('../src/live/record.js');
    const { loadRecordings } = await import('../src/join/recordings.js');
    const f = join(dir, 'live.rec');
    const r = new Recorder(f);
    const T = Date.parse('2026-03-02T10:00:00.000Z');
    const usage = { input: 1, output: 2, cacheRead: 3, cacheWrite5m: 0, cacheWrite1h: 0 };
    r.write({ batch: {
      sessions: [{ id: 'S1', agent: 'claude', cwd: '/w', project: 'w', start: T, end: T + 10 }],
      prompts: [{ id: 'P1', session: 'S1', ts: T, text: '', kind: 'human' }],
      calls: [{ id: 'msg_live1', session: 'S1', prompt: 'P1', ts: T + 1, end: T + 2, model: 'claude-sonnet-4-5', usage, shape: { toolUses: 1, textChars: 0, thinkingChars: 0, codeBlocks: 0, tools: ['Bash'] } }],
      tools: [{ id: 'toolu_live1', session: 'S1', llmCall: 'msg_live1', name: 'Bash', ts: T + 3, end: T + 5, status: 'ok', hints: [] }],
      processes: [{ pid: 9, ppid: 1, comm: 'bash', start: T + 3 }],
      effects: [{ ts: T + 4, kind: 'write', target: '/w/x', evidence: 'kernel', pid: 9, session: 'S1', toolCall: 'toolu_live1' }],
    } }, T + 5);
    r.write({ gap: { start: T + 6, reason: 'collector restarted' } }, T + 6);
    await r.close();
    expect(recordingForm(f)).toBe('events');
    const res = await loadRecordings([`me=${f}`]);
    expect(res.calls.map((c) => c.id)).toEqual(['msg_live1']);
    expect(res.effects[0]).toMatchObject({ toolCall: 'toolu_live1', session: 'S1', host: 'me' });
    expect(res.status.attribution).toMatchObject({ attributed: 1, unbound: 0 });
    expect(res.status.recordings[0].ignored).toEqual({ gap: 1 });
  });
});

/** Bytes as AgentSight's sslsniff puts them in JSON: valid UTF-8 raw, every other byte as \u00XX. */
function sslsniffJsonString(b: Buffer): string {
  let s = '"';
  for (let i = 0; i < b.length;) {
    const c = b[i];
    const n = c >= 0xf0 && c < 0xf8 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 1;
    if (c >= 0x80 && n > 1 && i + n <= b.length && [...b.subarray(i + 1, i + n)].every((x) => (x & 0xc0) === 0x80)) {
      s += b.toString('latin1', i, i + n); // raw bytes; written back as latin1 below
      i += n;
      continue;
    }
    if (c === 34 || c === 92) s += '\\' + String.fromCharCode(c);
    else if (c < 0x20 || c >= 0x7f) s += `\\u00${c.toString(16).padStart(2, '0')}`;
    else s += String.fromCharCode(c);
    i++;
  }
  return s + '"';
}

describe('AgentSight sslsniff byte escaping', () => {
  it('recovers exact bytes: a gzip SSE body and a prompt with Latin-1-range characters', () => {
    const sse = httpSseResponse('msg_gz1', 'claude-sonnet-4-5', u, [{ type: 'text', text: 'déjà vu' }]).split('\r\n\r\n').slice(1).join('\r\n\r\n');
    const body = sse.replace(/^[0-9a-f]+\r\n/, '').replace(/\r\n0\r\n\r\n$/, '');
    const gz = gzipSync(Buffer.from(body));
    const res = Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-encoding: gzip\r\ncontent-length: ${gz.length}\r\n\r\n`), gz]);
    const reqBytes = Buffer.from(httpRequest('corrige le café — naïve façade'), 'utf8');
    const line = (ts: number, fn: string, bytes: Buffer) =>
      Buffer.from(`{"timestamp":${ts},"source":"ssl","pid":5,"comm":"claude","data":{"function":"${fn}","timestamp_ns":1,"pid":5,"tid":5,"len":${bytes.length},"data":${sslsniffJsonString(bytes)},"truncated":false}}\n`, 'latin1');
    const f = join(dir, 'sslsniff.log');
    writeFileSync(f, Buffer.concat([line(1000, 'WRITE/SEND', reqBytes), line(1500, 'READ/RECV', res)]));
    const r = readEventLog([f], { host: 'h' });
    expect(r.http).toEqual({});
    expect(r.calls.map((c) => [c.id, c.prompt, c.usage.output])).toEqual([['msg_gz1', 'corrige le café — naïve façade', 22]]);
  });
});

describe('jsonStringBytes', () => {
  it('decodes escapes to bytes exactly: \\u00XX as one byte, others as UTF-8, raw bytes as is', async () => {
    const { jsonStringBytes } = await import('../src/sources/agentsight-bytes.js');
    const line = Buffer.concat([Buffer.from('xx{"k":1,"data":"a\\u00e9\\u0001\\ud83d\\ude00\\u20ac'), Buffer.from([0xc3, 0xa9]), Buffer.from('\\n\\"q\\\\"}yy')]);
    const got = jsonStringBytes(line, 2, line.length - 2)!;
    expect([...got]).toEqual([0x61, 0xe9, 0x01, 0xf0, 0x9f, 0x98, 0x80, 0xe2, 0x82, 0xac, 0xc3, 0xa9, 0x0a, 0x22, 0x71, 0x5c]);
    expect(jsonStringBytes(line, 2, 20)).toBeUndefined(); // cut before the closing quote
    // The envelope's data.data, found by structure: not a "data" nested elsewhere, whatever the spelling.
    const env = Buffer.from('{ "x" : {"data":"no"}, "d\\u0061ta" : { "data" : "no", "data" : "y\\u00ffs" } }');
    expect([...jsonStringBytes(env, 0, env.length)!]).toEqual([0x79, 0xff, 0x73]);
  });
});
