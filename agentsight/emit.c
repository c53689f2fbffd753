/* One frame per ring record. Field names follow AgentSight's events (function, timestamp_ns, comm, pid, tid,
 * uid, len, buf_size, data, truncated; event EXEC/EXIT/FILE_OPEN/…) plus epoch_ns, so one reader handles
 * our frames, AgentSight's JSON lines and recorded files. */
#include "emit.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <linux/types.h>
#include "agentsight.h"
#include "scope.h"

#define PATH_OUT 4096

size_t components_to_path(const char *comp, size_t n, char *out, size_t cap)
{
	/* components arrive leaf first: walk them backwards */
	size_t len = 0;
	const char *starts[AS_CWD_DEPTH + 1];
	int k = 0;
	for (size_t i = 0; i < n && k <= AS_CWD_DEPTH;) {
		starts[k++] = comp + i;
		i += strnlen(comp + i, n - i) + 1;
	}
	out[0] = 0;
	for (int j = k - 1; j >= 0; j--) {
		size_t l = strnlen(starts[j], n - (starts[j] - comp));
		if (len + l + 2 > cap)
			break;
		out[len++] = '/';
		memcpy(out + len, starts[j], l);
		len += l;
	}
	if (len == 0 && cap > 1)
		out[len++] = '/';
	out[len] = 0;
	return len;
}

void resolve_path(const char *base, const char *path, char *out, size_t cap)
{
	char tmp[PATH_OUT * 2];
	if (path[0] == '/')
		snprintf(tmp, sizeof(tmp), "%s", path);
	else
		snprintf(tmp, sizeof(tmp), "%s/%s", base, path);
	/* fold "//", "/./" and "/../" segment by segment */
	size_t len = 0;
	char *save, *seg = strtok_r(tmp, "/", &save);
	out[0] = 0;
	while (seg) {
		if (strcmp(seg, "..") == 0) {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
		} else if (strcmp(seg, ".") != 0) {
			size_t l = strlen(seg);
			if (len + l + 2 > cap)
				break;
			out[len++] = '/';
			memcpy(out + len, seg, l);
			len += l;
		}
		out[len] = 0;
		seg = strtok_r(NULL, "/", &save);
	}
	if (len == 0)
		snprintf(out, cap, "/");
}

static void kv_str(struct enc *e, const char *k, const char *v) { enc_key(e, k); enc_cstr(e, v); }
static void kv_int(struct enc *e, const char *k, int64_t v) { enc_key(e, k); enc_int(e, v); }
static void kv_uint(struct enc *e, const char *k, uint64_t v) { enc_key(e, k); enc_uint(e, v); }
static void kv_bool(struct enc *e, const char *k, bool v) { enc_key(e, k); enc_bool(e, v); }

static void header(struct enc *e, const struct ev_hdr *h, int64_t off, const char *key, const char *name)
{
	char comm[AS_COMM_LEN + 1];
	memcpy(comm, h->comm, AS_COMM_LEN);
	comm[AS_COMM_LEN] = 0;
	kv_str(e, key, name);
	kv_uint(e, "timestamp_ns", h->ts_ns);
	kv_uint(e, "epoch_ns", (uint64_t)((int64_t)h->ts_ns + off));
	kv_str(e, "comm", comm);
	kv_uint(e, "pid", h->pid);
	kv_uint(e, "tid", h->tid);
	kv_uint(e, "ppid", h->ppid);
	kv_uint(e, "uid", h->uid);
}

/* A bounded string from the tail: lengths include the NUL the kernel copied. */
static size_t tail_strlen(const char *p, size_t n) { return strnlen(p, n); }

