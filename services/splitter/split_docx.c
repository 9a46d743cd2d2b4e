/* split_docx.c - the DOCX reader: libzip opens the package (with limits on
 * entry size, total size and compression ratio against zip bombs), libxml2's
 * SAX2 parser reads the parts. w:p paragraphs become segments (heading for
 * a Heading/Kop/Title style, list_item when numbered, table_cell inside
 * w:tc), footnotes and endnotes one segment each linked to their
 * reference, hyperlink targets link segments. Offsets count the DOCX
 * source text (split.h): the parts concatenated, so text maps exactly. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <zip.h>

#include "split_int.h"

#define MAX_TOTAL ((size_t)64 << 20) /* inflated bytes of all parts read */
#define MAX_RATIO 200                /* inflated / compressed, past 1 MiB */
#define MAX_REFS  100000             /* note references and relationships */

static const char *const parts[] = {"word/document.xml", "word/footnotes.xml",
    "word/endnotes.xml", "word/_rels/document.xml.rels"};
enum { P_DOC, P_FOOT, P_END, P_RELS, N_PARTS };

struct docx_src {
	uint8_t *text;
	size_t n;
	size_t off[N_PARTS], len[N_PARTS];
};

static int read_parts(const uint8_t *docx, size_t len, struct docx_src *src,
    char *errbuf, size_t errlen, struct split_ctx *ctx)
{
	zip_error_t zerr;
	zip_source_t *zs;
	zip_t *za;
	size_t total = 0;
	uint8_t *bufs[N_PARTS] = {0};
	int rv = VP_OK;

	(void)errbuf;
	(void)errlen;
	memset(src, 0, sizeof(*src));
	zip_error_init(&zerr);
	zs = zip_source_buffer_create(docx, len, 0, &zerr);
	if (zs == NULL) {
		zip_error_fini(&zerr);
		return split_fail(ctx, VP_ENOMEM, "out of memory");
	}
	za = zip_open_from_source(zs, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
	if (za == NULL) {
		rv = split_fail(ctx, VP_EINVAL,
		    "not a readable DOCX (zip) file: %s",
		    zip_error_strerror(&zerr));
		zip_source_free(zs);
		zip_error_fini(&zerr);
		return rv;
	}
	zip_error_fini(&zerr);
	for (int p = 0; p < N_PARTS && rv == VP_OK; p++) {
		zip_stat_t st;
		zip_int64_t idx = zip_name_locate(za, parts[p], 0);
		zip_file_t *zf;
		size_t got = 0;
		if (idx < 0) {
			if (p == P_DOC)
				rv = split_fail(ctx, VP_EINVAL,
				    "no word/document.xml in the zip: not a "
				    "DOCX file");
			continue;
		}
		zip_stat_init(&st);
		if (zip_stat_index(za, (zip_uint64_t)idx, 0, &st) != 0 ||
		    !(st.valid & ZIP_STAT_SIZE) ||
		    !(st.valid & ZIP_STAT_COMP_SIZE)) {
			rv = split_fail(ctx, VP_EINVAL,
			    "DOCX entry %s: unreadable", parts[p]);
			break;
		}
		if (st.size > MAX_TOTAL - total) {
			rv = split_fail(ctx, VP_ETOOLARGE,
			    "DOCX entry %s inflates to %llu bytes; the limit "
			    "for all parts is %zu",
			    parts[p], (unsigned long long)st.size, MAX_TOTAL);
			break;
		}
		if (st.size > ((size_t)1 << 20) &&
		    st.size / (st.comp_size ? st.comp_size : 1) > MAX_RATIO) {
			rv = split_fail(ctx, VP_ETOOLARGE,
			    "DOCX entry %s inflates %llu times (limit %d): "
			    "a zip bomb?",
			    parts[p],
			    (unsigned long long)(st.size /
			                         (st.comp_size ? st.comp_size
			                                       : 1)),
			    MAX_RATIO);
			break;
		}
		if ((bufs[p] = malloc((size_t)st.size + 1)) == NULL) {
			rv = split_fail(ctx, VP_ENOMEM, "out of memory");
			break;
		}
		if ((zf = zip_fopen_index(za, (zip_uint64_t)idx, 0)) == NULL) {
			rv = split_fail(ctx, VP_EINVAL, "DOCX entry %s: %s",
			    parts[p], zip_strerror(za));
			break;
		}
		/* read one byte more than announced: an entry must not
		 * inflate past its declared size */
		while (got <= st.size) {
			zip_int64_t k =
			    zip_fread(zf, bufs[p] + got, st.size + 1 - got);
			if (k < 0) {
				rv = split_fail(ctx, VP_EINVAL,
				    "DOCX entry %s: %s", parts[p],
				    zip_file_strerror(zf));
				break;
			}
			if (k == 0)
				break;
			got += (size_t)k;
		}
		zip_fclose(zf);
		if (rv == VP_OK && got != st.size)
			rv = split_fail(ctx, VP_EINVAL,
			    "DOCX entry %s: %zu bytes, announced %llu",
			    parts[p], got, (unsigned long long)st.size);
		src->len[p] = got;
		total += got;
	}
	zip_discard(za); /* also frees zs */
	if (rv == VP_OK && (src->text = malloc(total + 1)) == NULL)
		rv = split_fail(ctx, VP_ENOMEM, "out of memory");
	if (rv == VP_OK) {
		for (int p = 0; p < N_PARTS; p++) {
			src->off[p] = src->n;
			if (src->len[p] > 0)
				memcpy(
				    src->text + src->n, bufs[p], src->len[p]);
			src->n += src->len[p];
		}
		src->text[src->n] = '\0';
	}
	for (int p = 0; p < N_PARTS; p++)
		free(bufs[p]);
	return rv;
}

int split_docx_source(const uint8_t *docx, size_t len, uint8_t **src,
    size_t *n_src, char *errbuf, size_t errlen)
{
	struct split_ctx ctx;
	struct docx_src s;
	int rv;
	memset(&ctx, 0, sizeof(ctx));
	ctx.errbuf = errbuf;
	ctx.errlen = errlen;
	if (len > SPLIT_MAX_DOC)
		return split_fail(&ctx, VP_ETOOLARGE,
		    "document is %zu bytes; the limit is %zu", len,
		    SPLIT_MAX_DOC);
	rv = read_parts(docx, len, &s, errbuf, errlen, &ctx);
	if (rv != VP_OK)
		return rv;
	*src = s.text;
	*n_src = s.n;
	return VP_OK;
}

/* ---- reading the XML parts -------------------------------------------- */

struct rel {
	char *id, *target;
	size_t tag_r; /* cursor before its <Relationship> tag */
};

struct ref {
	uint32_t id, number, seg1;
	int end; /* endnote */
	uint64_t at;
};

struct docx {
	struct split_ctx *ctx;
	xmlParserCtxtPtr px;
	struct split_loc loc;
	struct split_mbuf mb, link;
	int part, rv;
	int in_t, in_skip, tc, in_ppr;
	const char *kind;
	size_t para_refs;          /* refs of the open paragraph start here */
	uint64_t para_lo, para_hi; /* reference markers in the paragraph */
	int in_note;               /* inside w:footnote / w:endnote */
	uint32_t note_id;
	struct rel *rels;
	size_t n_rels, cap_rels;
	struct ref *refs;
	size_t n_refs, cap_refs;
	uint32_t n_foot, n_end;
};

static void stop(struct docx *x, int rv)
{
	if (x->rv == VP_OK)
		x->rv = rv;
	xmlStopParser(x->px);
}

/* An attribute value as SAX2 hands it over: references to the predefined
 * entities come as "&#38;" and the like, which are decoded here. */
static const xmlChar *decode(char *buf, size_t cap, const xmlChar *v, size_t k)
{
	size_t o = 0;
	for (size_t i = 0; i < k && o + 4 < cap; i++) {
		uint32_t cp = 0;
		size_t j = i + 2;
		if (v[i] == '&' && i + 1 < k && v[i + 1] == '#') {
			while (j < k && v[j] >= '0' && v[j] <= '9' && j - i < 9)
				cp = cp * 10 + (uint32_t)(v[j++] - '0');
			if (j < k && v[j] == ';' && cp > 0 && cp < 0x80) {
				buf[o++] = (char)cp;
				i = j;
				continue;
			}
		}
		buf[o++] = (char)v[i];
	}
	buf[o] = '\0';
	return (const xmlChar *)buf;
}

static const xmlChar *attr(
    int n, const xmlChar **a, const char *name, char *buf, size_t cap)
{
	for (int i = 0; i < n; i++) {
		const xmlChar **t = a + 5 * i;
		size_t k = (size_t)(t[4] - t[3]);
		if (strcmp((const char *)t[0], name) != 0)
			continue;
		return decode(buf, cap, t[3], k);
	}
	return NULL;
}

static void qname(
    char *out, size_t cap, const xmlChar *prefix, const xmlChar *local)
{
	if (prefix != NULL)
		snprintf(out, cap, "%s:%s", prefix, local);
	else
		snprintf(out, cap, "%s", local);
}

static void flush(struct docx *x)
{
	uint32_t idx1 = 0;
	int rv;
	if (x->in_note)
		return; /* a note is one segment: its paragraphs are joined */
	rv = split_mbuf_emit(
	    x->ctx, &x->mb, x->kind, 0, x->para_lo, x->para_hi, &idx1);
	if (rv != VP_OK) {
		stop(x, rv);
		return;
	}
	for (size_t i = x->para_refs; i < x->n_refs; i++)
		x->refs[i].seg1 = idx1;
	x->para_refs = x->n_refs;
	x->para_lo = x->para_hi = 0;
	x->kind = x->tc > 0 ? "table_cell" : "paragraph";
}

static void note_ref(struct docx *x, const char *qn, const char *id, int end)
{
	struct ref *r;
	size_t at = split_loc_find_tag(&x->loc, x->loc.r, qn);
	if (x->n_refs == x->cap_refs) {
		size_t ncap = x->cap_refs ? 2 * x->cap_refs : 16;
		struct ref *nr;
		if (x->n_refs >= MAX_REFS)
			return;
		if ((nr = realloc(x->refs, ncap * sizeof(*nr))) == NULL) {
			stop(x, split_fail(x->ctx, VP_ENOMEM, "out of memory"));
			return;
		}
		x->refs = nr;
		x->cap_refs = ncap;
	}
	r = &x->refs[x->n_refs++];
	r->id = (uint32_t)strtoul(id, NULL, 10);
	r->end = end;
	r->number = end ? ++x->n_end : ++x->n_foot;
	r->seg1 = 0;
	r->at = at < x->loc.len ? at : 0;
	if (r->at != 0 && (x->para_lo == 0 || r->at < x->para_lo))
		x->para_lo = r->at;
	if (r->at != 0 && r->at + 1 > x->para_hi)
		x->para_hi = r->at + 1;
}

static void hyperlink(struct docx *x, const char *rid)
{
	struct split_loc l = x->loc;
	size_t after;
	uint32_t idx1;
	int found, rv;
	for (size_t i = 0; i < x->n_rels; i++) {
		if (strcmp(x->rels[i].id, rid) != 0)
			continue;
		l.r = x->rels[i].tag_r;
		l.len = x->ctx->len;
		rv = split_loc_attr(x->ctx, &l, &x->link, "Relationship",
		    "Target", (const uint8_t *)x->rels[i].target, &after,
		    &found);
		if (rv == VP_OK)
			rv = split_mbuf_emit(
			    x->ctx, &x->link, "link", 0, 0, 0, &idx1);
		if (rv != VP_OK)
			stop(x, rv);
		return;
	}
}

static void rel(struct docx *x, int nattr, const xmlChar **a)
{
	char id[256], target[8192], mode[32];
	struct rel *r;
	size_t tag = split_loc_find_tag(&x->loc, x->loc.r, "Relationship");
	if (attr(nattr, a, "TargetMode", mode, sizeof(mode)) == NULL ||
	    strcmp(mode, "External") != 0 ||
	    attr(nattr, a, "Id", id, sizeof(id)) == NULL ||
	    attr(nattr, a, "Target", target, sizeof(target)) == NULL)
		goto next;
	if (x->n_rels == x->cap_rels) {
		size_t ncap = x->cap_rels ? 2 * x->cap_rels : 16;
		struct rel *nr;
		if (x->n_rels >= MAX_REFS)
			goto next;
		if ((nr = realloc(x->rels, ncap * sizeof(*nr))) == NULL)
			goto oom;
		x->rels = nr;
		x->cap_rels = ncap;
	}
	r = &x->rels[x->n_rels];
	r->id = strdup(id);
	r->target = strdup(target);
	r->tag_r = x->loc.r;
	x->n_rels++;
	if (r->id == NULL || r->target == NULL)
		goto oom;
next:
	if (tag < x->loc.len)
		x->loc.r = tag + 1; /* the next search starts after it */
	return;
oom:
	stop(x, split_fail(x->ctx, VP_ENOMEM, "out of memory"));
}

/* The text of a notes part goes into the note's one segment. */
static void note_start(struct docx *x, int nattr, const xmlChar **a)
{
	char buf[32];
	x->in_note = 0;
	flush(x);
	if (attr(nattr, a, "type", buf, sizeof(buf)) != NULL &&
	    strcmp(buf, "normal") != 0) {
		x->in_skip++; /* separator, continuationSeparator */
		x->in_note = 2;
		return;
	}
	x->in_note = 1;
	x->note_id = attr(nattr, a, "id", buf, sizeof(buf))
	                 ? (uint32_t)strtoul(buf, NULL, 10)
	                 : 0;
}

static void note_end(struct docx *x)
{
	uint32_t idx1 = 0, number = 0, seg1 = 0;
	uint64_t at = 0;
	int end = x->part == P_END, rv;
	if (x->in_note == 2) {
		x->in_skip--;
		x->in_note = 0;
		return;
	}
	x->in_note = 0;
	for (size_t i = 0; i < x->n_refs; i++)
		if (x->refs[i].end == end && x->refs[i].id == x->note_id) {
			number = x->refs[i].number;
			seg1 = x->refs[i].seg1;
			at = x->refs[i].at;
			break;
		}
	rv = split_mbuf_emit(x->ctx, &x->mb, "footnote", number, 0, 0, &idx1);
	if (rv != VP_OK) {
		stop(x, rv);
		return;
	}
	if (idx1 != 0 && seg1 != 0) {
		x->ctx->segs[idx1 - 1].ref_segment = seg1;
		x->ctx->segs[idx1 - 1].ref_at = at;
	}
}

static void start_el(void *ud, const xmlChar *local, const xmlChar *prefix,
    const xmlChar *uri, int nns, const xmlChar **ns, int nattr, int ndef,
    const xmlChar **a)
{
	struct docx *x = ud;
	const char *n = (const char *)local;
	char buf[256], qn[128];
	(void)uri;
	(void)nns;
	(void)ns;
	(void)ndef;
	if (x->rv != VP_OK)
		return;
	if (x->part == P_RELS) {
		if (strcmp(n, "Relationship") == 0)
			rel(x, nattr, a);
		return;
	}
	if (strcmp(n, "footnote") == 0 || strcmp(n, "endnote") == 0) {
		if (x->part != P_DOC)
			note_start(x, nattr, a);
		return;
	}
	if (x->in_skip > 0)
		return;
	if (strcmp(n, "p") == 0) {
		flush(x);
		if (x->in_note && x->mb.open)
			split_mbuf_space(&x->mb, x->loc.r);
	} else if (strcmp(n, "t") == 0)
		x->in_t = 1;
	else if (strcmp(n, "tab") == 0 || strcmp(n, "br") == 0 ||
	         strcmp(n, "cr") == 0) {
		if (!x->in_ppr)
			split_mbuf_space(&x->mb, x->loc.r);
	} else if (strcmp(n, "tc") == 0) {
		flush(x);
		x->tc++;
		x->kind = "table_cell";
	} else if (strcmp(n, "pPr") == 0)
		x->in_ppr = 1;
	else if (strcmp(n, "pStyle") == 0 && x->in_ppr && x->tc == 0 &&
	         attr(nattr, a, "val", buf, sizeof(buf)) != NULL) {
		if (strncasecmp(buf, "Heading", 7) == 0 ||
		    strncasecmp(buf, "Kop", 3) == 0 ||
		    strcasecmp(buf, "Title") == 0 ||
		    strcasecmp(buf, "Titel") == 0)
			x->kind = "heading";
		else if (strstr(buf, "List") || strstr(buf, "Lijst"))
			x->kind = "list_item";
	} else if (strcmp(n, "numPr") == 0 && x->in_ppr && x->tc == 0 &&
	           strcmp(x->kind, "heading") != 0)
		x->kind = "list_item";
	else if (strcmp(n, "delText") == 0 || strcmp(n, "instrText") == 0)
		x->in_skip++;
	else if ((strcmp(n, "footnoteReference") == 0 ||
	             strcmp(n, "endnoteReference") == 0) &&
	         x->part == P_DOC &&
	         attr(nattr, a, "id", buf, sizeof(buf)) != NULL) {
		qname(qn, sizeof(qn), prefix, local);
		note_ref(x, qn, buf, n[0] == 'e');
	} else if (strcmp(n, "hyperlink") == 0 &&
	           attr(nattr, a, "id", buf, sizeof(buf)) != NULL)
		hyperlink(x, buf);
}

static void end_el(
    void *ud, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	struct docx *x = ud;
	const char *n = (const char *)local;
	(void)prefix;
	(void)uri;
	if (x->rv != VP_OK || x->part == P_RELS)
		return;
	if (strcmp(n, "footnote") == 0 || strcmp(n, "endnote") == 0) {
		if (x->part != P_DOC)
			note_end(x);
		return;
	}
	if (strcmp(n, "delText") == 0 || strcmp(n, "instrText") == 0) {
		if (x->in_skip > 0)
			x->in_skip--;
		return;
	}
	if (x->in_skip > 0)
		return;
	if (strcmp(n, "t") == 0)
		x->in_t = 0;
	else if (strcmp(n, "pPr") == 0)
		x->in_ppr = 0;
	else if (strcmp(n, "p") == 0)
		flush(x);
	else if (strcmp(n, "tc") == 0) {
		flush(x);
		if (x->tc > 0)
			x->tc--;
		x->kind = x->tc > 0 ? "table_cell" : "paragraph";
	}
}

static void chars(void *ud, const xmlChar *s, int n)
{
	struct docx *x = ud;
	int keep = x->in_t && x->in_skip == 0 && x->part != P_RELS;
	int rv;
	if (x->rv != VP_OK || n <= 0)
		return;
	rv = split_loc_text(x->ctx, &x->loc, keep ? &x->mb : NULL,
	    (const uint8_t *)s, (size_t)n, 0);
	if (rv != VP_OK)
		stop(x, rv);
}

static void cdata(void *ud, const xmlChar *s, int n)
{
	struct docx *x = ud;
	if (x->rv == VP_OK && n > 0)
		split_loc_text(
		    x->ctx, &x->loc, NULL, (const uint8_t *)s, (size_t)n, 1);
}

static int parse_part(struct docx *x, const struct docx_src *src, int part)
{
	struct split_ctx *ctx = x->ctx;
	xmlSAXHandler sax;
	int rv;
	if (src->len[part] == 0)
		return VP_OK;
	if (src->len[part] > INT32_MAX)
		return split_fail(
		    ctx, VP_ETOOLARGE, "%s too large", parts[part]);
	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = start_el;
	sax.endElementNs = end_el;
	sax.characters = chars;
	sax.ignorableWhitespace = chars;
	sax.cdataBlock = cdata;
	x->px = xmlCreateMemoryParserCtxt(
	    (const char *)src->text + src->off[part], (int)src->len[part]);
	if (x->px == NULL)
		return split_fail(ctx, VP_ENOMEM, "out of memory");
	/* no network, no DTD loading, no entity substitution, libxml2's
	 * default depth and size limits (no XML_PARSE_HUGE) */
	xmlCtxtUseOptions(
	    x->px, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	memcpy(x->px->sax, &sax, sizeof(sax));
	x->px->userData = x;
	x->part = part;
	x->loc.doc = src->text;
	x->loc.len = src->off[part] + src->len[part];
	x->loc.r = src->off[part];
	x->loc.html = 0;
	x->in_t = x->in_skip = x->tc = x->in_ppr = x->in_note = 0;
	x->kind = "paragraph";
	xmlParseDocument(x->px);
	rv = x->rv;
	if (rv == VP_OK && !x->px->wellFormed)
		rv = split_fail(ctx, VP_EINVAL,
		    "DOCX part %s is not well-formed XML (line %d)",
		    parts[part], x->px->input ? x->px->input->line : 0);
	if (rv == VP_OK) {
		x->in_note = 0;
		flush(x);
		rv = x->rv;
	}
	xmlFreeParserCtxt(x->px);
	x->px = NULL;
	return rv;
}

int split_docx(struct split_ctx *ctx)
{
	struct docx_src src;
	struct docx x;
	int rv;

	if ((rv = read_parts(ctx->doc, ctx->len, &src, ctx->errbuf, ctx->errlen,
	         ctx)) != VP_OK)
		return rv;
	split_xml_init();
	ctx->owned = src.text;
	ctx->doc = src.text;
	ctx->len = src.n;
	memset(&x, 0, sizeof(x));
	x.ctx = ctx;
	/* relationships first: hyperlinks in the body refer to them */
	rv = parse_part(&x, &src, P_RELS);
	for (int p = P_DOC; p <= P_END && rv == VP_OK; p++)
		rv = parse_part(&x, &src, p);
	if (rv == VP_OK)
		rv = split_finish(ctx);
	split_mbuf_free(&x.mb);
	split_mbuf_free(&x.link);
	for (size_t i = 0; i < x.n_rels; i++) {
		free(x.rels[i].id);
		free(x.rels[i].target);
	}
	free(x.rels);
	free(x.refs);
	return rv;
}
