/* split_build.c - the segment builder shared by the format readers: text
 * normalisation (NBSP, soft hyphen, control bytes), the offset map, turning a
 * built text into a struct vp_segment, and paragraph classification. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "split_int.h"

/* Control bytes (everything below 0x20), 0xC2, the lead byte of NBSP and
 * SOFT HYPHEN, and 0xE2, the lead byte of the dashes, leave the fast copy
 * loop; so does '[' for word-text. */
#define S   SPLIT_C_SPECIAL
#define B   SPLIT_C_BRACKET
#define R4  0, 0, 0, 0
#define R8  R4, R4
#define R16 R8, R8
const uint8_t split_class[256] = {
    S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, /* 0x00 */
    S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, /* 0x10 */
    R16, R16, R16,                                  /* 0x20-0x4f */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, B, 0, 0, 0, 0, /* 0x50: '[' */
    R16, R16,                                       /* 0x60-0x7f */
    R16, R16, R16, R16,                             /* 0x80-0xbf */
    0, 0, S, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0xc0: 0xc2 */
    R16,                                            /* 0xd0-0xdf */
    0, 0, S, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0xe0: 0xe2 */
    R16,                                            /* 0xf0-0xff */
};
#undef S
#undef B
#undef R4
#undef R8
#undef R16

int split_fail(struct split_ctx *ctx, int err, const char *fmt, ...)
{
	if (ctx->errbuf != NULL && ctx->errlen > 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(ctx->errbuf, ctx->errlen, fmt, ap);
		va_end(ap);
	}
	return err;
}

int split_buf_begin(struct split_ctx *ctx, struct split_buf *b, size_t cap)
{
	b->text = malloc(cap + 1);
	if (b->text == NULL)
		return split_fail(ctx, VP_ENOMEM, "out of memory");
	b->cap = cap;
	b->n = 0;
	b->npairs = 0;
	b->delta = 0;
	b->shy = 0;
	return VP_OK;
}

int split_buf_jump(struct split_ctx *ctx, struct split_buf *b, uint64_t orig)
{
	/* two removals in a row land on the same text offset: the later one
	 * says where the next byte really comes from */
	if (b->npairs > 0 && b->pairs[2 * (b->npairs - 1)] == b->n) {
		b->pairs[2 * (b->npairs - 1) + 1] = orig;
		b->delta = orig - b->n;
		return VP_OK;
	}
	if (b->npairs == b->pcap) {
		size_t ncap = b->pcap ? 2 * b->pcap : 64;
		uint64_t *np;
		if (b->npairs >= SPLIT_MAX_MAP / 2)
			return split_fail(ctx, VP_ETOOLARGE,
			    "segment near byte %llu needs more than %zu "
			    "offset-map entries",
			    (unsigned long long)orig, SPLIT_MAX_MAP);
		if (ncap > SPLIT_MAX_MAP / 2)
			ncap = SPLIT_MAX_MAP / 2;
		np = realloc(b->pairs, ncap * 2 * sizeof(*np));
		if (np == NULL)
			return split_fail(ctx, VP_ENOMEM, "out of memory");
		b->pairs = np;
		b->pcap = ncap;
	}
	b->pairs[2 * b->npairs] = b->n;
	b->pairs[2 * b->npairs + 1] = orig;
	b->npairs++;
	b->delta = orig - b->n;
	return VP_OK;
}

void split_buf_trim(struct split_buf *b)
{
	while (b->n > 0 && b->text[b->n - 1] == ' ')
		b->n--;
	while (b->npairs > 0 && b->pairs[2 * (b->npairs - 1)] >= b->n)
		b->npairs--;
	if (b->npairs > 0)
		b->delta =
		    b->pairs[2 * b->npairs - 1] - b->pairs[2 * b->npairs - 2];
}

