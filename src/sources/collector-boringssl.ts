// Finds SSL_write, SSL_read and SSL_do_handshake in an x86-64 executable that links BoringSSL statically
// and stripped (the native Claude Code build: Bun), so the collector can probe them by file offset
// (`agentsight --ssl-offsets`). No symbols, so the functions are recognised by what they do:
// BoringSSL's OPENSSL_PUT_ERROR(SSL, reason) compiles to ERR_put_error(ERR_LIB_SSL = 16, reason,
// "…/ssl/ssl_lib.cc", line), and each of these functions raises a distinctive set of reasons:
//   SSL_write        SHOULD_NOT_HAVE_BEEN_CALLED (66, QUIC), UNINITIALIZED (226), BAD_LENGTH (111),
//                    SSL_HANDSHAKE_FAILURE (215)
//   SSL_do_handshake CONNECTION_TYPE_NOT_SET (134), nothing else
//   SSL_read         SHOULD_NOT_HAVE_BEEN_CALLED (66) only, and it calls ssl_read_impl, which raises
//                    UNINITIALIZED (226) but not 66
// A uprobe at a wrong offset corrupts the traced process, so a candidate is kept only when it is a
// function entry beyond doubt: the target of direct calls, 16-byte aligned, starting with the frame
// prologue `push rbp; mov rbp, rsp` — and when each of the three is found exactly once.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { partitionPoint } from '../util/collections.js';

export interface BoringSslProbes {
  /** File offsets (what uprobes take). */
  write: number;
  read: number;
  handshake: number;
  /** What the search saw, for the report. */
  evidence: string[];
}

interface Segment { offset: number; vaddr: number; size: number; exec: boolean }
interface ErrSite { at: number; reason: number; line: number }

const ERR_LIB_SSL = 16;
const R = { SHOULD_NOT_HAVE_BEEN_CALLED: 66, UNINITIALIZED: 226, BAD_LENGTH: 111, HANDSHAKE_FAILURE: 215, CONNECTION_TYPE_NOT_SET: 134 };
const PROLOGUE = Buffer.from([0x55, 0x48, 0x89, 0xe5]); // push rbp; mov rbp, rsp

export function readAll(path: string): Buffer {
  const size = statSync(path).size;
  const buf = Buffer.allocUnsafe(size);
  const fd = openSync(path, 'r');
  try {
    for (let off = 0; off < size;) off += readSync(fd, buf, off, size - off, off);
  } finally {
    closeSync(fd);
  }
  return buf;
}

function segments(elf: Buffer): Segment[] | null {
  // ELF64, little-endian, x86-64 only: the byte patterns below are x86-64 code.
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2 || elf[5] !== 1 || elf.readUInt16LE(18) !== 62) return null;
  const phoff = Number(elf.readBigUInt64LE(32));
  const phentsize = elf.readUInt16LE(54);
  const phnum = elf.readUInt16LE(56);
  const out: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    if (elf.readUInt32LE(p) !== 1) continue; // PT_LOAD
    out.push({ exec: (elf.readUInt32LE(p + 4) & 1) !== 0, offset: Number(elf.readBigUInt64LE(p + 8)), vaddr: Number(elf.readBigUInt64LE(p + 16)), size: Number(elf.readBigUInt64LE(p + 32)) });
  }
  return out;
}

const toVaddr = (segs: Segment[], off: number): number | undefined => {
  const s = segs.find((x) => off >= x.offset && off < x.offset + x.size);
  return s ? s.vaddr + (off - s.offset) : undefined;
};

/** The ERR_put_error(16, reason, file, line) argument setup around a reference to the file name. */
function errSite(code: Buffer, ref: number): ErrSite | null {
  let lib = -1;
  let reason = -1;
  let line = -1;
  // mov edi/esi/ecx, imm32 (bf/be/b9), in any order, within the few instructions after the file.
  for (let i = ref; i < ref + 24 && i + 5 <= code.length; i++) {
    const op = code[i];
    if (op === 0xbf && lib < 0) lib = code.readUInt32LE(i + 1);
    else if (op === 0xbe && reason < 0) reason = code.readUInt32LE(i + 1);
    else if (op === 0xb9 && line < 0) line = code.readUInt32LE(i + 1);
    else continue;
    i += 4;
  }
  return lib === ERR_LIB_SSL && reason >= 0 && line > 0 && line < 100_000 ? { at: ref, reason, line } : null;
}

export function findBoringSslProbes(path: string): BoringSslProbes | null {
  return findBoringSslProbesIn(readAll(path));
}

