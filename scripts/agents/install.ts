// Where `scripts/setup.sh agents` (install.mjs) put the real CLIs, and how to start them.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type AgentId = 'claude' | 'claude-native' | 'codex';

interface AgentSpec {
  dir: string;
  package: string;
  version: string;
  entry: string;
  runWithNode: boolean;
  native?: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const specs = JSON.parse(readFileSync(join(here, 'agents.json'), 'utf8')) as Record<AgentId, AgentSpec>;

export const agentsDir = (): string => process.env.AGENTPPROF_AGENTS_DIR ?? join(here, '..', '..', '.cache', 'agents');

export interface AgentCommand {
  id: AgentId;
  version: string;
  /** Program to exec and its leading arguments (the node binary and cli.js for node builds). */
  file: string;
  args: string[];
  /** The native executable doing the work (and the TLS), for uprobes; equals `file` for native builds. */
  nativeBinary: string | undefined;
}

export class AgentMissingError extends Error {}

/** The command that starts an agent; throws AgentMissingError saying how to install it. */
export function agentCommand(id: AgentId): AgentCommand {
  const spec = specs[id];
  const dir = join(agentsDir(), spec.dir);
  const entry = join(dir, spec.entry);
  if (!existsSync(entry)) {
    throw new AgentMissingError(`${spec.package}@${spec.version} (${id}) is not installed: ${entry} is missing. ` +
      'Install it with `scripts/setup.sh agents` (or `make test`, which runs it).');
  }
  const nativeBinary = spec.native ? join(dir, spec.native) : spec.runWithNode ? undefined : entry;
  // The node builds run under the node running us (/usr/bin/node here), as `claude` would via its shebang.
  return spec.runWithNode
    ? { id, version: spec.version, file: process.execPath, args: [entry], nativeBinary }
    : { id, version: spec.version, file: entry, args: [], nativeBinary };
}

export const agentInstalled = (id: AgentId): boolean => {
  try {
    agentCommand(id);
    return true;
  } catch {
    return false;
  }
};
