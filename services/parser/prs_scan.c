/* prs_scan.c - the single-pass scanner behind prs_parse_text and
 * prs_parse_segments, and the citation builder.
 *
 * Design: one left-to-right pass over the original bytes. A switch on the
 * current byte finds anchors cheaply (a label's first letter at the start of a
 * word, a '(' or the first digit of a digit run, "http"/"www."); only then is
 * a family recogniser called, which parses forward with bounded lookahead and
 * returns where its citation ends. Scanning resumes after a match, so
 * citations never overlap and come out in text order, and text inside a URL is
 * not read again as an ECLI or zaak number. Whitespace and dash variants are
 * handled by the lexing helpers (prs_lex.c) instead of a normalised copy, so
 * spans are exact original bytes without an offset map. Memory is allocated
 * only per emitted citation. To add a family: write prs_try_<family>() in its
 * own file and call it from the anchor switch below. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prs.h"
#include "prs_internal.h"

void prs_cit_field(struct prs_cit *c, const char *key, const char *val)
{
	if (val && *val && c->n_fields < PRS_MAX_FIELDS) {
		c->keys[c->n_fields] = key;
		c->vals[c->n_fields] = val;
		c->n_fields++;
	}
}

static char *dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = 0;
	}
	return p;
}

static char *dup(const char *s)
{
	return dup_n(s, strlen(s));
}

/* Copies the raw text of a span, replacing NUL bytes (possible in arbitrary
 * input) so the string stays a valid C string of the same length. */
static char *dup_raw(const char *s, size_t n)
{
	char *p = dup_n(s, n);
	if (p)
		for (size_t k = 0; k < n; k++)
			if (p[k] == 0)
				p[k] = ' ';
	return p;
}

static int fill(
    struct prs_ctx *ctx, struct vp_citation *v, const struct prs_cit *c)
{
	struct vp_span *sp;
	if (!(v->family = dup(c->family)) || !(v->id = dup(c->id)))
		return VP_ENOMEM;
	if (c->url && !(v->url = dup(c->url)))
		return VP_ENOMEM;
	if (c->reason && !(v->reason = dup(c->reason)))
		return VP_ENOMEM;
	v->confidence = c->confidence;
	if (c->n_fields) {
		v->fields = calloc(c->n_fields, sizeof *v->fields);
		if (!v->fields)
			return VP_ENOMEM;
		for (size_t k = 0; k < c->n_fields; k++) {
			v->fields[k].key = dup(c->keys[k]);
			v->fields[k].val = dup(c->vals[k]);
			v->n_fields = k + 1;
			if (!v->fields[k].key || !v->fields[k].val)
				return VP_ENOMEM;
		}
	}
	if (!(sp = calloc(1, sizeof *sp)))
		return VP_ENOMEM;
	v->spans = sp;
	v->n_spans = 1;
	if (ctx->seg) {
		sp->start = vp_segment_orig(ctx->seg, c->start);
		sp->end = vp_segment_orig_end(ctx->seg, c->end);
		if (ctx->where && !(sp->where = dup(ctx->where)))
			return VP_ENOMEM;
	} else {
		sp->start = c->start;
		sp->end = c->end;
	}
	if (!(sp->raw = dup_raw(ctx->s + c->start, c->end - c->start)))
		return VP_ENOMEM;
	return VP_OK;
}

int prs_emit(struct prs_ctx *ctx, const struct prs_cit *c)
{
	struct vp_citation *v;
	int rv;
	if (ctx->n == ctx->cap) {
		size_t cap = ctx->cap ? 2 * ctx->cap : 16;
		void *p = realloc(ctx->out, cap * sizeof *ctx->out);
		if (!p)
			return VP_ENOMEM;
		ctx->out = p;
		ctx->cap = cap;
	}
	v = &ctx->out[ctx->n];
	memset(v, 0, sizeof *v);
	if ((rv = fill(ctx, v, c)) != VP_OK) {
		vp_obj_clear(&vp_desc_citation, v);
		return rv;
	}
	ctx->n++;
	return VP_OK;
}