/** The same, in an executable already read. */
export function findBoringSslProbesIn(elf: Buffer): BoringSslProbes | null {
  const segs = segments(elf);
  if (!segs) return null;
  const name = elf.indexOf('/ssl/ssl_lib.cc\0');
  if (name < 0) return null;
  let start = name;
  while (start > 0 && elf[start - 1] !== 0) start--;
  const fileVaddr = toVaddr(segs, start);
  if (fileVaddr === undefined) return null;
  const evidence = [`"${elf.toString('latin1', start, name + 15)}" at vaddr 0x${fileVaddr.toString(16)}`];

  const sites: ErrSite[] = [];
  const callers = new Map<number, number>(); // vaddr → direct calls to it
  for (const seg of segs.filter((s) => s.exec)) {
    const code = elf.subarray(seg.offset, seg.offset + seg.size);
    for (let i = 0; i + 7 <= code.length; i++) {
      const op = code[i];
      if (op === 0xe8) {
        const target = seg.vaddr + i + 5 + code.readInt32LE(i + 1);
        callers.set(target, (callers.get(target) ?? 0) + 1);
      } else if (op === 0xba && code.readUInt32LE(i + 1) === fileVaddr) {
        // mov edx, imm32 (non-PIE); lea rdx, [rip+rel32] below (PIE)
        const s = errSite(code, i + 5);
        if (s) sites.push({ ...s, at: seg.vaddr + i });
      } else if (op === 0x48 && code[i + 1] === 0x8d && code[i + 2] === 0x15 && seg.vaddr + i + 7 + code.readInt32LE(i + 3) === fileVaddr) {
        const s = errSite(code, i + 7);
        if (s) sites.push({ ...s, at: seg.vaddr + i });
      }
    }
  }
  const entries = [...callers.keys()].sort((a, b) => a - b);
  const entryOf = (vaddr: number): number | undefined => {
    const n = partitionPoint(entries, (e) => e <= vaddr);
    return n > 0 ? entries[n - 1] : undefined;
  };
  // Error sites grouped by the function (nearest preceding call target) that holds them.
  const fns = new Map<number, ErrSite[]>();
  for (const s of sites) {
    const fn = entryOf(s.at);
    if (fn !== undefined) fns.set(fn, [...(fns.get(fn) ?? []), s]);
  }
  const reasons = (fn: number) => new Set(fns.get(fn)!.map((s) => s.reason));
  const has = (fn: number, ...rs: number[]) => rs.every((r) => reasons(fn).has(r));
  const only = (fn: number, r: number) => reasons(fn).size === 1 && reasons(fn).has(r);
  const all = [...fns.keys()];

  const write = all.filter((f) => has(f, R.SHOULD_NOT_HAVE_BEEN_CALLED, R.UNINITIALIZED, R.BAD_LENGTH, R.HANDSHAKE_FAILURE));
  const handshake = all.filter((f) => only(f, R.CONNECTION_TYPE_NOT_SET));
  const readImpl = new Set(all.filter((f) => has(f, R.UNINITIALIZED) && !has(f, R.SHOULD_NOT_HAVE_BEEN_CALLED)));
  const fileOffset = (vaddr: number) => {
    const s = segs.find((x) => x.exec && vaddr >= x.vaddr && vaddr < x.vaddr + x.size)!;
    return s.offset + (vaddr - s.vaddr);
  };
  // SSL_read: 66 only, and one of its first direct calls goes to ssl_read_impl.
  const read = all.filter((f) => {
    if (!only(f, R.SHOULD_NOT_HAVE_BEEN_CALLED)) return false;
    const at = fileOffset(f);
    for (let i = at; i < at + 0x80; i++) {
      if (elf[i] === 0xe8 && readImpl.has(f + (i - at) + 5 + elf.readInt32LE(i + 1))) return true;
    }
    return false;
  });
  const found = { write, read, handshake };
  for (const [k, v] of Object.entries(found)) evidence.push(`${k}: ${v.map((f) => `0x${f.toString(16)} (${fns.get(f)!.map((s) => `${s.reason}@${s.line}`).join(' ')}, ${callers.get(f)} callers)`).join(', ') || 'none'}`);
  if (write.length !== 1 || read.length !== 1 || handshake.length !== 1) return null;

  // Entry beyond doubt: aligned, called directly, the frame prologue first.
  for (const f of [write[0], read[0], handshake[0]]) {
    const off = fileOffset(f);
    if (f % 16 !== 0 || !callers.get(f) || !elf.subarray(off, off + 4).equals(PROLOGUE)) {
      evidence.push(`0x${f.toString(16)} is not a clean function entry: not probed`);
      return null;
    }
  }
  return { write: fileOffset(write[0]), read: fileOffset(read[0]), handshake: fileOffset(handshake[0]), evidence };
}

/** The loader argument for these probes: `--ssl-offsets PATH:write=0x…,read=0x…,handshake=0x…`. */
export const sslOffsetsArg = (path: string, p: BoringSslProbes): string =>
  `${path}:write=0x${p.write.toString(16)},read=0x${p.read.toString(16)},handshake=0x${p.handshake.toString(16)}`;
