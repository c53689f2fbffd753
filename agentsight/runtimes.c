/* TLS probes per process for runtimes that embed OpenSSL: see runtimes.h for why. */
#include "runtimes.h"
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <pthread.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "agentsight.h"
#include "agentsight.skel.h"
#include "attach.h"
#include "umulti.h"
#include "unwrap.h"

bool runtimes_multi;

/* The probed functions, then one more symbol place_probes reads: SSL_write_ex2 (OpenSSL 3.3+). */
static const char *const probe_names[RT_NPROBES + 1] = {
	[RT_WRITE] = "SSL_write", [RT_READ] = "SSL_read", [RT_WRITE_EX] = "SSL_write_ex",
	[RT_READ_EX] = "SSL_read_ex", [RT_HANDSHAKE] = "SSL_do_handshake", [RT_CTRL] = "SSL_ctrl",
	[RT_NPROBES] = "SSL_write_ex2",
};

static struct runtime *new_runtime(struct runtimes *r, const char *path)
{
	struct stat st;
	if (r->n >= RT_MAX || stat(path, &st) != 0)
		return NULL;
	struct runtime *rt = &r->rt[r->n];
	memset(rt, 0, sizeof(*rt));
	snprintf(rt->path, sizeof(rt->path), "%s", path);
	rt->dev = st.st_dev;
	rt->ino = st.st_ino;
	return rt;
}

/* File offset of each function symbol in names[0..nnames): its address relative to its section, plus the
 * section's place in the file (what a uprobe is attached at). [*lo, *hi): the file range of SSL_read's
 * section. Returns how many of the first RT_NPROBES names were found. */
static int elf_offsets(const char *path, const char *const *names, int nnames, size_t *off, size_t *lo, size_t *hi)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	elf_version(EV_CURRENT);
	Elf *e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	int found = 0;
	for (Elf_Scn *scn = NULL; e && (scn = elf_nextscn(e, scn));) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_DYNSYM && sh.sh_type != SHT_SYMTAB) || !sh.sh_entsize)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		size_t count = d ? sh.sh_size / sh.sh_entsize : 0;
		for (size_t i = 0; i < count; i++) {
			GElf_Sym sym;
			if (!gelf_getsym(d, (int)i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_shndx == SHN_UNDEF ||
			    !sym.st_value)
				continue;
			const char *name = elf_strptr(e, sh.sh_link, sym.st_name);
			for (int k = 0; name && k < nnames; k++) {
				GElf_Shdr text;
				if (off[k] || strcmp(name, names[k]) != 0 || !gelf_getshdr(elf_getscn(e, sym.st_shndx), &text))
					continue;
				off[k] = sym.st_value - text.sh_addr + text.sh_offset;
				if (k == RT_READ || (k == RT_READ_EX && !*hi)) {
					*lo = text.sh_offset;
					*hi = text.sh_offset + text.sh_size;
				}
				found += k < RT_NPROBES;
			}
		}
	}
	if (e)
		elf_end(e);
	close(fd);
	return found;
}

/* Where the function at `off` traps without a single step (itself, or past its endbr64); 0: nowhere. */
static size_t cheap_entry(int fd, size_t off)
{
	uint8_t code[16];
	return off && pread(fd, code, sizeof(code), off) == sizeof(code) ? emulated_entry(code, sizeof(code), off) : 0;
}

/* The function both the wrapper `a` and its _ex-style twin `b` call, where it traps cheaply (unwrap.h);
 * *out_arg as wrapper_callee says for `a`. 0: none. */
static size_t shared_callee(int fd, size_t a, size_t b, size_t lo, size_t hi, int *out_arg)
{
	uint8_t code[64];
	int twin_out;
	if (!a || !b || pread(fd, code, sizeof(code), a) != sizeof(code))
		return 0;
	size_t c = wrapper_callee(code, sizeof(code), a, lo, hi, out_arg);
	/* the twin calling the same function is what makes the callee's argument layout credible */
	if (!c || pread(fd, code, sizeof(code), b) != sizeof(code) || wrapper_callee(code, sizeof(code), b, lo, hi, &twin_out) != c)
		return 0;
	return cheap_entry(fd, c);
}

