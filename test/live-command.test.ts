// `sudo agentpprof live -- CMD`, for real as root with the real collector: the command runs as the
// invoking user (here SUDO_UID/SUDO_GID of `nobody`), held until the probes are attached, only its tree is
// traced, the run stops when it exits, prints the summary, and keeps its exit code. The agent run is the
// real Claude Code (node build) against the scripted HTTPS model server, with a noise node process
// writing files beside it; its Bash tool's file effects and its exact tokens must be in the profile, and
// nothing of the noise.
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSandbox } from '../scripts/agents/agent-run.js';
import { agentCommand, agentInstalled } from '../scripts/agents/install.js';
import { claudeEnv } from '../scripts/agents/run-claude.js';
import { startModelServer, type ModelServer } from '../scripts/agents/model-server.js';
import { mainReplies } from '../scripts/agents/sent-log.js';
import { DEFAULT_PROMPT } from '../scripts/agents/agent-run.js';
import { readFolded } from '../src/live/summary.js';
import { defaultRules, RegexTagger } from '../src/tag/index.js';
import { cannotTrace, ensureLoader } from './collector-harness.js';
import { launchChromium } from './helpers/browser.js';
import { giveAway, liveCommand, makeDir, NOBODY } from './live-command-harness.js';

const skip = cannotTrace();
if (skip) console.warn(`live -- CMD tests skipped: ${skip}`);

