// Where a traced agent's TLS plaintext can be probed when the collector has no probes for its executable
// (it says so on stderr: agentsight/agentsight.c, agent_seen): an executable exporting OpenSSL's SSL_*
// (a node elsewhere than /usr/bin/node) gets `ssl-binary`; a stripped static BoringSSL (the native Claude
// Code build, Bun) gets `ssl-offsets` from findBoringSslProbes; anything else (Codex's rustls) cannot be
// seen, and the page says so. Searching a 245 MB native build takes ~1.4 s here, so answers are cached
// by the executable's GNU build id (else its size and mtime), in a file that outlives the run.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { findBoringSslProbesIn, readAll, sslOffsetsArg } from './collector-boringssl.js';

export type TlsProbe =
  /** Exports SSL_read/SSL_write: probed by symbol (`ssl-binary PATH`). */
  | { kind: 'symbols' }
  /** BoringSSL located: `ssl-offsets` with this argument. */
  | { kind: 'boringssl'; write: number; read: number; handshake: number }
  | { kind: 'none'; why: string };

/** The loader command that probes `path`, or undefined when its TLS cannot be seen. */
export function probeCommand(path: string, p: TlsProbe): string | undefined {
  if (p.kind === 'symbols') return `ssl-binary ${path}`;
  if (p.kind === 'boringssl') return `ssl-offsets ${sslOffsetsArg(path, { ...p, evidence: [] })}`;
  return undefined;
}

