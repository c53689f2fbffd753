// Runs the real CLIs once each against the scripted model server and saves their traces (paths
// anonymized) and what the server sent, under test/fixtures/real/, in the agents' own directory layout
// so the fixture dirs work as CLAUDE_CONFIG_DIR / CODEX_HOME roots.
//   npx tsx scripts/agents/save-fixtures.ts [outDir]
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeFailure, type AgentRun } from './agent-run.js';
import { anonymizer, ANON_REPO, claudeProjectDir } from './anonymize.js';
import { runClaude } from './run-claude.js';
import { runCodex } from './run-codex.js';

const outDir = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures', 'real');

function save(run: AgentRun, name: string): void {
  if (run.exitCode !== 0 || run.traceFiles.length !== 1) throw new Error(describeFailure(run));
  const anon = anonymizer(run);
  const dir = join(outDir, name);
  rmSync(dir, { recursive: true, force: true });
  const rel = relative(run.traceDir, run.traceFiles[0]);
  // Claude's project dir encodes the cwd: re-encode the anonymized one.
  const target = name.startsWith('claude')
    ? join(dir, 'projects', claudeProjectDir(ANON_REPO), basename(rel))
    : join(dir, 'sessions', rel);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, anon(readFileSync(run.traceFiles[0], 'utf8')));
  const sent = { agent: run.agent, version: run.version, prompt: run.prompt, ...run.sent };
  writeFileSync(join(dir, 'sent.json'), anon(JSON.stringify(sent, null, 2)) + '\n');
  console.log(`${name}: ${relative(outDir, target)}`);
  rmSync(run.root, { recursive: true, force: true });
}

save(await runClaude(), 'claude-2.1.112');
save(await runClaude({ native: true }), 'claude-2.1.197');
save(await runCodex(), 'codex-0.171.0');
