import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = (args: string[]) => execFileSync('npx', ['tsx', 'src/cli.ts', ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
const sum = (folded: string) => folded.trim().split('\n').reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);

describe('agentpprof reads its own pprof and folded outputs back', () => {
  it('profiles a .pb.gz of several views and a .folded with the same totals', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentpprof-readback-'));
    cli(['--view', 'tokens,files', '-q', '-o', join(dir, 'p.pb.gz'), '-o', join(dir, 'tokens.folded'), 'examples']);
    const direct = cli(['--view', 'tokens', '-f', 'folded', '-q', 'examples']);
    const fromPprof = cli([join(dir, 'p.pb.gz'), '--view', 'tokens', '-f', 'folded']);
    expect(sum(fromPprof)).toBe(sum(direct));
    expect(sum(cli([join(dir, 'p.pb.gz'), '--view', 'files', '-f', 'folded']))).toBe(sum(cli(['--view', 'files', '-f', 'folded', '-q', 'examples'])));
    // A folded file and the pprof together: merged per view.
    expect(sum(cli([join(dir, 'p.pb.gz'), join(dir, 'tokens.tokens.folded'), '--view', 'tokens', '-f', 'folded']))).toBe(2 * sum(direct));
  }, 60_000);
});

describe('agentpprof profiles recordings joined with trace files', () => {
  it('AgentSight recordings of two hosts + their session files: kernel file effects under the prompt tag', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentpprof-recs-'));
    execFileSync('npx', ['tsx', 'test/fixtures/agentsight/make-demo.ts', dir], { encoding: 'utf8' });
    const out = cli([`hostA=${join(dir, 'a', 'rec')}`, `hostB=${join(dir, 'b', 'rec')}`, join(dir, 'a', 'claude'), join(dir, 'b', 'claude'),
      '--view', 'files', '--stack', 'host,prompt,tool,file,effect', '-f', 'folded', '-q']);
    for (const h of ['hostA', 'hostB']) {
      expect(out).toContain(`host:${h};prompt:debug;tool:Bash;file:out.txt;effect:write 1`);
      expect(out).toMatch(new RegExp(`^host:${h};prompt:unattributed;`, 'm'));
    }
  }, 60_000);
});
