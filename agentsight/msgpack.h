/* A small writer for the collector's two output forms: length-prefixed msgpack frames (4-byte big-endian
 * length + one msgpack map) and JSON lines. emit.c describes each event once through these calls. */
#ifndef AS_ENC_H
#define AS_ENC_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ENC_DEPTH 8

struct enc {
	bool json;
	unsigned char *buf;
	size_t len, cap;
	/* open containers: where the msgpack count is patched, how many items so far */
	size_t at[ENC_DEPTH];
	uint32_t n[ENC_DEPTH];
	bool is_map[ENC_DEPTH];
	int depth;
	size_t frame_start;
};

void enc_init(struct enc *e, bool json);
void enc_frame_begin(struct enc *e);
void enc_frame_end(struct enc *e);
void enc_map_begin(struct enc *e);
void enc_map_end(struct enc *e);
void enc_arr_begin(struct enc *e);
void enc_arr_end(struct enc *e);
void enc_key(struct enc *e, const char *k);
void enc_str(struct enc *e, const char *s, size_t n);
void enc_cstr(struct enc *e, const char *s);
void enc_bin(struct enc *e, const void *p, size_t n); /* JSON: a string when UTF-8, else hex */
void enc_int(struct enc *e, int64_t v);
void enc_uint(struct enc *e, uint64_t v);
void enc_f64(struct enc *e, double v);
void enc_bool(struct enc *e, bool v);
void enc_nil(struct enc *e);
bool utf8_valid(const unsigned char *p, size_t n);

#endif
