// Whether an ELF64 little-endian executable is dynamically linked (has a PT_INTERP segment naming its
// ld.so) or static — read from its program headers, not the whole file.
import { closeSync, openSync, readSync } from 'node:fs';

const PT_INTERP = 3;

export interface ElfInfo {
  /** The program interpreter (ld.so) of a dynamic executable; undefined when statically linked. */
  interp?: string;
}

function readAt(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  return buf.subarray(0, readSync(fd, buf, 0, length, offset));
}

/** null when `path` is not a 64-bit little-endian ELF file (a script, another architecture's format…). */
export function readElf(path: string): ElfInfo | null {
  let fd: number;
  try { fd = openSync(path, 'r'); } catch { return null; }
  try {
    const h = readAt(fd, 0, 64);
    if (h.length < 64 || h.readUInt32BE(0) !== 0x7f454c46 || h[4] !== 2 || h[5] !== 1) return null;
    const phoff = Number(h.readBigUInt64LE(0x20)), phentsize = h.readUInt16LE(0x36), phnum = h.readUInt16LE(0x38);
    const ph = readAt(fd, phoff, phentsize * phnum);
    for (let i = 0; i + phentsize <= ph.length; i += phentsize) {
      if (ph.readUInt32LE(i) !== PT_INTERP) continue;
      const off = Number(ph.readBigUInt64LE(i + 8)), size = Number(ph.readBigUInt64LE(i + 32));
      return { interp: readAt(fd, off, size).toString('latin1').replace(/\0+$/, '') };
    }
    return {};
  } finally {
    closeSync(fd);
  }
}
