// Just enough of an ELF64 little-endian file to answer two questions without reading it whole (node is
// ~100 MB): is it dynamically linked (a PT_INTERP segment), and which symbols does it define in its
// dynamic symbol table (SSL_write exported by node's embedded OpenSSL, which uprobes can find by name).
import { closeSync, openSync, readSync } from 'node:fs';

const PT_INTERP = 3;
const SHT_DYNSYM = 11;

export interface ElfInfo {
  /** The program interpreter (ld.so) of a dynamic executable; undefined when statically linked. */
  interp?: string;
  /** Those of the asked-for names that .dynsym defines (not imports). */
  exported: Set<string>;
}

function readAt(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const n = readSync(fd, buf, 0, length, offset);
  return buf.subarray(0, n);
}

/** null when `path` is not a 64-bit little-endian ELF file (a script, another architecture's format…). */
export function readElf(path: string, wanted: string[] = []): ElfInfo | null {
  const want = new Set(wanted);
  const firstBytes = new Set(wanted.map((w) => w.charCodeAt(0)));
  let fd: number;
  try { fd = openSync(path, 'r'); } catch { return null; }
  try {
    const h = readAt(fd, 0, 64);
    if (h.length < 64 || h.readUInt32BE(0) !== 0x7f454c46 || h[4] !== 2 || h[5] !== 1) return null;
    const info: ElfInfo = { exported: new Set() };
    const phoff = Number(h.readBigUInt64LE(0x20)), phentsize = h.readUInt16LE(0x36), phnum = h.readUInt16LE(0x38);
    const ph = readAt(fd, phoff, phentsize * phnum);
    for (let i = 0; i + phentsize <= ph.length; i += phentsize) {
      if (ph.readUInt32LE(i) !== PT_INTERP) continue;
      const off = Number(ph.readBigUInt64LE(i + 8)), size = Number(ph.readBigUInt64LE(i + 32));
      info.interp = readAt(fd, off, size).toString('latin1').replace(/\0+$/, '');
    }
    const shoff = Number(h.readBigUInt64LE(0x28)), shentsize = h.readUInt16LE(0x3a), shnum = h.readUInt16LE(0x3c);
    const sh = readAt(fd, shoff, shentsize * shnum);
    const section = (i: number) => ({
      type: sh.readUInt32LE(i * shentsize + 4), offset: Number(sh.readBigUInt64LE(i * shentsize + 24)),
      size: Number(sh.readBigUInt64LE(i * shentsize + 32)), link: sh.readUInt32LE(i * shentsize + 40),
    });
    for (let i = 0; (i + 1) * shentsize <= sh.length; i++) {
      const s = section(i);
      if (s.type !== SHT_DYNSYM || s.link >= shnum) continue;
      const str = section(s.link);
      const syms = readAt(fd, s.offset, s.size), names = readAt(fd, str.offset, str.size);
      // Elf64_Sym: st_name u32, st_info u8, st_other u8, st_shndx u16, st_value u64, st_size u64
      for (let j = 0; j + 24 <= syms.length; j += 24) {
        if (syms.readUInt16LE(j + 6) === 0) continue; // SHN_UNDEF: imported
        const at = syms.readUInt32LE(j);
        if (!firstBytes.has(names[at])) continue; // node defines ~75,000 symbols: decode only candidates
        const end = names.indexOf(0, at);
        const name = end > at ? names.toString('latin1', at, end) : '';
        if (want.has(name)) info.exported.add(name);
      }
    }
    return info;
  } finally {
    closeSync(fd);
  }
}
