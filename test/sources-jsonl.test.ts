// The streaming line splitter and the byte-pattern fast path for Claude tool_result lines: exact
// agreement with JSON.parse on tricky content, and a refusal (null → full parse) whenever unsure.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fastToolResult, readHead } from '../src/sources/claude-fast.js';
import { forEachLine, isoMs } from '../src/sources/jsonl.js';
import { cutLongStrings, measured } from '../src/sources/claude-cut.js';
import { countFences } from '../src/sources/shape.js';
import { escapeAll, write } from './helpers/json-variants.js';

describe('forEachLine', () => {
  it('streams lines of any size across chunk boundaries, with CRLF, blanks and an unterminated tail', () => {
    const big = 'x'.repeat(3 * 1024 * 1024 + 7); // longer than the 1 MB read chunk
    const text = `a\r\n\n  \nb${big}\n${'y'.repeat(1024 * 1024 - 1)}\nlast`;
    const f = join(mkdtempSync(join(tmpdir(), 'jsonl-')), 'f.jsonl');
    writeFileSync(f, text);
    const got: [number, number, boolean, string][] = [];
    const bytes = forEachLine(f, (buf, s, e, n, last) => got.push([n, e - s, last, buf.toString('latin1', s, s + 1)]));
    expect(bytes).toBe(Buffer.byteLength(text));
    expect(got).toEqual([[1, 1, false, 'a'], [4, big.length + 1, false, 'b'], [5, 1024 * 1024 - 1, false, 'y'], [6, 4, true, 'l']]);
  });
});

const line = (block: object, extra: object = {}) => Buffer.from(JSON.stringify({
  parentUuid: 'p', isSidechain: false, type: 'user', message: { role: 'user', content: [block] },
  uuid: 'u', timestamp: '2026-01-01T00:00:00.000Z', toolUseResult: { stdout: 'dup', stderr: '' }, sessionId: 's1', ...extra,
}));

