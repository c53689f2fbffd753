import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadHistory } from '../src/sources/index.js';

// JSON does not fix key order: the byte-level fast paths must fall back to a full parse, never lose a file.
describe('Claude reader with unusual key order', () => {
  it('reads a tool_result line whose toolUseResult comes before message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentpprof-keys-'));
    const lines = [
      { type: 'user', uuid: 'u1', parentUuid: null, sessionId: 's', cwd: '/w', timestamp: '2026-03-02T10:00:00.000Z', message: { role: 'user', content: 'fix the failing test' } },
      { message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'npm test' } }], usage: { input_tokens: 10, output_tokens: 20, cache_read_input_tokens: 300 } }, type: 'assistant', uuid: 'a1', parentUuid: 'u1', sessionId: 's', cwd: '/w', requestId: 'req_1', timestamp: '2026-03-02T10:00:02.000Z' },
      { type: 'user', uuid: 'u2', parentUuid: 'a1', sessionId: 's', cwd: '/w', timestamp: '2026-03-02T10:00:04.000Z', toolUseResult: { stdout: 'x'.repeat(5000), stderr: '', interrupted: false }, message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'x'.repeat(5000) }] } },
      { type: 'user', uuid: 'u3', parentUuid: 'u2', sessionId: 's', cwd: '/w', timestamp: '2026-03-02T10:00:09.000Z', message: { role: 'user', content: 'ok' } },
    ];
    writeFileSync(join(dir, 's.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    for (const threads of [0, 2]) {
      const h = await loadHistory({ paths: [dir], threads });
      expect(h.skippedCount).toBe(0);
      expect(h.prompts.filter((p) => p.kind === 'human').map((p) => p.text)).toEqual(['fix the failing test', 'ok']);
      expect(h.calls).toHaveLength(1);
      expect(h.calls[0].usage).toMatchObject({ input: 10, output: 20, cacheRead: 300 });
      expect(h.tools).toHaveLength(1);
      expect(h.tools[0]).toMatchObject({ name: 'Bash', status: 'ok' });
      expect(h.tools[0].end).toBe(Date.parse('2026-03-02T10:00:04.000Z'));
    }
  });
});
