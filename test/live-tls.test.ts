// Live TLS of agents without OpenSSL symbols, for real as root (`live -- CMD` as nobody, the real collector):
// the native Claude Code build (Bun, static stripped BoringSSL) started through `env`, so nothing locates it
// up front. The collector reports it as an agent without TLS probes; live finds its BoringSSL functions
// (src/sources/collector-tls.ts), caches them by build id and sends them to the running collector. On the
// next run they are passed at start, and the run's tokens come out exact from the TLS plaintext alone (no
// trace file followed). Codex (rustls) is named on the page as an agent whose TLS cannot be seen.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROMPT, makeSandbox } from '../scripts/agents/agent-run.js';
import { agentCommand, agentInstalled } from '../scripts/agents/install.js';
import { startModelServer, type ModelServer } from '../scripts/agents/model-server.js';
import { claudeEnv, runClaude } from '../scripts/agents/run-claude.js';
import { codexConfig, codexEnv } from '../scripts/agents/run-codex.js';
import { mainReplies } from '../scripts/agents/sent-log.js';
import { buildId } from '../src/sources/collector-tls.js';
import { readFolded } from '../src/live/summary.js';
import { cannotTrace, ensureLoader } from './collector-harness.js';
import { giveAway, liveCommand } from './live-command-harness.js';
import { until } from './live-helpers.js';

const skip = cannotTrace() ?? (!agentInstalled('claude-native') || !agentInstalled('codex') ? 'the native Claude Code or Codex is not installed' : null);
if (skip) console.warn(`live TLS tests skipped: ${skip}`);

