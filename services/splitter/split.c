/* split.c - split_document: checks the input (size, UTF-8, NUL bytes, BOM),
 * picks the format reader and hands back the segments. The readers are in
 * split_plain.c and split_word.c, the shared builder in split_build.c. */
#include <stdlib.h>
#include <string.h>

#include "split_int.h"

/* Returns VP_OK when doc is valid UTF-8 without NUL bytes. The fast path
 * looks at 8 bytes at a time: no byte >= 0x80 and no zero byte. The
 * subtraction can flag a false positive after such a byte, which only sends
 * that word down the exact path. */
static int validate(struct split_ctx *ctx)
{
	const uint8_t *d = ctx->doc;
	size_t len = ctx->len, i = 0;
	const uint64_t ones = 0x0101010101010101ull;
	const uint64_t highs = 0x8080808080808080ull;

	while (i < len) {
		uint8_t c;
		size_t need;
		uint8_t lo = 0x80, hi = 0xBF;
		if (len - i >= 8) {
			uint64_t w;
			memcpy(&w, d + i, 8);
			if (((w | (w - ones)) & highs) == 0) {
				i += 8;
				continue;
			}
		}
		c = d[i];
		if (c == 0)
			return split_fail(ctx, VP_EINVAL,
			    "NUL byte at byte offset %zu: not a text document",
			    i);
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			need = 1;
		else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			if (c == 0xE0)
				lo = 0xA0; /* overlong */
			else if (c == 0xED)
				hi = 0x9F; /* UTF-16 surrogates */
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			if (c == 0xF0)
				lo = 0x90; /* overlong */
			else if (c == 0xF4)
				hi = 0x8F; /* above U+10FFFF */
		} else
			return split_fail(ctx, VP_EINVAL,
			    "invalid UTF-8 at byte offset %zu (byte 0x%02X)", i,
			    c);
		for (size_t k = 1; k <= need; k++) {
			uint8_t cc = i + k < len ? d[i + k] : 0;
			if (i + k >= len)
				return split_fail(ctx, VP_EINVAL,
				    "invalid UTF-8 at byte offset %zu: "
				    "sequence "
				    "cut off by the end of the document",
				    i);
			if (cc < lo || cc > hi)
				return split_fail(ctx, VP_EINVAL,
				    "invalid UTF-8 at byte offset %zu (byte "
				    "0x%02X after 0x%02X)",
				    i + k, cc, c);
			lo = 0x80;
			hi = 0xBF;
		}
		i += need + 1;
	}
	return VP_OK;
}

int split_detect_word(const uint8_t *doc, size_t len)
{
	static const char ref[] = "[footnoteRef:";
	const uint8_t *p = doc, *end = doc + len;
	if (memmem(doc, len, ref, sizeof(ref) - 1) != NULL)
		return 1;
	/* a footnote body "[N:  " */
	while ((p = memchr(p, '[', (size_t)(end - p))) != NULL) {
		const uint8_t *q = ++p;
		while (q < end && q - p < 9 && *q >= '0' && *q <= '9')
			q++;
		if (q > p && end - q >= 3 && q[0] == ':' && q[1] == ' ' &&
		    q[2] == ' ')
			return 1;
	}
	return 0;
}

static void ctx_release(struct split_ctx *ctx)
{
	free(ctx->para.text);
	free(ctx->para.pairs);
	free(ctx->note.text);
	free(ctx->note.pairs);
	free(ctx->line_markers);
	free(ctx->marker_tab);
	split_segments_free(ctx->notes, ctx->n_notes);
}

int split_document(const uint8_t *doc, size_t len, const char *format,
    struct vp_segment **out, size_t *n_out, const char **format_used,
    char *errbuf, size_t errlen)
{
	struct split_ctx ctx;
	size_t from = 0;
	int word, rv;

	memset(&ctx, 0, sizeof(ctx));
	ctx.doc = doc;
	ctx.len = len;
	ctx.errbuf = errbuf;
	ctx.errlen = errlen;
	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';
	if (out == NULL || n_out == NULL || (doc == NULL && len > 0))
		return split_fail(&ctx, VP_EINVAL, "missing argument");
	*out = NULL;
	*n_out = 0;
	if (format_used != NULL)
		*format_used = NULL;

	if (format == NULL || strcmp(format, "auto") == 0)
		word = -1;
	else if (strcmp(format, "text") == 0)
		word = 0;
	else if (strcmp(format, "word-text") == 0)
		word = 1;
	else
		return split_fail(&ctx, VP_EINVAL,
		    "unknown format \"%.32s\" (known: text, word-text, auto)",
		    format);
	if (len > SPLIT_MAX_DOC)
		return split_fail(&ctx, VP_ETOOLARGE,
		    "document is %zu bytes; the limit is %zu", len,
		    SPLIT_MAX_DOC);
	if ((rv = validate(&ctx)) != VP_OK)
		return rv;
	if (len >= 3 && doc[0] == 0xEF && doc[1] == 0xBB && doc[2] == 0xBF)
		from = 3; /* BOM: skipped, offsets stay in the original */
	if (word < 0)
		word = split_detect_word(doc + from, len - from);
	if (format_used != NULL)
		*format_used = word ? "word-text" : "text";

	rv = word ? split_word(&ctx, from) : split_plain(&ctx, from);
	ctx_release(&ctx);
	if (rv != VP_OK) {
		split_segments_free(ctx.segs, ctx.n_segs);
		return rv;
	}
	if (ctx.n_segs == 0) {
		free(ctx.segs);
		ctx.segs = NULL;
	}
	*out = ctx.segs;
	*n_out = ctx.n_segs;
	return VP_OK;
}

void split_segments_free(struct vp_segment *segs, size_t n)
{
	if (segs == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		vp_obj_clear(&vp_desc_segment, &segs[i]);
	free(segs);
}