int split_buf_special(struct split_ctx *ctx, struct split_buf *b, size_t p,
    size_t end, size_t *used)
{
	const uint8_t *d = ctx->doc;
	if (d[p] == 0xE2) {
		*used = end - p < 3 ? end - p : 3;
		if (split_dash(d + p, *used))
			return split_buf_dash(ctx, b, p);
		return split_buf_copy(ctx, b, p, *used);
	}
	if (d[p] != 0xC2) {
		/* tab, lone CR, form feed and other control bytes */
		*used = 1;
		return split_buf_space(ctx, b, p);
	}
	*used = 2;
	if (p + 1 >= end) /* cannot happen in validated UTF-8 */
		return split_buf_copy(ctx, b, p, 1);
	if (d[p + 1] == 0xA0) /* NO-BREAK SPACE */
		return split_buf_space(ctx, b, p);
	if (d[p + 1] == 0xAD) { /* SOFT HYPHEN: invisible, removed */
		b->shy = 1;
		return VP_OK;
	}
	return split_buf_copy(ctx, b, p, 2);
}

int split_dash(const uint8_t *c, size_t n)
{
	/* U+2010 HYPHEN, U+2011 NON-BREAKING HYPHEN, U+2012 FIGURE DASH, U+2013
	 * EN DASH, U+2212 MINUS SIGN: they join words and numbers
	 * ("Staten-Generaal", "2020-2021") and citations are written with
	 * '-'; the em dash between clauses stays as it is */
	return n == 3 && c[0] == 0xE2 &&
	       ((c[1] == 0x80 && c[2] >= 0x90 && c[2] <= 0x93) ||
	           (c[1] == 0x88 && c[2] == 0x92));
}

int split_buf_dash(struct split_ctx *ctx, struct split_buf *b, uint64_t orig)
{
	if (b->npairs == 0 || orig - b->n != b->delta) {
		int rv = split_buf_jump(ctx, b, orig);
		if (rv != VP_OK)
			return rv;
	}
	b->text[b->n++] = '-';
	b->shy = 0;
	return VP_OK;
}

int split_reserve(struct split_ctx *ctx, int pending)
{
	struct vp_segment **arr = pending ? &ctx->notes : &ctx->segs;
	size_t n = pending ? ctx->n_notes : ctx->n_segs;
	size_t *cap = pending ? &ctx->cap_notes : &ctx->cap_segs;
	size_t ncap;
	struct vp_segment *na;
	if (n < *cap)
		return VP_OK;
	if (ctx->n_segs + ctx->n_notes >= SPLIT_MAX_SEGMENTS)
		return split_fail(ctx, VP_ETOOLARGE,
		    "document has more than %zu segments", SPLIT_MAX_SEGMENTS);
	ncap = *cap ? 2 * *cap : 64;
	if (ncap > SPLIT_MAX_SEGMENTS)
		ncap = SPLIT_MAX_SEGMENTS;
	na = realloc(*arr, ncap * sizeof(*na));
	if (na == NULL)
		return split_fail(ctx, VP_ENOMEM, "out of memory");
	*arr = na;
	*cap = ncap;
	return VP_OK;
}

static int starts(const uint8_t *t, size_t n, const char *lit, size_t *pos)
{
	size_t k = strlen(lit);
	if (n - *pos < k || memcmp(t + *pos, lit, k) != 0)
		return 0;
	*pos += k;
	return 1;
}

static int digits(const uint8_t *t, size_t n, size_t *pos)
{
	size_t p0 = *pos;
	while (*pos < n && *pos - p0 < 9 && t[*pos] >= '0' && t[*pos] <= '9')
		(*pos)++;
	return *pos > p0;
}

const char *split_classify(const uint8_t *text, size_t n)
{
	size_t p = 0;
	if (n > 64)
		return "paragraph";
	if (starts(text, n, "Pagina ", &p) && digits(text, n, &p) &&
	    starts(text, n, " van ", &p) && digits(text, n, &p) && p == n)
		return "furniture";
	p = 0;
	if (starts(text, n, "> Retouradres", &p))
		return "furniture";
	p = 0;
	if ((starts(text, n, "Vraag ", &p) ||
	        starts(text, n, "Antwoord op vraag ", &p) ||
	        starts(text, n, "Antwoord vraag ", &p)) &&
	    digits(text, n, &p) && p == n)
		return "heading";
	return "paragraph";
}

