// Bundles the flamegraph viewers (src/viewer/*-entry.ts) into dist/viewer/{svg,html}.js, which
// src/render/viewer-bundle.ts inlines into every SVG and HTML output. Run by scripts/build.mjs.
import { build } from 'esbuild';
for (const entry of ['svg', 'html', 'advice']) {
  await build({
    entryPoints: [`src/viewer/${entry}-entry.ts`],
    outfile: `dist/viewer/${entry}.js`,
    // Keep in step with VIEWER_BUILD in src/render/viewer-bundle.ts.
    bundle: true,
    format: 'iife',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
}
