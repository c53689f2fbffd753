/* Finding the system libraries, and libc's getaddrinfo probes by symbol name (libbpf resolves the ELF
 * symbol to a file offset). The SSL_* probes, in libssl and in runtimes, are attached by runtimes.c. */
#include "attach.h"
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
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

void plink_destroy(struct plink *p)
{
	if (p->l)
		bpf_link__destroy(p->l);
	else if (p->fd >= 0)
		close(p->fd);
	p->l = NULL;
	p->fd = -1;
}

static bool attach_one(struct links *links, struct bpf_program *prog, const char *path, const char *func, bool ret,
		       bool verbose)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .func_name = func, .retprobe = ret);
	if (links->n >= (int)(sizeof(links->l) / sizeof(links->l[0])))
		return false;
	struct bpf_link *l = bpf_program__attach_uprobe_opts(prog, -1, path, 0, &opts);
	if (!l) {
		if (verbose)
			fprintf(stderr, "agentsight: %s:%s%s not attached: %s\n", path, func, ret ? " (ret)" : "", strerror(errno));
		return false;
	}
	links->l[links->n++] = (struct plink){ .l = l, .fd = -1 };
	return true;
}

int attach_gai(struct agentsight_bpf *skel, struct links *links, const char *libc, bool verbose)
{
	int n = attach_one(links, skel->progs.gai_enter, libc, "getaddrinfo", false, verbose);
	if (n)
		n += attach_one(links, skel->progs.gai_exit, libc, "getaddrinfo", true, verbose);
	return n;
}
