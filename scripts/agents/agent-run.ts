// What the run-claude / run-codex helpers share: the sandbox (temp HOME, agent config dir, repo),
// the model server (given by the caller, or started and stopped here), and the result shape.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentCommand, type AgentId } from './install.js';
import { startModelServer, type ModelServer } from './model-server.js';
import { makeRepo } from './repo.js';
import { stepsScript, type Script } from './script.js';
import type { SentLog } from './sent-log.js';
import { findJsonl, spawnAgent, type SpawnResult } from './spawn-agent.js';

export const DEFAULT_PROMPT = 'fix the failing test in src/app.js';

export interface AgentRunOptions {
  /** A running model server to use; when absent one is started (TLS unless tls:false) and closed after. */
  server?: ModelServer;
  /** For a server started here: TLS (default true), the script, a pause before each reply. */
  tls?: boolean;
  script?: Script;
  replyDelayMs?: number;
  finalDelayMs?: number;
  prompt?: string;
  timeoutMs?: number;
  onSpawn?: (pid: number) => void;
  /** Parent of the sandbox (default: the OS temp dir). */
  parent?: string;
  /** Continue that run's session (same sandbox, HOME and trace dir): `claude --continue`, `codex exec resume --last`. */
  resume?: AgentRun;
}

export interface AgentRun extends SpawnResult {
  agent: string;
  version: string;
  prompt: string;
  /** True when the run continued an earlier run's session (AgentRunOptions.resume). */
  resumed: boolean;
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
  const server = await startModelServer({ tls: opts.tls ?? true, script: opts.script, replyDelayMs: opts.replyDelayMs, finalDelayMs: opts.finalDelayMs });
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

/** How one agent is started in a prepared sandbox; prepare may write config files into the sandbox. */
export interface Launch {
  args: string[];
  env: Record<string, string>;
  traceDir: string;
}

/** Runs an agent to completion in a fresh sandbox against the scripted server and collects its traces. */
export async function runAgent(id: AgentId, opts: AgentRunOptions, prepare: (box: Sandbox, server: ModelServer, prompt: string, resume: boolean) => Launch): Promise<AgentRun> {
  const cmd = agentCommand(id);
  const prompt = opts.prompt ?? DEFAULT_PROMPT;
  return withServer(opts, async (server) => {
    const box: Sandbox = opts.resume ? { root: opts.resume.root, homeDir: opts.resume.homeDir, repoDir: opts.resume.repoDir } : makeSandbox(id, opts.parent);
    const launch = prepare(box, server, prompt, opts.resume !== undefined);
    const res = await spawnAgent(cmd, launch.args, {
      cwd: box.repoDir,
      env: launch.env,
      timeoutMs: opts.timeoutMs ?? 120_000,
      onSpawn: opts.onSpawn,
    });
    return {
      ...res, ...box, agent: cmd.id, version: cmd.version, prompt, resumed: opts.resume !== undefined, traceDir: launch.traceDir,
      traceFiles: findJsonl(launch.traceDir), serverUrl: server.url, sent: server.sent, nativeBinary: cmd.nativeBinary,
    };
  });
}

/** The options the run-* CLIs share: --http, --prompt, --steps N (stepsScript), --slow MS (replyDelayMs). */
export const CLI_OPTIONS = {
  http: { type: 'boolean' }, prompt: { type: 'string' }, steps: { type: 'string' }, slow: { type: 'string' },
} as const;

export const cliRunOptions = (v: { http?: boolean; prompt?: string; steps?: string; slow?: string }): AgentRunOptions => ({
  tls: !v.http, prompt: v.prompt, script: v.steps ? stepsScript(Number(v.steps)) : undefined, replyDelayMs: v.slow ? Number(v.slow) : undefined,
});

/** For the run-* CLIs: the run as JSON on stdout, exit 1 when the agent failed. */
export function printRun(run: AgentRun): void {
  console.log(JSON.stringify(run, null, 2));
  process.exitCode = run.exitCode === 0 ? 0 : 1;
}
