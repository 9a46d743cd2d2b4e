/* split_html.c - the HTML reader (officielebekendmakingen.nl, tweedekamer.nl,
 * wetten.overheid.nl pages): libxml2's HTML SAX parser gives the structure;
 * block elements become segments (h1-h6 heading, li list_item, td/th
 * table_cell, else paragraph), <a href> targets become link segments, and
 * note anchors (<a href="#id">3</a>) link footnote bodies to their markers.
 * Script, style and head contents are read past. Offsets: split_markup.c. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "split_int.h"

#define MAX_DEPTH  256    /* elements open at once */
#define MAX_NOTES  100000 /* note anchors and ids tracked */
#define MAX_DIGITS 4      /* a note number in an anchor */

struct anchor {
	char *target; /* id the anchor points at */
	uint32_t number;
	uint32_t seg1; /* index + 1 of the block holding it */
	uint64_t at;   /* original offset of its first digit */
};

struct target {
	char *id;
	size_t seg_from; /* the first block segment emitted after it */
};

struct html {
	struct split_ctx *ctx;
	htmlParserCtxtPtr px;
	struct split_loc loc;
	struct split_mbuf mb, link;
	const char *kinds[MAX_DEPTH]; /* block kind per open element */
	int depth, skip, rv;
	const char *kind; /* of the text in mb */
	/* the open <a href="#..."> and where its text began in mb */
	int in_note;
	char *note_target;
	size_t a_n, a_npairs;
	uint64_t a_delta, a_last, a_space_at;
	int a_pending;
	struct anchor *anchors;
	size_t n_anchors, cap_anchors, block_anchors;
	struct target *targets;
	size_t n_targets, cap_targets;
};

static void stop(struct html *h, int rv)
{
	if (h->rv == VP_OK)
		h->rv = rv;
	xmlStopParser(h->px);
}

static const char *block_kind(const char *name)
{
	static const char *const blocks[] = {"address", "article", "aside",
	    "blockquote", "body", "caption", "center", "dd", "details",
	    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption",
	    "figure", "footer", "form", "header", "hgroup", "hr", "html",
	    "legend", "main", "menu", "nav", "ol", "p", "pre", "section",
	    "summary", "table", "tbody", "tfoot", "thead", "tr", "ul"};
	if (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && !name[2])
		return "heading";
	if (strcmp(name, "li") == 0)
		return "list_item";
	if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0)
		return "table_cell";
	for (size_t i = 0; i < sizeof(blocks) / sizeof(*blocks); i++)
		if (strcmp(name, blocks[i]) == 0)
			return "paragraph";
	return NULL;
}

static int skipped(const char *name)
{
	return strcmp(name, "script") == 0 || strcmp(name, "style") == 0 ||
	       strcmp(name, "head") == 0 || strcmp(name, "noscript") == 0 ||
	       strcmp(name, "template") == 0 || strcmp(name, "svg") == 0;
}

static const char *inner_kind(const struct html *h)
{
	for (int i = h->depth - 1; i >= 0; i--)
		if (h->kinds[i] != NULL)
			return h->kinds[i];
	return "paragraph";
}

static int grow_arr(
    struct html *h, void **arr, size_t *cap, size_t n, size_t size)
{
	void *na;
	size_t ncap;
	if (n < *cap)
		return VP_OK;
	if (n >= MAX_NOTES)
		return VP_ETOOLARGE;
	ncap = *cap ? 2 * *cap : 16;
	na = realloc(*arr, ncap * size);
	if (na == NULL)
		return split_fail(h->ctx, VP_ENOMEM, "out of memory");
	*arr = na;
	*cap = ncap;
	return VP_OK;
}

