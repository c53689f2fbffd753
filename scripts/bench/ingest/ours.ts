// Child of scripts/bench/ingest.ts: agentpprof's loadHistory on a generated corpus, printing the
// totals in expected.json's shape (scripts/gen-corpus/compare.ts) so the bench can check them exactly.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadHistory } from '../../../src/sources/index.js';
import { totalsOfBatch } from '../../gen-corpus/compare.js';
import type { Expected } from '../../gen-corpus/totals.js';

async function main(): Promise<void> {
  const dir = process.argv[2];
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
  const dirs = (a: string) => (expected.roots[a] ? [join(dir, expected.roots[a])] : []);
  const h = await loadHistory({ claudeDirs: dirs('claude'), codexDirs: dirs('codex'), geminiDirs: dirs('gemini') });
  process.stdout.write(JSON.stringify(totalsOfBatch(h, expected.roots)) + '\n');
}

main().catch((e) => { process.stderr.write(String(e?.stack ?? e) + '\n'); process.exit(1); });
