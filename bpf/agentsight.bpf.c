// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The collector's kernel side: process, file, connect, DNS and TLS-plaintext events of the traced agents'
 * process trees, written to two ring buffers (`events`, `ssl`). Tracepoints and uprobes only: the target
 * kernels have no kprobes. A process is traced when its tgid is in `traced`; it gets there by the loader
 * (--pid, a `pid` command, processes already running at start), by being forked by a traced process, by
 * writing under a watched directory (the agents' trace roots), or by its name at exec or rename (--comm).
 * An exec under a runtime's or agent's name (node, bun, claude, codex…: `comms` = AS_COMM_CANDIDATE) makes
 * the process a candidate: its EXEC goes to the loader flagged, the loader recognises an agent by its
 * filename and argv (agentsight/agents.c) and either marks it traced or removes it — before reading
 * anything the candidate did after its exec, since the ring keeps order, so nothing of an agent is lost
 * and nothing of another node process comes out. Everything else returns after one hash lookup. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "agentsight.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

#define AT_FDCWD -100
/* uapi fcntl flags: macros, so not in vmlinux.h */
#define O_ACCMODE 3
#define O_APPEND 02000

const volatile bool trace_all = false;
/* Numbers the SSL_* calls: a chunked call's records share it. Small, so JSON readers keep it exact. */
__u64 call_seq = 0;

struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 16 << 20); } events SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 32 << 20); } ssl SEC(".maps");

/* tgid → AS_SCOPE_TRACED or AS_SCOPE_CANDIDATE. */
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 65536); __type(key, __u32); __type(value, __u8); } traced SEC(".maps");
/* comm → AS_COMM_TRACE (starts a traced tree) or AS_COMM_CANDIDATE (the loader decides from argv). */
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, AS_MAX_COMMS); __type(key, char[AS_COMM_LEN]); __type(value, __u8); } comms SEC(".maps");
/* Watched directories (the trace roots): an untraced process that opens a file below one for writing
 * becomes traced. `watching` (set by the loader) keeps the check off when there are none. */
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 256); __type(key, struct as_watch_key); __type(value, __u8); } watch SEC(".maps");
__u32 watching = 0;
struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, AS_RING_COUNT); __type(key, __u32); __type(value, struct as_counters); } counters SEC(".maps");

/* Syscall arguments saved at sys_enter, used at sys_exit (when user strings are resident and the result is known). */
struct pending_sys {
	__u64 a[5];
	__u32 op;
	__u32 _pad;
};

/* SSL_* / getaddrinfo arguments saved at uprobe entry, for the return probe of the same thread. */
struct pending_call {
	__u64 ts;
	__u64 ssl;
	__u64 buf;
	__u64 out;   /* size_t *written/readbytes for the _ex variants, struct addrinfo ** for getaddrinfo */
	__u32 func;
	__u32 ex;
};

/* What a thread's pending syscall / SSL_* call / getaddrinfo saved at entry, for its exit. Task-local
 * storage, not a hash keyed by tid: a lookup is a pointer in the task (an LRU hash update + delete cost
 * each traced call ~0.4 µs more), and it goes away with the thread, so a call whose exit never comes
 * leaves nothing behind. `on` marks a slot filled by an entry and not yet taken by its exit. */
struct task_slots {
	struct pending_sys sys;
	struct pending_call ssl;
	struct pending_call dns;
	__u8 sys_on, ssl_on, dns_on;
	__u8 append_on; /* an untraced open for appending, to check against the watched directories at exit */
};
struct { __uint(type, BPF_MAP_TYPE_TASK_STORAGE); __uint(map_flags, BPF_F_NO_PREALLOC); __type(key, int); __type(value, struct task_slots); } slots SEC(".maps");

/* The current thread's slots; created on first use only when `create` (entries create, exits look). */
static __always_inline struct task_slots *my_slots(bool create)
{
	return bpf_task_storage_get(&slots, bpf_get_current_task_btf(), 0, create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
}

/* Per-CPU scratch to build variable-size records before bpf_ringbuf_output. Separate slots for the TLS
 * uprobes and the tracepoints so a uprobe preempted by a tracepoint program does not share a buffer. */
#define SCRATCH_SIZE (sizeof(struct ev_ssl) + AS_SSL_CHUNK)
struct scratch { __u8 b[SCRATCH_SIZE + 4096]; };
struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, 2); __type(key, __u32); __type(value, struct scratch); } scratch SEC(".maps");