static int exec_frame(struct enc *e, const struct ev_exec *x, size_t size)
{
	const char *t = (const char *)(x + 1);
	if (sizeof(*x) + x->filename_len + x->argv_len + x->cwd_len > size)
		return -1;
	enc_key(e, "filename");
	enc_str(e, t, tail_strlen(t, x->filename_len));
	enc_key(e, "argv");
	enc_arr_begin(e);
	const char *a = t + x->filename_len;
	for (size_t i = 0; i < x->argv_len;) {
		size_t l = tail_strlen(a + i, x->argv_len - i);
		enc_str(e, a + i, l);
		i += l + 1;
	}
	enc_arr_end(e);
	kv_bool(e, "argv_truncated", x->argv_truncated);
	char cwd[PATH_OUT];
	components_to_path(a + x->argv_len, x->cwd_len, cwd, sizeof(cwd));
	if (x->cwd_len)
		kv_str(e, "cwd", cwd);
	return 0;
}

static const char *file_event(const struct ev_file *f)
{
	return f->op == AS_OP_OPEN ? "FILE_OPEN" : f->op == AS_OP_UNLINK ? "FILE_DELETE" : "FILE_RENAME";
}

static void one_path(struct enc *e, const char *key, const char *p, size_t plen, const char *comp, size_t clen)
{
	char raw[AS_PATH_MAX + 1], base[PATH_OUT], full[PATH_OUT];
	size_t l = tail_strlen(p, plen);
	memcpy(raw, p, l);
	raw[l] = 0;
	if (raw[0] == '/' || clen == 0) {
		/* absolute, or a relative path whose base could not be read: report it as given */
		if (raw[0] == '/')
			resolve_path("/", raw, full, sizeof(full));
		else
			snprintf(full, sizeof(full), "%s", raw);
	} else {
		components_to_path(comp, clen, base, sizeof(base));
		resolve_path(base, raw, full, sizeof(full));
	}
	kv_str(e, key, full);
}

static int file_frame(struct enc *e, const struct ev_file *f, size_t size)
{
	const char *t = (const char *)(f + 1);
	if (sizeof(*f) + f->path_len + f->path2_len + f->cwd_len + f->cwd2_len > size)
		return -1;
	const char *p2 = t + f->path_len, *c1 = p2 + f->path2_len, *c2 = c1 + f->cwd_len;
	one_path(e, "filepath", t, f->path_len, c1, f->cwd_len);
	if (f->op == AS_OP_RENAME)
		one_path(e, "newpath", p2, f->path2_len, c2, f->cwd2_len);
	kv_uint(e, "flags", f->flags);
	kv_int(e, "ret", f->ret);
	if (f->op == AS_OP_OPEN) {
		int acc = f->flags & O_ACCMODE;
		kv_str(e, "access", acc == O_RDONLY ? "read" : acc == O_WRONLY ? "write" : "read-write");
		kv_bool(e, "create", f->flags & O_CREAT);
		kv_bool(e, "truncate", f->flags & O_TRUNC);
		kv_bool(e, "directory", f->flags & O_DIRECTORY);
	}
	if (f->op == AS_OP_UNLINK)
		kv_bool(e, "directory", f->flags & 0x200 /* AT_REMOVEDIR */);
	return 0;
}

static void connect_frame(struct enc *e, const struct ev_connect *c)
{
	char addr[INET6_ADDRSTRLEN] = "", target[INET6_ADDRSTRLEN + 16] = "";
	uint16_t fam;
	memcpy(&fam, c->addr, 2);
	kv_int(e, "fd", c->fd);
	kv_int(e, "ret", c->ret);
	if (fam == AF_INET && c->addrlen >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *s = (const void *)c->addr;
		inet_ntop(AF_INET, &s->sin_addr, addr, sizeof(addr));
		snprintf(target, sizeof(target), "%s:%u", addr, ntohs(s->sin_port));
		kv_str(e, "family", "AF_INET");
		kv_str(e, "addr", addr);
		kv_uint(e, "port", ntohs(s->sin_port));
	} else if (fam == AF_INET6 && c->addrlen >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *s = (const void *)c->addr;
		inet_ntop(AF_INET6, &s->sin6_addr, addr, sizeof(addr));
		snprintf(target, sizeof(target), "[%s]:%u", addr, ntohs(s->sin6_port));
		kv_str(e, "family", "AF_INET6");
		kv_str(e, "addr", addr);
		kv_uint(e, "port", ntohs(s->sin6_port));
	} else if (fam == AF_UNIX) {
		const char *p = (const char *)c->addr + 2;
		size_t max = c->addrlen > 2 ? c->addrlen - 2 : 0;
		char path[112] = "";
		if (max > 0 && p[0] == 0) { /* abstract socket */
			path[0] = '@';
			memcpy(path + 1, p + 1, strnlen(p + 1, max - 1));
		} else {
			memcpy(path, p, strnlen(p, max));
		}
		kv_str(e, "family", "AF_UNIX");
		kv_str(e, "path", path);
		snprintf(target, sizeof(target), "%s", path);
	} else {
		kv_uint(e, "family_num", fam);
	}
	kv_str(e, "target", target);
}