/* Moves each probe to where its trap needs no single step: past an endbr64, or, for SSL_read/SSL_write
 * wrappers (and their _ex twins), to the function they wrap, probed once as an _ex-style function. A
 * probe that fits neither stays, single-stepped. `write_ex2`: SSL_write_ex2 (OpenSSL 3.3+), the twin of
 * SSL_write where SSL_write_ex only jumps to it. */
static void place_probes(const char *path, struct runtime *rt, size_t write_ex2, size_t lo, size_t hi, bool verbose)
{
#ifndef __x86_64__
	return; /* the byte patterns are x86's; other architectures' uprobes emulate other instructions */
#endif
	size_t *off = rt->off;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	bool cheap[RT_NPROBES];
	for (int k = 0; k < RT_NPROBES; k++) {
		size_t at = cheap_entry(fd, off[k]);
		if (at > off[k] && verbose)
			fprintf(stderr, "agentsight: %s: %s opens with endbr64; probed past it\n", path, probe_names[k]);
		if (at)
			off[k] = at;
		cheap[k] = at != 0;
	}
	static const int pairs[2][2] = { { RT_READ, RT_READ_EX }, { RT_WRITE, RT_WRITE_EX } };
	for (int i = 0; i < 2; i++) {
		int plain = pairs[i][0], ex = pairs[i][1], out = 0;
		if (!off[plain] || cheap[plain])
			continue;
		size_t c = shared_callee(fd, off[plain], off[ex], lo, hi, &out);
		if (!c && plain == RT_WRITE)
			c = shared_callee(fd, off[plain], write_ex2, lo, hi, &out);
		/* an _ex program reads the count through the 4th argument; ssl_write_ex5 through the 5th */
		if (c && (out == 4 || (out == 5 && plain == RT_WRITE))) {
			if (verbose)
				fprintf(stderr, "agentsight: %s: %s opens with a single-stepped instruction; probing the function it "
					"wraps (offset 0x%zx, count in argument %d) for it and %s\n", path, probe_names[plain], c, out,
					probe_names[ex]);
			off[plain] = 0;
			off[ex] = c;
			rt->write_out5 |= out == 5;
		} else if (verbose) {
			fprintf(stderr, "agentsight: %s: %s opens with an instruction the kernel single-steps at every call\n",
				path, probe_names[plain]);
		}
	}
	close(fd);
}

int runtimes_add_symbols(struct runtimes *r, const char *path, bool verbose)
{
	struct runtime *rt = new_runtime(r, path);
	if (!rt)
		return 0;
	size_t off[RT_NPROBES + 1] = { 0 }, lo = 0, hi = 0;
	int found = elf_offsets(path, probe_names, RT_NPROBES + 1, off, &lo, &hi);
	memcpy(rt->off, off, sizeof(rt->off));
	place_probes(path, rt, off[RT_NPROBES], lo, hi, verbose);
	/* without both directions there is no plaintext to speak of */
	if (!rt->off[RT_WRITE] && !rt->off[RT_WRITE_EX])
		found = 0;
	if (!rt->off[RT_READ] && !rt->off[RT_READ_EX])
		found = 0;
	if (verbose)
		fprintf(stderr, "agentsight: %s: %d OpenSSL functions\n", path, found);
	if (found)
		r->n++;
	return found;
}

int runtimes_add_offsets(struct runtimes *r, const char *spec)
{
	char path[512], list[256];
	const char *colon = strrchr(spec, ':');
	if (!colon || colon == spec || (size_t)(colon - spec) >= sizeof(path))
		return -1;
	memcpy(path, spec, colon - spec);
	path[colon - spec] = 0;
	snprintf(list, sizeof(list), "%s", colon + 1);
	size_t off[RT_NPROBES] = { 0 };
	int n = 0;
	for (char *save, *kv = strtok_r(list, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '='), *end;
		if (!eq)
			return -1;
		*eq = 0;
		unsigned long long v = strtoull(eq + 1, &end, 0);
		int k = strcmp(kv, "write") == 0 ? RT_WRITE : strcmp(kv, "read") == 0 ? RT_READ
			: strcmp(kv, "handshake") == 0 ? RT_HANDSHAKE : -1;
		if (k < 0 || *end || v == 0)
			return -1;
		off[k] = v;
		n++;
	}
	struct runtime *rt = new_runtime(r, path);
	if (!rt)
		return 0;
	memcpy(rt->off, off, sizeof(off));
	r->n++;
	return n;
}