/* Masks an offset after an optimization barrier: clang would drop a mask it can prove redundant, and the
 * verifier, having lost the earlier bound through a register spill, would then reject the access. */
static __always_inline __u32 bound(__u32 v, __u32 mask)
{
	asm volatile("" : "+r"(v));
	return v & mask;
}

static __always_inline void *get_scratch(__u32 slot)
{
	return bpf_map_lookup_elem(&scratch, &slot);
}

static __always_inline bool is_traced(__u32 tgid)
{
	return trace_all || bpf_map_lookup_elem(&traced, &tgid) != NULL;
}

static __always_inline void count(__u32 ring, __u64 bytes, bool dropped)
{
	struct as_counters *c = bpf_map_lookup_elem(&counters, &ring);
	if (!c)
		return;
	if (dropped) {
		c->drops++;
	} else {
		c->events++;
		c->bytes += bytes;
	}
}

/* Wake the loader only once this much is waiting (1/8 of the smaller ring); otherwise it polls once a
 * batch period (--batch-ms). A wakeup per event costs the traced process more than the event itself. */
#ifndef AS_WAKEUP_BYTES
#define AS_WAKEUP_BYTES (2 * 1024 * 1024)
#endif

/* Never blocks: a full ring is a counted drop. `wake`: the loader must see this one now (an exec, on
 * which it may attach TLS probes to the process before it starts talking). */
static __always_inline void submit_wake(void *ring, __u32 ring_id, void *data, __u64 size, bool wake)
{
	if (size > SCRATCH_SIZE)
		size = SCRATCH_SIZE;
	((struct ev_hdr *)data)->size = size;
	__u64 flags = wake || bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA) >= AS_WAKEUP_BYTES ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
	long err = bpf_ringbuf_output(ring, data, size, flags);
	count(ring_id, size, err != 0);
}

static __always_inline void submit(void *ring, __u32 ring_id, void *data, __u64 size)
{
	submit_wake(ring, ring_id, data, size, false);
}

static __always_inline void fill_hdr(struct ev_hdr *h, __u16 kind)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	__u64 id = bpf_get_current_pid_tgid();
	h->kind = kind;
	h->pid = id >> 32;
	h->tid = (__u32)id;
	h->ppid = BPF_CORE_READ(t, real_parent, tgid);
	h->uid = (__u32)bpf_get_current_uid_gid();
	h->flags = 0;
	h->ts_ns = bpf_ktime_get_boot_ns();
	BPF_CORE_READ_STR_INTO(&h->comm, t, group_leader, comm);
}

/* Room for one walked path: AS_CWD_MAX plus one component that may overhang it. */
struct path_out { __u8 b[AS_CWD_MAX + 256]; };

/* Writes the path of (dentry, vfsmount) as NUL-terminated components, leaf first, into out. Crosses mount
 * points; stops at the root. Returns bytes written (≤ AS_CWD_MAX). User space reverses and joins them.
 * A global function: the verifier checks it once, not once per caller and loop state. */
__noinline int walk_path(__u64 dentry, __u64 vfsmnt, struct path_out *out)
{
	struct dentry *d = (struct dentry *)dentry;
	struct mount *mnt = container_of((struct vfsmount *)vfsmnt, struct mount, mnt);
	__u32 off = 0;
	if (!out)
		return 0;
	for (int i = 0; i < AS_CWD_DEPTH; i++) {
		struct dentry *mnt_root = BPF_CORE_READ(mnt, mnt.mnt_root);
		struct dentry *parent = BPF_CORE_READ(d, d_parent);
		if (d == mnt_root || d == parent) {
			struct mount *mp = BPF_CORE_READ(mnt, mnt_parent);
			if (mp == mnt || d != mnt_root)
				break; /* the real root */
			d = BPF_CORE_READ(mnt, mnt_mountpoint);
			mnt = mp;
			continue;
		}
		const unsigned char *name = BPF_CORE_READ(d, d_name.name);
		if (off > AS_CWD_MAX - 256)
			break;
		long n = bpf_probe_read_kernel_str(out->b + bound(off, AS_CWD_MAX - 1), 256, name);
		if (n <= 0)
			break;
		off += n;
		d = parent;
	}
	return off;
}

