// End to end as root: `agentpprof live` with the real eBPF collector while the real Claude Code CLI
// (node build) and the real Codex CLI fix a bug against the scripted HTTPS model server. A /ws client
// checks the tokens view holds the run's exact token counts under the prompt's tag, the files view the
// Bash tool's reads and writes with kernel evidence, the network view the model server's domain. A
// screenshot of the dashboard during the Claude run goes to test-output/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agentInstalled } from '../scripts/agents/install.js';
import { runClaude } from '../scripts/agents/run-claude.js';
import { runCodex } from '../scripts/agents/run-codex.js';
import { mainReplies, type SentReply } from '../scripts/agents/sent-log.js';
import { defaultRules, RegexTagger } from '../src/tag/index.js';
import { cli, killAll, until, watch } from './live-helpers.js';
import { launchChromium } from './helpers/browser.js';

const root = process.getuid?.() === 0;
const collector = existsSync('agentsight/build/agentsight');
const ready = root && collector && agentInstalled('claude') && agentInstalled('codex');
afterAll(killAll);

/** Sums of what the server sent, by token frame. */
function sentTokens(replies: SentReply[]): Record<string, number> {
  const t = { input: 0, output: 0, cache_read: 0, cache_write: 0 };
  for (const r of replies) {
    t.input += r.usage.input; t.output += r.usage.output; t.cache_read += r.usage.cacheRead;
    t.cache_write += r.usage.cacheWrite5m + r.usage.cacheWrite1h;
  }
  return t;
}

/** The tokens view's sums by token frame under one agent and prompt tag. */
function viewTokens(stacks: Map<string, number>, agent: string, tag: string): Record<string, number> {
  const t: Record<string, number> = { input: 0, output: 0, cache_read: 0, cache_write: 0 };
  for (const [s, w] of stacks) {
    const f = s.split(';');
    if (f[0] === `agent:${agent}` && f[1] === `prompt:${tag}`) t[f.at(-1)!.slice('token:'.length)] += w;
  }
  return t;
}

describe.skipIf(!ready)('live end to end (root, real collector, real agents)', () => {
  it('shows Claude Code and Codex runs with exact tokens, kernel file effects and the model server domain', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'live-e2e-'));
    const live = cli(['live', '--port', '0', '--token', 'e2e', '--log-json', '--traces', dir, '--out', join(dir, 'out'), '--history', '0']);
    const url = await live.url;
    const tokens = watch(url, 'tokens'), files = watch(url, 'files'), network = watch(url, 'network');
    await until(() => tokens.state.last?.status.collector === 'running', 30_000);
    const [{ tag }] = await new RegexTagger(defaultRules()).tagAll(['fix the failing test in src/app.js']);

    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(url);
    // A pause before each reply keeps the run going long enough to catch the page while it grows.
    const running = runClaude({ parent: dir, replyDelayMs: 400 });
    await page.waitForFunction(() => (window as any).agentpprof.tree.names.includes('agent:claude'), null, { timeout: 60_000 });
    mkdirSync('test-output', { recursive: true });
    await page.screenshot({ path: 'test-output/live-e2e-claude-running.png', fullPage: true });
    const claude = await running;
    expect(claude.exitCode).toBe(0);
    const want = sentTokens(mainReplies(claude.sent, 'anthropic'));
    await until(() => JSON.stringify(viewTokens(tokens.stacks(), 'claude', tag)) === JSON.stringify(want) || undefined, 20_000)
      .catch(() => { throw new Error(`tokens view ${JSON.stringify(viewTokens(tokens.stacks(), 'claude', tag))} ≠ sent ${JSON.stringify(want)}\n${[...tokens.stacks().keys()].join('\n')}`); });
    await page.screenshot({ path: 'test-output/live-e2e-claude.png', fullPage: true });
    await browser.close();

    // Files: the first Bash call `cat README.md; echo hi > out.txt`, seen by the kernel.
    const fileStacks = await until(() => {
      const keys = [...files.stacks().keys()];
      const read = keys.find((k) => k.startsWith(`prompt:${tag};tool:Bash;process:cat;file:README.md;effect:read`));
      const write = keys.find((k) => k.startsWith(`prompt:${tag};tool:Bash;`) && /file:out\.txt;effect:(write|create)$/.test(k));
      return read && write ? keys : undefined;
    }, 20_000).catch(() => { throw new Error('files view:\n' + [...files.stacks().keys()].join('\n')); });
    expect(fileStacks.length).toBeGreaterThan(2);
    // Scope: agents by executable and argv, this run's Claude Code among them with its TLS probed.
    const st = tokens.state.last!.status;
    expect(st.scope).toMatch(/^agent CLIs recognised by executable and argv/);
    expect(st.agents).toContainEqual(expect.objectContaining({ pid: claude.pid, agent: 'claude', tls: true }));
    // Network: the agent's connections to the scripted model server (https://localhost:PORT).
    expect([...network.stacks().keys()].some((k) => k.startsWith(`prompt:${tag};`) && k.endsWith('domain:localhost'))).toBe(true);

    // Codex: tokens from its rollout (its TLS is rustls, invisible to uprobes), effects from the kernel.
    const codex = await runCodex({ parent: dir });
    expect(codex.exitCode).toBe(0);
    const wantCodex = sentTokens(mainReplies(codex.sent, 'openai'));
    await until(() => JSON.stringify(viewTokens(tokens.stacks(), 'codex', tag)) === JSON.stringify(wantCodex) || undefined, 20_000)
      .catch(() => { throw new Error(`codex tokens ${JSON.stringify(viewTokens(tokens.stacks(), 'codex', tag))} ≠ sent ${JSON.stringify(wantCodex)}`); });
    // Codex: its pid is bound by the files it names after its session id; the same first command, via exec_command.
    await until(() => [...files.stacks().keys()].some((k) => k.startsWith(`prompt:${tag};tool:exec_command;process:cat;file:README.md;effect:read`)), 20_000)
      .catch(() => { throw new Error('files view after Codex:\n' + [...files.stacks()].filter(([k]) => !k.startsWith('prompt:unattributed')).map(([k, w]) => `${k} ${w}`).join('\n')); });

    // Codex's native child is traced, and the page says its TLS (rustls) cannot be seen.
    await until(() => tokens.state.last!.status.missing.some((m) => /^codex \(.*\): its TLS cannot be seen/.test(m)), 20_000)
      .catch(() => { throw new Error(`missing: ${tokens.state.last!.status.missing.join('\n')}`); });

    // kill -9 the real collector: restarted with a gap, the aggregates kept.
    const kept = tokens.total();
    const collectorPid = Number(execFileSync('ps', ['-o', 'pid=', '--ppid', String(live.proc.pid)], { encoding: 'utf8' })
      .split('\n').map((l) => l.trim()).find((pid) => pid && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'agentsight'));
    process.kill(collectorPid, 'SIGKILL');
    await until(() => { const st = tokens.state.last!.status; return st.restarts >= 1 && st.collector === 'running' && st.gaps.at(-1)?.end !== undefined; }, 30_000);
    expect(tokens.state.last!.status.gaps.at(-1)!.reason).toMatch(/SIGKILL/);
    expect(tokens.total()).toBe(kept);

    for (const w of [tokens, files, network]) w.ws.close();
    live.proc.kill('SIGINT');
    expect(await live.exit).toBe(0);
  }, 240_000);
});
