/* split_plain.c - the plain UTF-8 text reader: a paragraph is a block of
 * non-blank lines; inside it each line break (LF or CRLF, with the spaces
 * around it) becomes one space, and a soft hyphen at a line end joins the
 * word halves. */
#include <string.h>

#include "split_int.h"

/* Blank: nothing but spaces and control bytes (tabs, CR, form feeds). */
static int is_blank(const uint8_t *d, size_t p, size_t e)
{
	while (p < e && d[p] <= ' ')
		p++;
	return p == e;
}

static size_t line_end(const uint8_t *d, size_t p, size_t len)
{
	const uint8_t *nl = memchr(d + p, '\n', len - p);
	return nl ? (size_t)(nl - d) : len;
}

/* One paragraph over the non-blank lines [bs, be). */
static int paragraph(struct split_ctx *ctx, size_t bs, size_t be)
{
	const uint8_t *d = ctx->doc;
	struct split_buf *b = &ctx->para;
	size_t start = bs, end = be, p = bs, prev_term = 0;
	uint32_t idx1;
	int rv, first = 1;

	while (start < end && d[start] <= ' ')
		start++;
	while (end > start && d[end - 1] <= ' ')
		end--;
	if ((rv = split_buf_begin(ctx, b, end - start)) != VP_OK)
		return rv;
	p = start;
	while (p < end) {
		size_t le = line_end(d, p, end), ce = le;
		if (ce > p && d[ce - 1] == '\r')
			ce--;
		if (!first) {
			int joined = b->shy;
			split_buf_trim(b);
			if (!joined &&
			    (rv = split_buf_space(ctx, b, prev_term)))
				return rv;
			while (p < ce && d[p] <= ' ')
				p++;
		}
		if ((rv = split_buf_scan(ctx, b, p, ce)) != VP_OK)
			return rv;
		prev_term = ce;
		first = 0;
		p = le + 1;
	}
	split_buf_trim(b);
	return split_emit(ctx, b, NULL, 0, start, end, 0, 0, &idx1);
}

int split_plain(struct split_ctx *ctx, size_t from)
{
	const uint8_t *d = ctx->doc;
	size_t len = ctx->len, p = from;

	while (p < len) {
		size_t le = line_end(d, p, len), bs = p, be;
		int rv;
		if (is_blank(d, p, le)) {
			p = le + 1;
			continue;
		}
		be = le;
		p = le + 1;
		while (p < len) {
			le = line_end(d, p, len);
			if (is_blank(d, p, le))
				break;
			be = le;
			p = le + 1;
		}
		if ((rv = paragraph(ctx, bs, be)) != VP_OK)
			return rv;
	}
	return VP_OK;
}