static __always_inline __u32 walk_cwd(__u8 *out)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct path p = BPF_CORE_READ(t, fs, pwd);
	return walk_path((__u64)p.dentry, (__u64)p.mnt, (struct path_out *)out) & (2 * AS_CWD_MAX - 1);
}

static __always_inline __u32 walk_fd(int fd, __u8 *out)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct file **fds = BPF_CORE_READ(t, files, fdt, fd);
	struct file *f = NULL;
	if (fd < 0 || fd > 65535)
		return 0;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	if (!f)
		return 0;
	struct path p = BPF_CORE_READ(f, f_path);
	return walk_path((__u64)p.dentry, (__u64)p.mnt, (struct path_out *)out) & (2 * AS_CWD_MAX - 1);
}

/* The base a relative path is resolved against: the cwd for AT_FDCWD, else the directory fd's path. */
static __always_inline __u32 walk_base(int dirfd, __u8 *out)
{
	return dirfd == AT_FDCWD ? walk_cwd(out) : walk_fd(dirfd, out);
}

/* ---------------- process lifecycle ---------------- */

/* What the comm list says of this name: AS_COMM_TRACE, AS_COMM_CANDIDATE, or 0. */
static __always_inline __u8 comm_kind(const char *comm)
{
	char key[AS_COMM_LEN] = {};
	bpf_probe_read_kernel_str(key, sizeof(key), comm);
	__u8 *k = bpf_map_lookup_elem(&comms, key);
	return k ? *k : 0;
}

static __always_inline void track(__u32 tgid, __u8 scope)
{
	bpf_map_update_elem(&traced, &tgid, &scope, BPF_ANY);
}

static __always_inline __u8 scope_of(__u32 tgid)
{
	__u8 *s = bpf_map_lookup_elem(&traced, &tgid);
	return s ? *s : 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);
	__u8 scope = trace_all ? AS_SCOPE_TRACED : scope_of(tgid);
	if (!scope) {
		__u8 kind = comm_kind(p->comm);
		if (!kind)
			return 0;
		scope = kind == AS_COMM_TRACE ? AS_SCOPE_TRACED : AS_SCOPE_CANDIDATE;
		track(tgid, scope);
	}
	struct ev_exec *e = get_scratch(0);
	if (!e)
		return 0;
	fill_hdr(&e->h, AS_EXEC);
	e->h.flags = scope == AS_SCOPE_CANDIDATE ? AS_HDR_CANDIDATE : 0;
	__u8 *tail = (__u8 *)(e + 1);
	long n = bpf_probe_read_kernel_str(tail, AS_PATH_MAX, BPF_CORE_READ(bprm, filename));
	__u32 flen = n > 0 ? bound(n, 2 * AS_PATH_MAX - 1) : 0;
	if (flen > AS_PATH_MAX)
		flen = AS_PATH_MAX;
	e->filename_len = flen;

	__u64 start = BPF_CORE_READ(p, mm, arg_start), end = BPF_CORE_READ(p, mm, arg_end);
	__u64 total = end > start ? end - start : 0;
	e->argv_truncated = total > AS_ARGV_MAX;
	__u32 alen = bound(total > AS_ARGV_MAX ? AS_ARGV_MAX : total, 2 * AS_ARGV_MAX - 1);
	if (alen > AS_ARGV_MAX)
		alen = AS_ARGV_MAX;
	if (bpf_probe_read_user(tail + flen, alen, (void *)start) != 0)
		alen = 0;
	e->argv_len = alen;
	__u32 off = flen + alen;
	e->cwd_len = walk_cwd(tail + bound(off, 0x3fff)); /* masks keep the verifier's bounds */
	submit_wake(&events, AS_RING_EVENTS, e, sizeof(*e) + off + e->cwd_len, true);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	__u32 cpid = BPF_CORE_READ(child, pid);
	if (cpid != BPF_CORE_READ(child, tgid))
		return 0; /* a new thread, not a process */
	/* a candidate's child is one too until the loader has judged the parent (it reads this FORK after) */
	__u8 scope = trace_all ? AS_SCOPE_TRACED : scope_of(ptgid);
	if (!scope)
		return 0;
	track(cpid, scope);
	struct ev_fork e = {};
	fill_hdr(&e.h, AS_FORK);
	e.child_pid = cpid;
	submit(&events, AS_RING_EVENTS, &e, sizeof(e));
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *p, bool group_dead)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);
	if (!group_dead || !is_traced(tgid))
		return 0;
	bpf_map_delete_elem(&traced, &tgid);
	struct ev_exit e = {};
	fill_hdr(&e.h, AS_EXIT);
	int code = BPF_CORE_READ(p, exit_code);
	e.exit_code = (code >> 8) & 0xff;
	e.signal = code & 0x7f;
	e.start_ns = BPF_CORE_READ(p, group_leader, start_boottime);
	submit(&events, AS_RING_EVENTS, &e, sizeof(e));
	return 0;
}

