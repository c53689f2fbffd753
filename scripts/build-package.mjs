// npm's prepack/postpack: what the package ships besides bin/. Builds dist/ (CLI, viewer, dashboard), the
// collector fully static for this machine's architecture (dist/collector/agentsight-linux-ARCH, from
// bpf/ and agentsight/ by `make -C agentsight static`: no clang, bpftool or -dev package needed where it
// runs), and ships the lock file as npm-shrinkwrap.json: an installed package gets the tested dependency
// tree (overrides in package.json apply only to a project's own installs, not to `npm i -g`).
// `--after-pack` removes the shrinkwrap again (the repository keeps package-lock.json only).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const shrinkwrap = 'npm-shrinkwrap.json';

if (process.argv.includes('--after-pack')) {
  rmSync(shrinkwrap, { force: true });
  process.exit(0);
}

const run = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
run(process.execPath, ['scripts/build.mjs']);

if (process.platform !== 'linux') throw new Error(`the collector is Linux-only; cannot pack on ${process.platform}`);
for (const tool of ['clang', 'bpftool', 'pkg-config']) {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
  } catch {
    throw new Error(`${tool} not found: run \`scripts/setup.sh bpf\` (Debian's clang, bpftool, libbpf-dev, libelf-dev, zlib1g-dev)`);
  }
}
run('make', ['-s', '-C', 'agentsight', 'static']);
const dest = join('dist', 'collector', `agentsight-linux-${process.arch}`);
mkdirSync(dirname(dest), { recursive: true });
copyFileSync(join('agentsight', 'build', 'agentsight-static'), dest);
chmodSync(dest, 0o755);

if (!existsSync('package-lock.json')) throw new Error('no package-lock.json to ship as npm-shrinkwrap.json');
copyFileSync('package-lock.json', shrinkwrap);
