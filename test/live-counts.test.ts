// live = offline for the counts: the example corpus followed by the live trace feed carries the same
// sessions, prompts and LLM calls in its status as every offline command (examples/expected.json).
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LiveProcessor } from '../src/live/processor.js';
import { LiveRuntime } from '../src/live/runtime.js';
import { FirstWordTagger } from '../src/live/tagger.js';
import { TraceFeed } from '../src/live/traces.js';

describe('live counts', () => {
  it('the example corpus read live has the offline sessions, prompts and calls', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'live-counts-'));
    cpSync('examples', dir, { recursive: true });
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')).overall;
    const rt = new LiveRuntime({ tagger: new FirstWordTagger(), clock: () => Date.parse('2026-06-01T00:00:00Z') });
    const proc = new LiveProcessor(rt);
    const feed = new TraceFeed(['claude', 'codex', 'gemini'].map((r) => join(dir, r)), (m) => proc.handle(m));
    // Two polls: files rewritten whole (Gemini sessions) are sent once a change has held still for one.
    for (let i = 0; i < 2; i++) {
      feed.poll();
      proc.traces(true);
      await rt.flush();
    }
    const st = rt.hub.profileStatus()!;
    expect({ sessions: st.sessions, prompts: st.prompts, calls: st.calls }).toEqual({
      sessions: expected.sessions, prompts: expected.prompts.human + expected.prompts.continue, calls: expected.llmCalls,
    });
    // Two of the six broken lines are truncated last lines: live waits for their newline (an agent may
    // still be writing them) instead of skipping them, so it has counted the other four.
    expect(expected.skippedLines).toBe(6);
    expect(st.skipped_lines).toBe(4);
  });
});
