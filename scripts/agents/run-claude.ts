// Runs the real Claude Code CLI (-p, stream-json) in a fresh sandbox against the scripted model server.
//   API: runClaude({server?, prompt?, native?}) → AgentRun
//   CLI: npx tsx scripts/agents/run-claude.ts [--native] [--http] [--prompt TEXT] [--steps N] [--slow MS]   (prints the run as JSON)
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CLI_OPTIONS, cliRunOptions, printRun, runAgent, type AgentRun, type AgentRunOptions } from './agent-run.js';
import type { ModelServer } from './model-server.js';
import { baseEnv } from './spawn-agent.js';

export interface ClaudeRunOptions extends AgentRunOptions {
  /** Run the native Bun build (2.1.197) instead of the node build (2.1.112). */
  native?: boolean;
  /** --allowedTools (default Bash,Read,Edit; add Agent for subagents). */
  allowedTools?: string;
}

export function claudeEnv(server: Pick<ModelServer, 'url' | 'caFile'>, homeDir: string, configDir: string): Record<string, string> {
  return {
    ...baseEnv(homeDir),
    CLAUDE_CONFIG_DIR: configDir,
    ANTHROPIC_BASE_URL: server.url,
    ANTHROPIC_API_KEY: 'sk-ant-test-agentpprof',
    ...(server.caFile ? { NODE_EXTRA_CA_CERTS: server.caFile } : {}),
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_ERROR_REPORTING: '1',
    // As root, Claude Code refuses to skip permission prompts outside a declared sandbox.
    IS_SANDBOX: '1',
  };
}

export const runClaude = (opts: ClaudeRunOptions = {}): Promise<AgentRun> =>
  runAgent(opts.native ? 'claude-native' : 'claude', opts, (box, server, prompt, resume) => {
    const configDir = join(box.homeDir, '.claude');
    return {
      args: [...(resume ? ['--continue'] : []), '-p', prompt, '--output-format', 'stream-json', '--verbose', '--allowedTools', opts.allowedTools ?? 'Bash,Read,Edit'],
      env: claudeEnv(server, box.homeDir, configDir),
      traceDir: join(configDir, 'projects'),
    };
  });

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { ...CLI_OPTIONS, native: { type: 'boolean' } } });
  printRun(await runClaude({ ...cliRunOptions(values), native: values.native }));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