/* A process that names itself like an agent (node's process.title, prctl PR_SET_NAME) starts a tree. */
SEC("tp_btf/task_rename")
int BPF_PROG(on_rename, struct task_struct *task, const char *comm)
{
	__u32 tgid = BPF_CORE_READ(task, tgid);
	if (BPF_CORE_READ(task, pid) != tgid || is_traced(tgid))
		return 0;
	if (comm_kind(comm) != AS_COMM_TRACE)
		return 0;
	track(tgid, AS_SCOPE_TRACED);
	/* the loader may have TLS probes to attach to it (agentsight/runtimes.h) */
	struct ev_hdr h = {};
	fill_hdr(&h, AS_TRACED);
	h.pid = tgid; /* a process can be renamed by another one (/proc/PID/comm) */
	submit_wake(&events, AS_RING_EVENTS, &h, sizeof(h), true);
	return 0;
}

/* ---------------- files and connect: save at enter, emit at exit ---------------- */

/* An untraced process opening a file for appending while directories are watched: its exit checks where
 * the file is (watch_writer). Other opens of untraced processes cost nothing more. */
static __always_inline void note_append(__u64 flags)
{
	if (!watching || !(flags & O_APPEND) || !(flags & O_ACCMODE))
		return;
	struct task_slots *t = my_slots(true);
	if (t)
		t->append_on = 1;
}

static __always_inline int save_sys(__u32 op, __u64 a0, __u64 a1, __u64 a2, __u64 a3, __u64 a4)
{
	__u64 id = bpf_get_current_pid_tgid();
	if (!is_traced(id >> 32)) {
		if (op == AS_OP_OPEN)
			note_append(a2);
		return 0;
	}
	struct task_slots *t = my_slots(true);
	if (!t)
		return 0;
	t->sys = (struct pending_sys){ .a = { a0, a1, a2, a3, a4 }, .op = op };
	t->sys_on = 1;
	return 0;
}

#define OP_CONNECT 100

SEC("tp/syscalls/sys_enter_openat")
int enter_openat(struct trace_event_raw_sys_enter *ctx)
{
	return save_sys(AS_OP_OPEN, ctx->args[0], ctx->args[1], ctx->args[2], 0, 0);
}

SEC("tp/syscalls/sys_enter_openat2")
int enter_openat2(struct trace_event_raw_sys_enter *ctx)
{
	struct open_how how = {};
	__u64 id = bpf_get_current_pid_tgid();
	if (!watching && !is_traced(id >> 32))
		return 0;
	bpf_probe_read_user(&how, sizeof(how), (void *)ctx->args[2]);
	return save_sys(AS_OP_OPEN, ctx->args[0], ctx->args[1], how.flags, 0, 0);
}

SEC("tp/syscalls/sys_enter_unlinkat")
int enter_unlinkat(struct trace_event_raw_sys_enter *ctx)
{
	return save_sys(AS_OP_UNLINK, ctx->args[0], ctx->args[1], ctx->args[2], 0, 0);
}

