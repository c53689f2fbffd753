// Seeded generator of realistic agent histories with exact expected totals.
//   npx tsx scripts/gen-corpus.ts --out DIR --seed N (--size 500MB | --sessions N) [--agents claude,codex,gemini]
// Writes DIR/claude (a CLAUDE_CONFIG_DIR), DIR/codex (a CODEX_HOME), DIR/gemini (a ~/.gemini) and
// DIR/expected.json (semantics: scripts/gen-corpus/totals.ts). Same seed and options → same bytes.
import { parseArgs } from 'node:util';
import { rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generate, type AgentKind } from './gen-corpus/generate.js';

export function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)?$/i.exec(s.trim());
  if (!m) throw new Error(`bad size: ${s} (e.g. 500MB, 20KB)`);
  const mult = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9 }[(m[2] ?? 'B').toUpperCase() as 'B'];
  return Math.round(Number(m[1]) * mult);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' }, seed: { type: 'string', default: '1' }, size: { type: 'string' }, sessions: { type: 'string' },
      agents: { type: 'string', default: 'claude,codex,gemini' }, quiet: { type: 'boolean', default: false }, help: { type: 'boolean' },
    },
  });
  if (values.help || !values.out || (!values.size && !values.sessions)) {
    process.stderr.write('usage: gen-corpus --out DIR --seed N (--size 500MB | --sessions N) [--agents claude,codex,gemini]\n');
    return values.help ? 0 : 2;
  }
  const agents = values.agents!.split(',').map((a) => a.trim()) as AgentKind[];
  for (const a of agents) if (!['claude', 'codex', 'gemini'].includes(a)) throw new Error(`unknown agent ${a}`);
  // The tree is rewritten from scratch: stale files from another seed would break the totals.
  for (const a of ['claude', 'codex', 'gemini', 'expected.json']) rmSync(join(values.out, a), { recursive: true, force: true });
  mkdirSync(values.out, { recursive: true });
  const t0 = Date.now();
  const expected = await generate({
    out: values.out, seed: Number(values.seed), agents,
    sessions: values.sessions ? Number(values.sessions) : undefined,
    bytes: values.size ? parseSize(values.size) : undefined,
    onProgress: values.quiet ? undefined : (b, n) => process.stderr.write(`\r${(b / 1e6).toFixed(0)} MB, ${n} sessions`),
  });
  writeFileSync(join(values.out, 'expected.json'), JSON.stringify(expected, null, 2) + '\n');
  if (!values.quiet) process.stderr.write(`\rwrote ${expected.written.files} files, ${expected.written.lines} lines, ${(expected.written.bytes / 1e6).toFixed(1)} MB in ${((Date.now() - t0) / 1000).toFixed(1)} s → ${values.out}\n`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) main().then((c) => process.exit(c), (e) => { process.stderr.write(`gen-corpus: ${e.message}\n`); process.exit(1); });
