/* Turns one ring-buffer record (bpf/agentsight.h) into one AgentSight-style frame. */
#ifndef AS_EMIT_H
#define AS_EMIT_H
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include "msgpack.h"

struct as_counters;
struct scope_counts;

/* Encodes the record at `data` (`size` bytes) into `e`; `epoch_off_ns` turns CLOCK_BOOTTIME into epoch ns.
 * Returns 0, or -1 for a malformed record (counted by the caller). */
int emit_record(struct enc *e, const void *data, size_t size, int64_t epoch_off_ns);

/* One BPF program's cumulative runs and run time (kernel.bpf_stats_enabled=1; zero otherwise). */
struct prog_stat {
	const char *name;
	uint64_t runs, ns;
};

/* The once-a-second STATS frame: per-ring events, bytes and drops, user-side counters (malformed records;
 * candidates accepted and rejected, and the rejected ones' records dropped: scope.h), and the run
 * count and time of each program that ran (only when the kernel keeps BPF statistics). */
void emit_stats(struct enc *e, uint64_t boot_ns, int64_t epoch_off_ns, const struct as_counters *rings,
		uint64_t malformed, const struct scope_counts *scope, const struct prog_stat *progs, int nprogs);

/* An AGENT frame: a traced process recognised as an agent CLI (agents.h), its executable, and whether TLS
 * probes are on it (false: its plaintext cannot be seen unless the reader adds probes, e.g. BoringSSL
 * offsets through the control commands). */
void emit_agent(struct enc *e, uint64_t boot_ns, int64_t epoch_off_ns, int pid, const char *agent, const char *exe,
		bool tls);

/* Joins a leaf-first component list (NUL-separated) into "/a/b/c". */
size_t components_to_path(const char *comp, size_t n, char *out, size_t cap);
/* Resolves `path` against `base` (absolute), folding "." and "..". */
void resolve_path(const char *base, const char *path, char *out, size_t cap);

#endif
