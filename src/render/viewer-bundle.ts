// The viewer scripts inlined into SVG and HTML outputs. scripts/build-viewer.mjs bundles them into
// dist/viewer/; from a source checkout (tests, tsx) they are bundled in memory with esbuild when the
// dist copy is missing or older than src/viewer/, so an edit never ships a stale viewer.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type ViewerEntry = 'svg' | 'html' | 'advice';
const cache = new Map<ViewerEntry, string>();

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && (existsSync(join(dir, 'src', 'viewer')) || existsSync(join(dir, 'dist', 'viewer')))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('agentpprof: cannot find the viewer bundle (run `node scripts/build.mjs`)');
    dir = up;
  }
}

function newestSource(dir: string): number {
  let t = 0;
  for (const f of readdirSync(dir)) t = Math.max(t, statSync(join(dir, f)).mtimeMs);
  return t;
}

export function viewerScript(entry: ViewerEntry): string {
  const hit = cache.get(entry);
  if (hit !== undefined) return hit;
  const root = packageRoot();
  const built = join(root, 'dist', 'viewer', `${entry}.js`);
  const srcDir = join(root, 'src', 'viewer');
  const haveSrc = existsSync(join(srcDir, `${entry}-entry.ts`));
  let code: string;
  if (existsSync(built) && (!haveSrc || statSync(built).mtimeMs >= newestSource(srcDir))) code = readFileSync(built, 'utf8');
  else code = bundleInMemory(join(srcDir, `${entry}-entry.ts`));
  cache.set(entry, code);
  return code;
}

/** The esbuild options shared with scripts/build-viewer.mjs. */
export const VIEWER_BUILD = { bundle: true, format: 'iife', target: 'es2020', minify: true, legalComments: 'none', logLevel: 'warning' } as const;

function bundleInMemory(entryPath: string): string {
  // Loaded lazily: esbuild is only needed when no prebuilt bundle exists.
  const require = createRequire(import.meta.url);
  const esbuild = require('esbuild') as typeof import('esbuild');
  const out = esbuild.buildSync({ ...VIEWER_BUILD, entryPoints: [entryPath], write: false });
  return out.outputFiles[0].text;
}

