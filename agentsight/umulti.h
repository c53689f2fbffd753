/* Per-process uprobes as uprobe_multi BPF links (kernel 6.6+), not perf events.
 *
 * Why: a uprobe attached for one pid through perf_event_open is a task-bound perf event, and a task that
 * has one schedules its perf context out and in on every context switch. On the 2-vCPU test VM that
 * doubled a pipe ping-pong's round trip (5.0 → 11.5 µs) with probes that never fired, and the kernel
 * keeps those scheduler hooks enabled for a second or more after the events are closed. An agent
 * waiting on the network switches a lot. A uprobe_multi link with a pid writes the breakpoint into that
 * process only, as the perf event did, without being one.
 * Debian 12's libbpf (1.1) predates these links: they are created with the bpf syscall directly. */
#ifndef AS_UMULTI_H
#define AS_UMULTI_H
#include <stdbool.h>
#include <stdint.h>

/* expected_attach_type of programs attached as uprobe_multi links (BPF_TRACE_UPROBE_MULTI) */
#define AS_TRACE_UPROBE_MULTI 48

/* Whether this kernel creates uprobe_multi links (a throwaway program and link are made and closed). */
bool umulti_supported(void);
/* Attaches `prog_fd` (loaded with AS_TRACE_UPROBE_MULTI) at `cnt` (≤ 16) file offsets of `path`, as
 * return probes when `ret`, in process `pid` only (0: every process); the program reads `cookie` with
 * bpf_get_attach_cookie. Returns the link fd, or -errno. */
int umulti_attach(int prog_fd, const char *path, const uint64_t *offsets, uint32_t cnt, bool ret, int pid, uint64_t cookie);

#endif