describe('fastToolResult', () => {
  const tricky = ['plain', 'quote " and "}] inside', 'backslash at end \\', 'escaped \\" then "}]', 'tab\tnew\nline', 'unicode \u0001 é 中', '', '"}]}'];
  for (const content of tricky) {
    it(`agrees with JSON.parse on ${JSON.stringify(content)}`, () => {
      for (const is_error of [undefined, true, false]) {
        const buf = line({ tool_use_id: 'toolu_1', type: 'tool_result', content, ...(is_error === undefined ? {} : { is_error }) });
        const r = fastToolResult(buf, () => false)!;
        expect(r).toEqual({ id: 'toolu_1', ts: Date.parse('2026-01-01T00:00:00.000Z'), sessionId: 's1', error: is_error === true, chars: content.length });
      }
    });
  }
  it('counts the output as JavaScript does, however it is spelled', () => {
    for (const content of ['é 中 😀 \u0001', '/path/to', 'x'.repeat(3000) + '😀']) {
      const plain = line({ tool_use_id: 't', type: 'tool_result', content });
      const escaped = Buffer.from(plain.toString().replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')).replaceAll('/', '\\/'));
      for (const b of [plain, escaped]) expect(fastToolResult(b, () => false)!.chars).toBe(content.length);
    }
  });
  it('reads keys in any order and spelling, after toolUseResult too, ignoring unknown fields and look-alikes', () => {
    const buf = Buffer.from(JSON.stringify({ type: 'user', message: { role: 'user', content: [{ tool_use_id: 't', type: 'tool_result', content: 'x', is_error: false }] }, toolUseResult: { a: 1 }, isSidechain: true, agentId: 'ag', sessionId: 'late', timestamp: '2026-01-02T00:00:00Z' }));
    expect(fastToolResult(buf, () => false)).toEqual({ id: 't', ts: Date.parse('2026-01-02T00:00:00Z'), sessionId: 'late', error: false, chars: 1 });
    const odd = Buffer.from('{ "x": {"sessionId": "decoy", "timestamp": "2001-01-01T00:00:00.000Z"}, "s\\u0065ssionId" : "s2",\t"message": {"content": [ {"is_error": true, "content": "ab\\/c", "extra": {"type": "text"}, "type": "tool_result", "tool_use_id": "t2"} ], "role": "user"}, "type": "user", "timestamp": "2026-01-03T00:00:00.000Z" }');
    expect(fastToolResult(odd, () => false)).toEqual({ id: 't2', ts: Date.parse('2026-01-03T00:00:00.000Z'), sessionId: 's2', error: true, chars: 4 });
  });
  it('refuses what the full reading does more with', () => {
    const no = (b: Buffer, spawner = false) => expect(fastToolResult(b, () => spawner)).toBeNull();
    no(line({ tool_use_id: 't', type: 'tool_result', content: [{ type: 'text', text: 'array content' }] }));
    no(Buffer.from(JSON.stringify({ type: 'user', message: { content: [
      { tool_use_id: 'a', type: 'tool_result', content: 'one', is_error: false }, { tool_use_id: 'b', type: 'tool_result', content: 'two' }] } })));
    no(line({ tool_use_id: 't', type: 'tool_result', content: 'x' }), true); // a Task result: parse it for agentId
    no(line({ tool_use_id: 't', type: 'tool_result', content: 'x' }, { toolUseResult: { agentId: 'a1', usage: {} } })); // a subagent link
    no(line({ tool_use_id: 't', type: 'tool_result', content: 'x' }, { timestamp: 1767225600 })); // toMs's reading of a number
    no(Buffer.from(JSON.stringify({ type: 'progress', data: { message: { type: 'user', message: { content: [{ tool_use_id: 't', type: 'tool_result', content: 'x' }] } } } })));
    no(Buffer.from('{"type":"user","message":{"content":"a prompt"}}'));
  });
});

describe('readHead (the Claude reader\'s line kind)', () => {
  const kind = (s: string) => readHead(Buffer.from(s), true, () => false).kind;
  it('reads the top-level type in any spelling, never a nested one', () => {
    const lines: Record<string, string> = {
      '{"type":"user","message":{"content":"hi"}}': 'user',
      '{ "message" : { "type" : "assistant" } , "typ\\u0065" : "\\u0075ser" }': 'user',
      '{"data":{"type":"user"},"type":"progress"}': 'other',
      '{"summary":"x","leafUuid":"u"}': 'other',
      // "type":"user" bytes that are text, or part of another key: never the line's type.
      '{"note":"say \\"type\\":\\"user\\" here","type":"summary"}': 'other',
      '{"k\\"type":"user","type":"summary"}': 'other',
      '{"cwd":"/w/[x]","type":"assistant"}': 'assistant',
    };
    expect(Object.fromEntries(Object.keys(lines).map((l) => [l, kind(l)]))).toEqual(lines);
  });
  it('leaves what it cannot vouch for to JSON.parse (which counts it as bad input)', () => {
    for (const bad of ['{"type":"summary","x":1 garbage', '[1,2]', 'null', '{"type":"system"', '{"a":1} x', '\ufeff{"type":"user"}']) expect(kind(bad)).toBeNull();
  });
});

describe('cutLongStrings', () => {
  const long = (s: string) => s.repeat(Math.ceil(300 / s.length));
  it('cuts long text, thinking, signature and tool bodies exactly, keeping everything else', () => {
    const text = 'Intro "quoted" \\ back\n```ts\nconst a = "}]";\n```\n' + long('x');
    const msg = {
      type: 'assistant', requestId: 'r', message: { id: 'm', model: 'claude', usage: { input_tokens: 1, output_tokens: 2 }, content: [
        { type: 'thinking', thinking: long('think '), signature: long('sig') },
        { type: 'text', text },
        { type: 'tool_use', id: 't', name: 'Write', input: { file_path: '/p/a.ts', content: long('line "x"\n') } },
        { type: 'text', text: 'short' },
      ] },
    };
    const line = Buffer.from(JSON.stringify(msg));
    const cut = cutLongStrings(line)!;
    const o = JSON.parse(cut.json);
    expect(o.requestId).toBe('r');
    expect(o.message.usage).toEqual({ input_tokens: 1, output_tokens: 2 });
    const [th, tx, tu, short] = o.message.content;
    expect(tu.input.file_path).toBe('/p/a.ts');
    expect(short.text).toBe('short');
    expect(measured(th.thinking, cut.cuts)).toEqual({ chars: msg.message.content[0].thinking!.length, codeBlocks: 0 });
    expect(measured(tx.text, cut.cuts)).toEqual({ chars: text.length, codeBlocks: 1 });
    expect(measured(tu.input.content, cut.cuts).chars).toBe((msg.message.content[2].input as { content: string }).content.length);
    expect(measured('plain', cut.cuts)).toEqual({ chars: 5, codeBlocks: 0 });
    expect(cutLongStrings(Buffer.from(JSON.stringify({ message: { content: [{ type: 'text', text: 'tiny' }] } })))).toBeNull();
  });
});

describe('cutLongStrings measures as JSON.parse reads', () => {
  const texts = ['é 中 😀 '.repeat(60), '```js\nx\n```\n'.repeat(40), 'a\\\\n```\n```'.padEnd(400, 'z'), '```\u0001\n```\n'.repeat(40)];
  for (const text of texts) {
    it(`${JSON.stringify(text.slice(0, 16))}…, raw and escaped`, () => {
      const o = { type: 'assistant', message: { content: [{ type: 'text', text }] } };
      const raw = Buffer.from(JSON.stringify(o));
      // Escaped wherever JSON allows (\n as \u000a, é as \u00e9, …) except the keys' letters, which the cut must still find.
      const str = (x: string) => escapeAll(x).replaceAll('\\u0065', 'e');
      const escaped = Buffer.from(write(o, { comma: ',', colon: ':', inside: '', reverse: false, str, num: String }));
      for (const b of [raw, escaped]) {
        const cut = cutLongStrings(b, 64)!;
        const t = JSON.parse(cut.json).message.content[0].text;
        expect(measured(t, cut.cuts)).toEqual({ chars: text.length, codeBlocks: countFences(text) });
      }
    });
  }
});

describe('isoMs', () => {
  it('equals Date.parse on the agents\' timestamps and on everything its fast path leaves to Date.parse', () => {
    const base = Date.parse('1999-12-20T00:00:00.000Z');
    for (let i = 0; i < 50_000; i++) {
      const s = new Date(base + ((i * 1_234_567_891) % 9e11) + i * 7919).toISOString();
      expect(isoMs(s)).toBe(Date.parse(s));
    }
    for (const s of ['2026-02-30T10:00:00.000Z', '2026-13-01T10:00:00.000Z', '2026-01-01T24:00:00.000Z', '0050-01-01T00:00:00.000Z',
      '2026-01-01T10:00:00.000+01:00', '2026-01-01T10:00:00Z', 'x026-01-01T10:00:00.000Z', '2026-01-01T1a:00:00.000Z', '', 'garbage',
      '1969-12-31T23:59:59.999Z', '2026-01-01T10:60:00.000Z']) expect(Object.is(isoMs(s), Date.parse(s))).toBe(true);
  });
});
