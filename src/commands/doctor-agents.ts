// The agent CLIs installed here (on PATH, and under sudo in the invoking user's ~/.local/bin) and where
// their TLS plaintext could be caught: node's embedded OpenSSL (symbols exported), a native build's static
// BoringSSL (located by src/sources/collector-boringssl.ts), or rustls (codex: nothing to probe).
import { accessSync, closeSync, constants, openSync, readSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { findBoringSslProbes } from '../sources/collector-boringssl.js';
import { readElf } from '../util/elf.js';

export const AGENT_CLIS = ['claude', 'codex', 'gemini'] as const;
const SSL_NAMES = ['SSL_write', 'SSL_read', 'SSL_write_ex', 'SSL_read_ex'];

export interface AgentCli {
  name: string;
  /** As found on PATH, and what it resolves to. */
  path: string;
  real: string;
  /** How it runs: `node script (NODE)` or `native executable`. */
  runs: string;
  tlsVisible: boolean;
  tls: string;
}

function which(name: string, dirs: string[]): string | null {
  for (const d of dirs) {
    const p = join(d, name);
    try { accessSync(p, constants.X_OK); return p; } catch { /* next */ }
  }
  return null;
}

function shebang(path: string): string | null {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(256);
    const line = buf.toString('latin1', 0, readSync(fd, buf, 0, 256, 0)).split('\n')[0];
    return line.startsWith('#!') ? line.slice(2).trim() : null;
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const hex = (n: number) => `0x${n.toString(16)}`;

function describe(name: string, path: string, dirs: string[]): AgentCli {
  let real = path;
  try { real = realpathSync(path); } catch { /* a dangling link: described as found */ }
  const elf = readElf(real, SSL_NAMES);
  const base = { name, path, real };
  if (elf) {
    if (name === 'codex') return { ...base, runs: 'native executable', tlsVisible: false, tls: 'rustls, linked in without symbols: its TLS cannot be probed (its tokens come from its rollout files)' };
    if (elf.exported.has('SSL_write')) return { ...base, runs: 'native executable', tlsVisible: true, tls: 'OpenSSL symbols exported: probed by name' };
    const p = findBoringSslProbes(real);
    if (p) return { ...base, runs: 'native executable', tlsVisible: true, tls: `static BoringSSL located (SSL_write at ${hex(p.write)}, SSL_read at ${hex(p.read)}, SSL_do_handshake at ${hex(p.handshake)})` };
    return { ...base, runs: 'native executable', tlsVisible: false, tls: 'no OpenSSL symbols and no BoringSSL found: its TLS cannot be probed' };
  }
  const interp = shebang(real);
  const node = interp && /(^|\/)node(\s|$)|env\s+node\b/.test(interp)
    ? (/env\s+node\b/.test(interp) ? which('node', dirs) : interp.split(/\s+/)[0])
    : null;
  if (!node) return { ...base, runs: interp ? `script (${interp})` : 'unknown file', tlsVisible: false, tls: 'not a node script or a native executable: unknown TLS library' };
  let nodeReal = node;
  try { nodeReal = realpathSync(node); } catch { /* keep */ }
  const runs = `node script (${nodeReal})`;
  if (name === 'codex') return { ...base, runs, tlsVisible: false, tls: 'a node launcher of the native codex binary, whose TLS is rustls without symbols: cannot be probed (its tokens come from its rollout files)' };
  const nodeElf = readElf(nodeReal, SSL_NAMES);
  if (nodeElf?.exported.has('SSL_write')) return { ...base, runs, tlsVisible: true, tls: `node's embedded OpenSSL (SSL_write exported by ${nodeReal})` };
  return { ...base, runs, tlsVisible: false, tls: `${nodeReal} exports no SSL_write: its TLS cannot be probed by name` };
}

/** Each agent CLI found: PATH first, then (under sudo, whose PATH is root's) the invoking user's bins. */
export function findAgentClis(env: NodeJS.ProcessEnv = process.env, userHome?: string): AgentCli[] {
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  if (userHome) dirs.push(join(userHome, '.local', 'bin'), join(userHome, '.npm-global', 'bin'), join(userHome, '.claude', 'local'));
  const out: AgentCli[] = [];
  for (const name of AGENT_CLIS) {
    const path = which(name, dirs);
    if (path) out.push(describe(name, path, dirs));
  }
  return out;
}
