/* uprobe_multi links through the bpf syscall: see umulti.h for why. */
#include "umulti.h"
#include <bpf/bpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* BPF_LINK_CREATE's attributes for a uprobe_multi link, laid out as in the kernel's union bpf_attr
 * (the installed uapi header is older than these fields). */
struct link_create_uprobe_multi {
	uint32_t prog_fd, target_fd, attach_type, flags;
	uint64_t path, offsets, ref_ctr_offsets, cookies;
	uint32_t cnt, multi_flags, pid;
	uint32_t pad;
};

#define UPROBE_MULTI_RETURN 1 /* BPF_F_UPROBE_MULTI_RETURN */

int umulti_attach(int prog_fd, const char *path, const uint64_t *offsets, uint32_t cnt, bool ret, int pid, uint64_t cookie)
{
	uint64_t cookies[16];
	if (cnt == 0 || cnt > 16)
		return -EINVAL;
	for (uint32_t i = 0; i < cnt; i++)
		cookies[i] = cookie;
	struct link_create_uprobe_multi a;
	memset(&a, 0, sizeof(a));
	a.prog_fd = (uint32_t)prog_fd;
	a.attach_type = AS_TRACE_UPROBE_MULTI;
	a.path = (uint64_t)(uintptr_t)path;
	a.offsets = (uint64_t)(uintptr_t)offsets;
	a.cookies = (uint64_t)(uintptr_t)cookies;
	a.cnt = cnt;
	a.multi_flags = ret ? UPROBE_MULTI_RETURN : 0;
	a.pid = (uint32_t)pid;
	int fd = (int)syscall(__NR_bpf, BPF_LINK_CREATE, &a, sizeof(a));
	return fd < 0 ? -errno : fd;
}

bool umulti_supported(void)
{
	struct bpf_insn ret0[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = (enum bpf_attach_type)AS_TRACE_UPROBE_MULTI);
	int prog = bpf_prog_load(BPF_PROG_TYPE_KPROBE, "as_umulti_probe", "GPL", ret0, 2, &o);
	if (prog < 0)
		return false;
	/* Our own binary, for pid 1: init does not map it, so no breakpoint is written anywhere. A kernel
	 * without these links rejects the attach type here even where it accepted the program. */
	uint64_t off = 64;
	int link = umulti_attach(prog, "/proc/self/exe", &off, 1, false, 1, 0);
	if (link >= 0)
		close(link);
	close(prog);
	return link >= 0;
}
