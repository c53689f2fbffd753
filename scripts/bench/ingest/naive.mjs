// Baseline for scripts/bench/ingest.ts: the naive reader — stream every .jsonl line by line and
// JSON.parse each one, nothing else. Prints {files, lines, parsed, failed}.
import { createReadStream, readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

function walk(dir, out) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.jsonl')) out.push(p);
  }
  return out;
}

const files = walk(process.argv[2], []);
let lines = 0;
let parsed = 0;
let failed = 0;
for (const f of files) {
  for await (const line of createInterface({ input: createReadStream(f), crlfDelay: Infinity })) {
    lines++;
    try { JSON.parse(line); parsed++; } catch { failed++; }
  }
}
process.stdout.write(JSON.stringify({ files: files.length, lines, parsed, failed }) + '\n');
