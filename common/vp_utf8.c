/* UTF-8 validation and sanitising (RFC 3629). One decoder of sequence
 * boundaries serves the codec's wire strings, the splitter's documents and
 * the fetcher's HTTP and API text, so that they all agree on what is valid. */
#include "vp_utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ONES UINT64_C(0x0101010101010101)
#define HIGH UINT64_C(0x8080808080808080)

/* Checks the sequence at s[0..n) (n > 0, s[0] >= 0x80). Returns its length,
 * or 0 with the fault and the offset of the offending byte. The second byte's
 * range carries the rules on overlongs (E0, F0), surrogates (ED) and the top
 * of the code space (F4); later bytes only need to be continuations. */
static size_t multi(
    const uint8_t *s, size_t n, enum vp_utf8_fault *fault, size_t *at)
{
	uint8_t c = s[0], lo = 0x80, hi = 0xbf;
	size_t need;

	if (c >= 0xc2 && c <= 0xdf)
		need = 1;
	else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		*fault = VP_UTF8_BAD_LEAD;
		*at = 0;
		return 0;
	}
	for (size_t k = 1; k <= need; k++) {
		if (k >= n) {
			*fault = VP_UTF8_TRUNCATED;
			*at = n;
			return 0;
		}
		if (s[k] < lo || s[k] > hi) {
			*fault = VP_UTF8_BAD_CONT;
			*at = k;
			return 0;
		}
		lo = 0x80;
		hi = 0xbf;
	}
	return need + 1;
}

static bool forbidden(uint8_t c, unsigned flags)
{
	if (flags & VP_UTF8_NO_CTRL)
		return c < 0x20 || c == 0x7f;
	return c == 0 && (flags & VP_UTF8_NO_NUL);
}

/* True when none of the eight bytes of w needs a closer look under flags:
 * all ASCII, and no NUL (or no control byte) when the flags forbid them. The
 * tests can flag a byte that is fine, which only sends the word down the
 * exact path. */
static inline bool plain_word(uint64_t w, unsigned flags)
{
	if (flags & VP_UTF8_NO_CTRL)
		return (w & HIGH) == 0 &&
		       ((w - ONES * 0x20) & ~w & HIGH) == 0 &&
		       (((w ^ ONES * 0x7f) - ONES) & ~(w ^ ONES * 0x7f) &
		           HIGH) == 0;
	if (flags & VP_UTF8_NO_NUL) /* a zero byte borrows into its top bit */
		return ((w | (w - ONES)) & HIGH) == 0;
	return (w & HIGH) == 0;
}

size_t vp_utf8_seq(const void *s, size_t n)
{
	const uint8_t *u = s;
	enum vp_utf8_fault fault;
	size_t at;

	if (n == 0)
		return 0;
	if (u[0] < 0x80)
		return 1;
	return multi(u, n, &fault, &at);
}

/* The top bit of each byte of the result is set for every byte of w that
 * plain_word would look at closer (and for some that are fine); OR-ing the
 * marks of several words tests them with one branch. */
static inline uint64_t mark_word(uint64_t w, unsigned flags)
{
	if (flags & VP_UTF8_NO_CTRL)
		return w | (w - ONES * 0x20) | ((w ^ ONES * 0x7f) - ONES);
	if (flags & VP_UTF8_NO_NUL)
		return w | (w - ONES);
	return w;
}

/* True when the 32 bytes at u are plain (see plain_word). Wire strings and
 * documents are mostly ASCII: one branch per 32 bytes instead of per 8. */
static inline bool plain_block(const uint8_t *u, unsigned flags)
{
	uint64_t w[4];
	memcpy(w, u, sizeof(w));
	return ((mark_word(w[0], flags) | mark_word(w[1], flags) |
	            mark_word(w[2], flags) | mark_word(w[3], flags)) &
	           HIGH) == 0;
}

/* The scan, inlined once per flag set below so that the flag tests fold
 * away from the loop. */
static inline __attribute__((always_inline)) size_t scan(const uint8_t *u,
    size_t n, unsigned flags, enum vp_utf8_fault *fault, size_t *at)
{
	size_t i = 0;

	while (i < n) {
		while (n - i >= 32 && plain_block(u + i, flags))
			i += 32;
		if (i == n)
			break;
		if (n - i >= 8) {
			uint64_t w;
			memcpy(&w, u + i, 8);
			if (plain_word(w, flags)) {
				i += 8;
				continue;
			}
		}
		if (u[i] < 0x80) {
			if (forbidden(u[i], flags)) {
				*fault = VP_UTF8_CTRL;
				*at = i;
				return i;
			}
			i++;
			continue;
		}
		size_t k = multi(u + i, n - i, fault, at);
		if (k == 0) {
			*at += i;
			return i;
		}
		i += k;
	}
	return i;
}

size_t vp_utf8_prefix(
    const void *s, size_t n, unsigned flags, struct vp_utf8_error *err)
{
	enum vp_utf8_fault fault = VP_UTF8_OK;
	size_t i, at = 0;

	if (flags & VP_UTF8_NO_CTRL)
		i = scan(s, n, VP_UTF8_NO_CTRL, &fault, &at);
	else if (flags & VP_UTF8_NO_NUL)
		i = scan(s, n, VP_UTF8_NO_NUL, &fault, &at);
	else
		i = scan(s, n, 0, &fault, &at);
	if (err != NULL) {
		err->fault = fault;
		err->at = fault == VP_UTF8_OK ? n : at;
	}
	return i;
}

size_t vp_utf8_encode(uint8_t out[4], uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (uint8_t)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (uint8_t)(0xc0 | cp >> 6);
		out[1] = (uint8_t)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (uint8_t)(0xe0 | cp >> 12);
		out[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (uint8_t)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (uint8_t)(0xf0 | cp >> 18);
	out[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (uint8_t)(0x80 | (cp & 0x3f));
	return 4;
}

bool vp_utf8_valid(const void *s, size_t n, unsigned flags)
{
	return vp_utf8_prefix(s, n, flags, NULL) == n;
}

size_t vp_utf8_sanitize(
    char *dst, size_t cap, const void *src, size_t n, unsigned flags)
{
	const uint8_t *u = src;
	size_t i = 0, o = 0;

	if (cap == 0)
		return 0;
	while (i < n) {
		size_t k = vp_utf8_seq(u + i, n - i);
		if (k == 0 || (k == 1 && forbidden(u[i], flags))) {
			if (o + 1 > cap - 1)
				break;
			dst[o++] = (flags & VP_UTF8_NO_CTRL) &&
			                   (u[i] == '\t' || u[i] == '\n' ||
			                       u[i] == '\r')
			               ? ' '
			               : '?';
			i++;
			continue;
		}
		if (o + k > cap - 1)
			break;
		memcpy(dst + o, u + i, k);
		o += k;
		i += k;
	}
	dst[o] = '\0';
	return o;
}

char *vp_utf8_dup(const void *src, size_t n, size_t max, unsigned flags)
{
	size_t cap = (n < max ? n : max) + 1;
	char *out = malloc(cap);

	if (out != NULL)
		vp_utf8_sanitize(out, cap, src, n, flags);
	return out;
}
