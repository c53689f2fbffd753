import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';

describe('cli', () => {
  it('prints help listing its commands', () => {
    const out = execFileSync('node', ['bin/agentpprof.mjs', '--help'], { encoding: 'utf8' });
    expect(out).toContain('Usage: agentpprof');
    expect(out).toContain('sessions');
  });
});
