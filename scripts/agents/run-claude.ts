// Runs the real Claude Code CLI (-p, stream-json) in a fresh sandbox against the scripted model server.
//   API: runClaude({server?, prompt?, native?}) → AgentRun
//   CLI: npx tsx scripts/agents/run-claude.ts [--native] [--http] [--prompt TEXT]   (prints the run as JSON)
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_PROMPT, makeSandbox, withServer, type AgentRun, type AgentRunOptions } from './agent-run.js';
import { agentCommand } from './install.js';
import type { ModelServer } from './model-server.js';
import { baseEnv, findJsonl, spawnAgent } from './spawn-agent.js';

export interface ClaudeRunOptions extends AgentRunOptions {
  /** Run the native Bun build (2.1.197) instead of the node build (2.1.112). */
  native?: boolean;
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

export async function runClaude(opts: ClaudeRunOptions = {}): Promise<AgentRun> {
  const cmd = agentCommand(opts.native ? 'claude-native' : 'claude');
  const prompt = opts.prompt ?? DEFAULT_PROMPT;
  return withServer(opts, async (server) => {
    const box = makeSandbox('claude', opts.parent);
    const configDir = join(box.homeDir, '.claude');
    const args = ['-p', prompt, '--output-format', 'stream-json', '--verbose', '--allowedTools', 'Bash,Read,Edit'];
    const res = await spawnAgent(cmd, args, {
      cwd: box.repoDir,
      env: claudeEnv(server, box.homeDir, configDir),
      timeoutMs: opts.timeoutMs ?? 120_000,
      onSpawn: opts.onSpawn,
    });
    const traceDir = join(configDir, 'projects');
    return {
      ...res, ...box, agent: cmd.id, version: cmd.version, prompt, traceDir, traceFiles: findJsonl(traceDir),
      serverUrl: server.url, sent: server.sent, nativeBinary: cmd.nativeBinary,
    };
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { native: { type: 'boolean' }, http: { type: 'boolean' }, prompt: { type: 'string' } } });
  const run = await runClaude({ native: values.native, tls: !values.http, prompt: values.prompt });
  console.log(JSON.stringify(run, null, 2));
  process.exitCode = run.exitCode === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
