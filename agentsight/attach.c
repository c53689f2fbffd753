/* Machine-wide uprobes by symbol name in the system libraries (libssl, libc): libbpf resolves the ELF
 * symbol to a file offset. Runtimes that embed OpenSSL are probed per process (runtimes.c). */
#include "attach.h"
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "agentsight.skel.h"

bool ldconfig_find(const char *prefix, char *out, size_t cap)
{
	FILE *p = popen("ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null", "r");
	char line[1024];
	bool found = false;
	if (!p)
		return false;
	while (!found && fgets(line, sizeof(line), p)) {
		char *name = line + strspn(line, " \t"), *arrow = strstr(line, "=> ");
		/* prefer the native ABI: skip 32-bit entries on 64-bit hosts */
		if (!arrow || strncmp(name, prefix, strlen(prefix)) != 0 || (sizeof(void *) == 8 && !strstr(line, "64")))
			continue;
		snprintf(out, cap, "%s", arrow + 3);
		out[strcspn(out, "\n")] = 0;
		found = true;
	}
	pclose(p);
	return found;
}

/* By symbol name (func set) or at a file offset (func NULL). */
static bool attach_at(struct links *links, struct bpf_program *prog, const char *path, const char *func, size_t off,
		      bool ret, bool verbose)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .func_name = func, .retprobe = ret);
	if (links->n >= (int)(sizeof(links->l) / sizeof(links->l[0])))
		return false;
	struct bpf_link *l = bpf_program__attach_uprobe_opts(prog, -1, path, off, &opts);
	if (!l) {
		if (verbose)
			fprintf(stderr, "agentsight: %s:%s%s not attached: %s\n", path, func ? func : "offset", ret ? " (ret)" : "",
				strerror(errno));
		return false;
	}
	links->l[links->n++] = l;
	return true;
}

static bool attach_one(struct links *links, struct bpf_program *prog, const char *path, const char *func, bool ret,
		       bool verbose)
{
	return attach_at(links, prog, path, func, 0, ret, verbose);
}

int attach_ssl(struct agentsight_bpf *skel, struct links *links, const char *path, bool verbose)
{
	struct { struct bpf_program *prog; const char *func; } entries[] = {
		{ skel->progs.ssl_write, "SSL_write" },
		{ skel->progs.ssl_read, "SSL_read" },
		{ skel->progs.ssl_write_ex, "SSL_write_ex" },
		{ skel->progs.ssl_read_ex, "SSL_read_ex" },
		{ skel->progs.ssl_handshake, "SSL_do_handshake" },
	};
	int n = 0;
	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		/* the return probe only makes sense once the entry probe is in */
		if (attach_one(links, entries[i].prog, path, entries[i].func, false, verbose)) {
			n++;
			n += attach_one(links, skel->progs.ssl_ret, path, entries[i].func, true, verbose);
		}
	}
	n += attach_one(links, skel->progs.ssl_ctrl, path, "SSL_ctrl", false, verbose);
	return n;
}

int attach_gai(struct agentsight_bpf *skel, struct links *links, const char *libc, bool verbose)
{
	int n = attach_one(links, skel->progs.gai_enter, libc, "getaddrinfo", false, verbose);
	if (n)
		n += attach_one(links, skel->progs.gai_exit, libc, "getaddrinfo", true, verbose);
	return n;
}
