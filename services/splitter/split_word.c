/* split_word.c - the reader for text converted from Word: every line is a
 * paragraph; [footnoteRef:N] markers, [bookmark: ...] and [image: ...] are
 * removed from the text; inline footnote bodies [N:  text] become footnote
 * segments linked to the paragraph and the marker that cites them. */
#include <stdlib.h>
#include <string.h>

#include "split_int.h"

#define MARKER_EMPTY   UINT32_MAX /* numbers have at most 9 digits */
#define LETTERHEAD_MAX 64         /* bytes of a letterhead line */

static int lit(const uint8_t *d, size_t e, size_t *pos, const char *s)
{
	size_t k = strlen(s);
	if (e - *pos < k || memcmp(d + *pos, s, k) != 0)
		return 0;
	*pos += k;
	return 1;
}

/* Reads 1 to 9 decimal digits at *pos. */
static int number(const uint8_t *d, size_t e, size_t *pos, uint32_t *val)
{
	size_t p0 = *pos;
	uint32_t v = 0;
	while (*pos < e && *pos - p0 < 9 && d[*pos] >= '0' && d[*pos] <= '9')
		v = v * 10 + (uint32_t)(d[(*pos)++] - '0');
	*val = v;
	return *pos > p0;
}

static size_t hash_slot(uint32_t number, size_t cap)
{
	return (size_t)((number * 2654435761u) & (uint32_t)(cap - 1));
}

static const struct split_marker *marker_get(
    const struct split_ctx *ctx, uint32_t number)
{
	size_t i;
	if (ctx->marker_cap == 0)
		return NULL;
	i = hash_slot(number, ctx->marker_cap);
	while (ctx->marker_tab[i].number != MARKER_EMPTY) {
		if (ctx->marker_tab[i].number == number)
			return &ctx->marker_tab[i];
		i = (i + 1) & (ctx->marker_cap - 1);
	}
	return NULL;
}

static int marker_put(struct split_ctx *ctx, const struct split_marker *m)
{
	size_t i;
	if (ctx->marker_count >= SPLIT_MAX_MARKERS &&
	    marker_get(ctx, m->number) == NULL)
		return VP_OK; /* see line_marker */
	if ((ctx->marker_count + 1) * 2 > ctx->marker_cap) {
		size_t ncap = ctx->marker_cap ? 2 * ctx->marker_cap : 64;
		struct split_marker *nt = malloc(ncap * sizeof(*nt));
		if (nt == NULL)
			return split_fail(ctx, VP_ENOMEM, "out of memory");
		for (i = 0; i < ncap; i++)
			nt[i].number = MARKER_EMPTY;
		for (size_t j = 0; j < ctx->marker_cap; j++) {
			const struct split_marker *o = &ctx->marker_tab[j];
			if (o->number == MARKER_EMPTY)
				continue;
			i = hash_slot(o->number, ncap);
			while (nt[i].number != MARKER_EMPTY)
				i = (i + 1) & (ncap - 1);
			nt[i] = *o;
		}
		free(ctx->marker_tab);
		ctx->marker_tab = nt;
		ctx->marker_cap = ncap;
	}
	i = hash_slot(m->number, ctx->marker_cap);
	while (ctx->marker_tab[i].number != MARKER_EMPTY &&
	       ctx->marker_tab[i].number != m->number)
		i = (i + 1) & (ctx->marker_cap - 1);
	if (ctx->marker_tab[i].number == MARKER_EMPTY)
		ctx->marker_count++;
	ctx->marker_tab[i] = *m; /* the latest marker with a number wins */
	return VP_OK;
}

static int line_marker(struct split_ctx *ctx, uint32_t n, size_t at)
{
	/* no document has this many real markers: stop tracking rather than
	 * grow without bound (later footnotes stay unlinked) */
	if (ctx->n_line_markers >= SPLIT_MAX_MARKERS)
		return VP_OK;
	if (ctx->n_line_markers == ctx->cap_line_markers) {
		size_t ncap =
		    ctx->cap_line_markers ? 2 * ctx->cap_line_markers : 16;
		struct split_marker *na =
		    realloc(ctx->line_markers, ncap * sizeof(*na));
		if (na == NULL)
			return split_fail(ctx, VP_ENOMEM, "out of memory");
		ctx->line_markers = na;
		ctx->cap_line_markers = ncap;
	}
	ctx->line_markers[ctx->n_line_markers].number = n;
	ctx->line_markers[ctx->n_line_markers].seg1 = 0;
	ctx->line_markers[ctx->n_line_markers].at = at;
	ctx->n_line_markers++;
	return VP_OK;
}