static void ssl_frame(struct enc *e, const struct ev_ssl *s, size_t size)
{
	kv_uint(e, "len", s->len);
	kv_uint(e, "buf_size", s->buf_size);
	enc_key(e, "latency_ms");
	enc_f64(e, s->latency_ns / 1e6);
	kv_bool(e, "is_handshake", s->func == AS_SSL_HANDSHAKE);
	kv_int(e, "ret", s->ret);
	kv_bool(e, "truncated", s->truncated);
	kv_uint(e, "bytes_lost", s->len - s->buf_size);
	kv_uint(e, "call_id", s->call_id);
	kv_uint(e, "conn", s->ssl);
	kv_uint(e, "offset", s->offset);
	kv_bool(e, "last", s->last);
	size_t n = s->chunk_len;
	if (sizeof(*s) + n > size)
		n = size - sizeof(*s);
	const unsigned char *d = (const unsigned char *)(s + 1);
	if (s->func == AS_SSL_HANDSHAKE) {
		enc_key(e, "data");
		enc_nil(e);
	} else if (e->json && !utf8_valid(d, n)) {
		enc_key(e, "data");
		enc_nil(e);
		enc_key(e, "data_hex");
		enc_bin(e, d, n);
	} else {
		enc_key(e, "data");
		enc_bin(e, d, n);
	}
}

static void dns_frame(struct enc *e, const struct ev_dns *d, size_t size)
{
	const char *host = (const char *)(d + 1);
	size_t hl = sizeof(*d) + d->host_len <= size ? tail_strlen(host, d->host_len) : 0;
	enc_key(e, "host");
	enc_str(e, host, hl);
	kv_int(e, "ret", d->ret);
	enc_key(e, "addrs");
	enc_arr_begin(e);
	for (int i = 0; i < d->naddrs && i < AS_DNS_ADDRS; i++) {
		char a[INET6_ADDRSTRLEN] = "";
		int fam = d->addrs[i].family == 2 ? AF_INET : d->addrs[i].family == 10 ? AF_INET6 : 0;
		if (fam && inet_ntop(fam, d->addrs[i].addr, a, sizeof(a)))
			enc_cstr(e, a);
	}
	enc_arr_end(e);
}

