/* SPDX-License-Identifier: MIT */
/* Event records shared by bpf/agentsight.bpf.c (producer) and agentsight/ (consumer).
 * Every record starts with struct ev_hdr; `kind` says which fixed part follows, then a variable tail
 * whose lengths the fixed part gives. Only fixed-width types and explicit padding, so the layout is
 * the same for clang -target bpf and the host compiler (checked by _Static_assert in the loader). */
#ifndef AGENTSIGHT_H
#define AGENTSIGHT_H

#define AS_COMM_LEN 16
#define AS_PATH_MAX 1024      /* one user path (open/unlink/rename argument) */
#define AS_CWD_MAX 1024       /* a cwd or dirfd path, leaf-first components */
#define AS_CWD_DEPTH 24       /* path components walked up from a dentry */
#define AS_ARGV_MAX 8192      /* exec argv bytes (NUL-separated) */
#define AS_SSL_CHUNK 16384    /* TLS payload bytes per ring record */
#define AS_SSL_MAX (512 * 1024) /* TLS payload bytes captured per SSL_* call */
#define AS_COOKIE_TRACED 1    /* attach cookie of a TLS probe link made for one traced process */
#define AS_DNS_ADDRS 8
#define AS_HOST_MAX 256
#define AS_MAX_COMMS 64
/* `traced` map values: in scope, or a candidate the loader has not judged yet (agentsight/agents.h). */
#define AS_SCOPE_TRACED 1
#define AS_SCOPE_CANDIDATE 2
/* `comms` map values: a process with this name is traced at exec (--comm), or only a candidate. */
#define AS_COMM_TRACE 1
#define AS_COMM_CANDIDATE 2
/* ev_hdr.flags */
#define AS_HDR_CANDIDATE 1 /* an EXEC of a candidate: the loader decides from its filename and argv */
/* Parent directories walked up from a file opened for writing, looking for a watched one (trace roots). */
#define AS_WATCH_DEPTH 6
/* The loader's default ring poll period (--batch-ms): the most an event waits. 100 ms rather than 10: on
 * the HTTPS benchmark the Node reader used 12–16 µs of CPU per request against 19–23 µs (fewer, larger
 * reads and decodes), CPU it takes from the traced agent's machine (scripts/bench/collector.ts). */
#define AS_BATCH_MS 100

enum as_kind {
	AS_EXEC = 1,
	AS_EXIT = 2,
	AS_FORK = 3,
	AS_FILE = 4,
	AS_CONNECT = 5,
	AS_SSL = 6,
	AS_SNI = 7,
	AS_DNS = 8,
	AS_TRACED = 9, /* a running process became traced (renamed to an agent's name, or it wrote under a
	                  watched directory): for the loader only */
};

/* Which ring a drop/bytes counter belongs to (index into the `counters` per-CPU array). */
enum as_ring { AS_RING_EVENTS = 0, AS_RING_SSL = 1, AS_RING_COUNT = 2 };

enum as_file_op { AS_OP_OPEN = 1, AS_OP_UNLINK = 2, AS_OP_RENAME = 3 };

enum as_ssl_func { AS_SSL_READ = 0, AS_SSL_WRITE = 1, AS_SSL_HANDSHAKE = 2 };

struct ev_hdr {
	__u16 kind;
	__u16 size;      /* bytes of this record, header included (≤ 64 KB) */
	__u32 pid;       /* tgid */
	__u32 tid;
	__u32 ppid;      /* real parent's tgid */
	__u32 uid;
	__u32 flags;     /* AS_HDR_* */
	__u64 ts_ns;     /* CLOCK_BOOTTIME */
	char comm[AS_COMM_LEN]; /* the process (group leader) name, not the thread's */
}; /* 48 bytes */

struct ev_exec {
	struct ev_hdr h;
	__u32 filename_len; /* each length counts its bytes in the tail, NULs included */
	__u32 argv_len;
	__u32 cwd_len;
	__u8 argv_truncated;
	__u8 _pad[3];
	/* tail: filename | argv (NUL-separated) | cwd components leaf-first (NUL-separated) */
};

struct ev_exit {
	struct ev_hdr h;
	__s32 exit_code;
	__s32 signal;
	__u64 start_ns;     /* group leader start, CLOCK_BOOTTIME */
};

struct ev_fork {
	struct ev_hdr h;
	__u32 child_pid;
	__u32 _pad;
};

struct ev_file {
	struct ev_hdr h;
	__s64 ret;          /* fd or -errno */
	__u32 flags;        /* open flags / unlinkat flags / renameat2 flags */
	__s32 dirfd;
	__u16 op;           /* enum as_file_op */
	__u16 path_len;
	__u16 path2_len;    /* rename target */
	__u16 cwd_len;      /* base of a relative `path`: cwd, or the dirfd's path */
	__u16 cwd2_len;     /* base of a relative `path2` (rename's newdirfd) */
	__u16 _pad[3];
	/* tail: path | path2 | cwd components | cwd2 components */
};

struct ev_connect {
	struct ev_hdr h;
	__s64 ret;
	__s32 fd;
	__u32 addrlen;
	__u8 addr[112];     /* raw sockaddr (sockaddr_un is the largest) */
};

struct ev_ssl {
	struct ev_hdr h;
	__u64 call_id;      /* unique per SSL_* call: chunks of one call share it */
	__u64 ssl;          /* SSL* pointer: the connection within the process */
	__u64 latency_ns;
	__s32 ret;          /* return value of the call (bytes, or 1/0 for _ex and handshake) */
	__u32 len;          /* plaintext bytes the call moved */
	__u32 buf_size;     /* bytes captured for the whole call (≤ AS_SSL_MAX) */
	__u32 offset;       /* this chunk's offset in the call's payload */
	__u32 chunk_len;
	__u8 func;          /* enum as_ssl_func */
	__u8 truncated;     /* len > buf_size, or a chunk could not be read */
	__u8 last;          /* last chunk of the call */
	__u8 _pad[5];
	/* tail: chunk bytes */
};

struct ev_sni {
	struct ev_hdr h;
	__u64 ssl;
	__u32 host_len;
	__u32 _pad;
};

struct as_dns_addr {
	__u16 family;
	__u8 _pad[2];
	__u8 addr[16];
};

struct ev_dns {
	struct ev_hdr h;
	__s32 ret;
	__u16 naddrs;
	__u16 host_len;
	struct as_dns_addr addrs[AS_DNS_ADDRS];
	/* tail: host */
};

/* A watched directory (a trace root): the superblock's dev_t (kernel encoding) and the inode number. */
struct as_watch_key {
	__u64 ino;
	__u32 dev;
	__u32 _pad;
};

struct as_counters {
	__u64 events;
	__u64 bytes;
	__u64 drops;
};

#endif
