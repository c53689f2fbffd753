// Runs the real Codex CLI (`codex exec --json`) in a fresh sandbox against the scripted model server.
//   API: runCodex({server?, prompt?}) → AgentRun
//   CLI: npx tsx scripts/agents/run-codex.ts [--http] [--prompt TEXT] [--steps N] [--slow MS]   (prints the run as JSON)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CLI_OPTIONS, cliRunOptions, printRun, runAgent, type AgentRun, type AgentRunOptions } from './agent-run.js';
import type { ModelServer } from './model-server.js';
import { baseEnv } from './spawn-agent.js';

export const CODEX_MODEL = 'gpt-5.1-codex';

/** Codex ignores OPENAI_BASE_URL; a custom provider in config.toml is the way to a local server. */
export const codexConfig = (server: Pick<ModelServer, 'url'>, model = CODEX_MODEL): string => `model = "${model}"
model_provider = "mock"
approval_policy = "never"
sandbox_mode = "danger-full-access"

[model_providers.mock]
name = "scripted model server"
base_url = "${server.url}/v1"
wire_api = "responses"
env_key = "MOCK_OPENAI_KEY"
`;

export function codexEnv(server: Pick<ModelServer, 'caFile'>, homeDir: string, codexHome: string): Record<string, string> {
  return {
    ...baseEnv(homeDir),
    CODEX_HOME: codexHome,
    MOCK_OPENAI_KEY: 'sk-test-agentpprof',
    // rustls trusts this bundle instead of the system roots.
    ...(server.caFile ? { SSL_CERT_FILE: server.caFile } : {}),
  };
}

export const runCodex = (opts: AgentRunOptions = {}): Promise<AgentRun> =>
  runAgent('codex', opts, (box, server, prompt, resume) => {
    const codexHome = join(box.homeDir, '.codex');
    mkdirSync(codexHome, { recursive: true });
    writeFileSync(join(codexHome, 'config.toml'), codexConfig(server));
    return {
      args: ['exec', ...(resume ? ['resume', '--last'] : []), '--json', '--skip-git-repo-check',
        '--dangerously-bypass-approvals-and-sandbox', '--disable', 'plugins', prompt],
      env: codexEnv(server, box.homeDir, codexHome),
      traceDir: join(codexHome, 'sessions'),
    };
  });

async function main(): Promise<void> {
  const { values } = parseArgs({ options: CLI_OPTIONS });
  printRun(await runCodex(cliRunOptions(values)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