int emit_record(struct enc *e, const void *data, size_t size, int64_t off)
{
	const struct ev_hdr *h = data;
	if (size < sizeof(*h))
		return -1;
	static const size_t min[] = {
		[AS_EXEC] = sizeof(struct ev_exec), [AS_EXIT] = sizeof(struct ev_exit), [AS_FORK] = sizeof(struct ev_fork),
		[AS_FILE] = sizeof(struct ev_file), [AS_CONNECT] = sizeof(struct ev_connect), [AS_SSL] = sizeof(struct ev_ssl),
		[AS_SNI] = sizeof(struct ev_sni), [AS_DNS] = sizeof(struct ev_dns),
	};
	if (h->kind < AS_EXEC || h->kind > AS_DNS || size < min[h->kind])
		return -1;
	size_t mark = e->len;
	enc_frame_begin(e);
	enc_map_begin(e);
	int rc = 0;
	switch (h->kind) {
	case AS_EXEC:
		header(e, h, off, "event", "EXEC");
		rc = exec_frame(e, data, size);
		break;
	case AS_EXIT: {
		const struct ev_exit *x = data;
		header(e, h, off, "event", "EXIT");
		kv_int(e, "exit_code", x->exit_code);
		kv_int(e, "signal", x->signal);
		enc_key(e, "duration_ms");
		enc_f64(e, x->start_ns && h->ts_ns > x->start_ns ? (h->ts_ns - x->start_ns) / 1e6 : 0);
		break;
	}
	case AS_FORK:
		header(e, h, off, "event", "FORK");
		kv_uint(e, "child_pid", ((const struct ev_fork *)data)->child_pid);
		break;
	case AS_FILE:
		header(e, h, off, "event", file_event(data));
		rc = file_frame(e, data, size);
		break;
	case AS_CONNECT:
		header(e, h, off, "event", "NET_CONNECT");
		connect_frame(e, data);
		break;
	case AS_SSL: {
		const struct ev_ssl *s = data;
		header(e, h, off, "function",
		       s->func == AS_SSL_READ ? "READ/RECV" : s->func == AS_SSL_WRITE ? "WRITE/SEND" : "HANDSHAKE");
		ssl_frame(e, s, size);
		break;
	}
	case AS_SNI: {
		const struct ev_sni *s = data;
		header(e, h, off, "event", "TLS_SNI");
		kv_uint(e, "conn", s->ssl);
		enc_key(e, "host");
		enc_str(e, (const char *)(s + 1), sizeof(*s) + s->host_len <= size ? tail_strlen((const char *)(s + 1), s->host_len) : 0);
		break;
	}
	case AS_DNS:
		header(e, h, off, "event", "DNS_RESOLVE");
		dns_frame(e, data, size);
		break;
	}
	if (rc != 0) {
		e->len = mark;
		e->depth = 0;
		return -1;
	}
	enc_map_end(e);
	enc_frame_end(e);
	return 0;
}

void emit_stats(struct enc *e, uint64_t boot_ns, int64_t off, const struct as_counters *rings, uint64_t malformed,
		const struct scope_counts *scope, const struct prog_stat *progs, int nprogs)
{
	static const char *names[AS_RING_COUNT] = { "events", "ssl" };
	enc_frame_begin(e);
	enc_map_begin(e);
	kv_str(e, "event", "STATS");
	kv_uint(e, "timestamp_ns", boot_ns);
	kv_uint(e, "epoch_ns", (uint64_t)((int64_t)boot_ns + off));
	enc_key(e, "rings");
	enc_map_begin(e);
	for (int i = 0; i < AS_RING_COUNT; i++) {
		enc_key(e, names[i]);
		enc_map_begin(e);
		kv_uint(e, "events", rings[i].events);
		kv_uint(e, "bytes", rings[i].bytes);
		kv_uint(e, "drops", rings[i].drops);
		enc_map_end(e);
	}
	enc_map_end(e);
	kv_uint(e, "malformed", malformed);
	enc_key(e, "candidates");
	enc_map_begin(e);
	kv_uint(e, "accepted", scope->accepted);
	kv_uint(e, "rejected", scope->rejected);
	kv_uint(e, "dropped", scope->dropped);
	enc_map_end(e);
	if (nprogs > 0) {
		enc_key(e, "probes");
		enc_map_begin(e);
		for (int i = 0; i < nprogs; i++) {
			enc_key(e, progs[i].name);
			enc_map_begin(e);
			kv_uint(e, "runs", progs[i].runs);
			kv_uint(e, "ns", progs[i].ns);
			enc_map_end(e);
		}
		enc_map_end(e);
	}
	enc_map_end(e);
	enc_frame_end(e);
}

void emit_agent(struct enc *e, uint64_t boot_ns, int64_t off, int pid, const char *agent, const char *exe, bool tls)
{
	enc_frame_begin(e);
	enc_map_begin(e);
	kv_str(e, "event", "AGENT");
	kv_uint(e, "timestamp_ns", boot_ns);
	kv_uint(e, "epoch_ns", (uint64_t)((int64_t)boot_ns + off));
	kv_uint(e, "pid", pid);
	kv_str(e, "agent", agent);
	kv_str(e, "exe", exe);
	kv_bool(e, "tls_probed", tls);
	enc_map_end(e);
	enc_frame_end(e);
}
