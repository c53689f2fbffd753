/* agentsight: the collector's loader. Loads bpf/agentsight.bpf.c, scopes it to the agents' process trees
 * (scope.h), attaches tracepoints and TLS/getaddrinfo uprobes, drains the two ring buffers and writes one
 * frame per event (length-prefixed msgpack, or JSON lines with --json) to a Unix socket or stdout, plus a
 * STATS frame right after attaching and once a second. stdout carries only frames; messages go to stderr.
 * It reads control commands, one a line, from its socket (or stdin when writing to stdout): `pid N`,
 * `watch DIR`, `ssl-binary PATH`, `ssl-offsets PATH:write=…`.
 * Exit codes: 0 done (SIGTERM/SIGINT, or the reader closed), 2 usage, 3 not root, 4 no BTF,
 * 5 BPF load/attach failed, 6 output socket. */
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "agentsight.h"
#include "agentsight.skel.h"
#include "agents.h"
#include "attach.h"
#include "emit.h"
#include "msgpack.h"
#include "runtimes.h"
#include "scope.h"
#include "umulti.h"

enum { EXIT_USAGE = 2, EXIT_NOT_ROOT = 3, EXIT_NO_BTF = 4, EXIT_BPF = 5, EXIT_OUTPUT = 6 };

_Static_assert(sizeof(struct ev_hdr) == 48, "ev_hdr layout");
_Static_assert(sizeof(struct ev_ssl) == 48 + 56, "ev_ssl layout");
_Static_assert(sizeof(struct ev_file) % 8 == 0, "ev_file padding");

#define MAX_LIST 64
static struct env {
	const char *socket;
	const char *listen_path;
	bool json, verbose, all, no_ssl, prog_stats, ssl_system_wide, agents;
	int batch_ms;
	char comms[AS_MAX_COMMS][AS_COMM_LEN];
	int ncomms;
	bool comms_given;
	int pids[MAX_LIST];
	int npids;
	const char *ssl_bins[MAX_LIST];
	int nssl;
	const char *ssl_offsets[MAX_LIST];
	int noffsets;
	const char *watch[MAX_LIST];
	int nwatch;
} env = { .batch_ms = AS_BATCH_MS };

static volatile sig_atomic_t stop;
static struct enc out;
static int out_fd = 1;
static uint64_t malformed;

static const char usage[] =
	"Usage: agentsight [--socket PATH | --listen PATH] [--json] [--agents] [--comm a,b,…] [--pid N]… [--watch DIR]…\n"
	"                  [--ssl-binary PATH]… [--ssl-offsets PATH:write=OFF,read=OFF[,handshake=OFF]]…\n"
	"                  [--ssl-system-wide] [--no-ssl] [--batch-ms N] [--prog-stats] [--all] [-v]\n"
	"  Traces the process trees of AI agent CLIs, recognised by executable and argv (claude, codex, gemini…,\n"
	"  and node/bun running one; the default, or --agents), of --pid N, of processes named --comm, and of\n"
	"  processes that open a file below a --watch DIR for appending; --pid or --comm alone traces only those.\n"
	"  Writes AgentSight-style events: 4-byte big-endian length + msgpack map per frame,\n"
	"  or JSON lines with --json, to the Unix socket PATH (as a client; --listen: as a server, for one reader)\n"
	"  or stdout. Needs root and a BTF kernel.\n"
	"  TLS probes in runtimes (node, --ssl-binary, --ssl-offsets) are attached per traced process, so other\n"
	"  processes running the same binary pay nothing; --ssl-system-wide (implied by --all) attaches them to\n"
	"  every process instead. libssl and getaddrinfo are probed machine-wide. On kernels 6.6+ the TLS probes\n"
	"  are uprobe_multi links (AGENTSIGHT_PERF_UPROBES=1: perf-event uprobes, which tax every context switch\n"
	"  of a traced process).\n"
	"  --batch-ms N: how long events wait in the rings before they are written (default 100, 1–1000); a\n"
	"  ring filling up and an exec are sent at once. Fewer, larger batches cost the reader less CPU.\n";

static int64_t clock_ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int64_t epoch_offset(void) { return clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME); }

static void add_comms(const char *list)
{
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *save, *c = strtok_r(buf, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
		if (env.ncomms >= AS_MAX_COMMS)
			break;
		memset(env.comms[env.ncomms], 0, AS_COMM_LEN);
		strncpy(env.comms[env.ncomms++], c, AS_COMM_LEN - 1);
	}
}

