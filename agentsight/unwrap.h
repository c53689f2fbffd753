/* Where a TLS probe traps cheaply.
 *
 * Why: x86's uprobes emulate a few instructions at the probed address (push of a register, call, jmp,
 * nop); any other is copied out of line and single-stepped, a second exception. On the 2-vCPU test VM
 * that step costs ~9 µs: a libssl SSL_write went from 0.09 µs to ~11 µs per call while the loader ran,
 * in every process on the machine, because Debian's libssl 3.0 opens SSL_read/SSL_write/_ex with
 * `sub $N,%rsp`. Those four are thin wrappers around ssl_read_internal/ssl_write_internal (static, so
 * unnamed), which open with a push: probing the callee once, as an _ex-style function, captures the
 * same calls with an emulated trap (~1.4 µs). A return probe must sit at a function's entry (it swaps the
 * return address found at the stack pointer there), so a later instruction of the wrapper would not do.
 * Everything here reads code bytes only; nothing is attached on a guess. */
#ifndef AS_UNWRAP_H
#define AS_UNWRAP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether the instruction at `code` is one the kernel emulates at a uprobe (no single step). */
bool insn_emulated(const uint8_t *code, size_t n);

/* Where a probe for the function at file offset `off` (its first n bytes in `code`) traps without a
 * single step: `off`, or `off + 4` past an endbr64 — the landing pad CET builds open every exported
 * function with, single-stepped like any other instruction, which moves neither the stack pointer nor an
 * argument register, so an entry and a return probe there see what they would at `off`. 0: neither. */
size_t emulated_entry(const uint8_t *code, size_t n, size_t off);

/* `code` holds the first n bytes of a function at file offset `off`. When it makes a direct call to a
 * 16-byte aligned target within [lo, hi): that target's file offset, else 0. *out_arg: the argument of
 * that call that holds a pointer to the function's own stack, i.e. where the callee returns a count —
 * 4 (`mov %rsp,%rcx`: OpenSSL 3.0–3.1's ssl_{read,write}_internal(s, buf, num, *bytes), and 3.2+'s read),
 * 5 (`mov %rsp,%r8`: 3.2+'s ssl_write_internal(s, buf, num, flags, *written)), 0 (neither). */
size_t wrapper_callee(const uint8_t *code, size_t n, size_t off, size_t lo, size_t hi, int *out_arg);

#endif