describe.skipIf(skip)('live: TLS of native agents', () => {
  let dir: string;
  let server: ModelServer;
  let cache: string;
  beforeAll(async () => {
    ensureLoader();
    dir = mkdtempSync(join(tmpdir(), 'live-tls-'));
    chmodSync(dir, 0o755);
    cache = join(dir, 'tls-probes.json');
    server = await startModelServer({ tls: true });
  });
  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The native Claude Code under `live -- env … claude`, as nobody; `traces`: follow its transcript too. */
  async function nativeClaude(traces: boolean) {
    const box = makeSandbox('claude-native', dir);
    const ca = join(box.root, 'ca.pem');
    copyFileSync(server.caFile!, ca);
    giveAway(box.root);
    const env = claudeEnv({ url: server.url, caFile: ca }, box.homeDir, join(box.homeDir, '.claude'));
    delete env.IS_SANDBOX;
    const before = server.sent.replies.length;
    const out = join(box.root, 'prof');
    const args = [agentCommand('claude-native').file, '-p', DEFAULT_PROMPT, '--output-format', 'stream-json', '--verbose', '--allowedTools', 'Bash,Read,Edit'];
    const assign = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    // `env K=V … claude`: live reads CLAUDE_CONFIG_DIR there and follows the transcript. Through a shell's
    // export it cannot know the folder, and the run is profiled from the kernel and TLS alone.
    const cmd = traces ? ['env', ...assign, ...args] : ['sh', '-c', `export ${assign.map((a) => `'${a}'`).join(' ')}; exec "$@"`, 'sh', ...args];
    const r = await liveCommand(cmd, { cwd: box.repoDir, out, env: { AGENTPPROF_TLS_CACHE: cache } });
    expect(r.code, r.stderr).toBe(0);
    const status = JSON.parse(readFileSync(join(out, 'status.json'), 'utf8'));
    return { r, out, status, replies: mainReplies({ ...server.sent, replies: server.sent.replies.slice(before) }, 'anthropic') };
  }

  it('locates the native build\'s BoringSSL when it starts, then captures its model calls from the start', async () => {
    const binary = agentCommand('claude-native').file;
    const first = await nativeClaude(true);
    // reported without probes, located, probed while it ran
    expect(first.status.live.agents).toContainEqual(expect.objectContaining({ agent: 'claude', exe: binary, tls: true }));
    const cached = JSON.parse(readFileSync(cache, 'utf8'));
    expect(cached.probes[buildId(binary)!]).toMatchObject({ kind: 'boringssl' });
    expect(cached.paths[binary]).toBe(buildId(binary));

    // the next run: probes at start; no trace file followed, so every token comes from the TLS plaintext
    const second = await nativeClaude(false);
    const tokens = readFolded(join(second.out, 'tokens.folded'));
    const sum = (kind: string) => [...tokens].filter(([k]) => k.endsWith(`;token:${kind}`)).reduce((n, [, w]) => n + w, 0);
    expect(second.replies.length).toBeGreaterThan(0);
    expect(sum('input'), [...tokens].join('\n')).toBe(second.replies.reduce((n, x) => n + x.usage.input, 0));
    expect(sum('output')).toBe(second.replies.reduce((n, x) => n + x.usage.output, 0));
  }, 240_000);

  it('locates a native build installed in the user\'s home at start: its first run is probed from its exec', async () => {
    const binary = agentCommand('claude-native').file;
    const home = join(dir, 'home');
    mkdirSync(join(home, '.local', 'share', 'claude', 'versions'), { recursive: true });
    const installed = join(home, '.local', 'share', 'claude', 'versions', '2.1.197');
    symlinkSync(binary, installed); // the native installer's layout (a copy would do the same)
    const fresh = join(dir, 'fresh-cache.json');
    const out = join(dir, 'prelocated');
    const live = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'live', '--port', '0', '--log-json', '--out', out, '--history', '0'], {
      env: { ...process.env, HOME: home, AGENTPPROF_TLS_CACHE: fresh }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    live.stderr.on('data', (c) => (log += c));
    const exited = new Promise((r) => live.on('exit', r));
    await until(() => existsSync(fresh) && JSON.parse(readFileSync(fresh, 'utf8')).paths[installed], 60_000);
    await new Promise((r) => setTimeout(r, 500)); // the offsets command reached the collector
    const run = await runClaude({ native: true, server, parent: dir });
    expect(run.exitCode).toBe(0);
    await new Promise((r) => setTimeout(r, 1000));
    live.kill('SIGINT');
    await exited;
    const status = JSON.parse(readFileSync(join(out, 'status.json'), 'utf8'));
    expect(status.live.agents).toContainEqual(expect.objectContaining({ pid: run.pid, agent: 'claude', tls: true }));
    // never reported without probes (other agents on the machine are traced too: only this run's pid)
    expect(log.split('\n').filter((l) => l.includes('TLS functions located') && l.includes(`"pid":${run.pid},`))).toEqual([]);
  }, 240_000);

  it('says on the page that Codex\'s TLS (rustls) cannot be seen', async () => {
    const box = makeSandbox('codex', dir);
    const ca = join(box.root, 'ca.pem');
    copyFileSync(server.caFile!, ca);
    const codexHome = join(box.homeDir, '.codex');
    mkdirSync(codexHome, { recursive: true });
    writeFileSync(join(codexHome, 'config.toml'), codexConfig(server));
    giveAway(box.root);
    const cmd = agentCommand('codex');
    const out = join(box.root, 'prof');
    const r = await liveCommand(['env', ...Object.entries(codexEnv({ caFile: ca }, box.homeDir, codexHome)).map(([k, v]) => `${k}=${v}`), cmd.file, ...cmd.args,
      'exec', '--json', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', '--disable', 'plugins', DEFAULT_PROMPT],
    { cwd: box.repoDir, out, env: { AGENTPPROF_TLS_CACHE: cache }, extra: ['--traces', join(codexHome, 'sessions')] });
    expect(r.code, r.stderr).toBe(0);
    const status = JSON.parse(readFileSync(join(out, 'status.json'), 'utf8'));
    expect(status.live.agents).toContainEqual(expect.objectContaining({ agent: 'codex', tls: true })); // the node launcher
    expect(status.live.agents).toContainEqual(expect.objectContaining({ agent: 'codex', exe: cmd.nativeBinary, tls: false }));
    expect(status.live.missing.join('\n')).toMatch(/^codex \(.*\/codex\): its TLS cannot be seen \(its TLS is rustls/m);
  }, 240_000);
});