static int parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, 0, 's' }, { "json", no_argument, 0, 'j' },
		{ "listen", required_argument, 0, 'L' },
		{ "comm", required_argument, 0, 'c' }, { "pid", required_argument, 0, 'p' },
		{ "ssl-binary", required_argument, 0, 'b' }, { "no-ssl", no_argument, 0, 'n' },
		{ "ssl-offsets", required_argument, 0, 'o' }, { "prog-stats", no_argument, 0, 'S' },
		{ "all", no_argument, 0, 'a' }, { "verbose", no_argument, 0, 'v' }, { "help", no_argument, 0, 'h' },
		{ "ssl-system-wide", no_argument, 0, 'W' }, { "batch-ms", required_argument, 0, 'B' },
		{ "agents", no_argument, 0, 'A' }, { "watch", required_argument, 0, 'w' },
		{ 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "s:L:jc:p:b:o:navhSWB:Aw:", opts, NULL)) != -1) {
		switch (c) {
		case 's': env.socket = optarg; break;
		case 'L': env.listen_path = optarg; break;
		case 'j': env.json = true; break;
		case 'c': add_comms(optarg); env.comms_given = true; break;
		case 'p':
			if (env.npids < MAX_LIST && atoi(optarg) > 0)
				env.pids[env.npids++] = atoi(optarg);
			else
				return -1;
			break;
		case 'b': if (env.nssl < MAX_LIST) env.ssl_bins[env.nssl++] = optarg; break;
		case 'o': if (env.noffsets < MAX_LIST) env.ssl_offsets[env.noffsets++] = optarg; break;
		case 'n': env.no_ssl = true; break;
		case 'S': env.prog_stats = true; break;
		case 'a': env.all = env.ssl_system_wide = true; break;
		case 'W': env.ssl_system_wide = true; break;
		case 'B':
			env.batch_ms = atoi(optarg);
			if (env.batch_ms < 1 || env.batch_ms > 1000)
				return -1;
			break;
		case 'A': env.agents = true; break;
		case 'w': if (env.nwatch < MAX_LIST) env.watch[env.nwatch++] = optarg; break;
		case 'v': env.verbose = true; break;
		case 'h': fputs(usage, stdout); exit(0);
		default: return -1;
		}
	}
	if (optind < argc)
		return -1;
	if (!env.comms_given && env.npids == 0)
		env.agents = true;
	return 0;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG && !env.verbose)
		return 0;
	return env.verbose ? vfprintf(stderr, fmt, args) : 0;
}

static void on_signal(int sig) { stop = 1; }

static void flush_out(void)
{
	size_t done = 0;
	while (done < out.len) {
		ssize_t n = write(out_fd, out.buf + done, out.len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* the reader went away: nothing left to do */
			stop = 1;
			out.len = 0;
			return;
		}
		done += n;
	}
	out.len = 0;
}

static void follow_runtime(const struct ev_hdr *h, size_t size);
static void agent_seen(int pid, const char *agent, const char *exe);

static int on_record(void *ctx, void *data, size_t size)
{
	const char *agent = NULL;
	if (size >= sizeof(struct ev_hdr)) {
		const struct ev_hdr *h = data;
		if (!scope_admit(h, size, &agent))
			return stop ? -1 : 0;
		follow_runtime(h, size);
		if (h->kind == AS_TRACED)
			return stop ? -1 : 0;
	}
	if (emit_record(&out, data, size, *(int64_t *)ctx) != 0)
		malformed++;
	if (agent) {
		char exe[512];
		scope_agent_of_pid(((const struct ev_hdr *)data)->pid, exe, sizeof(exe));
		agent_seen(((const struct ev_hdr *)data)->pid, agent, exe);
	}
	if (out.len > (1 << 20))
		flush_out();
	return stop ? -1 : 0;
}

static void emit_stats_now(struct agentsight_bpf *skel, int64_t off)
{
	int ncpu = libbpf_num_possible_cpus();
	struct as_counters sum[AS_RING_COUNT] = {}, per[ncpu > 0 ? ncpu : 1];
	for (__u32 r = 0; r < AS_RING_COUNT; r++) {
		if (bpf_map_lookup_elem(bpf_map__fd(skel->maps.counters), &r, per) != 0)
			continue;
		for (int i = 0; i < ncpu; i++) {
			sum[r].events += per[i].events;
			sum[r].bytes += per[i].bytes;
			sum[r].drops += per[i].drops;
		}
	}
	struct prog_stat progs[64];
	int nprogs = 0;
	struct bpf_program *prog;
	bpf_object__for_each_program(prog, skel->obj) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		if (nprogs >= 64 || bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len) != 0 || info.run_cnt == 0)
			continue;
		progs[nprogs++] = (struct prog_stat){ bpf_program__name(prog), info.run_cnt, info.run_time_ns };
	}
	emit_stats(&out, clock_ns(CLOCK_BOOTTIME), off, sum, malformed, &scope_counts, progs, nprogs);
	flush_out();
}

