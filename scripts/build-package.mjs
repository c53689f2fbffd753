// npm's prepack: what the package ships besides bin/. Builds dist/ (CLI, viewer, dashboard), the
// collector fully static for this machine's architecture (dist/collector/agentsight-linux-ARCH, from
// bpf/ and agentsight/ by `make -C agentsight static`: no clang, bpftool or -dev package needed where it
// runs).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

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
