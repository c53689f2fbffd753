#!/usr/bin/env node
// Entry point: dispatches to one module per subcommand (src/commands/<name>.ts). Each command
// module exports `run(argv: string[]): Promise<number>` (the exit code) and `help: string`.

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
  const name = first && commands[first] ? first : DEFAULT_COMMAND;
  const args = first && commands[first] ? rest : argv;
  const cmd = await commands[name]();
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(cmd.help + '\n');
    return 0;
  }
  return cmd.run(args);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`agentpprof: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.AGENTPPROF_DEBUG) console.error(err);
    process.exitCode = 1;
  },
);
