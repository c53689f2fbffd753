// What the run-claude / run-codex helpers share: the sandbox (temp HOME, agent config dir, repo),
// the model server (given by the caller, or started and stopped here), and the result shape.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startModelServer, type ModelServer } from './model-server.js';
import { makeRepo } from './repo.js';
import type { SentLog } from './sent-log.js';
import type { SpawnResult } from './spawn-agent.js';

export const DEFAULT_PROMPT = 'fix the failing test in src/app.js';

export interface AgentRunOptions {
  /** A running model server to use; when absent one is started (TLS unless tls:false) and closed after. */
  server?: ModelServer;
  tls?: boolean;
  prompt?: string;
  timeoutMs?: number;
  onSpawn?: (pid: number) => void;
  /** Parent of the sandbox (default: the OS temp dir). */
  parent?: string;
}

export interface AgentRun extends SpawnResult {
  agent: string;
  version: string;
  prompt: string;
  /** The sandbox: home/, the agent's config dir inside it, and the repo. */
  root: string;
  homeDir: string;
  repoDir: string;
  /** The directory the agent writes its traces into (CLAUDE_CONFIG_DIR/projects, CODEX_HOME/sessions). */
  traceDir: string;
  traceFiles: string[];
  serverUrl: string;
  /** The server's log: for a caller-given server this is its whole log, shared with other runs. */
  sent: SentLog;
  /** Native executable doing the agent's TLS (for uprobes), when there is one. */
  nativeBinary: string | undefined;
}

export interface Sandbox {
  root: string;
  homeDir: string;
  repoDir: string;
}

export function makeSandbox(agent: string, parent = tmpdir()): Sandbox {
  const root = mkdtempSync(join(parent, `agentpprof-${agent}-`));
  const homeDir = join(root, 'home');
  mkdirSync(homeDir, { recursive: true });
  return { root, homeDir, repoDir: makeRepo(root) };
}

export async function withServer<T>(opts: AgentRunOptions, fn: (s: ModelServer) => Promise<T>): Promise<T> {
  if (opts.server) return fn(opts.server);
  const server = await startModelServer({ tls: opts.tls ?? true });
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

/** A failed run's message names the agent, its exit and the tail of what it printed. */
export function describeFailure(run: AgentRun): string {
  const how = run.timedOut ? 'timed out' : `exited with ${run.exitCode ?? run.signal}`;
  return `${run.agent} ${run.version} ${how}\n--- stderr (tail)\n${run.stderr.slice(-3000)}\n--- stdout (tail)\n${run.stdout.slice(-3000)}`;
}