static void flush(struct html *h)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	uint32_t idx1 = 0;
	int rv;
	if (h->in_note)
		return; /* a block boundary inside an anchor: keep going */
	/* the block's range covers its note markers, taken out of the text */
	for (size_t i = h->block_anchors; i < h->n_anchors; i++) {
		if (h->anchors[i].at < lo)
			lo = h->anchors[i].at;
		if (h->anchors[i].at + 1 > hi)
			hi = h->anchors[i].at + 1;
	}
	rv = split_mbuf_emit(h->ctx, &h->mb, h->kind, 0, lo, hi, &idx1);
	if (rv != VP_OK) {
		stop(h, rv);
		return;
	}
	for (size_t i = h->block_anchors; i < h->n_anchors; i++)
		h->anchors[i].seg1 = idx1;
	h->block_anchors = h->n_anchors;
}

static const char *attr(const xmlChar **atts, const char *name)
{
	for (size_t i = 0; atts != NULL && atts[i] != NULL; i += 2)
		if (strcmp((const char *)atts[i], name) == 0)
			return atts[i + 1] ? (const char *)atts[i + 1] : "";
	return NULL;
}

static void add_target(struct html *h, const char *id)
{
	int rv = grow_arr(h, (void **)&h->targets, &h->cap_targets,
	    h->n_targets, sizeof(*h->targets));
	char *copy;
	if (rv == VP_ETOOLARGE)
		return; /* stop tracking: later notes stay unlinked */
	if (rv != VP_OK || (copy = strdup(id)) == NULL) {
		stop(h, split_fail(h->ctx, VP_ENOMEM, "out of memory"));
		return;
	}
	h->targets[h->n_targets].id = copy;
	/* an id inside an open block names that block */
	h->targets[h->n_targets].seg_from = h->ctx->n_segs;
	h->n_targets++;
}

static void link_target(struct html *h, const char *href)
{
	size_t after;
	uint32_t idx1;
	int found, rv;
	static const char js[] = "javascript:";
	size_t k = 0;
	/* a loop, not strncmp: gcc -O2 folds strncmp against the "" that
	 * attr() returns for a valueless attribute and warns */
	while (
	    k < sizeof(js) - 1 && href[k] != '\0' && (href[k] | 0x20) == js[k])
		k++;
	if (href[0] == '\0' || k == sizeof(js) - 1)
		return;
	rv = split_loc_attr(h->ctx, &h->loc, &h->link, "a", "href",
	    (const uint8_t *)href, &after, &found);
	if (rv == VP_OK)
		rv = split_mbuf_emit(h->ctx, &h->link, "link", 0, 0, 0, &idx1);
	if (rv != VP_OK)
		stop(h, rv);
}

static void start_el(void *ud, const xmlChar *xname, const xmlChar **atts)
{
	struct html *h = ud;
	const char *name = (const char *)xname, *kind = block_kind(name);
	const char *id, *href;
	if (h->rv != VP_OK)
		return;
	if (h->depth >= MAX_DEPTH) {
		stop(h, split_fail(h->ctx, VP_EINVAL,
		            "HTML nested deeper than %d elements", MAX_DEPTH));
		return;
	}
	h->kinds[h->depth++] = kind;
	if (h->skip > 0 || skipped(name)) {
		h->skip++;
		return;
	}
	if (kind != NULL || strcmp(name, "br") == 0) {
		if (kind != NULL)
			flush(h);
		else
			split_mbuf_space(&h->mb, h->loc.r);
	}
	if ((id = attr(atts, "id")) != NULL ||
	    (strcmp(name, "a") == 0 && (id = attr(atts, "name")) != NULL))
		add_target(h, id);
	if (strcmp(name, "a") != 0 || (href = attr(atts, "href")) == NULL)
		return;
	if (href[0] != '#') {
		link_target(h, href);
		return;
	}
	if (h->in_note || href[1] == '\0')
		return;
	if ((h->note_target = strdup(href + 1)) == NULL) {
		stop(h, split_fail(h->ctx, VP_ENOMEM, "out of memory"));
		return;
	}
	h->in_note = 1;
	h->a_n = h->mb.open ? h->mb.b.n : 0;
	h->a_npairs = h->mb.b.npairs;
	h->a_delta = h->mb.b.delta;
	h->a_last = h->mb.last;
	h->a_pending = h->mb.pending;
	h->a_space_at = h->mb.space_at;
}

