// The small git repository the agents work in: a README, a source file with one bug and a test
// that fails until the bug is fixed. The scripted model replies (script.ts) fix exactly this bug,
// so every tool call really runs and really changes the repository.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const BUG = { file: 'src/app.js', before: 'return a - b;', after: 'return a + b;' } as const;
export const TEST_COMMAND = 'node --test test/';

const FILES: Record<string, string> = {
  'README.md': '# calc\n\nA tiny calculator. Run the tests with `node --test test/`.\n',
  'package.json': JSON.stringify({ name: 'calc', version: '1.0.0', type: 'module', private: true }, null, 2) + '\n',
  [BUG.file]: `// Adds two numbers.\nexport function add(a, b) {\n  ${BUG.before}\n}\n`,
  'test/app.test.js':
    "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from '../src/app.js';\n\n" +
    "test('add', () => {\n  assert.equal(add(2, 3), 5);\n});\n",
};

const git = (cwd: string, ...args: string[]): void => {
  execFileSync('git', args, { cwd, stdio: 'ignore' });
};

/** Creates the repository in a fresh temp dir (or under `parent`) and returns its path. */
export function makeRepo(parent = tmpdir(), name = 'calc'): string {
  const dir = join(mkdtempSync(join(parent, 'agentpprof-repo-')), name);
  for (const [rel, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, '-c', 'user.name=agentpprof', '-c', 'user.email=test@example.invalid', 'add', '.');
  git(dir, '-c', 'user.name=agentpprof', '-c', 'user.email=test@example.invalid', 'commit', '-q', '-m', 'calc with a bug');
  return dir;
}
