// The agent CLIs installed here (on PATH, and under sudo in the invoking user's ~/.local/bin) and whether
// their TLS plaintext can be caught, asked of the executable that does the TLS (the native build itself,
// the node running a script, the native binary Codex's node launcher starts) the way live asks it
// (src/sources/collector-tls.ts: OpenSSL symbols, a located BoringSSL, or nothing — rustls).
import { accessSync, closeSync, constants, existsSync, openSync, readdirSync, readSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { inspectTls, type TlsProbe } from '../sources/collector-tls.js';

export const AGENT_CLIS = ['claude', 'codex', 'gemini'] as const;

export interface AgentCli {
  name: string;
  /** As found on PATH, and what it resolves to. */
  path: string;
  real: string;
  /** How it runs: `native executable`, `node script (NODE)`, … */
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

const realOr = (p: string) => { try { return realpathSync(p); } catch { return p; } };
const hex = (n: number) => `0x${n.toString(16)}`;

/** The native binary @openai/codex's bin/codex.js starts: in @openai/codex-linux-ARCH/vendor/TRIPLE/bin/. */
function codexNative(launcher: string): string | null {
  const scope = dirname(dirname(dirname(launcher))); // …/node_modules/@openai
  const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
  for (const vendor of [join(scope, `codex-linux-${arch}`, 'vendor'), join(dirname(dirname(launcher)), 'vendor')]) {
    let triples: string[] = [];
    try { triples = readdirSync(vendor); } catch { continue; }
    for (const t of triples) {
      for (const p of [join(vendor, t, 'bin', 'codex'), join(vendor, t, 'codex', 'codex')]) if (existsSync(p)) return p;
    }
  }
  return null;
}

function verdict(p: TlsProbe, exe: string): { tlsVisible: boolean; tls: string } {
  if (p.kind === 'symbols') return { tlsVisible: true, tls: `OpenSSL's SSL_write/SSL_read exported by ${exe}: probed by name` };
  if (p.kind === 'boringssl') return { tlsVisible: true, tls: `static BoringSSL located in ${exe} (SSL_write at ${hex(p.write)}, SSL_read at ${hex(p.read)}, SSL_do_handshake at ${hex(p.handshake)})` };
  return { tlsVisible: false, tls: `${exe}: ${p.why}` };
}

function describe(name: string, path: string, dirs: string[]): AgentCli {
  const real = realOr(path);
  const base = { name, path, real };
  const interp = shebang(real);
  if (!interp) {
    const p = inspectTls(real);
    if (p.kind === 'none' && p.why === 'not an ELF executable') return { ...base, runs: 'unknown file', tlsVisible: false, tls: 'neither a script nor an ELF executable' };
    return { ...base, runs: 'native executable', ...verdict(p, real) };
  }
  const nodeScript = /(^|\/)node(\s|$)|env\s+node\b/.test(interp);
  if (!nodeScript) return { ...base, runs: `script (${interp})`, tlsVisible: false, tls: 'run by another interpreter than node: its TLS library is not known' };
  const node = /env\s+node\b/.test(interp) ? which('node', dirs) : interp.split(/\s+/)[0];
  if (!node) return { ...base, runs: 'node script', tlsVisible: false, tls: 'no node on PATH to run it' };
  const runs = `node script (${realOr(node)})`;
  if (name === 'codex') {
    // The launcher makes no API call itself: the native binary it starts does.
    const native = codexNative(real);
    if (native) return { ...base, runs: `${runs}, starting ${native}`, ...verdict(inspectTls(native), native) };
    return { ...base, runs, tlsVisible: false, tls: 'a node launcher of the native codex binary (not found beside it), whose TLS is rustls: cannot be seen' };
  }
  return { ...base, runs, ...verdict(inspectTls(realOr(node)), realOr(node)) };
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