/* Tries the recognisers whose anchor can start at byte i. */
static int try_at(struct prs_ctx *ctx, size_t i, size_t *end)
{
	const char *s = ctx->s;
	unsigned char c = (unsigned char)s[i];
	int rv = VP_OK;
	*end = i;
	if (prs_isdigit(c)) {
		if (i > 0 &&
		    (prs_isalnum((unsigned char)s[i - 1]) || s[i - 1] == '-' ||
		        s[i - 1] == '.' || s[i - 1] == '/'))
			return VP_OK;
		if (prs_isupper(prs_at(s, ctx->len, i + 5)) &&
		    ((rv = prs_try_celex(ctx, i, end)) != VP_OK || *end > i))
			return rv;
		if ((rv = prs_try_zaak(ctx, i, end)) != VP_OK || *end > i)
			return rv;
		return prs_try_kamerstuk_bare(ctx, i, end);
	}
	if (c == '(')
		return prs_try_kamerstuk_bare(ctx, i, end);
	/* letter anchors: a footnote number may be glued in front
	 * ("2Kamerstuk"), so only a preceding letter rules the word out */
	if (!prs_isalpha(c) || (i > 0 && prs_isalpha((unsigned char)s[i - 1])))
		return VP_OK;
	/* second-letter filter: most words starting with an anchor letter
	 * ("het", "een", "te") are rejected here without a call */
	{
		unsigned char d =
		    (unsigned char)(s[i + 1 < ctx->len ? i + 1 : i] | 0x20);
		const char *next;
		switch (c | 0x20) {
		case 'h': next = "ta-"; break;
		case 'w': next = "weas"; break;
		case 'k': next = "as"; break;
		case 't': next = "wkr."; break;
		case 'a': next = "arh"; break;
		case 'e': next = "clke.u"; break;
		case 'l': next = "j"; break;
		case 's': next = "t"; break;
		case 'g': next = "me"; break;
		case 'p': next = "r"; break;
		case 'r': next = "i"; break;
		case 'v': next = "e"; break;
		case 'u': next = "i"; break;
		case 'z': next = "i"; break;
		case 'b': next = "l"; break;
		case 'n': next = "l"; break;
		case 'c': next = "ev"; break;
		default: return VP_OK;
		}
		if (i + 1 >= ctx->len || !strchr(next, d) || d == 0)
			return VP_OK;
	}
#define TRY(f)                                                                 \
	do {                                                                   \
		if ((rv = f(ctx, i, end)) != VP_OK || *end > i)                \
			return rv;                                             \
	} while (0)
	switch (c | 0x20) {
	case 'h':
		TRY(prs_try_url);
		TRY(prs_try_pubid);
		return prs_try_handelingen(ctx, i, end);
	case 'w':
		TRY(prs_try_url);
		TRY(prs_try_blad);
		return prs_try_kamerstuk(ctx, i, end);
	case 'k': TRY(prs_try_pubid); return prs_try_kamerstuk(ctx, i, end);
	case 't':
		TRY(prs_try_blad);
		TRY(prs_try_header);
		return prs_try_kamerstuk(ctx, i, end);
	case 'b': return prs_try_pubid(ctx, i, end);
	case 'a':
		TRY(prs_try_pubid);
		TRY(prs_try_wet);
		return prs_try_aanhangsel(ctx, i, end);
	case 'e':
		TRY(prs_try_ecli);
		TRY(prs_try_ljn);
		TRY(prs_try_header);
		return prs_try_kamerstuk(ctx, i, end);
	case 'c': TRY(prs_try_pubid); return prs_try_ecli(ctx, i, end);
	case 'n': return prs_try_ecli(ctx, i, end);
	case 'l': return prs_try_ljn(ctx, i, end);
	case 's': TRY(prs_try_pubid); return prs_try_blad(ctx, i, end);
	case 'g': TRY(prs_try_blad); return prs_try_eu(ctx, i, end);
	case 'p': TRY(prs_try_pubid); return prs_try_blad(ctx, i, end);
	case 'r':
	case 'v':
	case 'u': return prs_try_eu(ctx, i, end);
	case 'z': return prs_try_internal(ctx, i, end);
	default: return VP_OK;
	}
#undef TRY
}