/* --listen: the reader connects to us (so it can read into one reused buffer, Node's `onread`, instead
 * of a fresh 64 KB buffer per read); one connection, taken before anything is traced. */
static int accept_output(void)
{
	int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", env.listen_path);
	unlink(env.listen_path);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(lfd, 1) != 0) {
		fprintf(stderr, "agentsight: cannot listen on %s: %s\n", env.listen_path, strerror(errno));
		if (lfd >= 0)
			close(lfd);
		return -1;
	}
	int fd = -1;
	/* up to 30 s for the reader, and a signal still stops us */
	for (int i = 0; i < 300 && fd < 0 && !stop; i++) {
		struct pollfd p = { .fd = lfd, .events = POLLIN };
		if (poll(&p, 1, 100) == 1)
			fd = accept(lfd, NULL, NULL);
	}
	if (fd >= 0)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	else
		fprintf(stderr, "agentsight: no reader connected to %s: %s\n", env.listen_path, strerror(errno));
	close(lfd);
	unlink(env.listen_path);
	return fd;
}

static int open_output(void)
{
	if (env.listen_path)
		return accept_output();
	if (!env.socket)
		return 1;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", env.socket);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		fprintf(stderr, "agentsight: cannot connect to %s: %s\n", env.socket, strerror(errno));
		return -1;
	}
	return fd;
}

static void ensure_tracefs(void)
{
	struct stat st;
	if (stat("/sys/kernel/tracing/events", &st) == 0 || stat("/sys/kernel/debug/tracing/events", &st) == 0)
		return;
	if (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) != 0 && env.verbose)
		fprintf(stderr, "agentsight: mounting tracefs: %s\n", strerror(errno));
}

static struct runtimes runtimes;
static struct agentsight_bpf *skel_g;

/* A binary's SSL_* probes in every process that runs it. */
static int attach_everywhere(struct agentsight_bpf *skel, const struct runtime *rt, struct links *links)
{
	int k = runtimes_attach(skel, rt, -1, links->l + links->n, (int)(sizeof(links->l) / sizeof(links->l[0])) - links->n,
				env.verbose);
	links->n += k;
	return k;
}

/* libc's getaddrinfo and the system libssl machine-wide; the runtimes that embed OpenSSL are collected
 * (offsets read once) and attached machine-wide only with --ssl-system-wide, else per traced process. */
static int attach_uprobes(struct agentsight_bpf *skel, struct links *links)
{
	char lib[512];
	int n = 0;
	if (ldconfig_find("libc.so.6", lib, sizeof(lib)))
		n += attach_gai(skel, links, lib, env.verbose);
	if (env.no_ssl)
		return n;
	/* the system libssl is one more binary with OpenSSL's symbols, probed machine-wide whatever the mode */
	static struct runtimes libs;
	if ((ldconfig_find("libssl.so.3", lib, sizeof(lib)) || ldconfig_find("libssl.so", lib, sizeof(lib))) &&
	    runtimes_add_symbols(&libs, lib, env.verbose) > 0)
		n += attach_everywhere(skel, &libs.rt[0], links);
	char node[512];
	if (realpath("/usr/bin/node", node))
		runtimes_add_symbols(&runtimes, node, env.verbose);
	for (int i = 0; i < env.nssl; i++)
		if (runtimes_add_symbols(&runtimes, env.ssl_bins[i], env.verbose) == 0)
			fprintf(stderr, "agentsight: %s: no OpenSSL symbols (SSL_read/SSL_write), not probed\n", env.ssl_bins[i]);
	for (int i = 0; i < env.noffsets; i++) {
		int k = runtimes_add_offsets(&runtimes, env.ssl_offsets[i]);
		if (k <= 0)
			fprintf(stderr, "agentsight: --ssl-offsets %s: %s\n", env.ssl_offsets[i], k < 0 ? "malformed" : "no such file");
	}
	for (int i = 0; env.ssl_system_wide && i < runtimes.n; i++)
		n += attach_everywhere(skel, &runtimes.rt[i], links);
	return n;
}

