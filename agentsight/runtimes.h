/* TLS probes per process for runtimes that embed OpenSSL (node, --ssl-binary, --ssl-offsets).
 *
 * Why per process: a uprobe attached to a whole binary traps in every process running it — every node
 * on the machine (editors, servers, the TLS server of the overhead benchmark) pays an int3 round trip
 * per SSL call, traced or not. A uprobe attached for one pid is only written into that process's memory,
 * so untraced processes pay nothing. The loader attaches when a traced process is seen running a
 * runtime (at start, on EXEC, on FORK of an attached parent) and detaches on EXIT. A link for a pid
 * follows that process through exec (the kernel filters by its current memory map). Where the kernel has
 * them, the links are uprobe_multi links, not task-bound perf events (umulti.h says why).
 * System libraries (libssl, libc's getaddrinfo) stay attached machine-wide: short-lived programs such as
 * curl start TLS within milliseconds of exec, before a per-process attach could land. */
#ifndef AS_RUNTIMES_H
#define AS_RUNTIMES_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct agentsight_bpf;
struct plink;

enum rt_probe { RT_WRITE, RT_READ, RT_WRITE_EX, RT_READ_EX, RT_HANDSHAKE, RT_CTRL, RT_NPROBES };

struct runtime {
	char path[512];
	dev_t dev;
	ino_t ino;
	size_t off[RT_NPROBES]; /* file offsets; 0 = not in this binary */
	bool write_out5;        /* off[RT_WRITE_EX] takes its out pointer 5th (OpenSSL 3.2+'s ssl_write_internal) */
};

#define RT_MAX 16

struct runtimes {
	struct runtime rt[RT_MAX];
	int n;
};

/* Adds a binary that exports OpenSSL's API, its offsets read once from its ELF symbols (.dynsym, .symtab).
 * Returns the number of probe points found (0: not added). */
int runtimes_add_symbols(struct runtimes *r, const char *path, bool verbose);
/* Adds a binary without symbols from "PATH:write=0xOFF,read=0xOFF[,handshake=0xOFF]". Returns the number of
 * probe points, -1 for a malformed spec. */
int runtimes_add_offsets(struct runtimes *r, const char *spec);
/* The runtime /proc/PID/exe is, or NULL. */
const struct runtime *runtimes_of_pid(const struct runtimes *r, int pid);
/* Most links one runtime needs: entry + return probe per function, entry only for SSL_ctrl. */
#define RT_LINKS (2 * RT_NPROBES - 1)
/* Programs loaded for uprobe_multi links (agentsight.c decides before loading, umulti_supported()):
 * runtimes_attach then makes those links instead of perf-event uprobes. */
extern bool runtimes_multi;
/* Attaches a runtime's probes for one process (pid > 0) or machine-wide (pid -1) into out[0..cap).
 * Returns the number of links made. */
int runtimes_attach(struct agentsight_bpf *skel, const struct runtime *rt, int pid, struct plink *out, int cap,
		    bool verbose);

/* The per-process links the loader holds. */
void procs_attach(struct agentsight_bpf *skel, int pid, const struct runtime *rt, bool verbose);
/* The runtime a process's probes are for (NULL: none attached). */
const struct runtime *procs_runtime(int pid);
void procs_detach(int pid);
void procs_detach_all(void);
/* Processes with per-process probes now. */
int procs_count(void);

#endif
