/* vp_utf8.h - UTF-8 validation and sanitising for text that comes from
 * outside: wire strings, documents, HTTP headers and API answers. Valid means
 * RFC 3629: shortest form only, no UTF-16 surrogates, nothing above U+10FFFF.
 * Everything here is pure and allocation-free except vp_utf8_dup. */
#ifndef VP_UTF8_H
#define VP_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Flags of vp_utf8_prefix, vp_utf8_valid and the sanitisers. */
#define VP_UTF8_NO_NUL  0x1u /* a NUL byte is invalid */
#define VP_UTF8_NO_CTRL 0x2u /* C0 controls and DEL are invalid (and NUL) */

/* Why vp_utf8_prefix stopped. */
enum vp_utf8_fault {
	VP_UTF8_OK = 0,    /* the whole buffer is valid */
	VP_UTF8_CTRL,      /* a byte the flags forbid (NUL, control, DEL) */
	VP_UTF8_BAD_LEAD,  /* a byte that cannot start a sequence */
	VP_UTF8_BAD_CONT,  /* a continuation byte out of range (overlong,
	                      surrogate, above U+10FFFF, or not 10xxxxxx) */
	VP_UTF8_TRUNCATED, /* the buffer ends inside a sequence */
};

/* Where and why a buffer stopped being valid. */
struct vp_utf8_error {
	enum vp_utf8_fault fault;
	size_t at; /* offset of the offending byte: the lead byte, the bad
	              continuation byte, or the length for VP_UTF8_TRUNCATED */
};

/* Length of the valid sequence (one character) at s[0..n), n > 0; 0 when the
 * bytes there do not start a valid sequence or it is cut off by n. */
size_t vp_utf8_seq(const void *s, size_t n);

/* Length of the longest valid prefix of s[0..n) under flags (== n when all of
 * it is valid); the result is always a character boundary. err may be NULL;
 * otherwise it says why the prefix ended (fault VP_UTF8_OK when it did not).
 * ASCII runs go eight bytes at a time: documents of tens of MiB pass here. */
size_t vp_utf8_prefix(
    const void *s, size_t n, unsigned flags, struct vp_utf8_error *err);

/* True when all of s[0..n) is valid under flags. */
bool vp_utf8_valid(const void *s, size_t n, unsigned flags);

/* Writes code point cp (at most U+10FFFF) into out as 1 to 4 bytes and
 * returns how many. Surrogates are encoded like any other value: callers
 * that take code points from outside reject them first. */
size_t vp_utf8_encode(uint8_t out[4], uint32_t cp);

/* Copies src[0..n) into dst (cap > 0 bytes, always NUL-terminated), whole
 * characters only and at most cap - 1 bytes: every byte that does not start a
 * valid sequence becomes '?'; with VP_UTF8_NO_CTRL a tab, newline or carriage
 * return becomes ' ' and any other control byte (NUL included) '?'. Stops
 * where the next character would not fit. Returns the bytes written without
 * the NUL. The result is valid under flags. */
size_t vp_utf8_sanitize(
    char *dst, size_t cap, const void *src, size_t n, unsigned flags);

/* Like vp_utf8_sanitize into a new string of at most max bytes (plus the NUL)
 * that the caller owns and frees. Returns NULL when out of memory. */
char *vp_utf8_dup(const void *src, size_t n, size_t max, unsigned flags);

#endif