/* Original offset of text byte t of the open buffer. */
static uint64_t orig_of(const struct split_buf *b, size_t t)
{
	size_t k = b->npairs;
	while (k > 0 && b->pairs[2 * (k - 1)] > t)
		k--;
	if (k == 0)
		return 0;
	return b->pairs[2 * (k - 1) + 1] + (t - b->pairs[2 * (k - 1)]);
}

/* </a> of a fragment link: when its text is a note number, record the
 * marker and take the number out of the text ("wet3" would read as a
 * different citation than "wet"). */
static void end_note(struct html *h)
{
	struct split_buf *b = &h->mb.b;
	size_t p = h->a_n, d0, e;
	uint32_t num = 0;
	int rv;
	h->in_note = 0;
	if (!h->mb.open)
		goto out;
	e = b->n;
	while (p < e &&
	       (b->text[p] == ' ' || b->text[p] == '[' || b->text[p] == '('))
		p++;
	for (d0 = p; p < e && b->text[p] >= '0' && b->text[p] <= '9'; p++)
		num = num * 10 + (uint32_t)(b->text[p] - '0');
	if (p == d0 || p - d0 > MAX_DIGITS || num == 0)
		goto out;
	while (p < e && (b->text[p] == ']' || b->text[p] == ')'))
		p++;
	if (p != e)
		goto out;
	rv = grow_arr(h, (void **)&h->anchors, &h->cap_anchors, h->n_anchors,
	    sizeof(*h->anchors));
	if (rv == VP_ETOOLARGE)
		goto out;
	if (rv != VP_OK) {
		stop(h, rv);
		goto out;
	}
	h->anchors[h->n_anchors].target = h->note_target;
	h->anchors[h->n_anchors].number = num;
	h->anchors[h->n_anchors].seg1 = 0;
	h->anchors[h->n_anchors].at = orig_of(b, d0);
	h->n_anchors++;
	h->note_target = NULL;
	b->n = h->a_n;
	b->npairs = h->a_npairs;
	b->delta = h->a_delta;
	h->mb.last = h->a_last;
	h->mb.pending = h->a_pending;
	h->mb.space_at = h->a_space_at;
	if (b->n == 0)
		b->npairs = 0;
out:
	free(h->note_target);
	h->note_target = NULL;
}

static void end_el(void *ud, const xmlChar *xname)
{
	struct html *h = ud;
	const char *name = (const char *)xname;
	if (h->rv != VP_OK || h->depth == 0)
		return;
	h->depth--;
	if (h->skip > 0) {
		h->skip--;
		return;
	}
	if (strcmp(name, "a") == 0 && h->in_note)
		end_note(h);
	if (h->kinds[h->depth] != NULL)
		flush(h);
}

static void chars(void *ud, const xmlChar *s, int n)
{
	struct html *h = ud;
	struct split_mbuf *mb = &h->mb;
	int empty, rv;
	if (h->rv != VP_OK || n <= 0)
		return;
	if (h->skip > 0)
		mb = NULL;
	empty = mb != NULL && (!mb->open || mb->b.n == 0);
	rv = split_loc_text(
	    h->ctx, &h->loc, mb, (const uint8_t *)s, (size_t)n, 0);
	if (rv != VP_OK)
		stop(h, rv);
	else if (empty && mb->open && mb->b.n > 0)
		h->kind = inner_kind(h);
}

static void cdata(void *ud, const xmlChar *s, int n)
{
	struct html *h = ud;
	if (h->rv == VP_OK && n > 0)
		split_loc_text(
		    h->ctx, &h->loc, NULL, (const uint8_t *)s, (size_t)n, 1);
}

static int digits_only(const char *t)
{
	if (*t == '\0')
		return 0;
	for (; *t; t++)
		if ((*t < '0' || *t > '9') && *t != '.' && *t != ')')
			return 0;
	return 1;
}

