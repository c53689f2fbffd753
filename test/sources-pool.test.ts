// Reading on two threads (src/sources/pool.ts) from the TypeScript sources: the worker must really start
// (it used to fail on its .ts file, and this thread then read every file itself, so "two threads" tests
// ran on one), and the bundled examples (resumed sessions that copy lines into new files, subagent
// files, compaction, truncated last lines, three agents) must come out exactly as one thread reads them.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadHistory } from '../src/sources/index.js';

describe('reading pool', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    delete process.env.AGENTPPROF_DEBUG;
  });

  it('starts its worker from the sources, and two threads give exactly what one thread gives', async () => {
    process.env.AGENTPPROF_DEBUG = '1'; // a worker that fails to start says so on stderr
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const one = await loadHistory({ paths: ['examples'], threads: 0 });
    const two = await loadHistory({ paths: ['examples'], threads: 2 });
    expect(errors.mock.calls.map((c) => String(c[0]))).toEqual([]);
    expect(two.calls.length).toBeGreaterThan(500);
    // compared as text: a failing deep comparison of this much data would take minutes to print
    expect(JSON.stringify(two) === JSON.stringify(one)).toBe(true);
  });
});
