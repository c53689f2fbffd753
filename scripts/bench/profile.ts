// Profile benchmark: the whole `agentpprof --view tokens -o X.folded` run vs the foundation bench's
// ingest-only run (scripts/bench/ingest/ours.ts: loadHistory and totals) on the same generated Claude
// Code corpus, each as its own process (wall time, startup included), alternating, best of N; then the
// time of each stage in-process (ingest, tag, build, folded), to show where the difference goes.
//
//   npx tsx scripts/bench/profile.ts [--corpus DIR] [--size 500MB] [--runs 3]
//
// Without --corpus it reuses the newest complete corpus scripts/bench/ingest.ts left under
// /tmp/agentpprof-bench/, or generates one there with scripts/gen-corpus.ts.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchArgs } from './args.js';
import { buildProfile } from '../../src/profile/index.js';
import { tagPrompts } from '../../src/profile/tagging.js';
import { renderFolded } from '../../src/render/folded.js';
import { loadHistory } from '../../src/sources/index.js';
import { defaultRules, RegexTagger } from '../../src/tag/index.js';

const BENCH = '/tmp/agentpprof-bench';
const ROOT = join(import.meta.dirname, '..', '..');

function findCorpus(size: string): string {
  const dirs = existsSync(BENCH) ? readdirSync(BENCH).filter((d) => d.startsWith(`corpus-claude-${size}-`)) : [];
  const done = dirs.map((d) => join(BENCH, d)).filter((d) => existsSync(join(d, 'expected.json')))
    .sort((a, b) => statSync(join(b, 'expected.json')).mtimeMs - statSync(join(a, 'expected.json')).mtimeMs);
  if (done.length) return done[0];
  const dir = join(BENCH, `corpus-claude-${size}-s1-profile`);
  process.stderr.write(`generating a ${size} Claude Code corpus in ${dir} …\n`);
  const p = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/gen-corpus.ts'), '--out', dir, '--seed', '1', '--size', size, '--agents', 'claude'], { stdio: 'inherit', cwd: ROOT });
  if (p.status !== 0) throw new Error('corpus generation failed');
  return dir;
}

/** Wall milliseconds of one child process; throws with its stderr when it fails. */
function wall(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const p = spawnSync(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (p.status !== 0) throw new Error(`${args.join(' ')} failed:\n${p.stderr}`);
  return ms;
}

async function stages(claude: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  let t = performance.now();
  const lap = (k: string) => { out[k] = performance.now() - t; t = performance.now(); };
  const h = await loadHistory({ claudeDirs: [claude] });
  lap('ingest');
  const { tags } = await tagPrompts(h, new RegexTagger(defaultRules()));
  lap('tag');
  const p = buildProfile(h, tags, { view: 'tokens' });
  lap('build');
  renderFolded(p);
  lap('folded');
  return out;
}

async function main(): Promise<void> {
  const { values } = benchArgs(import.meta.url, { options: { corpus: { type: 'string' }, size: { type: 'string', default: '500MB' }, runs: { type: 'string', default: '3' } } });
  const corpus = values.corpus ?? findCorpus(values.size!);
  const claude = join(corpus, 'claude');
  const runs = Math.max(1, Number(values.runs));
  const out = mkdtempSync(join(tmpdir(), 'ap-bench-'));
  const ingestArgs = [join(ROOT, 'scripts/bench/ingest/ours.ts'), corpus];
  const profileArgs = [join(ROOT, 'src/cli.ts'), '--view', 'tokens', '-q', '-o', join(out, 'tokens.folded'), claude];
  process.stderr.write(`corpus ${claude}; ${runs} run(s) each, alternating\n`);
  wall(ingestArgs); // warm the page cache
  const ingest: number[] = [], profile: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) { ingest.push(wall(ingestArgs)); profile.push(wall(profileArgs)); }
    else { profile.push(wall(profileArgs)); ingest.push(wall(ingestArgs)); }
  }
  const lines = readFileSync(join(out, 'tokens.folded'), 'utf8').split('\n').length - 1;
  rmSync(out, { recursive: true, force: true });
  const st = await stages(claude);
  const bi = Math.min(...ingest), bp = Math.min(...profile), ratio = bp / bi;
  const f = (x: number) => (x / 1000).toFixed(2);
  process.stdout.write([
    `ingest only (bench/ingest/ours.ts)      ${f(bi)} s  (runs: ${ingest.map(f).join(', ')})`,
    `agentpprof --view tokens -o X.folded    ${f(bp)} s  (runs: ${profile.map(f).join(', ')}), ${lines} folded lines`,
    `stages in-process: ${Object.entries(st).map(([k, v]) => `${k} ${f(v)} s`).join(', ')}; after ingest +${(100 * (st.tag + st.build + st.folded) / st.ingest).toFixed(1)}%`,
    `ratio ≤ 1.2: ${ratio <= 1.2 ? 'PASS' : 'FAIL'} (${ratio.toFixed(3)}×)`,
  ].join('\n') + '\n');
}

main().catch((e) => { process.stderr.write(String(e?.stack ?? e) + '\n'); process.exit(1); });
