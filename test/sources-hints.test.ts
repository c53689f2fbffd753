// Effect hints from tool inputs (src/sources/hints.ts) and the shell lexer they stand on.
import { describe, expect, it } from 'vitest';
import { commandHints, patchHints, toolHints, toolSummary } from '../src/sources/hints.js';
import { splitCommands } from '../src/sources/shell.js';

const kinds = (h: { kind: string; target: string }[]) => h.map((x) => `${x.kind} ${x.target}`);

describe('shell lexer', () => {
  it('splits on operators, keeps quotes, collects redirections', () => {
    expect(splitCommands(`cd /x && grep -n "a b" 'c d' | tee out.log > /dev/null 2>&1; echo hi >> log.txt < in.txt`)).toEqual([
      { words: ['cd', '/x'], redirects: [] },
      { words: ['grep', '-n', 'a b', 'c d'], redirects: [] },
      { words: ['tee', 'out.log'], redirects: [{ op: '>', target: '/dev/null' }] },
      { words: ['echo', 'hi'], redirects: [{ op: '>>', target: 'log.txt' }, { op: '<', target: 'in.txt' }] },
    ]);
  });
  it('survives unbalanced quotes and comments', () => {
    expect(splitCommands(`echo "unterminated`)).toEqual([{ words: ['echo', 'unterminated'], redirects: [] }]);
    expect(splitCommands(`ls # a comment`)).toEqual([{ words: ['ls'], redirects: [] }]);
  });
});

describe('command hints', () => {
  it('names reads, writes, deletes and execs', () => {
    expect(kinds(commandHints('cat a.txt b.txt > c.txt && rm -rf build/ tmp && sed -i "s/a/b/" x.js y.js'))).toEqual([
      'exec cat a.txt b.txt', 'read a.txt', 'read b.txt', 'write c.txt',
      'exec rm -rf build/ tmp', 'delete build/', 'delete tmp',
      'exec sed -i s/a/b/ x.js y.js', 'write x.js', 'write y.js',
    ]);
    expect(kinds(commandHints('echo x | tee -a notes.md'))).toEqual(['exec echo x', 'exec tee -a notes.md', 'write notes.md']);
    expect(kinds(commandHints('sed -i -e "s/a/b/" f.txt'))).toEqual(['exec sed -i -e s/a/b/ f.txt', 'write f.txt']);
    expect(kinds(commandHints('cp a b/ && mv c d && touch e && mkdir -p f'))).toEqual([
      'exec cp a b/', 'read a', 'write b/', 'exec mv c d', 'delete c', 'write d', 'exec touch e', 'create e', 'exec mkdir -p f', 'create f',
    ]);
  });
  it('names network targets', () => {
    expect(kinds(commandHints('curl -sL https://x.dev/a.sh && wget example.com/f.tgz'))).toEqual([
      'exec curl -sL https://x.dev/a.sh', 'connect https://x.dev/a.sh', 'exec wget example.com/f.tgz', 'connect example.com/f.tgz',
    ]);
    expect(kinds(commandHints('git clone https://github.com/a/b.git && git push origin main && git status'))).toEqual([
      'exec git clone https://github.com/a/b.git', 'connect https://github.com/a/b.git',
      'exec git push origin main', 'connect git-remote:origin', 'exec git status',
    ]);
    const hosts = (c: string) => commandHints(c).filter((h) => h.kind === 'connect').map((h) => h.target);
    expect(hosts('npm install')).toEqual(['registry.npmjs.org']);
    expect(hosts('pnpm add zod')).toEqual(['registry.npmjs.org']);
    expect(hosts('yarn')).toEqual(['registry.yarnpkg.com']);
    expect(hosts('pip install requests')).toEqual(['pypi.org']);
    expect(hosts('cargo build --release')).toEqual(['index.crates.io']);
    expect(hosts('go get golang.org/x/tools')).toEqual(['proxy.golang.org']);
    expect(hosts('npm test')).toEqual([]);
  });
  it('unwraps sudo/env/timeout and bash -c, argv arrays', () => {
    expect(kinds(commandHints('sudo FOO=1 timeout 10 rm x'))).toEqual(['exec rm x', 'delete x']);
    expect(kinds(commandHints(['bash', '-lc', 'cat README.md; echo hi > out.txt']))).toEqual([
      'exec cat README.md', 'read README.md', 'exec echo hi', 'write out.txt',
    ]);
    expect(kinds(commandHints(['ls', '-la']))).toEqual(['exec ls -la']);
    expect(commandHints(42)).toEqual([]);
    expect(commandHints('')).toEqual([]);
  });
});

describe('tool hints', () => {
  it('reads file tools of every agent', () => {
    expect(kinds(toolHints('Read', { file_path: '/p/a.ts' }))).toEqual(['read /p/a.ts']);
    expect(kinds(toolHints('Write', { file_path: '/p/b.ts', content: 'x' }))).toEqual(['write /p/b.ts']);
    expect(kinds(toolHints('Edit', { file_path: 'c.ts' }))).toEqual(['write c.ts']);
    expect(kinds(toolHints('MultiEdit', { file_path: 'd.ts', edits: [] }))).toEqual(['write d.ts']);
    expect(kinds(toolHints('NotebookEdit', { notebook_path: 'n.ipynb' }))).toEqual(['write n.ipynb']);
    expect(kinds(toolHints('Glob', { pattern: '**/*.ts', path: 'src' }))).toEqual(['read src']);
    expect(kinds(toolHints('Glob', { pattern: '**/*.ts' }))).toEqual(['read **/*.ts']);
    expect(kinds(toolHints('Grep', { pattern: 'x', path: 'lib' }))).toEqual(['read lib']);
    expect(kinds(toolHints('Grep', { pattern: 'x' }))).toEqual([]);
    expect(kinds(toolHints('WebFetch', { url: 'https://docs.x.dev/a', prompt: 'p' }))).toEqual(['connect https://docs.x.dev/a']);
    expect(kinds(toolHints('read_file', { absolute_path: '/g/a' }))).toEqual(['read /g/a']);
    expect(kinds(toolHints('exec_command', { cmd: 'rm a' }))).toEqual(['exec rm a', 'delete a']);
    expect(kinds(toolHints('shell', { command: ['bash', '-lc', 'cat b'] }))).toEqual(['exec cat b', 'read b']);
    expect(toolHints('Task', { prompt: 'x' })).toEqual([]);
    expect(toolHints('Read', null)).toEqual([]);
    expect(toolHints('Bash', { command: 7 })).toEqual([]);
  });
  it('reads apply_patch targets', () => {
    const patch = '*** Begin Patch\n*** Add File: a.ts\n+x\n*** Update File: b.ts\n*** Move to: c.ts\n@@\n-a\n+b\n*** Delete File: d.ts\n*** End Patch';
    expect(kinds(patchHints(patch))).toEqual(['create a.ts', 'write b.ts', 'write c.ts', 'delete d.ts']);
    expect(kinds(toolHints('apply_patch', { input: patch }))).toHaveLength(4);
  });
  it('summarizes without secrets: the program, else the path or host', () => {
    expect(toolSummary(commandHints('API_KEY=s3cret curl https://x.dev/a'))).toBe('curl');
    expect(toolSummary(toolHints('Read', { file_path: '/p/a.ts' }))).toBe('/p/a.ts');
    expect(toolSummary(toolHints('WebFetch', { url: 'https://docs.x.dev/a?token=1' }))).toBe('docs.x.dev');
    expect(toolSummary([])).toBeUndefined();
  });
});