SEC("tp/syscalls/sys_enter_unlink")
int enter_unlink(struct trace_event_raw_sys_enter *ctx)
{
	return save_sys(AS_OP_UNLINK, (__u64)AT_FDCWD, ctx->args[0], 0, 0, 0);
}

SEC("tp/syscalls/sys_enter_renameat2")
int enter_renameat2(struct trace_event_raw_sys_enter *ctx)
{
	return save_sys(AS_OP_RENAME, ctx->args[0], ctx->args[1], ctx->args[4], ctx->args[2], ctx->args[3]);
}

SEC("tp/syscalls/sys_enter_renameat")
int enter_renameat(struct trace_event_raw_sys_enter *ctx)
{
	return save_sys(AS_OP_RENAME, ctx->args[0], ctx->args[1], 0, ctx->args[2], ctx->args[3]);
}

SEC("tp/syscalls/sys_enter_rename")
int enter_rename(struct trace_event_raw_sys_enter *ctx)
{
	return save_sys(AS_OP_RENAME, (__u64)AT_FDCWD, ctx->args[0], 0, (__u64)AT_FDCWD, ctx->args[1]);
}

SEC("tp/syscalls/sys_enter_connect")
int enter_connect(struct trace_event_raw_sys_enter *ctx)
{
	return save_sys(OP_CONNECT, ctx->args[0], ctx->args[1], ctx->args[2], 0, 0);
}

static __always_inline struct pending_sys *take_sys(struct pending_sys *copy)
{
	struct task_slots *t = my_slots(false);
	if (!t || !t->sys_on)
		return NULL;
	*copy = t->sys;
	t->sys_on = 0;
	return copy;
}

static __always_inline __u32 read_user_path(__u8 *dst, __u64 src)
{
	long n = bpf_probe_read_user_str(dst, AS_PATH_MAX, (void *)src);
	return n > 0 ? (__u32)n : 0;
}

static __always_inline int emit_file(long ret)
{
	struct pending_sys ps, *p;
	if (!(p = take_sys(&ps)) || p->op == OP_CONNECT)
		return 0;
	struct ev_file *e = get_scratch(0);
	if (!e)
		return 0;
	fill_hdr(&e->h, AS_FILE);
	e->ret = ret;
	e->op = p->op;
	e->dirfd = (int)p->a[0];
	e->flags = (__u32)p->a[2];
	__u8 *tail = (__u8 *)(e + 1);
	__u32 off = read_user_path(tail, p->a[1]);
	e->path_len = off;
	e->path2_len = 0;
	if (p->op == AS_OP_RENAME) {
		__u32 n2 = read_user_path(tail + (off & (AS_PATH_MAX * 2 - 1)), p->a[4]);
		e->path2_len = n2;
		off += n2;
	}
	/* The base directory only matters for a relative path. */
	e->cwd_len = 0;
	e->cwd2_len = 0;
	if (off > 2 * AS_PATH_MAX)
		return 0;
	if (e->path_len > 0 && tail[0] != '/') {
		e->cwd_len = walk_base(e->dirfd, tail + bound(off, 0xfff));
		off += e->cwd_len;
	}
	if (off > 2 * AS_PATH_MAX + AS_CWD_MAX)
		return 0;
	if (e->path2_len > 0) {
		__u8 first = 0;
		bpf_probe_read_kernel(&first, 1, tail + ((e->path_len) & (AS_PATH_MAX * 2 - 1)));
		if (first != '/') {
			e->cwd2_len = walk_base((int)p->a[3], tail + bound(off, 0xfff));
			off += e->cwd2_len;
		}
	}
	submit(&events, AS_RING_EVENTS, e, sizeof(*e) + off);
	return 0;
}

/* An untraced process that opened a file for appending below a watched directory (an agent's trace root:
 * it appends to a session's trace file — Claude Code's transcripts, Codex's rollouts) becomes traced from
 * now on, and the loader is told (AS_TRACED) so it can attach its TLS probes. The open's own record is lost
 * (its arguments were not saved at entry); the next one, and everything else the process does, is not.
 * Only opens noted at entry for appending are looked at: the walk up the parents costs ~200 ns. */
