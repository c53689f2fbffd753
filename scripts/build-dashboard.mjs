// Bundles the live dashboard (dashboards/src/main.ts → dist/dashboard/dashboard.js) with esbuild and
// copies its page and styles; the server serves this folder. Run by scripts/build.mjs. Everything is
// local (uPlot's CSS included): the dashboard works with no network.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
mkdirSync('dist/dashboard', { recursive: true });
await build({
  entryPoints: ['dashboards/src/main.ts'],
  outfile: 'dist/dashboard/dashboard.js',
  bundle: true,
  format: 'iife',
  target: 'es2020',
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
});
copyFileSync('dashboards/index.html', 'dist/dashboard/index.html');
copyFileSync('dashboards/dashboard.css', 'dist/dashboard/dashboard.css');
copyFileSync('node_modules/uplot/dist/uPlot.min.css', 'dist/dashboard/uPlot.min.css');
