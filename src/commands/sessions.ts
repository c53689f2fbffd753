export const summary = 'table of sessions: agent, project, session, start, prompts, calls, tokens by kind';
export const help = `agentpprof sessions [OPTIONS] [PATHS…]\n\n(being built: issue 2)`;
export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('agentpprof sessions: not built yet\n');
  return 2;
}
