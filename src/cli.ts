#!/usr/bin/env node
// Entry point: dispatches to one module per subcommand (src/commands/<name>.ts). Each command
// module exports `run(argv: string[]): Promise<number>` (the exit code) and `help: string`.
import { existsSync } from 'node:fs';
import { exitCodeOf, usageError } from './util/cli-error.js';

type Command = { run(argv: string[]): Promise<number>; help: string; summary: string };

const commands: Record<string, () => Promise<Command>> = {
  profile: () => import('./commands/profile.js'),
  tags: () => import('./commands/tags.js'),
  sessions: () => import('./commands/sessions.js'),
  diff: () => import('./commands/diff.js'),
  merge: () => import('./commands/merge.js'),
  advise: () => import('./commands/advise.js'),
  push: () => import('./commands/push.js'),
  live: () => import('./commands/live.js'),
  replay: () => import('./commands/replay.js'),
  doctor: () => import('./commands/doctor.js'),
  report: () => import('./commands/report.js'),
  check: () => import('./commands/check.js'),
  statusline: () => import('./commands/statusline.js'),
};

/** Subcommand used when the first argument is not a command name (a path or a flag). */
const DEFAULT_COMMAND = 'profile';

async function usage(): Promise<string> {
  const lines = ['agentpprof — semantic flamegraphs for AI coding agents', '', 'Usage: agentpprof [COMMAND] [OPTIONS] [PATHS…]', '', 'Commands:'];
  for (const [name, load] of Object.entries(commands)) lines.push(`  ${name.padEnd(10)} ${(await load()).summary}`);
  lines.push('', 'Run `agentpprof COMMAND --help` for a command\'s options.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write((await usage()) + '\n');
    return 0;
  }
  if (first === '--version') {
    process.stdout.write('agentpprof 0.1.0\n');
    return 0;
  }
  if (first !== undefined && !commands[first] && looksLikeCommand(first)) {
    const near = Object.keys(commands).filter((c) => editDistance(c, first) <= 2);
    throw usageError(`unknown command "${first}"${near.length ? ` (did you mean ${near.join(' or ')}?)` : ''}; ` +
      `commands: ${Object.keys(commands).join(', ')}. To profile a path by that name, write ./${first}`);
  }
  const name = first && commands[first] ? first : DEFAULT_COMMAND;
  const args = first && commands[first] ? rest : argv;
  const cmd = await commands[name]();
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(cmd.help + '\n');
    return 0;
  }
  try {
    return await cmd.run(args);
  } catch (err) {
    // A usage error names the command whose --help explains it.
    if (exitCodeOf(err) === 2 && err instanceof Error && !err.message.includes('--help')) {
      // node's parseArgs explains `--` for positionals at length; the option's name is what matters.
      err.message = err.message.replace(/\. To specify a positional argument.*$/s, '') + ` (see agentpprof ${args === argv ? '' : name + ' '}--help)`;
    }
    throw err;
  }
}

/** A bare word that is not a path on disk: a mistyped command rather than a history to read. */
function looksLikeCommand(arg: string): boolean {
  return /^[a-z][a-z-]*$/i.test(arg) && !existsSync(arg);
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`agentpprof: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.AGENTPPROF_DEBUG) console.error(err);
    process.exitCode = exitCodeOf(err);
  },
);