const struct runtime *runtimes_of_pid(const struct runtimes *r, int pid)
{
	char exe[64];
	struct stat st;
	snprintf(exe, sizeof(exe), "/proc/%d/exe", pid);
	if (r->n == 0 || stat(exe, &st) != 0)
		return NULL;
	for (int i = 0; i < r->n; i++)
		if (r->rt[i].dev == st.st_dev && r->rt[i].ino == st.st_ino)
			return &r->rt[i];
	return NULL;
}

/* One uprobe_multi link per entry program, and one for all the return probes. A link for one pid carries
 * AS_COOKIE_TRACED: its programs then skip the `traced` lookup (the kernel filtered already). */
static int attach_multi(struct agentsight_bpf *skel, struct bpf_program *const entry[RT_NPROBES], const int order[RT_NPROBES],
			const struct runtime *rt, int pid, struct plink *out, int cap, bool verbose)
{
	uint64_t rets[RT_NPROBES];
	int upid = pid < 0 ? 0 : pid; /* uprobe_multi: 0 = every process */
	uint64_t cookie = upid ? AS_COOKIE_TRACED : 0;
	int n = 0, nret = 0;
	for (int i = 0; i < RT_NPROBES && n < cap - 1; i++) {
		int k = order[i];
		if (!rt->off[k])
			continue;
		uint64_t off = rt->off[k];
		int fd = umulti_attach(bpf_program__fd(entry[k]), rt->path, &off, 1, false, upid, cookie);
		if (fd < 0) {
			if (verbose)
				fprintf(stderr, "agentsight: %s:%s for pid %d not attached: %s\n", rt->path, probe_names[k], pid, strerror(-fd));
			continue; /* no return probe without its entry */
		}
		out[n++] = (struct plink){ .l = NULL, .fd = fd };
		if (k != RT_CTRL)
			rets[nret++] = off;
	}
	if (nret) {
		int fd = umulti_attach(bpf_program__fd(skel->progs.ssl_ret), rt->path, rets, nret, true, upid, cookie);
		if (fd >= 0)
			out[n++] = (struct plink){ .l = NULL, .fd = fd };
		else if (verbose)
			fprintf(stderr, "agentsight: %s: return probes for pid %d not attached: %s\n", rt->path, pid, strerror(-fd));
	}
	return n;
}

int runtimes_attach(struct agentsight_bpf *skel, const struct runtime *rt, int pid, struct plink *out, int cap,
		    bool verbose)
{
	struct bpf_program *entry[RT_NPROBES] = {
		[RT_WRITE] = skel->progs.ssl_write, [RT_READ] = skel->progs.ssl_read,
		[RT_WRITE_EX] = rt->write_out5 ? skel->progs.ssl_write_ex5 : skel->progs.ssl_write_ex,
		[RT_READ_EX] = skel->progs.ssl_read_ex, [RT_HANDSHAKE] = skel->progs.ssl_handshake, [RT_CTRL] = skel->progs.ssl_ctrl,
	};
	/* A perf-event uprobe's attach waits for an RCU grace period (~3.5 ms here, 11 probes ~35 ms): the
	 * ones a fresh process uses first go first — SNI at connect, then the request write and the reply read. */
	static const int order[RT_NPROBES] = { RT_CTRL, RT_WRITE, RT_READ, RT_HANDSHAKE, RT_WRITE_EX, RT_READ_EX };
	if (runtimes_multi)
		return attach_multi(skel, entry, order, rt, pid, out, cap, verbose);
	int n = 0;
	for (int i = 0; i < RT_NPROBES; i++) {
		int k = order[i];
		if (!rt->off[k])
			continue;
		for (int ret = 0; ret <= (k != RT_CTRL) && n < cap; ret++) {
			LIBBPF_OPTS(bpf_uprobe_opts, opts, .retprobe = ret);
			struct bpf_link *l = bpf_program__attach_uprobe_opts(ret ? skel->progs.ssl_ret : entry[k], pid, rt->path,
									     rt->off[k], &opts);
			if (!l) {
				if (verbose)
					fprintf(stderr, "agentsight: %s:%s%s for pid %d not attached: %s\n", rt->path, probe_names[k],
						ret ? " (ret)" : "", pid, strerror(errno));
				break; /* no return probe without its entry */
			}
			out[n++] = (struct plink){ .l = l, .fd = -1 };
		}
	}
	return n;
}

