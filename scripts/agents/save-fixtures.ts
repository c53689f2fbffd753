// Runs the real CLIs (the scenarios with a `fixture` name) against the scripted model server and saves
// their trace trees (paths anonymized), what the server sent and what the trace must say, under
// test/fixtures/real/<fixture>/, in the agents' own layout (the dirs work as CLAUDE_CONFIG_DIR / CODEX_HOME).
//   npx tsx scripts/agents/save-fixtures.ts [outDir]
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeFailure, type AgentRun } from './agent-run.js';
import { anonymizer, ANON_REPO, claudeProjectDir } from './anonymize.js';
import { runScenarios, SCENARIOS, type Expectation } from './scenarios.js';

const outDir = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures', 'real');

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)]));

function save(run: AgentRun, name: string, expect: Expectation): void {
  if (run.exitCode !== expect.exitCode || run.traceFiles.length === 0) throw new Error(describeFailure(run));
  const anon = anonymizer(run);
  const dir = join(outDir, name);
  rmSync(dir, { recursive: true, force: true });
  const claude = run.agent.startsWith('claude');
  for (const file of filesUnder(run.traceDir)) {
    const parts = relative(run.traceDir, file).split(sep);
    // Claude's project dir encodes the cwd: re-encode the anonymized one.
    if (claude) parts[0] = claudeProjectDir(ANON_REPO);
    const target = join(dir, basename(run.traceDir), ...parts);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, anon(readFileSync(file, 'utf8')));
  }
  const { prompts, subagentTasks, exitCode } = expect;
  const sent = { agent: run.agent, version: run.version, expect: { prompts, subagentTasks, exitCode }, ...run.sent };
  writeFileSync(join(dir, 'sent.json'), anon(JSON.stringify(sent, null, 2)) + '\n');
  console.log(`${name}: ${run.traceFiles.length} trace file(s)`);
  rmSync(run.root, { recursive: true, force: true });
}

const names = Object.keys(SCENARIOS).filter((n) => SCENARIOS[n].fixture);
const runs = await runScenarios(names);
for (const n of names) save(runs[n], SCENARIOS[n].fixture!, SCENARIOS[n]);