/* Where the footnote body starting at doc[p] ends within the line [p, e):
 * the first ']' outside nested brackets that is followed by whitespace, the
 * end of the line or another '['. A ']' followed by anything else (as in
 * "palantir.html)]." or a URL) is kept as content but remembered: when no
 * proper end exists, the last such ']' closes the body, and failing that the
 * body runs to the end of the line. */
static size_t body_end(const uint8_t *d, size_t p, size_t e)
{
	size_t depth = 0, cand = e;
	for (; p < e; p++) {
		if (d[p] == '[') {
			depth++;
		} else if (d[p] == ']') {
			if (depth > 0) {
				depth--;
				continue;
			}
			if (p + 1 == e || d[p + 1] <= ' ' || d[p + 1] == '[' ||
			    (d[p + 1] == 0xC2 && p + 2 < e && d[p + 2] == 0xA0))
				return p;
			cand = p;
		}
	}
	return cand;
}

static int is_space_at(const uint8_t *d, size_t p, size_t e)
{
	return p < e && (d[p] == ' ' || d[p] == '\t' ||
	                    (d[p] == 0xC2 && p + 1 < e && d[p + 1] == 0xA0));
}

static int scan_word(
    struct split_ctx *ctx, struct split_buf *b, size_t p, size_t e, int top);

/* A footnote body "[N: text]" at doc[p]; cs is just after the ':'. */
static int footnote(struct split_ctx *ctx, uint32_t n, size_t p, size_t cs,
    size_t e, size_t *used)
{
	const uint8_t *d = ctx->doc;
	struct split_buf *nb = &ctx->note;
	size_t close = body_end(d, cs, e);
	size_t fend = close < e ? close + 1 : e;
	uint32_t idx1;
	int rv;

	while (cs < close && d[cs] <= ' ')
		cs++;
	if ((rv = split_buf_begin(ctx, nb, close - cs)) != VP_OK)
		return rv;
	if ((rv = scan_word(ctx, nb, cs, close, 0)) != VP_OK)
		return rv;
	split_buf_trim(nb);
	if ((rv = split_emit(ctx, nb, "footnote", n, p, fend, 1, 1, &idx1)))
		return rv;
	*used = fend - p;
	return VP_OK;
}

/* Tries the Word markers at doc[p] == '['; *used = 0 when none matched. */
static int marker(struct split_ctx *ctx, struct split_buf *b, size_t p,
    size_t e, int top, size_t *used)
{
	const uint8_t *d = ctx->doc;
	size_t pos = p + 1;
	uint32_t n;
	int rv;

	*used = 0;
	if (lit(d, e, &pos, "footnoteRef:")) {
		if (number(d, e, &pos, &n) && pos < e && d[pos] == ']') {
			*used = pos + 1 - p;
			return top ? line_marker(ctx, n, p) : VP_OK;
		}
		return VP_OK;
	}
	if (lit(d, e, &pos, "bookmark:") || lit(d, e, &pos, "image:")) {
		const uint8_t *r = memchr(d + pos, ']', e - pos);
		if (r != NULL)
			*used = (size_t)(r - d) + 1 - p;
		return VP_OK;
	}
	if (!top || !number(d, e, &pos, &n) || pos >= e || d[pos] != ':' ||
	    !is_space_at(d, pos + 1, e))
		return VP_OK;
	if ((rv = footnote(ctx, n, p, pos + 1, e, used)) != VP_OK)
		return rv;
	/* "text [1:  body] more" reads "text more" */
	if (b->n == 0 || b->text[b->n - 1] == ' ')
		while (is_space_at(d, p + *used, e))
			*used += d[p + *used] == 0xC2 ? 2 : 1;
	return VP_OK;
}

/* Normalises doc[p, e) into b, removing Word markers; top is set for a
 * paragraph line (footnote bodies and markers are taken out of it) and
 * clear inside a footnote body. */
static int scan_word(
    struct split_ctx *ctx, struct split_buf *b, size_t p, size_t e, int top)
{
	const uint8_t *d = ctx->doc;
	while (p < e) {
		size_t q = p, used;
		int rv;
		while (q < e && !split_class[d[q]])
			q++;
		if ((rv = split_buf_copy(ctx, b, p, q - p)) != VP_OK)
			return rv;
		if (q == e)
			break;
		if (d[q] == '[') {
			if ((rv = marker(ctx, b, q, e, top, &used)) != VP_OK)
				return rv;
			if (used == 0 && (rv = split_buf_copy(ctx, b, q, 1)))
				return rv;
			p = q + (used ? used : 1);
		} else {
			if ((rv = split_buf_special(ctx, b, q, e, &used)))
				return rv;
			p = q + used;
		}
	}
	return VP_OK;
}