/* Per-process TLS probes: a traced process running a runtime gets them (at start, on exec, when an
 * attached process forks) and loses them when it exits. */
static void follow_runtime(const struct ev_hdr *h, size_t size)
{
	if (env.ssl_system_wide || runtimes.n == 0)
		return;
	if (h->kind == AS_EXEC || h->kind == AS_TRACED) {
		const struct runtime *rt = runtimes_of_pid(&runtimes, h->pid);
		if (rt)
			procs_attach(skel_g, h->pid, rt, env.verbose);
		else if (procs_runtime(h->pid))
			procs_detach(h->pid); /* it left the runtime for another program */
	} else if (h->kind == AS_FORK && size >= sizeof(struct ev_fork)) {
		const struct runtime *rt = procs_runtime(h->pid);
		if (rt)
			procs_attach(skel_g, ((const struct ev_fork *)h)->child_pid, rt, env.verbose);
	} else if (h->kind == AS_EXIT) {
		procs_detach(h->pid);
	}
}

/* A traced agent CLI: an AGENT frame says which, and whether its TLS is probed; one without TLS probes is
 * also named on stderr (`agentsight: agent NAME pid N exe PATH: no TLS probes`) so the supervisor can look
 * for its TLS functions (BoringSSL) and send them back with `ssl-offsets`. */
static int64_t *epoch_off;

static void agent_seen(int pid, const char *agent, const char *exe)
{
	bool tls = env.no_ssl ? false : env.ssl_system_wide ? runtimes_of_pid(&runtimes, pid) != NULL : procs_runtime(pid) != NULL;
	emit_agent(&out, clock_ns(CLOCK_BOOTTIME), *epoch_off, pid, agent, exe, tls);
	if (!tls && !env.no_ssl)
		fprintf(stderr, "agentsight: agent %s pid %d exe %s: no TLS probes\n", agent, pid, exe);
}

/* Agents found among the processes a seed traced: announced once their probes are attached. */
static struct { int pid; const char *agent; char exe[512]; } found_agents[64];
static int nfound;

static void agent_found(int pid, const char *agent, const char *exe)
{
	if (nfound >= (int)(sizeof(found_agents) / sizeof(found_agents[0])))
		return;
	found_agents[nfound].pid = pid;
	found_agents[nfound].agent = agent;
	snprintf(found_agents[nfound].exe, sizeof(found_agents[nfound].exe), "%s", exe);
	nfound++;
}

static void announce_found(void)
{
	for (int i = 0; i < nfound; i++)
		agent_seen(found_agents[i].pid, found_agents[i].agent, found_agents[i].exe);
	nfound = 0;
}

/* The traced processes already running a runtime when we start. */
static void attach_running(struct agentsight_bpf *skel)
{
	if (env.ssl_system_wide || runtimes.n == 0)
		return;
	int fd = bpf_map__fd(skel->maps.traced);
	__u32 key, next;
	for (int err = bpf_map_get_next_key(fd, NULL, &next); err == 0; err = bpf_map_get_next_key(fd, &key, &next)) {
		key = next;
		const struct runtime *rt = runtimes_of_pid(&runtimes, (int)key);
		if (rt)
			procs_attach(skel, (int)key, rt, env.verbose);
	}
}

/* A runtime added by a control command: its probes go on the traced processes already running it, and
 * each of them that is an agent is announced again (now with TLS). */
static void runtime_added(struct links *links)
{
	const struct runtime *rt = &runtimes.rt[runtimes.n - 1];
	if (env.ssl_system_wide) {
		attach_everywhere(skel_g, rt, links);
		return;
	}
	int fd = bpf_map__fd(skel_g->maps.traced);
	__u32 key, next;
	char exe[512];
	for (int err = bpf_map_get_next_key(fd, NULL, &next); err == 0; err = bpf_map_get_next_key(fd, &key, &next)) {
		key = next;
		if (runtimes_of_pid(&runtimes, (int)key) != rt)
			continue;
		procs_attach(skel_g, (int)key, rt, env.verbose);
		const char *agent = scope_agent_of_pid((int)key, exe, sizeof(exe));
		if (agent)
			agent_seen((int)key, agent, exe);
	}
}

