#!/usr/bin/env node
// Installs the real agent CLIs listed in agents.json, pinned, each in its own directory under
// .cache/agents/ — outside the project's package.json, so their hundreds of MB and their
// dependency trees never touch the product's lock file. Quick no-op when already installed.
// Usage: node scripts/agents/install.mjs [name…]   (default: every agent in agents.json)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const cacheDir = process.env.AGENTPPROF_AGENTS_DIR ?? join(root, '.cache', 'agents');
const agents = JSON.parse(readFileSync(join(here, 'agents.json'), 'utf8'));

const installedVersion = (dir, pkg) => {
  try {
    return JSON.parse(readFileSync(join(dir, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
};

const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(agents);
for (const name of names) {
  const a = agents[name];
  if (!a) {
    console.error(`install: unknown agent ${name} (known: ${Object.keys(agents).join(', ')})`);
    process.exit(2);
  }
  const dir = join(cacheDir, a.dir);
  const entries = [a.entry, a.native].filter(Boolean);
  if (installedVersion(dir, a.package) === a.version && entries.every((e) => existsSync(join(dir, e)))) continue;
  console.error(`setup: installing ${a.package}@${a.version} into ${dir}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, dependencies: { [a.package]: a.version } }, null, 2));
  // --ignore-scripts: claude-code's postinstall only copies the platform binary over a stub; we run the
  // platform package's binary directly (agents.json `entry`), so no install script is needed.
  execFileSync('npm', ['install', '--no-fund', '--no-audit', '--ignore-scripts', '--include=optional'], {
    cwd: dir,
    stdio: ['ignore', 2, 2],
  });
  for (const e of entries) {
    if (!existsSync(join(dir, e))) {
      console.error(`install: ${a.package}@${a.version} installed but ${e} is missing (optional dependency skipped?)`);
      process.exit(1);
    }
  }
}
