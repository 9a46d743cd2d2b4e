/* fuzz_utf8.c - libFuzzer target for vp_utf8: checks it against a second,
 * deliberately different decoder (decode the code point, then judge its
 * value) and checks the sanitisers' promises: valid output under the flags,
 * never longer than asked, and valid input copied unchanged. The first byte
 * of the input picks the flags. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vp_utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The reference: length of the character at s[0..n), 0 when invalid. */
static size_t ref_seq(const uint8_t *s, size_t n, unsigned flags)
{
	uint32_t cp, min;
	size_t len;

	if (s[0] < 0x80) {
		if ((flags & VP_UTF8_NO_CTRL) && (s[0] < 0x20 || s[0] == 0x7f))
			return 0;
		if ((flags & VP_UTF8_NO_NUL) && s[0] == 0)
			return 0;
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, min = 0x80, cp = s[0] & 0x1fu;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, min = 0x800, cp = s[0] & 0x0fu;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, min = 0x10000, cp = s[0] & 0x07u;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned flag_sets[] = {0, VP_UTF8_NO_NUL, VP_UTF8_NO_CTRL,
	    VP_UTF8_NO_NUL | VP_UTF8_NO_CTRL};
	struct vp_utf8_error e;
	unsigned flags;
	size_t want = 0, got;

	if (size == 0)
		return 0;
	flags = flag_sets[data[0] & 3];
	data++, size--;

	while (want < size) {
		size_t k = ref_seq(data + want, size - want, flags);
		if (k == 0)
			break;
		want += k;
	}
	got = vp_utf8_prefix(data, size, flags, &e);
	if (got != want || (got == size) != (e.fault == VP_UTF8_OK))
		abort();
	if (got < size && (e.at < got || e.at > size))
		abort();
	if (vp_utf8_valid(data, size, flags) != (got == size))
		abort();
	if (size > 0 && vp_utf8_seq(data, size) != ref_seq(data, size, 0))
		abort();

	/* sanitised: valid, bounded, and valid input copied as it was */
	size_t cap =
	    size > 0 && data[0] % 64u < size ? data[0] % 64u + 1 : size + 1;
	char *out = malloc(size + 1);
	if (out == NULL)
		return 0;
	size_t n = vp_utf8_sanitize(out, size + 1, data, size, flags);
	if (strlen(out) != n && !(flags == 0 && memchr(out, 0, n) != NULL))
		abort();
	if (!vp_utf8_valid(out, n, flags) || n > size)
		abort();
	if (got == size && (n != size || memcmp(out, data, size) != 0))
		abort();
	n = vp_utf8_sanitize(out, cap, data, size, flags);
	if (n > cap - 1 || !vp_utf8_valid(out, n, flags))
		abort();
	free(out);
	return 0;
}