/** The GNU build id of an ELF executable (hex), from its PT_NOTE segments; undefined when it has none. */
export function buildId(path: string): string | undefined {
  const fd = openSync(path, 'r');
  try {
    const read = (off: number, len: number) => {
      const b = Buffer.alloc(len);
      return b.subarray(0, readSync(fd, b, 0, len, off));
    };
    const h = read(0, 64);
    if (h.length < 64 || h.readUInt32BE(0) !== 0x7f454c46 || h[4] !== 2 || h[5] !== 1) return undefined;
    const phoff = Number(h.readBigUInt64LE(32));
    const phentsize = h.readUInt16LE(54);
    const phnum = h.readUInt16LE(56);
    const ph = read(phoff, phentsize * phnum);
    for (let i = 0; i + 1 <= phnum && (i + 1) * phentsize <= ph.length; i++) {
      const p = i * phentsize;
      if (ph.readUInt32LE(p) !== 4) continue; // PT_NOTE
      const notes = read(Number(ph.readBigUInt64LE(p + 8)), Math.min(Number(ph.readBigUInt64LE(p + 32)), 1 << 16));
      for (let o = 0; o + 12 <= notes.length;) {
        const namesz = notes.readUInt32LE(o), descsz = notes.readUInt32LE(o + 4), type = notes.readUInt32LE(o + 8);
        const name = o + 12, desc = name + ((namesz + 3) & ~3);
        if (type === 3 && notes.toString('latin1', name, name + namesz) === 'GNU\0') return notes.toString('hex', desc, desc + descsz);
        o = desc + ((descsz + 3) & ~3);
      }
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Whether the ELF's symbol tables (.symtab, .dynsym) define every one of these functions. */
export function exportsFunctions(elf: Buffer, names: string[]): boolean {
  const shoff = Number(elf.readBigUInt64LE(40));
  const shentsize = elf.readUInt16LE(58);
  const shnum = elf.readUInt16LE(60);
  const want = new Set(names);
  const sh = (i: number) => shoff + i * shentsize;
  for (let i = 0; i < shnum && sh(i + 1) <= elf.length; i++) {
    const type = elf.readUInt32LE(sh(i) + 4);
    if (type !== 2 && type !== 11) continue; // SHT_SYMTAB, SHT_DYNSYM
    const off = Number(elf.readBigUInt64LE(sh(i) + 24)), size = Number(elf.readBigUInt64LE(sh(i) + 32));
    const link = elf.readUInt32LE(sh(i) + 40), entsize = Number(elf.readBigUInt64LE(sh(i) + 56)) || 24;
    const strtab = Number(elf.readBigUInt64LE(sh(link) + 24));
    for (let o = off; o + entsize <= off + size && o + entsize <= elf.length; o += entsize) {
      const info = elf[o + 4], shndx = elf.readUInt16LE(o + 6);
      if ((info & 0xf) !== 2 || shndx === 0) continue; // STT_FUNC, defined
      const start = strtab + elf.readUInt32LE(o);
      const name = elf.toString('latin1', start, elf.indexOf(0, start));
      if (want.delete(name) && want.size === 0) return true;
    }
  }
  return false;
}

/** What an executable offers the TLS probes, read from it (no cache). */
export function inspectTls(path: string): TlsProbe {
  const elf = readAll(path);
  if (elf.length < 4 || elf.readUInt32BE(0) !== 0x7f454c46) return { kind: 'none', why: 'not an ELF executable' };
  const b = findBoringSslProbesIn(elf);
  if (b) return { kind: 'boringssl', write: b.write, read: b.read, handshake: b.handshake };
  if (exportsFunctions(elf, ['SSL_write', 'SSL_read'])) return { kind: 'symbols' };
  const rustls = elf.includes('rustls');
  return { kind: 'none', why: rustls ? 'its TLS is rustls, compiled in: no OpenSSL or BoringSSL functions to probe' : 'no OpenSSL or BoringSSL functions found in it' };
}

/** AGENTPPROF_TLS_CACHE, else ~/.cache/agentpprof/tls-probes.json (the user running the collector's). */
export const defaultTlsCache = (): string =>
  process.env.AGENTPPROF_TLS_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'agentpprof', 'tls-probes.json');

interface CacheFile { probes: Record<string, TlsProbe>; paths: Record<string, string> }

export class TlsLocator {
  #cache: CacheFile = { probes: {}, paths: {} };

  constructor(private readonly file = defaultTlsCache()) {
    try {
      const c = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
      if (c && typeof c.probes === 'object' && typeof c.paths === 'object') this.#cache = c;
    } catch { /* no cache yet, or unreadable: rebuilt as executables are seen */ }
  }

  #key(path: string): string {
    const st = statSync(path);
    return buildId(path) ?? `size:${st.size}:mtime:${Math.round(st.mtimeMs)}`;
  }

  /** What `path` offers the TLS probes: cached by build id, else searched (and cached). */
  locate(path: string): TlsProbe {
    const key = this.#key(path);
    let p = this.#cache.probes[key];
    if (!p) {
      p = inspectTls(path);
      this.#cache.probes[key] = p;
    }
    this.#cache.paths[path] = key;
    this.#save();
    return p;
  }

  /** Executables located before that still exist with the same build: probed from the start of a run. */
  known(): { path: string; probe: TlsProbe }[] {
    const out: { path: string; probe: TlsProbe }[] = [];
    for (const [path, key] of Object.entries(this.#cache.paths)) {
      try {
        if (existsSync(path) && this.#key(path) === key && this.#cache.probes[key]) out.push({ path, probe: this.#cache.probes[key] });
      } catch { /* gone or unreadable: not probed */ }
    }
    return out;
  }

  #save(): void {
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(this.file, JSON.stringify(this.#cache, null, 1) + '\n');
    } catch { /* a read-only home: located again next run */ }
  }
}

/** Where native agent builds without OpenSSL symbols are installed: the native installer's versions
 * (~/.local/share/claude/versions/N) and npm's global native Claude Code package. Located at a live
 * run's start, so a build's first run is probed from its exec, not from when it is first reported. */
export function nativeAgentInstalls(home: string | undefined): string[] {
  const out: string[] = [];
  const versions = home ? join(home, '.local', 'share', 'claude', 'versions') : undefined;
  try {
    if (versions) for (const v of readdirSync(versions)) out.push(join(versions, v));
  } catch { /* not installed that way */ }
  for (const g of ['/usr/lib/node_modules', '/usr/local/lib/node_modules', ...(home ? [join(home, '.npm-global', 'lib', 'node_modules')] : [])]) {
    for (const p of [join(g, '@anthropic-ai', 'claude-code-linux-x64', 'claude'), join(g, '@anthropic-ai', 'claude-code', 'node_modules', '@anthropic-ai', 'claude-code-linux-x64', 'claude')]) {
      if (existsSync(p)) out.push(p);
    }
  }
  return out.filter((p) => { try { return statSync(p).isFile(); } catch { return false; } });
}