int split_emit(struct split_ctx *ctx, struct split_buf *b, const char *kind,
    uint32_t number, uint64_t start, uint64_t end, int pending, int keep_empty,
    uint32_t *index1)
{
	struct vp_segment *s;
	uint64_t *map = NULL;
	char *kind_copy = NULL;
	int rv;

	*index1 = 0;
	if (b->n == 0 && !keep_empty) {
		free(b->text);
		b->text = NULL;
		return VP_OK;
	}
	if ((rv = split_reserve(ctx, pending)) != VP_OK)
		return rv;
	if (kind == NULL) {
		kind = split_classify(b->text, b->n);
		if (strcmp(kind, "paragraph") == 0)
			number = ++ctx->n_paragraphs;
	}
	/* one pair (0, start) says nothing vp_segment_orig does not assume
	 * without a map: leave it out (one allocation less per segment) */
	if (b->npairs == 1 && b->pairs[0] == 0 && b->pairs[1] == start)
		b->npairs = 0;
	kind_copy = strdup(kind);
	if (b->npairs > 0)
		map = malloc(b->npairs * 2 * sizeof(*map));
	if (kind_copy == NULL || (b->npairs > 0 && map == NULL)) {
		free(kind_copy);
		free(map);
		return split_fail(ctx, VP_ENOMEM, "out of memory");
	}
	if (b->npairs > 0)
		memcpy(map, b->pairs, b->npairs * 2 * sizeof(*map));
	b->text[b->n] = '\0';
	if (b->cap - b->n > 64 && b->n < b->cap / 4 * 3) {
		uint8_t *shrunk = realloc(b->text, b->n + 1);
		if (shrunk != NULL)
			b->text = shrunk;
	}
	if (pending)
		s = &ctx->notes[ctx->n_notes++];
	else
		s = &ctx->segs[ctx->n_segs++];
	memset(s, 0, sizeof(*s));
	s->index = pending ? 0 : (uint32_t)(ctx->n_segs - 1);
	s->kind = kind_copy;
	s->number = number;
	s->text = (char *)b->text;
	s->start = start;
	s->end = end;
	s->map = map;
	s->n_map = b->npairs * 2;
	b->text = NULL;
	*index1 = pending ? 0 : s->index + 1;
	return VP_OK;
}

int split_buf_scan(
    struct split_ctx *ctx, struct split_buf *b, size_t p, size_t e)
{
	const uint8_t *d = ctx->doc;
	while (p < e) {
		size_t q = p, used;
		int rv;
		while (q < e && !(split_class[d[q]] & SPLIT_C_SPECIAL))
			q++;
		if ((rv = split_buf_copy(ctx, b, p, q - p)) != VP_OK)
			return rv;
		if (q == e)
			break;
		if ((rv = split_buf_special(ctx, b, q, e, &used)) != VP_OK)
			return rv;
		p = q + used;
	}
	return VP_OK;
}

int split_finish(struct split_ctx *ctx)
{
	size_t n = ctx->n_segs;
	struct vp_segment *tmp;
	uint32_t *newpos, paras = 0;
	int sorted = 1;
	for (size_t i = 1; i < n && sorted; i++)
		sorted = ctx->segs[i].start >= ctx->segs[i - 1].start;
	if (!sorted) {
		/* insertion sort by start: stable, and the readers emit
		 * nearly ordered segments (a link or a footnote body a few
		 * places late), so this is close to linear */
		tmp = malloc(n * sizeof(*tmp));
		newpos = malloc(n * sizeof(*newpos));
		if (tmp == NULL || newpos == NULL) {
			free(tmp);
			free(newpos);
			return split_fail(ctx, VP_ENOMEM, "out of memory");
		}
		for (size_t i = 0; i < n; i++)
			ctx->segs[i].index = (uint32_t)i;
		for (size_t i = 1; i < n; i++) {
			struct vp_segment s = ctx->segs[i];
			size_t j = i;
			while (j > 0 && ctx->segs[j - 1].start > s.start) {
				ctx->segs[j] = ctx->segs[j - 1];
				j--;
			}
			ctx->segs[j] = s;
		}
		for (size_t i = 0; i < n; i++)
			newpos[ctx->segs[i].index] = (uint32_t)i;
		for (size_t i = 0; i < n; i++)
			if (ctx->segs[i].ref_segment != 0)
				ctx->segs[i].ref_segment =
				    newpos[ctx->segs[i].ref_segment - 1] + 1;
		free(tmp);
		free(newpos);
	}
	for (size_t i = 0; i < n; i++) {
		struct vp_segment *s = &ctx->segs[i];
		s->index = (uint32_t)i;
		if (strcmp(s->kind, "paragraph") == 0)
			s->number = ++paras;
	}
	return VP_OK;
}