static __always_inline void watch_writer(long fd)
{
	if (!watching)
		return;
	struct task_slots *ts = my_slots(false);
	if (!ts || !ts->append_on)
		return;
	ts->append_on = 0;
	if (fd < 0 || fd > 65535)
		return;
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct file **fds = BPF_CORE_READ(t, files, fdt, fd);
	struct file *f = NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	if (!f)
		return;
	struct dentry *d = BPF_CORE_READ(f, f_path.dentry);
	struct as_watch_key k = { .dev = BPF_CORE_READ(f, f_path.mnt, mnt_sb, s_dev) };
	for (int i = 0; i < AS_WATCH_DEPTH; i++) {
		struct dentry *parent = BPF_CORE_READ(d, d_parent);
		if (!parent || parent == d)
			return;
		d = parent;
		k.ino = BPF_CORE_READ(d, d_inode, i_ino);
		if (bpf_map_lookup_elem(&watch, &k))
			break;
		if (i == AS_WATCH_DEPTH - 1)
			return;
	}
	track(tgid, AS_SCOPE_TRACED);
	struct ev_hdr h = {};
	fill_hdr(&h, AS_TRACED);
	submit_wake(&events, AS_RING_EVENTS, &h, sizeof(h), true);
}

SEC("tp/syscalls/sys_exit_openat")
int exit_openat(struct trace_event_raw_sys_exit *ctx)
{
	watch_writer(ctx->ret);
	return emit_file(ctx->ret);
}
SEC("tp/syscalls/sys_exit_openat2")
int exit_openat2(struct trace_event_raw_sys_exit *ctx)
{
	watch_writer(ctx->ret);
	return emit_file(ctx->ret);
}
SEC("tp/syscalls/sys_exit_unlinkat")
int exit_unlinkat(struct trace_event_raw_sys_exit *ctx) { return emit_file(ctx->ret); }
SEC("tp/syscalls/sys_exit_unlink")
int exit_unlink(struct trace_event_raw_sys_exit *ctx) { return emit_file(ctx->ret); }
SEC("tp/syscalls/sys_exit_renameat2")
int exit_renameat2(struct trace_event_raw_sys_exit *ctx) { return emit_file(ctx->ret); }
SEC("tp/syscalls/sys_exit_renameat")
int exit_renameat(struct trace_event_raw_sys_exit *ctx) { return emit_file(ctx->ret); }
SEC("tp/syscalls/sys_exit_rename")
int exit_rename(struct trace_event_raw_sys_exit *ctx) { return emit_file(ctx->ret); }

SEC("tp/syscalls/sys_exit_connect")
int exit_connect(struct trace_event_raw_sys_exit *ctx)
{
	struct pending_sys ps, *p;
	if (!(p = take_sys(&ps)) || p->op != OP_CONNECT)
		return 0;
	struct ev_connect e = {};
	fill_hdr(&e.h, AS_CONNECT);
	e.ret = ctx->ret;
	e.fd = (int)p->a[0];
	__u32 len = (__u32)p->a[2];
	if (len > sizeof(e.addr))
		len = sizeof(e.addr);
	e.addrlen = len;
	bpf_probe_read_user(e.addr, len & 127, (void *)p->a[1]);
	submit(&events, AS_RING_EVENTS, &e, sizeof(e));
	return 0;
}

/* ---------------- TLS plaintext (OpenSSL API uprobes) ---------------- */

/* A TLS probe's link for one traced process carries cookie AS_COOKIE_TRACED (agentsight/runtimes.c): the
 * kernel ran it only in that process, so the `traced` lookup — a cold hash bucket in a busy agent — is
 * skipped. Machine-wide links (libssl) and perf-event uprobes carry 0 and check. */
static __always_inline bool tls_traced(void *ctx)
{
	return bpf_get_attach_cookie(ctx) == AS_COOKIE_TRACED || is_traced(bpf_get_current_pid_tgid() >> 32);
}

