// `agentpprof merge REC… TRACE_ROOTS… -o …` end to end through the CLI on the two-host demo.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDemo } from './fixtures/agentsight/make-demo.js';

describe('agentpprof merge with AgentSight recordings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentpprof-merge-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('joins two hosts\' recordings with their trace roots into the files and tokens views', () => {
    makeDemo(dir);
    const out = join(dir, 'out.folded');
    execFileSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'merge',
      `hostA=${join(dir, 'a', 'rec')}`, `hostB=${join(dir, 'b', 'rec')}`, join(dir, 'a', 'claude'), join(dir, 'b', 'claude'),
      '--view', 'files,tokens', '-o', out, '-o', join(dir, 'out.svg')], { stdio: ['ignore', 'pipe', 'pipe'] });
    // One folded file per view (out.files.folded …), or all views in one.
    const folded = ['files', 'tokens'].map((v) => join(dir, `out.${v}.folded`)).filter(existsSync).map((f) => readFileSync(f, 'utf8')).join('')
      || readFileSync(out, 'utf8');
    const files = folded.split('\n').filter((l) => l.includes('effect:'));
    // Both hosts' Bash effects under the prompt's tag and the Bash tool.
    expect(files.filter((l) => /^prompt:[a-z]+;tool:Bash;process:bash;file:(README\.md;effect:read|out\.txt;effect:write) 2$/.test(l))).toHaveLength(2);
    const tokens = folded.split('\n').filter((l) => l.includes('token:')).reduce((n, l) => n + Number(l.split(' ').pop()), 0);
    expect(tokens).toBe(2 * (10 + 50 + 1000 + 20 + 30 + 1100) + 2 * (7 + 3));
    expect(readFileSync(join(dir, 'out.files.svg'), 'utf8')).toContain('<svg');
  });

  it('labels each machine: a host: frame with --stack', () => {
    const out = join(dir, 'hosts.folded');
    execFileSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'merge',
      `hostA=${join(dir, 'a', 'rec')}`, `hostB=${join(dir, 'b', 'rec')}`, join(dir, 'a', 'claude'), join(dir, 'b', 'claude'),
      '--view', 'files', '--stack', 'host,prompt,tool,file,effect', '-o', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    for (const h of ['hostA', 'hostB']) expect(lines).toContain(`host:${h};prompt:debug;tool:Bash;file:out.txt;effect:write 1`);
  });
});