/* Marks the block each note anchor points at as footnote N. */
static int link_notes(struct html *h)
{
	struct split_ctx *ctx = h->ctx;
	for (size_t i = 0; i < h->n_anchors; i++) {
		const struct anchor *a = &h->anchors[i];
		struct vp_segment *s = NULL;
		size_t k, j;
		char *kind;
		for (k = 0; k < h->n_targets; k++)
			if (strcmp(h->targets[k].id, a->target) == 0)
				break;
		if (k == h->n_targets)
			continue;
		for (j = h->targets[k].seg_from; j < ctx->n_segs; j++) {
			s = &ctx->segs[j];
			if (strcmp(s->kind, "link") == 0)
				continue;
			/* the number shown before the body (<dt>1</dt>) */
			if (digits_only(s->text) && j + 1 < ctx->n_segs)
				continue;
			break;
		}
		/* a back-link from the note to its marker points backwards */
		if (j == ctx->n_segs || s->start <= a->at || j + 1 == a->seg1 ||
		    strcmp(s->kind, "footnote") == 0)
			continue;
		if ((kind = strdup("footnote")) == NULL)
			return split_fail(ctx, VP_ENOMEM, "out of memory");
		free(s->kind);
		s->kind = kind;
		s->number = a->number;
		s->ref_segment = a->seg1;
		s->ref_at = a->seg1 != 0 ? a->at : 0;
	}
	return VP_OK;
}

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

/* libxml2 wants xmlInitParser once per process before threads parse;
 * pthread_once makes that safe whichever worker thread gets there first. */
static void xml_init(void)
{
	xmlInitParser();
}

void split_xml_init(void)
{
	pthread_once(&xml_once, xml_init);
}

int split_html(struct split_ctx *ctx, size_t from)
{
	struct html h;
	htmlSAXHandler sax;
	int rv;

	split_xml_init();
	memset(&h, 0, sizeof(h));
	memset(&sax, 0, sizeof(sax));
	h.ctx = ctx;
	h.loc.doc = ctx->doc;
	h.loc.len = ctx->len;
	h.loc.r = from;
	h.loc.html = 1;
	h.kind = "paragraph";
	if (ctx->len - from > INT32_MAX)
		return split_fail(ctx, VP_ETOOLARGE, "document too large");
	sax.startElement = start_el;
	sax.endElement = end_el;
	sax.characters = chars;
	sax.ignorableWhitespace = chars;
	sax.cdataBlock = cdata;
	h.px = htmlCreateMemoryParserCtxt(
	    (const char *)ctx->doc + from, (int)(ctx->len - from));
	if (h.px == NULL)
		return split_fail(ctx, VP_ENOMEM, "out of memory");
	memcpy(h.px->sax, &sax, sizeof(sax));
	h.px->userData = &h;
	htmlCtxtUseOptions(h.px, HTML_PARSE_NONET | HTML_PARSE_NOERROR |
	                             HTML_PARSE_NOWARNING |
	                             HTML_PARSE_IGNORE_ENC);
	/* the bytes are UTF-8 (checked, or converted from Windows-1252) */
	xmlSwitchEncoding(h.px, XML_CHAR_ENCODING_UTF8);
	htmlParseDocument(h.px);
	rv = h.rv;
	if (rv == VP_OK) {
		h.in_note = 0;
		flush(&h);
		rv = h.rv;
	}
	if (rv == VP_OK)
		rv = link_notes(&h);
	if (rv == VP_OK)
		rv = split_finish(ctx);
	htmlFreeParserCtxt(h.px);
	split_mbuf_free(&h.mb);
	split_mbuf_free(&h.link);
	free(h.note_target);
	for (size_t i = 0; i < h.n_anchors; i++)
		free(h.anchors[i].target);
	for (size_t i = 0; i < h.n_targets; i++)
		free(h.targets[i].id);
	free(h.anchors);
	free(h.targets);
	return rv;
}
