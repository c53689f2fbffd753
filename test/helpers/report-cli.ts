// The CLI as a user runs it (node + tsx on src/cli.ts, a clean HOME) and ccusage 20.0.24's native
// binary (scripts/setup.sh ccusage, or $CCUSAGE_BIN) — shared by the report, check and statusline tests.
// Children run asynchronously: a test worker blocked in spawnSync misses vitest's heartbeats.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const ROOT = process.cwd();
export const cleanHome = mkdtempSync(join(tmpdir(), 'ap-report-home-'));

export interface Run { code: number; out: string; err: string }

function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string }): Promise<Run> {
  return new Promise((done) => {
    const child = execFile(cmd, args, { encoding: 'utf8', cwd: opts.cwd ?? ROOT, timeout: 300_000, maxBuffer: 1 << 28, env: opts.env },
      (err, stdout, stderr) => done({ code: err ? (typeof (err as any).code === 'number' ? (err as any).code : 1) : 0, out: stdout, err: stderr }));
    if (opts.input !== undefined) child.stdin!.end(opts.input);
  });
}

export const cliEnv = (env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: cleanHome, TZ: 'UTC', NO_COLOR: '1', ...env });

export function cli(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<Run> {
  return run('node', ['--import', join(ROOT, 'node_modules/tsx/dist/loader.mjs'), join(ROOT, 'src/cli.ts'), ...args], { ...opts, env: cliEnv(opts.env) });
}

export async function cliJson<T = any>(args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): Promise<T> {
  const r = await cli(args, opts);
  if (r.code !== 0) throw new Error(`agentpprof ${args.join(' ')}: exit ${r.code}: ${r.err}`);
  return JSON.parse(r.out) as T;
}

export function ccusageBin(): string | undefined {
  if (process.env.CCUSAGE_BIN && existsSync(process.env.CCUSAGE_BIN)) return process.env.CCUSAGE_BIN;
  for (const c of [resolve('.cache/ccusage'), '/tmp/agentpprof-bench/ccusage']) {
    const bin = join(c, 'node_modules', '@ccusage', `ccusage-${process.platform}-${process.arch}`, 'bin', 'ccusage');
    if (existsSync(bin)) return bin;
  }
  return undefined;
}

/** `ccusage claude REPORT --json --offline --mode calculate -z ZONE` on a CLAUDE_CONFIG_DIR. */
export async function ccusage<T = any>(bin: string, claudeDir: string, report: string, zone = 'UTC', extra: string[] = []): Promise<T> {
  const r = await run(bin, ['claude', report, '--json', '--offline', '--mode', 'calculate', '-z', zone, ...extra],
    { env: { PATH: process.env.PATH, HOME: cleanHome, CLAUDE_CONFIG_DIR: claudeDir, TZ: 'UTC' } });
  if (r.code !== 0) throw new Error(`ccusage ${report}: exit ${r.code}: ${r.err}`);
  return JSON.parse(r.out) as T;
}

/** A generated history (scripts/gen-corpus.ts) in a temp dir. */
export async function genCorpus(sessions: number, seed: number, agents = 'claude,codex,gemini'): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'ap-report-corpus-'));
  const r = await run('node', ['--import', join(ROOT, 'node_modules/tsx/dist/loader.mjs'), join(ROOT, 'scripts/gen-corpus.ts'),
    '--out', out, '--seed', String(seed), '--sessions', String(sessions), '--agents', agents, '--quiet'], {});
  if (r.code !== 0) throw new Error(`gen-corpus: ${r.err}`);
  return out;
}

/**
 * A copy of a Claude root holding only the files whose usage lines all carry a requestId. ccusage's
 * daily and blocks reports count each line of a streamed response that has a message id but no
 * requestId (Claude Code 1.0.x wrote such lines; its weekly, monthly and session reports count it
 * once, as we do), so those reports are compared on such a copy.
 */
export function withRequestIds(root: string): string {
  const out = mkdtempSync(join(tmpdir(), 'ap-report-reqid-'));
  const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
  for (const f of walk(root)) {
    const lines = f.endsWith('.jsonl') ? readFileSync(f, 'utf8').split('\n') : [];
    if (lines.some((l) => l.includes('"usage"') && l.includes('"assistant"') && !l.includes('"requestId"') && !l.includes('<synthetic>'))) continue;
    const to = join(out, relative(root, f));
    mkdirSync(join(to, '..'), { recursive: true });
    copyFileSync(f, to);
  }
  if (!existsSync(join(out, 'projects'))) throw new Error(`no Claude file with request ids under ${root}`);
  return out;
}
