// The benches' command line: --help prints the bench's header comment (what it measures, how to run it),
// a bad option is one line on stderr and exit code 2, not a stack trace.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { headerComment } from '../scripts/bench/args.js';

const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench/render.ts', ...args], { encoding: 'utf8' });

describe('bench options', () => {
  it('takes the leading comment block, without the slashes, up to the first code line', () => {
    expect(headerComment('// Title: what it does\n//   run: x --y\n//\n// more\nimport a from "b";\n// not this\n'))
      .toBe('Title: what it does\n  run: x --y\n\nmore');
    expect(headerComment('import a from "b";\n')).toBe('');
  });

  it('--help prints the bench\'s header and exits 0; an unknown option exits 2 with one line', () => {
    const help = run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Render bench: 100k distinct stacks/);
    expect(help.stdout).toContain('Run: node --import tsx scripts/bench/render.ts [--stacks N] [--runs N]');
    const bad = run('--stackz', '5');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe("render.ts: Unknown option '--stackz' (--help lists the options)\n");
  });
});