/* ---- detaching off the event loop ----
 * Destroying a uprobe link waits for the kernel's uprobe unregistration to settle (an RCU grace period,
 * tens to hundreds of ms): done inline, an exiting node process would stall the ring draining for that
 * long. A reaper thread destroys the links of exited processes instead. */

struct dead { struct plink l[RT_LINKS]; int n; struct dead *next; };

static pthread_mutex_t reap_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t reap_cond = PTHREAD_COND_INITIALIZER;
static struct dead *reap_head;
static bool reap_started, reap_quit;
static pthread_t reaper;

static void *reap_loop(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&reap_lock);
	for (;;) {
		while (!reap_head && !reap_quit)
			pthread_cond_wait(&reap_cond, &reap_lock);
		struct dead *d = reap_head;
		if (!d)
			break;
		reap_head = d->next;
		pthread_mutex_unlock(&reap_lock);
		for (int k = 0; k < d->n; k++)
			plink_destroy(&d->l[k]);
		free(d);
		pthread_mutex_lock(&reap_lock);
	}
	pthread_mutex_unlock(&reap_lock);
	return NULL;
}

static void reap_later(struct plink *l, int n)
{
	struct dead *d = malloc(sizeof(*d));
	if (!reap_started)
		reap_started = pthread_create(&reaper, NULL, reap_loop, NULL) == 0;
	if (!d || !reap_started) {
		for (int k = 0; k < n; k++)
			plink_destroy(&l[k]);
		free(d);
		return;
	}
	memcpy(d->l, l, n * sizeof(*l));
	d->n = n;
	pthread_mutex_lock(&reap_lock);
	d->next = reap_head;
	reap_head = d;
	pthread_cond_signal(&reap_cond);
	pthread_mutex_unlock(&reap_lock);
}

/* ---- the per-process links the loader holds (a few dozen processes: a flat array is enough) ---- */

struct proc_links {
	int pid;
	const struct runtime *rt;
	struct plink l[RT_LINKS];
	int n;
};

static struct proc_links *procs;
static int nprocs, cap_procs;

static int find_proc(int pid)
{
	for (int i = 0; i < nprocs; i++)
		if (procs[i].pid == pid)
			return i;
	return -1;
}

void procs_attach(struct agentsight_bpf *skel, int pid, const struct runtime *rt, bool verbose)
{
	int i = find_proc(pid);
	if (i >= 0 && procs[i].rt == rt)
		return;
	if (i >= 0)
		procs_detach(pid);
	if (nprocs == cap_procs) {
		int cap = cap_procs ? 2 * cap_procs : 64;
		struct proc_links *p = realloc(procs, cap * sizeof(*p));
		if (!p)
			return;
		procs = p;
		cap_procs = cap;
	}
	struct proc_links *p = &procs[nprocs];
	p->pid = pid;
	p->rt = rt;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	p->n = runtimes_attach(skel, rt, pid, p->l, RT_LINKS, verbose);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (verbose)
		fprintf(stderr, "agentsight: pid %d runs %s: %d TLS probes attached in %.1f ms\n", pid, rt->path, p->n,
			(t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
	if (p->n > 0)
		nprocs++;
}

const struct runtime *procs_runtime(int pid)
{
	int i = find_proc(pid);
	return i >= 0 ? procs[i].rt : NULL;
}

void procs_detach(int pid)
{
	int i = find_proc(pid);
	if (i < 0)
		return;
	reap_later(procs[i].l, procs[i].n);
	procs[i] = procs[--nprocs];
}

void procs_detach_all(void)
{
	for (int i = 0; i < nprocs; i++)
		for (int k = 0; k < procs[i].n; k++)
			plink_destroy(&procs[i].l[k]);
	nprocs = 0;
	free(procs);
	procs = NULL;
	cap_procs = 0;
	if (reap_started) {
		pthread_mutex_lock(&reap_lock);
		reap_quit = true;
		pthread_cond_signal(&reap_cond);
		pthread_mutex_unlock(&reap_lock);
		pthread_join(reaper, NULL);
		reap_started = false;
	}
}

int procs_count(void) { return nprocs; }
