#!/usr/bin/env node
// Runs the bundled CLI (dist/, built by `npm run build` and shipped in the package); in a source checkout
// without dist/ it falls back to the TypeScript sources via tsx (a devDependency, absent when installed).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundled = join(root, 'dist', 'cli.js');
if (existsSync(bundled)) {
  await import(pathToFileURL(bundled).href);
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write(`agentpprof: ${bundled} is missing and tsx is not installed: run \`npm install && node scripts/build.mjs\` in ${root}\n`);
    process.exit(1);
  }
  register();
  await import(pathToFileURL(join(root, 'src', 'cli.ts')).href);
}