/* One control command (see the top of this file). */
static void control(char *line, struct links *links)
{
	char *arg = strchr(line, ' ');
	if (arg)
		*arg++ = 0;
	int before = runtimes.n;
	if (strcmp(line, "pid") == 0 && arg && atoi(arg) > 0) {
		int pid = atoi(arg);
		struct scope_seed seed = { .pids = &pid, .npids = 1 };
		int n = scope_seed(&seed, agent_found);
		attach_running(skel_g);
		announce_found();
		if (env.verbose)
			fprintf(stderr, "agentsight: pid %d: %d processes traced\n", pid, n);
	} else if (strcmp(line, "watch") == 0 && arg) {
		int err = scope_watch(arg);
		if (err)
			fprintf(stderr, "agentsight: watch %s: %s\n", arg, strerror(-err));
	} else if (strcmp(line, "ssl-binary") == 0 && arg) {
		if (runtimes_add_symbols(&runtimes, arg, env.verbose) == 0)
			fprintf(stderr, "agentsight: %s: no OpenSSL symbols (SSL_read/SSL_write), not probed\n", arg);
	} else if (strcmp(line, "ssl-offsets") == 0 && arg) {
		if (runtimes_add_offsets(&runtimes, arg) <= 0)
			fprintf(stderr, "agentsight: ssl-offsets %s: malformed or no such file\n", arg);
	} else {
		fprintf(stderr, "agentsight: unknown command: %s%s%s\n", line, arg ? " " : "", arg ? arg : "");
	}
	if (runtimes.n > before)
		runtime_added(links);
}

/* Commands arrive on the output socket (the reader's side of it), or stdin when the frames go to stdout. */
static int ctl_fd = -1;

static void control_read(struct links *links)
{
	static char buf[4096];
	static size_t len;
	ssize_t n = read(ctl_fd, buf + len, sizeof(buf) - 1 - len);
	if (n <= 0) {
		if (n == 0 || (errno != EINTR && errno != EAGAIN))
			ctl_fd = -1; /* closed (or /dev/null): nothing more will come */
		return;
	}
	len += n;
	buf[len] = 0;
	char *start = buf, *nl;
	while ((nl = strchr(start, '\n'))) {
		*nl = 0;
		if (nl > start)
			control(start, links);
		start = nl + 1;
	}
	len -= start - buf;
	memmove(buf, start, len);
	if (len == sizeof(buf) - 1) {
		fprintf(stderr, "agentsight: a control line longer than %zu bytes: dropped\n", sizeof(buf) - 1);
		len = 0;
	}
}