static int scan(struct prs_ctx *ctx)
{
	const char *s = ctx->s;
	size_t len = ctx->len, i = 0, end;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		/* cheap filter: only letters, digits and '(' can start an
		 * anchor */
		if (!prs_isalnum(c) && c != '(') {
			i++;
			continue;
		}
		if (prs_isdigit(c) && i > 0 &&
		    prs_isdigit((unsigned char)s[i - 1])) {
			/* inside a digit run: no anchor */
			i++;
			continue;
		}
		int rv = try_at(ctx, i, &end);
		if (rv != VP_OK)
			return rv;
		if (end > i) {
			i = end;
		} else if (prs_isalpha(c)) {
			/* skip the rest of the word: no anchor starts inside
			 * one */
			do
				i++;
			while (i < len && prs_isalpha((unsigned char)s[i]));
		} else {
			i++;
		}
	}
	return VP_OK;
}

static void free_out(struct prs_ctx *ctx)
{
	prs_citations_free(ctx->out, ctx->n);
	ctx->out = NULL;
	ctx->n = ctx->cap = 0;
}

const struct prs_laws *prs_laws_default(void)
{
	return &prs_laws_builtin;
}

int prs_parse_text_with(const struct prs_laws *laws, const char *text,
    size_t len, struct vp_citation **out, size_t *n_out)
{
	struct prs_ctx *ctx;
	int rv;
	if (!out || !n_out || (!text && len))
		return VP_EINVAL;
	*out = NULL;
	*n_out = 0;
	/* the context holds the document's definitions: too big for some
	 * worker stacks */
	if (!(ctx = calloc(1, sizeof *ctx)))
		return VP_ENOMEM;
	ctx->laws = laws ? laws : &prs_laws_builtin;
	ctx->s = ctx->doc = text;
	ctx->len = ctx->doc_len = len;
	prs_find_defs(ctx, text, len);
	if ((rv = scan(ctx)) != VP_OK) {
		free_out(ctx);
		free(ctx);
		return rv;
	}
	*out = ctx->out;
	*n_out = ctx->n;
	free(ctx);
	return VP_OK;
}

int prs_parse_text(
    const char *text, size_t len, struct vp_citation **out, size_t *n_out)
{
	return prs_parse_text_with(NULL, text, len, out, n_out);
}

static bool furniture(const struct vp_segment *seg)
{
	return seg->kind && !strcmp(seg->kind, "furniture");
}

int prs_parse_segments_with(const struct prs_laws *laws,
    const struct vp_segment *segs, size_t n_segs, struct vp_citation **out,
    size_t *n_out)
{
	struct prs_ctx *ctx;
	char where[64];
	int rv = VP_OK;
	if (!out || !n_out || (!segs && n_segs))
		return VP_EINVAL;
	*out = NULL;
	*n_out = 0;
	if (!(ctx = calloc(1, sizeof *ctx)))
		return VP_ENOMEM;
	ctx->laws = laws ? laws : &prs_laws_builtin;
	ctx->segs = segs;
	ctx->n_segs = n_segs;
	/* definitions first: "(hierna: Awb)" in paragraph 9 applies to a
	 * footnote that comes earlier in the segment order */
	for (size_t k = 0; k < n_segs; k++)
		if (segs[k].text && !furniture(&segs[k]))
			prs_find_defs(ctx, segs[k].text, strlen(segs[k].text));
	for (size_t k = 0; k < n_segs; k++) {
		const struct vp_segment *seg = &segs[k];
		const char *kind = seg->kind ? seg->kind : "segment";
		if (!seg->text || furniture(seg))
			continue;
		if (seg->number)
			snprintf(where, sizeof where, "%.40s %u", kind,
			    (unsigned)seg->number);
		else
			snprintf(where, sizeof where, "%.40s", kind);
		ctx->s = seg->text;
		ctx->len = strlen(seg->text);
		ctx->seg = seg;
		ctx->where = where;
		if ((rv = scan(ctx)) != VP_OK) {
			free_out(ctx);
			free(ctx);
			return rv;
		}
	}
	*out = ctx->out;
	*n_out = ctx->n;
	free(ctx);
	return VP_OK;
}

int prs_parse_segments(const struct vp_segment *segs, size_t n_segs,
    struct vp_citation **out, size_t *n_out)
{
	return prs_parse_segments_with(NULL, segs, n_segs, out, n_out);
}

void prs_citations_free(struct vp_citation *cits, size_t n)
{
	if (!cits)
		return;
	for (size_t k = 0; k < n; k++)
		vp_obj_clear(&vp_desc_citation, &cits[k]);
	free(cits);
}
