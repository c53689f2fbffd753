// Bundles the CLI (and its worker entry points) into dist/ with esbuild. Dependencies stay external.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
const entryPoints = ['src/cli.ts', 'src/sources/worker.ts'].filter((f) => existsSync(f));
await build({
  entryPoints,
  outdir: 'dist',
  outbase: 'src',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
// Each extra bundle (the viewer inlined into SVG/HTML, the dashboard) registers itself here.
for (const extra of ['scripts/build-viewer.mjs', 'scripts/build-dashboard.mjs']) {
  if (existsSync(extra)) await import(new URL('../' + extra, import.meta.url).href);
}
