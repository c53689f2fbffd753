/* msgpack and JSON encoders behind one interface (see msgpack.h). Containers are opened with a 32-bit count
 * placeholder (map32/array32) patched when closed, so callers never count fields in advance. */
#include "msgpack.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void need(struct enc *e, size_t n)
{
	if (e->len + n <= e->cap)
		return;
	size_t cap = e->cap ? e->cap : 1 << 16;
	while (cap < e->len + n)
		cap *= 2;
	e->buf = realloc(e->buf, cap);
	if (!e->buf) {
		fprintf(stderr, "agentsight: out of memory\n");
		exit(1);
	}
	e->cap = cap;
}

static void put(struct enc *e, const void *p, size_t n)
{
	need(e, n);
	memcpy(e->buf + e->len, p, n);
	e->len += n;
}

static void put1(struct enc *e, unsigned char c) { put(e, &c, 1); }

static void put_be(struct enc *e, uint64_t v, int bytes)
{
	unsigned char b[8];
	for (int i = 0; i < bytes; i++)
		b[i] = v >> (8 * (bytes - 1 - i));
	put(e, b, bytes);
}

static void patch_be32(struct enc *e, size_t at, uint32_t v)
{
	e->buf[at] = v >> 24; e->buf[at + 1] = v >> 16; e->buf[at + 2] = v >> 8; e->buf[at + 3] = v;
}

void enc_init(struct enc *e, bool json)
{
	memset(e, 0, sizeof(*e));
	e->json = json;
}

/* Counts a value in the open container. msgpack: keys and values each count (a map's count is n / 2).
 * JSON: a comma goes before every key of a map and every value of an array but the first. */
static void item(struct enc *e, bool is_key)
{
	if (e->depth == 0)
		return;
	int d = e->depth - 1;
	if (!e->json) {
		e->n[d]++;
	} else if (e->is_map[d] ? is_key : true) {
		if (e->n[d]++ > 0)
			put1(e, ',');
	}
}

static void open_container(struct enc *e, bool map)
{
	if (e->depth >= ENC_DEPTH)
		abort();
	e->is_map[e->depth] = map;
	if (e->json) {
		put1(e, map ? '{' : '[');
	} else {
		put1(e, map ? 0xdf : 0xdd);
		e->at[e->depth] = e->len;
		put_be(e, 0, 4);
	}
	e->n[e->depth++] = 0;
}

static void close_container(struct enc *e, bool map)
{
	int d = --e->depth;
	if (e->json)
		put1(e, map ? '}' : ']');
	else
		patch_be32(e, e->at[d], map ? e->n[d] / 2 : e->n[d]);
}

void enc_frame_begin(struct enc *e)
{
	e->frame_start = e->len;
	if (!e->json)
		put_be(e, 0, 4);
}

void enc_frame_end(struct enc *e)
{
	if (e->json)
		put1(e, '\n');
	else
		patch_be32(e, e->frame_start, e->len - e->frame_start - 4);
}

void enc_map_begin(struct enc *e) { item(e, false); open_container(e, true); }
void enc_map_end(struct enc *e) { close_container(e, true); }
void enc_arr_begin(struct enc *e) { item(e, false); open_container(e, false); }
void enc_arr_end(struct enc *e) { close_container(e, false); }

static void json_str(struct enc *e, const unsigned char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	need(e, n * 6 + 2);
	e->buf[e->len++] = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c == '"' || c == '\\') {
			e->buf[e->len++] = '\\';
			e->buf[e->len++] = c;
		} else if (c < 0x20 || c == 0x7f) {
			const char *esc = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
			if (esc) {
				memcpy(e->buf + e->len, esc, 2);
				e->len += 2;
			} else {
				memcpy(e->buf + e->len, "\\u00", 4);
				e->buf[e->len + 4] = hex[c >> 4];
				e->buf[e->len + 5] = hex[c & 15];
				e->len += 6;
			}
		} else {
			e->buf[e->len++] = c;
		}
	}
	e->buf[e->len++] = '"';
}