describe.skipIf(skip)('live -- CMD (root, real collector)', () => {
  let dir: string;
  beforeAll(() => {
    ensureLoader();
    dir = mkdtempSync(join(tmpdir(), 'live-cmd-'));
    chmodSync(dir, 0o755);
  });
  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('runs the command as the sudo user, traces its file effects, keeps its exit code', async () => {
    const work = join(dir, 'plain');
    makeDir(work);
    const r = await liveCommand(['sh', '-c', `id -u > ${work}/who.txt; echo hi > ${work}/a.txt; cat ${work}/a.txt > ${work}/b.txt; exit 7`], { cwd: work, out: join(work, 'prof') });
    expect(r.code, r.stderr).toBe(7);
    expect(readFileSync(join(work, 'who.txt'), 'utf8').trim()).toBe(String(NOBODY));
    const files = [...readFolded(join(work, 'prof', 'files.folded')).keys()];
    // held until attached: even the shell's own exec and its first writes are there
    expect(files.some((k) => /process:sh;file:sh;effect:exec$/.test(k)), files.join('\n')).toBe(true);
    expect(files.some((k) => k.includes('process:cat;') && k.endsWith(';effect:read'))).toBe(true);
    expect(statSync(join(work, 'prof', 'files.folded')).uid).toBe(NOBODY); // the profile is the user's
    expect(r.stderr).toMatch(/agentpprof: `sh -c .*` exited 7 after/);
    expect(r.stderr).toContain(`profile: ${join(work, 'prof')}/`);
    const status = JSON.parse(readFileSync(join(work, 'prof', 'status.json'), 'utf8'));
    expect(status.live.scope).toMatch(/^the process tree of `sh -c/);
  }, 60_000);

  it('--keep serves on after the command exits, until Ctrl-C; the exit code is still the command\'s', async () => {
    const work = join(dir, 'keep');
    makeDir(work);
    let signalled = false;
    const r = await liveCommand(['sh', '-c', `echo kept > ${work}/k.txt; exit 5`], {
      cwd: work, out: join(work, 'prof'), extra: ['--keep'],
      onOutput: (text, p) => { if (!signalled && text.includes('still serving')) { signalled = true; setTimeout(() => p.kill('SIGINT'), 500); } },
    });
    expect(signalled, r.stderr).toBe(true);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/agentpprof: `sh -c .*` exited 5 after/);
    expect([...readFolded(join(work, 'prof', 'files.folded')).keys()].some((k) => k.includes('process:sh;') && /effect:(write|create)$/.test(k))).toBe(true);
  }, 60_000);

  it.skipIf(!agentInstalled('claude'))('profiles a real Claude Code run and nothing of a node process beside it', async () => {
    const server: ModelServer = await startModelServer({ tls: true });
    const noiseDir = join(dir, 'noise');
    makeDir(noiseDir);
    const noise = spawn('node', ['-e', `const fs=require('fs');let i=0;const t=setInterval(()=>{fs.writeFileSync('${noiseDir}/n'+(i%50),'x');fs.readFileSync('${noiseDir}/n'+(i%50));if(++i>=4000)clearInterval(t)},2)`], { stdio: 'ignore' });
    try {
      const box = makeSandbox('claude', dir);
      const ca = join(box.root, 'ca.pem');
      copyFileSync(server.caFile!, ca);
      giveAway(box.root);
      const env = claudeEnv({ url: server.url, caFile: ca }, box.homeDir, join(box.homeDir, '.claude'));
      delete env.IS_SANDBOX; // not root: no sandbox declaration needed
      const cmd = agentCommand('claude');
      const out = join(box.root, 'prof');
      // The dashboard as a user sees it while the agent runs beside the noise: a screenshot once the agent's
      // first call is on the page (--keep holds the server until the screenshot is taken, then Ctrl-C).
      let shot: Promise<void> | undefined;
      let shotDone = false, serving = false, stopped = false;
      const stopWhenReady = (p: import('node:child_process').ChildProcess) => {
        if (shotDone && serving && !stopped) { stopped = true; setTimeout(() => p.kill('SIGINT'), 200); }
      };
      const r = await liveCommand(['env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), cmd.file, ...cmd.args,
        '-p', DEFAULT_PROMPT, '--output-format', 'stream-json', '--verbose', '--allowedTools', 'Bash,Read,Edit'],
      // its transcripts go to CLAUDE_CONFIG_DIR, set by the command's `env`, not in the user's home: followed
      { cwd: box.repoDir, out, extra: ['--record', join(box.root, 'rec.jsonl'), '--keep'], onOutput: (text, p) => {
        const url = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(text)?.[1];
        if (url && !shot) shot = screenshotDuringRun(url).finally(() => { shotDone = true; stopWhenReady(p); });
        if (text.includes('still serving')) { serving = true; stopWhenReady(p); }
      } });
      await shot;
      expect(r.code, r.stderr).toBe(0);
      writeFileSync(join(dir, 'live-command-claude.txt'), r.stderr);
      // exact tokens from its transcript, under the prompt's tag
      const tokens = readFolded(join(out, 'tokens.folded'));
      const sum = (kind: string) => [...tokens].filter(([k]) => k.startsWith('agent:claude;') && k.endsWith(`;token:${kind}`)).reduce((n, [, w]) => n + w, 0);
      const want = mainReplies(server.sent, 'anthropic');
      expect(sum('input')).toBe(want.reduce((n, x) => n + x.usage.input, 0));
      expect(sum('output')).toBe(want.reduce((n, x) => n + x.usage.output, 0));
      // the Bash tool's `cat README.md; echo hi > out.txt`, seen by the kernel in its tree
      const files = [...readFolded(join(out, 'files.folded')).keys()];
      expect(files.some((k) => k.includes(';tool:Bash;process:cat;file:README.md;effect:read')), files.join('\n')).toBe(true);
      expect(files.some((k) => k.includes(';tool:Bash;') && /file:out\.txt;effect:(write|create)$/.test(k))).toBe(true);
      // nothing of the noise in the recorded event stream (every process and effect the pipeline took)
      const rec = readFileSync(join(box.root, 'rec.jsonl'), 'utf8');
      expect(rec).toContain(join(box.repoDir, 'README.md'));
      expect(rec).not.toContain(noiseDir);
      expect(rec).not.toContain(`"pid":${noise.pid},`);
      expect(r.stderr).toMatch(/agentpprof: `env .*` exited 0 after/);
      const [{ tag }] = await new RegexTagger(defaultRules()).tagAll([DEFAULT_PROMPT]);
      expect(r.stderr).toContain(`\n  ${tag.padEnd(20)}`);
    } finally {
      noise.kill();
      await server.close();
    }
  }, 180_000);
});

/** test-output/live-dashboard-during-run.png: the page once an agent call has been drawn (or after 30 s). */
async function screenshotDuringRun(url: string): Promise<void> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url);
    // Tokens on the flamegraph's header: the agent's first call has been drawn.
    await page.waitForFunction(() => /\n[1-9][\d.,]*[kM]? tokens · tokens/.test(document.body.innerText), undefined, { timeout: 30_000 }).catch(() => undefined);
    await page.waitForTimeout(1500);
    mkdirSync('test-output', { recursive: true });
    await page.screenshot({ path: 'test-output/live-dashboard-during-run.png' });
  } finally {
    await browser.close();
  }
}