int main(int argc, char **argv)
{
	struct agentsight_bpf *skel = NULL;
	struct ring_buffer *rb = NULL;
	struct links links = { .n = 0 };
	int rc = 0;

	if (parse_args(argc, argv) != 0) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "agentsight: needs root (CAP_BPF and CAP_PERFMON) to load eBPF programs\n");
		return EXIT_NOT_ROOT;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		fprintf(stderr, "agentsight: this kernel has no BTF (/sys/kernel/btf/vmlinux): CO-RE programs cannot load\n");
		return EXIT_NO_BTF;
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	libbpf_set_print(libbpf_print);
	ensure_tracefs();
	/* Per-program run time in STATS: the kernel keeps it while this fd is open (no global sysctl). */
	if (env.prog_stats && bpf_enable_stats(BPF_STATS_RUN_TIME) < 0)
		fprintf(stderr, "agentsight: --prog-stats: %s\n", strerror(errno));
	enc_init(&out, env.json);
	if ((out_fd = open_output()) < 0)
		return EXIT_OUTPUT;
	/* A pipe (stdout read by a parent): 1 MB instead of 64 KB, so a batch is written in a few calls, not
	 * dozens of writer/reader switches. Unprivileged callers may be capped by fs.pipe-max-size: ignored. */
	struct stat ost;
	if (fstat(out_fd, &ost) == 0 && S_ISFIFO(ost.st_mode))
		fcntl(out_fd, F_SETPIPE_SZ, 1 << 20);

	skel = agentsight_bpf__open();
	if (!skel) {
		fprintf(stderr, "agentsight: cannot open the BPF object: %s\n", strerror(errno));
		return EXIT_BPF;
	}
	skel->rodata->trace_all = env.all;
	/* TLS probes as uprobe_multi links where the kernel has them (umulti.h); AGENTSIGHT_PERF_UPROBES=1
	 * keeps the perf-event uprobes (to compare them). The choice is made before loading: a program
	 * loaded for one kind cannot be attached as the other. */
	runtimes_multi = !env.no_ssl && !getenv("AGENTSIGHT_PERF_UPROBES") && umulti_supported();
	if (runtimes_multi) {
		struct bpf_program *ssl_progs[] = { skel->progs.ssl_write, skel->progs.ssl_read, skel->progs.ssl_write_ex,
						    skel->progs.ssl_read_ex, skel->progs.ssl_write_ex5, skel->progs.ssl_handshake,
						    skel->progs.ssl_ctrl, skel->progs.ssl_ret };
		for (size_t i = 0; i < sizeof(ssl_progs) / sizeof(ssl_progs[0]); i++)
			bpf_program__set_expected_attach_type(ssl_progs[i], (enum bpf_attach_type)AS_TRACE_UPROBE_MULTI);
	}
	if (agentsight_bpf__load(skel) != 0) {
		fprintf(stderr, "agentsight: loading BPF programs failed (%s); run with -v for the verifier log\n", strerror(errno));
		rc = EXIT_BPF;
		goto done;
	}
	scope_init(skel, (const char(*)[AS_COMM_LEN])env.comms, env.ncomms, env.agents);
	for (int i = 0; i < env.nwatch; i++) {
		int err = scope_watch(env.watch[i]);
		if (err)
			fprintf(stderr, "agentsight: --watch %s: %s\n", env.watch[i], strerror(-err));
	}
	struct scope_seed seed = { .pids = env.pids, .npids = env.npids, .comms = (const char(*)[AS_COMM_LEN])env.comms,
				   .ncomms = env.ncomms, .agents = env.agents };
	int seeded = scope_seed(&seed, agent_found);
	if (agentsight_bpf__attach(skel) != 0) {
		fprintf(stderr, "agentsight: attaching tracepoints failed: %s\n", strerror(errno));
		rc = EXIT_BPF;
		goto done;
	}
	skel_g = skel;
	int nu = attach_uprobes(skel, &links);
	attach_running(skel);
	int64_t off = epoch_offset();
	epoch_off = &off;
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_record, &off, NULL);
	if (!rb || ring_buffer__add(rb, bpf_map__fd(skel->maps.ssl), on_record, &off) != 0) {
		fprintf(stderr, "agentsight: ring buffer setup failed\n");
		rc = EXIT_BPF;
		goto done;
	}
	fprintf(stderr, "agentsight: attached (%d uprobe links%s; TLS probes of %d runtimes %s, %d processes now), tracing %d running processes\n",
		nu, runtimes_multi ? ", TLS ones uprobe_multi" : "", runtimes.n, env.ssl_system_wide ? "machine-wide" : "per process",
		procs_count(), seeded);
	emit_stats_now(skel, off); /* the first frame says "attached" to the reader */
	announce_found();
	flush_out();
	struct stat cst;
	ctl_fd = out_fd != 1 ? out_fd : fstat(0, &cst) == 0 && !S_ISCHR(cst.st_mode) ? 0 : -1;

	int64_t last = clock_ns(CLOCK_MONOTONIC);
	while (!stop) {
		/* The kernel side wakes us only when a ring fills up (bpf/agentsight.bpf.c: AS_WAKEUP_BYTES) or on an
		 * exec; otherwise we read whatever is waiting once a batch period. */
		struct pollfd pf[2] = { { .fd = ring_buffer__epoll_fd(rb), .events = POLLIN }, { .fd = ctl_fd, .events = POLLIN } };
		int err = poll(pf, ctl_fd >= 0 ? 2 : 1, env.batch_ms);
		if (err < 0)
			err = errno == EINTR ? 0 : -errno;
		if (err >= 0 && ctl_fd >= 0 && (pf[1].revents & (POLLIN | POLLHUP)))
			control_read(&links);
		if (err >= 0)
			err = ring_buffer__consume(rb);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "agentsight: ring buffer poll: %s\n", strerror(-err));
			break;
		}
		flush_out();
		if (clock_ns(CLOCK_MONOTONIC) - last >= 1000000000LL) {
			last = clock_ns(CLOCK_MONOTONIC);
			off = epoch_offset();
			emit_stats_now(skel, off);
		}
	}
	/* detach first, then hand over what the rings still hold */
	procs_detach_all();
	for (int i = 0; i < links.n; i++)
		plink_destroy(&links.l[i]);
	links.n = 0;
	agentsight_bpf__detach(skel);
	stop = 0;
	ring_buffer__consume(rb);
	emit_stats_now(skel, off);
done:
	procs_detach_all();
	for (int i = 0; i < links.n; i++)
		plink_destroy(&links.l[i]);
	ring_buffer__free(rb);
	agentsight_bpf__destroy(skel);
	return rc;
}
