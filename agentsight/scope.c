/* Which processes the collector traces (scope.h). */
#include "scope.h"
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "agents.h"
#include "agentsight.skel.h"

struct scope_counts scope_counts;
static struct agentsight_bpf *skel;
static int nwatch;

/* Verdicts on candidates, by pid: direct-mapped on the pid's low bits (the full pid is kept, so another
 * pid landing on the slot only evicts an older verdict). A verdict matters for the milliseconds between
 * a candidate's exec and the kernel forgetting it, and it is inherited by children forked meanwhile. */
enum verdict { V_NONE = 0, V_ACCEPT = 1, V_REJECT = 2 };
#define NVERDICTS 65536
static struct { __u32 pid; __u8 v; } verdicts[NVERDICTS];

static enum verdict verdict(__u32 pid)
{
	return verdicts[pid % NVERDICTS].pid == pid ? verdicts[pid % NVERDICTS].v : V_NONE;
}

static void set_verdict(__u32 pid, enum verdict v)
{
	verdicts[pid % NVERDICTS].pid = pid;
	verdicts[pid % NVERDICTS].v = v;
}

static void trace_pid(__u32 pid, __u64 flags)
{
	__u8 traced = AS_SCOPE_TRACED;
	bpf_map_update_elem(bpf_map__fd(skel->maps.traced), &pid, &traced, flags);
}

static void untrace_pid(__u32 pid)
{
	bpf_map_delete_elem(bpf_map__fd(skel->maps.traced), &pid);
}

void scope_init(struct agentsight_bpf *s, const char (*comms)[AS_COMM_LEN], int ncomms, bool agents)
{
	skel = s;
	int fd = bpf_map__fd(skel->maps.comms);
	char key[AS_COMM_LEN];
	__u8 kind = AS_COMM_CANDIDATE;
	for (int i = 0; agents && agent_candidate_comms[i]; i++) {
		memset(key, 0, sizeof(key));
		strncpy(key, agent_candidate_comms[i], AS_COMM_LEN - 1);
		bpf_map_update_elem(fd, key, &kind, BPF_ANY);
	}
	/* an explicit --comm wins over a candidate of the same name */
	kind = AS_COMM_TRACE;
	for (int i = 0; i < ncomms; i++)
		bpf_map_update_elem(fd, comms[i], &kind, BPF_ANY);
}

/* An EXEC record's program: its filename and argv, NUL-terminated copies (the tail may be cut). */
static const char *exec_agent(const struct ev_exec *x, size_t size)
{
	static char file[AS_PATH_MAX + 1], args[AS_ARGV_MAX + 1];
	const char *t = (const char *)(x + 1);
	if (size < sizeof(*x) || sizeof(*x) + x->filename_len + x->argv_len > size || x->filename_len > AS_PATH_MAX ||
	    x->argv_len > AS_ARGV_MAX)
		return NULL;
	memcpy(file, t, x->filename_len);
	file[x->filename_len] = 0;
	memcpy(args, t + x->filename_len, x->argv_len);
	args[x->argv_len] = 0;
	return agent_of(file, args, x->argv_len);
}

static bool admit(const struct ev_hdr *h, size_t size, const char **agent);

bool scope_admit(const struct ev_hdr *h, size_t size, const char **agent)
{
	bool ok = admit(h, size, agent);
	scope_counts.dropped += !ok;
	return ok;
}