static __always_inline int ssl_enter(void *ctx, __u64 ssl_ptr, __u64 buf, __u64 out, __u32 func, __u32 ex)
{
#ifdef AS_EMPTY_TLS
	return 0; /* a benchmark build: what the traps alone cost */
#endif
	if (!tls_traced(ctx))
		return 0;
	struct task_slots *t = my_slots(true);
	if (!t)
		return 0;
	/* SSL_write may call SSL_write_ex internally in some builds: the innermost call reports. */
	t->ssl = (struct pending_call){ .ts = bpf_ktime_get_boot_ns(), .ssl = ssl_ptr, .buf = buf, .out = out, .func = func, .ex = ex };
	t->ssl_on = 1;
	return 0;
}

static __always_inline int ssl_exit(long ret)
{
	struct task_slots *t = my_slots(false);
	if (!t || !t->ssl_on)
		return 0;
	struct pending_call c = t->ssl;
	t->ssl_on = 0;

	/* every hooked function returns int: the upper half of the register is not part of the value */
	int r = (int)ret;
	__u64 len = 0;
	if (c.func == AS_SSL_HANDSHAKE) {
		len = 0;
	} else if (c.ex) {
		if (r == 1 && c.out)
			bpf_probe_read_user(&len, sizeof(len), (void *)c.out);
	} else if (r > 0) {
		len = r;
	}
	if (c.func != AS_SSL_HANDSHAKE && len == 0)
		return 0; /* WANT_READ/WANT_WRITE retries and errors carry no data */

	struct ev_ssl *e = get_scratch(1);
	if (!e)
		return 0;
	fill_hdr(&e->h, AS_SSL);
	__u64 now = e->h.ts_ns;
	e->call_id = __sync_fetch_and_add(&call_seq, 1) + 1;
	e->ssl = c.ssl;
	e->latency_ns = now - c.ts;
	e->ret = r;
	e->len = len;
	__u64 cap = len > AS_SSL_MAX ? AS_SSL_MAX : len;
	e->buf_size = cap;
	e->func = c.func;
	e->truncated = len > AS_SSL_MAX;
	__u8 *tail = (__u8 *)(e + 1);
	if (cap == 0) {
		e->offset = 0;
		e->chunk_len = 0;
		e->last = 1;
		submit(&ssl, AS_RING_SSL, e, sizeof(*e));
		return 0;
	}
	for (int i = 0; i < AS_SSL_MAX / AS_SSL_CHUNK; i++) {
		__u32 off = i * AS_SSL_CHUNK;
		if (off >= cap)
			break;
		__u32 n = cap - off;
		if (n > AS_SSL_CHUNK)
			n = AS_SSL_CHUNK;
		e->offset = off;
		e->last = off + n >= cap;
		n = bound(n, 2 * AS_SSL_CHUNK - 1);
		if (n > AS_SSL_CHUNK)
			n = AS_SSL_CHUNK;
		if (bpf_probe_read_user(tail, n, (void *)(c.buf + off)) != 0) {
			e->truncated = 1;
			n = 0;
		}
		e->chunk_len = n;
		submit(&ssl, AS_RING_SSL, e, sizeof(*e) + n);
	}
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(ssl_write, void *s, const void *buf, int num) { return ssl_enter(ctx, (__u64)s, (__u64)buf, 0, AS_SSL_WRITE, 0); }
SEC("uprobe")
int BPF_KPROBE(ssl_read, void *s, void *buf, int num) { return ssl_enter(ctx, (__u64)s, (__u64)buf, 0, AS_SSL_READ, 0); }
SEC("uprobe")
int BPF_KPROBE(ssl_write_ex, void *s, const void *buf, size_t num, size_t *written) { return ssl_enter(ctx, (__u64)s, (__u64)buf, (__u64)written, AS_SSL_WRITE, 1); }
SEC("uprobe")
int BPF_KPROBE(ssl_read_ex, void *s, void *buf, size_t num, size_t *readbytes) { return ssl_enter(ctx, (__u64)s, (__u64)buf, (__u64)readbytes, AS_SSL_READ, 1); }
/* OpenSSL 3.2+'s ssl_write_internal(s, buf, num, flags, *written), probed in place of its wrappers */
SEC("uprobe")
int BPF_KPROBE(ssl_write_ex5, void *s, const void *buf, size_t num, __u64 flags, size_t *written) { return ssl_enter(ctx, (__u64)s, (__u64)buf, (__u64)written, AS_SSL_WRITE, 1); }
SEC("uprobe")
int BPF_KPROBE(ssl_handshake, void *s) { return ssl_enter(ctx, (__u64)s, 0, 0, AS_SSL_HANDSHAKE, 0); }
SEC("uretprobe")
int BPF_KRETPROBE(ssl_ret, long ret) { return ssl_exit(ret); }

/* SSL_set_tlsext_host_name(s, name) is SSL_ctrl(s, SSL_CTRL_SET_TLSEXT_HOSTNAME=55, TLSEXT_NAMETYPE_host_name=0, name). */
SEC("uprobe")
int BPF_KPROBE(ssl_ctrl, void *s, int cmd, long larg, const char *parg)
{
	if (cmd != 55 || larg != 0 || !parg || !tls_traced(ctx))
		return 0;
	struct ev_sni *e = get_scratch(1);
	if (!e)
		return 0;
	fill_hdr(&e->h, AS_SNI);
	e->ssl = (__u64)s;
	long n = bpf_probe_read_user_str(e + 1, AS_HOST_MAX, parg);
	e->host_len = n > 0 ? n : 0;
	submit(&events, AS_RING_EVENTS, e, sizeof(*e) + (e->host_len & (AS_HOST_MAX * 2 - 1)));
	return 0;
}

/* ---------------- getaddrinfo answers (libc uprobe) ---------------- */

/* glibc's struct addrinfo on x86_64/aarch64: ai_addr at 24, ai_next at 40. */
struct as_addrinfo {
	int ai_flags, ai_family, ai_socktype, ai_protocol;
	__u32 ai_addrlen;
	__u32 _pad;
	void *ai_addr;
	char *ai_canonname;
	struct as_addrinfo *ai_next;
};

SEC("uprobe")
int BPF_KPROBE(gai_enter, const char *node, const char *service, void *hints, void **res)
{
	__u64 id = bpf_get_current_pid_tgid();
	if (!node || !is_traced(id >> 32))
		return 0;
	struct task_slots *t = my_slots(true);
	if (!t)
		return 0;
	t->dns = (struct pending_call){ .ts = bpf_ktime_get_boot_ns(), .buf = (__u64)node, .out = (__u64)res };
	t->dns_on = 1;
	return 0;
}

SEC("uretprobe")
int BPF_KRETPROBE(gai_exit, long ret_reg)
{
	struct task_slots *t = my_slots(false);
	if (!t || !t->dns_on)
		return 0;
	struct pending_call c = t->dns;
	t->dns_on = 0;
	struct ev_dns *e = get_scratch(1);
	if (!e)
		return 0;
	int ret = (int)ret_reg;
	fill_hdr(&e->h, AS_DNS);
	e->ret = ret;
	e->naddrs = 0;
	struct as_addrinfo *ai = NULL;
	if (ret == 0)
		bpf_probe_read_user(&ai, sizeof(ai), (void *)c.out);
	for (int i = 0; i < AS_DNS_ADDRS && ai; i++) {
		struct as_addrinfo a = {};
		if (bpf_probe_read_user(&a, sizeof(a), ai) != 0)
			break;
		struct as_dns_addr *d = &e->addrs[i];
		__u16 fam = 0;
		bpf_probe_read_user(&fam, 2, a.ai_addr);
		d->family = fam;
		__builtin_memset(d->addr, 0, sizeof(d->addr));
		if (fam == 2) /* sockaddr_in: sin_addr at 4 */
			bpf_probe_read_user(d->addr, 4, (__u8 *)a.ai_addr + 4);
		else if (fam == 10) /* sockaddr_in6: sin6_addr at 8 */
			bpf_probe_read_user(d->addr, 16, (__u8 *)a.ai_addr + 8);
		e->naddrs = i + 1;
		ai = a.ai_next;
	}
	long n = bpf_probe_read_user_str(e + 1, AS_HOST_MAX, (void *)c.buf);
	e->host_len = n > 0 ? n : 0;
	submit(&events, AS_RING_EVENTS, e, sizeof(*e) + (e->host_len & (AS_HOST_MAX * 2 - 1)));
	return 0;
}