void enc_key(struct enc *e, const char *k)
{
	size_t n = strlen(k);
	if (!e->json) {
		enc_str(e, k, n);
		return;
	}
	item(e, true);
	json_str(e, (const unsigned char *)k, n);
	put1(e, ':');
}

void enc_str(struct enc *e, const char *s, size_t n)
{
	item(e, false);
	if (e->json) {
		/* strings from the kernel (comm, paths) may hold any bytes: keep the JSON valid */
		if (utf8_valid((const unsigned char *)s, n)) {
			json_str(e, (const unsigned char *)s, n);
		} else {
			unsigned char *tmp = malloc(n ? n : 1);
			for (size_t i = 0; i < n; i++)
				tmp[i] = (unsigned char)s[i] < 0x80 ? s[i] : '?';
			json_str(e, tmp, n);
			free(tmp);
		}
		return;
	}
	if (n < 32)
		put1(e, 0xa0 | n);
	else if (n < 256) {
		put1(e, 0xd9); put_be(e, n, 1);
	} else if (n < 65536) {
		put1(e, 0xda); put_be(e, n, 2);
	} else {
		put1(e, 0xdb); put_be(e, n, 4);
	}
	put(e, s, n);
}

void enc_cstr(struct enc *e, const char *s) { enc_str(e, s, strlen(s)); }

void enc_bin(struct enc *e, const void *p, size_t n)
{
	if (e->json) {
		if (utf8_valid(p, n)) {
			enc_str(e, p, n);
		} else {
			static const char hex[] = "0123456789abcdef";
			char *h = malloc(n * 2 + 1);
			for (size_t i = 0; i < n; i++) {
				h[2 * i] = hex[((const unsigned char *)p)[i] >> 4];
				h[2 * i + 1] = hex[((const unsigned char *)p)[i] & 15];
			}
			enc_str(e, h, n * 2);
			free(h);
		}
		return;
	}
	item(e, false);
	if (n < 256) {
		put1(e, 0xc4); put_be(e, n, 1);
	} else if (n < 65536) {
		put1(e, 0xc5); put_be(e, n, 2);
	} else {
		put1(e, 0xc6); put_be(e, n, 4);
	}
	put(e, p, n);
}

void enc_int(struct enc *e, int64_t v)
{
	if (v >= 0) {
		enc_uint(e, v);
		return;
	}
	item(e, false);
	if (e->json) {
		char b[24];
		put(e, b, snprintf(b, sizeof(b), "%lld", (long long)v));
	} else if (v >= -32) {
		put1(e, (unsigned char)(int8_t)v);
	} else {
		put1(e, 0xd3); put_be(e, (uint64_t)v, 8);
	}
}

void enc_uint(struct enc *e, uint64_t v)
{
	item(e, false);
	if (e->json) {
		char b[24];
		put(e, b, snprintf(b, sizeof(b), "%llu", (unsigned long long)v));
	} else if (v < 128) {
		put1(e, v);
	} else if (v < 65536) {
		put1(e, 0xcd); put_be(e, v, 2);
	} else if (v < (1ULL << 32)) {
		put1(e, 0xce); put_be(e, v, 4);
	} else {
		put1(e, 0xcf); put_be(e, v, 8);
	}
}

void enc_f64(struct enc *e, double v)
{
	item(e, false);
	if (e->json) {
		char b[32];
		put(e, b, snprintf(b, sizeof(b), "%.6f", v));
		return;
	}
	uint64_t bits;
	memcpy(&bits, &v, 8);
	put1(e, 0xcb);
	put_be(e, bits, 8);
}

void enc_bool(struct enc *e, bool v)
{
	item(e, false);
	if (e->json)
		put(e, v ? "true" : "false", v ? 4 : 5);
	else
		put1(e, v ? 0xc3 : 0xc2);
}

void enc_nil(struct enc *e)
{
	item(e, false);
	if (e->json)
		put(e, "null", 4);
	else
		put1(e, 0xc0);
}

bool utf8_valid(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		size_t k = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : 9;
		if (k == 9 || i + k >= n)
			return false;
		for (size_t j = 1; j <= k; j++)
			if ((p[i + j] & 0xc0) != 0x80)
				return false;
		i += k + 1;
	}
	return true;
}
