/* Finding the TLS and libc libraries and attaching the uprobes to them. */
#ifndef AS_ATTACH_H
#define AS_ATTACH_H
#include <stdbool.h>
#include <stddef.h>

struct agentsight_bpf;
struct bpf_link;

struct links {
	struct bpf_link *l[256];
	int n;
};

/* Path of the first `ldconfig -p` entry whose name starts with `prefix` (e.g. "libssl.so.3"), or false. */
bool ldconfig_find(const char *prefix, char *out, size_t cap);
/* Attaches SSL_read/write(_ex), SSL_do_handshake and SSL_ctrl probes in `path`. Returns probes attached. */
int attach_ssl(struct agentsight_bpf *skel, struct links *links, const char *path, bool verbose);
/* Attaches SSL_write/SSL_read/SSL_do_handshake probes at file offsets in a binary without symbols:
 * spec is "PATH:write=0xOFF,read=0xOFF[,handshake=0xOFF]" (the offsets come from a verified search, e.g.
 * src/sources/collector-boringssl.ts). Returns probes attached, -1 for a malformed spec. */
int attach_ssl_offsets(struct agentsight_bpf *skel, struct links *links, const char *spec, bool verbose);
/* Attaches the getaddrinfo entry/return probes in libc. Returns probes attached. */
int attach_gai(struct agentsight_bpf *skel, struct links *links, const char *libc, bool verbose);

#endif