static bool admit(const struct ev_hdr *h, size_t size, const char **agent)
{
	*agent = NULL;
	switch (h->kind) {
	case AS_EXEC: {
		*agent = exec_agent((const struct ev_exec *)h, size);
		if (!(h->flags & AS_HDR_CANDIDATE)) {
			set_verdict(h->pid, V_NONE); /* traced on its own account (a traced parent, --comm, --pid) */
			return true;
		}
		/* a child of an accepted candidate, forked before the kernel knew, stays in */
		if (*agent || verdict(h->pid) == V_ACCEPT) {
			scope_counts.accepted++;
			set_verdict(h->pid, V_ACCEPT);
			trace_pid(h->pid, BPF_EXIST);
			return true;
		}
		scope_counts.rejected++;
		set_verdict(h->pid, V_REJECT);
		untrace_pid(h->pid);
		return false;
	}
	case AS_FORK: {
		if (size < sizeof(struct ev_fork))
			return false;
		__u32 child = ((const struct ev_fork *)h)->child_pid;
		enum verdict v = verdict(h->pid);
		set_verdict(child, v);
		if (v == V_REJECT)
			untrace_pid(child);
		else if (v == V_ACCEPT)
			trace_pid(child, BPF_EXIST); /* not re-adding a child that already exited */
		return v != V_REJECT;
	}
	case AS_EXIT: {
		enum verdict v = verdict(h->pid);
		set_verdict(h->pid, V_NONE);
		return v != V_REJECT;
	}
	case AS_TRACED:
		set_verdict(h->pid, V_ACCEPT);
		return true;
	default:
		return verdict(h->pid) != V_REJECT;
	}
}

/* /proc/PID/stat → comm and ppid; false when the process is gone. */
static bool proc_stat(int pid, char *comm, int *ppid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	char *l = strchr(buf, '('), *r = strrchr(buf, ')');
	if (!l || !r)
		return false;
	size_t cl = r - l - 1 < AS_COMM_LEN - 1 ? r - l - 1 : AS_COMM_LEN - 1;
	memset(comm, 0, AS_COMM_LEN);
	memcpy(comm, l + 1, cl);
	*ppid = atoi(r + 4);
	return true;
}

const char *scope_agent_of_pid(int pid, char *exe, size_t cap)
{
	char path[64];
	static char args[AS_ARGV_MAX + 1];
	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	ssize_t n = readlink(path, exe, cap - 1);
	exe[n > 0 ? n : 0] = 0;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t len = fd >= 0 ? read(fd, args, AS_ARGV_MAX) : 0;
	if (fd >= 0)
		close(fd);
	args[len > 0 ? len : 0] = 0;
	return agent_of(exe, args, len > 0 ? (size_t)len : 0);
}

int scope_seed(const struct scope_seed *s, void (*found)(int pid, const char *agent, const char *exe))
{
	enum { MAXP = 1 << 16 };
	static int pids[MAXP], ppids[MAXP];
	static bool on[MAXP];
	char comm[AS_COMM_LEN], exe[512];
	int n = 0, seeded = 0;
	DIR *d = opendir("/proc");
	struct dirent *de;
	while (d && (de = readdir(d)) && n < MAXP) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		int pid = atoi(de->d_name), ppid;
		if (pid == getpid() || !proc_stat(pid, comm, &ppid))
			continue;
		pids[n] = pid;
		ppids[n] = ppid;
		on[n] = false;
		for (int i = 0; i < s->npids; i++)
			on[n] |= s->pids[i] == pid;
		for (int i = 0; i < s->ncomms; i++)
			on[n] |= memcmp(s->comms[i], comm, AS_COMM_LEN) == 0;
		if (s->agents)
			on[n] |= scope_agent_of_pid(pid, exe, sizeof(exe)) != NULL;
		n++;
	}
	if (d)
		closedir(d);
	for (bool changed = true; changed;) {
		changed = false;
		for (int i = 0; i < n; i++)
			for (int j = 0; !on[i] && j < n; j++)
				if (on[j] && pids[j] == ppids[i])
					on[i] = changed = true;
	}
	for (int i = 0; i < n; i++) {
		if (!on[i])
			continue;
		trace_pid(pids[i], BPF_ANY);
		set_verdict(pids[i], V_ACCEPT);
		seeded++;
		/* agents inside a traced tree too (the native codex under its node launcher) */
		const char *a = found ? scope_agent_of_pid(pids[i], exe, sizeof(exe)) : NULL;
		if (a)
			found(pids[i], a, exe);
	}
	return seeded;
}

int scope_watch(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	/* the kernel's dev_t encoding (MKDEV: major << 20 | minor), which super_block.s_dev holds */
	struct as_watch_key k = { .ino = st.st_ino, .dev = (major(st.st_dev) << 20) | minor(st.st_dev) };
	__u8 one = 1;
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.watch), &k, &one, BPF_NOEXIST) == 0)
		skel->bss->watching = ++nwatch;
	return 0;
}
