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

/* Marks the bytes of w that need a closer look under flags: the top bit of
 * a byte of the result is set when that byte of w is not ASCII, or is a NUL
 * (a control byte) that the flags forbid. A byte above a marked one may be
 * marked too (a borrow), never one below: the lowest mark is exact. OR-ing
 * the marks of several words tests them with one branch. */
static inline uint64_t mark_word(uint64_t w, unsigned flags)
{
	if (flags & VP_UTF8_NO_CTRL)
		return w | (w - ONES * 0x20) | ((w ^ ONES * 0x7f) - ONES);
	if (flags & VP_UTF8_NO_NUL)
		return w | (w - ONES);
	return w;
}

/* True when none of the 32 bytes at u needs a closer look. Wire strings and
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
 * away from the loop. Each step looks at a word (the last one padded with
 * spaces, which no flag forbids) and, on little-endian machines, jumps
 * straight to its first byte that needs a closer look: the lowest marked
 * byte is exact, since a borrow only runs upward from a marked one. */
static inline __attribute__((always_inline)) size_t scan(const uint8_t *u,
    size_t n, unsigned flags, enum vp_utf8_fault *fault, size_t *at)
{
	size_t i = 0;

	while (i < n) {
		uint64_t w = ONES * 0x20, mark;
		size_t avail;

		while (n - i >= 32 && plain_block(u + i, flags))
			i += 32;
		avail = n - i < 8 ? n - i : 8;
		if (avail == 8)
			memcpy(&w, u + i, 8); /* one load, not a call */
		else if (avail == 0)
			break;
		else
			memcpy(&w, u + i, avail);
		mark = mark_word(w, flags) & HIGH;
		if (mark == 0) {
			i += avail;
			continue;
		}
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		i += (size_t)__builtin_ctzll(mark) / 8;
#endif
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