/* Links a footnote to the latest marker with its number. */
static int link_note(const struct split_ctx *ctx, struct vp_segment *s)
{
	const struct split_marker *m = marker_get(ctx, s->number);
	if (m == NULL)
		return 0;
	s->ref_segment = m->seg1;
	s->ref_at = m->at;
	return 1;
}

/* Emits the paragraph of one line and then its footnotes. */
static int line(struct split_ctx *ctx, size_t s, size_t e)
{
	const uint8_t *d = ctx->doc;
	struct split_buf *b = &ctx->para;
	uint32_t idx1;
	int rv;

	while (s < e && d[s] <= ' ')
		s++;
	while (e > s && d[e - 1] <= ' ')
		e--;
	if (s == e)
		return VP_OK;
	ctx->n_line_markers = 0;
	if ((rv = split_buf_begin(ctx, b, e - s)) != VP_OK)
		return rv;
	if ((rv = scan_word(ctx, b, s, e, 1)) != VP_OK)
		return rv;
	split_buf_trim(b);
	if ((rv = split_emit(ctx, b, NULL, 0, s, e, 0, 0, &idx1)) != VP_OK)
		return rv;
	for (size_t i = 0; i < ctx->n_line_markers; i++) {
		ctx->line_markers[i].seg1 = idx1;
		if ((rv = marker_put(ctx, &ctx->line_markers[i])) != VP_OK)
			return rv;
	}
	for (size_t i = 0; i < ctx->n_notes; i++) {
		struct vp_segment *seg;
		if ((rv = split_reserve(ctx, 0)) != VP_OK)
			return rv;
		seg = &ctx->segs[ctx->n_segs];
		*seg = ctx->notes[i];
		memset(&ctx->notes[i], 0, sizeof(ctx->notes[i]));
		seg->index = (uint32_t)ctx->n_segs++;
		if (!link_note(ctx, seg))
			ctx->unlinked_notes++;
	}
	ctx->n_notes = 0;
	return VP_OK;
}

static int cmp_text(const void *a, const void *b)
{
	const struct vp_segment *const *x = a, *const *y = b;
	return strcmp((*x)->text, (*y)->text);
}

/* The letterhead of a Word letter is repeated on every page (sender,
 * "Datum", the date, "Onze referentie", the number): a short paragraph
 * whose exact text recurs is page furniture. */
static int mark_letterhead(struct split_ctx *ctx)
{
	const struct vp_segment **short_paras;
	size_t n = 0;
	if ((short_paras = malloc(ctx->n_segs * sizeof(*short_paras) + 1)) ==
	    NULL)
		return split_fail(ctx, VP_ENOMEM, "out of memory");
	for (size_t i = 0; i < ctx->n_segs; i++)
		if (strcmp(ctx->segs[i].kind, "paragraph") == 0 &&
		    strlen(ctx->segs[i].text) <= LETTERHEAD_MAX)
			short_paras[n++] = &ctx->segs[i];
	qsort(short_paras, n, sizeof(*short_paras), cmp_text);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n &&
		       strcmp(short_paras[i]->text, short_paras[j]->text) == 0)
			j++;
		for (size_t k = i; j - i > 1 && k < j; k++) {
			struct vp_segment *s =
			    &ctx->segs[short_paras[k]->index];
			char *kind = strdup("furniture");
			if (kind == NULL) {
				free(short_paras);
				return split_fail(
				    ctx, VP_ENOMEM, "out of memory");
			}
			free(s->kind);
			s->kind = kind;
			s->number = 0;
		}
		i = j;
	}
	free(short_paras);
	return split_finish(ctx); /* paragraph numbers */
}

int split_word(struct split_ctx *ctx, size_t from)
{
	const uint8_t *d = ctx->doc;
	size_t len = ctx->len, p = from;

	while (p < len) {
		const uint8_t *nl = memchr(d + p, '\n', len - p);
		size_t le = nl ? (size_t)(nl - d) : len;
		int rv = line(ctx, p, le);
		if (rv != VP_OK)
			return rv;
		p = le + 1;
	}
	/* a body written before its marker */
	for (size_t i = 0; ctx->unlinked_notes > 0 && i < ctx->n_segs; i++) {
		struct vp_segment *s = &ctx->segs[i];
		if (s->ref_at == 0 && s->ref_segment == 0 &&
		    strcmp(s->kind, "footnote") == 0)
			link_note(ctx, s);
	}
	return mark_letterhead(ctx);
}
