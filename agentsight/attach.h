/* Finding the TLS and libc libraries and attaching the uprobes to them. */
#ifndef AS_ATTACH_H
#define AS_ATTACH_H
#include <stdbool.h>
#include <stddef.h>

struct agentsight_bpf;
struct bpf_link;

/* One attachment: a libbpf link (perf-event uprobes, tracepoints) or the fd of a BPF link made with the
 * bpf syscall (uprobe_multi, umulti.h); fd is -1 for the former. */
struct plink {
	struct bpf_link *l;
	int fd;
};

void plink_destroy(struct plink *p);

struct links {
	struct plink l[256];
	int n;
};

/* Path of the first `ldconfig -p` entry whose name starts with `prefix` (e.g. "libssl.so.3"), or false. */
bool ldconfig_find(const char *prefix, char *out, size_t cap);
/* Attaches the getaddrinfo entry/return probes in libc. Returns probes attached. */
int attach_gai(struct agentsight_bpf *skel, struct links *links, const char *libc, bool verbose);

#endif
