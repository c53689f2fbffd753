// `agentpprof doctor` on this machine: as root the collector really loads and attaches; histories are
// counted as `sessions` counts them (on a generated corpus); the agent CLIs installed by
// `scripts/setup.sh agents` are told apart by where their TLS lives; as an unprivileged user it fails
// with the fix, exit 1.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const isRoot = process.getuid?.() === 0;
const agents = JSON.parse(readFileSync(join(root, 'scripts/agents/agents.json'), 'utf8')) as Record<string, { dir: string; entry: string }>;
const agentPath = (key: string) => join(root, '.cache/agents', agents[key].dir, agents[key].entry);
const haveAgents = ['claude', 'claude-native', 'codex'].every((k) => existsSync(agentPath(k)));

interface Check { id: string; status: string; detail: string; fix?: string }
interface Report { ok: boolean; checks: Check[] }

const dir = mkdtempSync(join(tmpdir(), 'agentpprof-doctor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function doctor(args: string[], env: NodeJS.ProcessEnv, uid?: number): { code: number | null; report: Report; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'doctor', '--json', ...args], {
    cwd: root, env, encoding: 'utf8', timeout: 60_000, ...(uid !== undefined ? { uid, gid: uid } : {}),
  });
  if (!r.stdout) throw new Error(`doctor printed nothing (status ${r.status}): ${r.stderr}`);
  return { code: r.status, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
}
const byId = (rep: Report, id: string) => {
  const c = rep.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id} in ${rep.checks.map((x) => x.id).join(', ')}`);
  return c;
};
const sessionsTotals = (agentDir: string) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'sessions', '--json', agentDir], { cwd: root, encoding: 'utf8' });
  return (JSON.parse(r.stdout) as { totals: { sessions: number; subagent_sessions: number; prompts: number } }).totals;
};

describe('agentpprof doctor', () => {
  const corpus = join(dir, 'corpus');
  const home = join(dir, 'home');
  const bin = join(dir, 'bin');
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    const g = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/gen-corpus.ts', '--out', corpus, '--seed', '7', '--sessions', '6', '--agents', 'claude,codex', '--quiet'], { cwd: root, encoding: 'utf8' });
    expect(g.status, g.stderr).toBe(0);
    mkdirSync(home);
    mkdirSync(bin);
    // Only the agents under test on PATH (besides node and the system's tools).
    env = { PATH: `${bin}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin`, HOME: home, CLAUDE_CONFIG_DIR: join(corpus, 'claude'), CODEX_HOME: join(corpus, 'codex'), TZ: 'UTC' };
  }, 120_000);

  it.runIf(isRoot)('as root: the kernel checks pass, the collector loads and attaches, and live would see everything', () => {
    const { code, report } = doctor([], env);
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    for (const id of ['btf', 'tracefs', 'uprobes', 'root', 'collector', 'collector-load', 'libssl', 'live']) expect(byId(report, id).status, id).toBe('ok');
    expect(byId(report, 'collector-load').detail).toMatch(/^loaded and attached in \d+ ms \(\d+ uprobe links/);
    expect(byId(report, 'live').detail).toMatch(/file reads\/writes\/deletes and network connections/);
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
  }, 90_000);

  it('counts each history as `agentpprof sessions` does', () => {
    const { report } = doctor(['--no-load'], env);
    for (const agent of ['claude', 'codex']) {
      const t = sessionsTotals(join(corpus, agent));
      const line = byId(report, `history ${agent}`).detail;
      expect(line.startsWith(`${join(corpus, agent)}: ${t.sessions} sessions`), line).toBe(true);
      if (t.subagent_sessions) expect(line).toContain(`(+${t.subagent_sessions} subagent session`);
      expect(line).toContain(`, ${t.prompts} prompts,`);
    }
  }, 90_000);

  it.runIf(haveAgents)('tells the agent CLIs apart by where their TLS lives', () => {
    const links = [['claude', agentPath('claude-native')], ['codex', agentPath('codex')]];
    for (const [name, target] of links) symlinkSync(target, join(bin, name));
    const native = doctor(['--no-load'], env).report;
    expect(byId(native, 'agent claude')).toMatchObject({ status: 'ok' });
    expect(byId(native, 'agent claude').detail).toMatch(/native executable; TLS visible: static BoringSSL located in \S+ \(SSL_write at 0x[0-9a-f]+, SSL_read at 0x[0-9a-f]+/);
    expect(byId(native, 'agent codex')).toMatchObject({ status: 'warn' });
    expect(byId(native, 'agent codex').detail).toMatch(/starting \S+\/codex; TLS not visible: .*rustls/);
    expect(byId(native, 'live').detail).toMatch(/will not show the TLS of codex/);
    // The node build: TLS in the OpenSSL that node embeds.
    rmSync(join(bin, 'claude'));
    symlinkSync(agentPath('claude'), join(bin, 'claude')); // npm made it executable (its bin)
    const node = doctor(['--no-load'], env).report;
    expect(byId(node, 'agent claude').detail).toMatch(/node script \(\/\S+\); TLS visible: OpenSSL's SSL_write\/SSL_read exported by \/\S+node: probed by name/);
  }, 120_000);

  it.runIf(isRoot)('as an unprivileged user: the root line fails with its fix and the exit status is 1', () => {
    const { code, report } = doctor([], { ...env, HOME: '/nonexistent' }, 65534);
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    const r = byId(report, 'root');
    expect(r.status).toBe('fail');
    expect(r.fix).toMatch(/^sudo agentpprof live/);
    expect(byId(report, 'collector-load')).toMatchObject({ status: 'skip' });
    expect(byId(report, 'live').detail).toMatch(/will not show processes, file and network effects or TLS/);
  }, 90_000);
});
