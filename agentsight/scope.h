/* Which processes the collector traces, as the loader keeps it: the kernel's `comms`, `traced` and `watch`
 * maps (bpf/agentsight.bpf.c), the processes already running at start or named by a `pid` command, and
 * the judging of candidates — processes the kernel flagged at exec under a runtime's or agent's name,
 * traced only when agents.h recognises an agent in their filename and argv.
 *
 * Why judging here loses nothing and leaks nothing: the kernel keeps a candidate in `traced` (it emits its
 * events) until the loader decides, and the loader decides on the candidate's EXEC record, which precedes
 * everything the process did after its exec in the same ring. An agent's records therefore all come out;
 * a rejected candidate is removed from `traced` (it costs nothing more) and what it sent in the
 * meantime, up to a millisecond or so (the EXEC wakes the loader), is dropped here by its verdict. */
#ifndef AS_SCOPE_H
#define AS_SCOPE_H
#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "agentsight.h"

struct agentsight_bpf;
struct ev_hdr;

struct scope_seed {
	const int *pids;
	int npids;
	const char (*comms)[AS_COMM_LEN];
	int ncomms;
	bool agents;
};

/* Candidates judged so far, and the records of rejected ones dropped (what they sent before the kernel
 * forgot them): reported in STATS. */
struct scope_counts {
	__u64 accepted, rejected, dropped;
};
extern struct scope_counts scope_counts;

/* Fills `comms`: the --comm names (traced at exec or rename) and, with `agents`, the candidate names. */
void scope_init(struct agentsight_bpf *skel, const char (*comms)[AS_COMM_LEN], int ncomms, bool agents);
/* Whether a ring record goes out (false: a rejected candidate's). Judges candidate EXECs; *agent is set
 * to the agent an EXEC record's program is (traced or judged), else NULL. */
bool scope_admit(const struct ev_hdr *h, size_t size, const char **agent);
/* Traces the running processes the seed names and their descendants; calls found() for each recognised
 * agent among them. Returns how many were added. */
int scope_seed(const struct scope_seed *s, void (*found)(int pid, const char *agent, const char *exe));
/* Watches a directory: an untraced process opening a file below it (AS_WATCH_DEPTH levels) for writing
 * becomes traced. 0, or -errno. */
int scope_watch(const char *path);
/* The agent a running process is (its /proc exe and cmdline), or NULL; exe gets its executable. */
const char *scope_agent_of_pid(int pid, char *exe, size_t cap);

#endif
