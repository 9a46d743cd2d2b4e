/* split_xml.c - the readers of official XML: BWB toestand XML (root
 * wetgeving or toestand), Rechtspraak open data (root open-rechtspraak) and
 * the XML of officielebekendmakingen.nl (kamerstuk, staatsblad,
 * staatscourant, handelingen).
 *
 * A small tolerant tokenizer of our own, not libxml2: it sees the raw bytes,
 * so every text byte maps exactly onto the byte it was read from (a
 * character reference onto the '&' and the bytes after it); it knows only
 * the five predefined entities and numeric references, so there is no
 * external entity and no entity expansion to attack; the DOCTYPE and its
 * internal subset are read past and never fetched; every step moves forward
 * (memchr/memmem, a bounded element stack), so time is linear in the input.
 * Broken markup is read as well as it goes: a '<' that starts no markup is
 * text, an end tag without its start tag is ignored, an unterminated
 * comment or tag runs to the end.
 *
 * Structure: one table of element names gives each element a role. Text
 * blocks (al, kop, para, li, ...) become segments; containers (artikel,
 * lid, section, ...) separate them; numbers before a text block (lidnr,
 * li.nr, nr) lead into it ("1 De minister ..."); notes (noot, footnote)
 * become footnote segments linked to the block they sit in; metadata
 * (meta-data, rdf:RDF, metadata) is never text, but gives the document's
 * identity and date (split_meta). Attributes are never text, so namespace
 * and schema URLs never reach the parser. */
#include <stdlib.h>
#include <string.h>

#include "split_int.h"
#include "vp_utf8.h"

#define MAX_DEPTH   256 /* elements open at once */
#define MAX_ATTRS   32  /* attributes read per start tag (more are skipped) */
#define MAX_WAITING 64  /* notes waiting for their block to be emitted */
#define MAX_MARKERS 100000 /* note references (footnote-ref nr="1") */
#define NO_SEG      UINT32_MAX

enum role {
	R_INLINE,    /* text continues (extref, intref, nadruk, ...) */
	R_SEP,       /* inline, but a space stands for its boundaries */
	R_BLOCK,     /* a text block: one segment */
	R_CONTAINER, /* separates blocks, no text of its own */
	R_PREFIX,    /* a number that leads into the next block */
	R_NOTE,      /* a footnote body */
	R_NOTENR,    /* the number of a note: its marker, not text */
	R_SKIP,      /* metadata: never text */
};

enum kindc { K_PARA, K_HEAD, K_CELL, K_LIST };

struct el_role {
	const char *name;
	uint8_t role, kind;
};

/* One table for the three vocabularies (BWB, Rechtspraak, OB); names not
 * listed are inline. Sorted by name for bsearch. */
static const struct el_role roles[] = {
    {"aanhef", R_CONTAINER, K_PARA},
    {"afkondiging", R_CONTAINER, K_PARA},
    {"al", R_BLOCK, K_PARA},
    {"al-groep", R_CONTAINER, K_PARA},
    {"algemeen", R_CONTAINER, K_PARA},
    {"artikel", R_CONTAINER, K_PARA},
    {"bijlage", R_CONTAINER, K_PARA},
    {"bridgehead", R_BLOCK, K_HEAD},
    {"brondata", R_SKIP, K_PARA},
    {"citeertitel", R_BLOCK, K_HEAD},
    {"considerans", R_CONTAINER, K_PARA},
    {"considerans.al", R_BLOCK, K_PARA},
    {"dagtekening", R_BLOCK, K_PARA},
    {"divisie", R_CONTAINER, K_PARA},
    {"dossier", R_CONTAINER, K_PARA},
    {"dossiernummer", R_BLOCK, K_PARA},
    {"entry", R_BLOCK, K_CELL},
    {"footnote", R_NOTE, K_PARA},
    {"functie", R_BLOCK, K_PARA},
    {"hoofdstuk", R_CONTAINER, K_PARA},
    {"inhoudsindicatie", R_CONTAINER, K_PARA},
    {"intitule", R_BLOCK, K_HEAD},
    {"jcis", R_SKIP, K_PARA},
    {"kamer", R_BLOCK, K_PARA},
    {"kamerstukkop", R_CONTAINER, K_PARA},
    {"kop", R_BLOCK, K_HEAD},
    {"li", R_CONTAINER, K_LIST},
    {"li.nr", R_PREFIX, K_LIST},
    {"lid", R_CONTAINER, K_LIST},
    {"lidnr", R_PREFIX, K_LIST},
    {"lijst", R_CONTAINER, K_PARA},
    {"list", R_CONTAINER, K_PARA},
    {"listitem", R_CONTAINER, K_LIST},
    {"meta", R_SKIP, K_PARA},
    {"meta-data", R_SKIP, K_PARA},
    {"metadata", R_SKIP, K_PARA},
    {"naam", R_BLOCK, K_PARA},
    {"noot", R_NOTE, K_PARA},
    {"noot.nr", R_NOTENR, K_PARA},
    {"nootnr", R_NOTENR, K_PARA},
    {"nr", R_PREFIX, K_PARA},
    {"p", R_BLOCK, K_PARA},
    {"para", R_BLOCK, K_PARA},
    {"parablock", R_CONTAINER, K_PARA},
    {"paragraaf", R_CONTAINER, K_PARA},
    {"paragroup", R_CONTAINER, K_PARA},
    {"rdf:RDF", R_SKIP, K_PARA},
    {"row", R_CONTAINER, K_PARA},
    {"section", R_CONTAINER, K_PARA},
    {"slotformulering", R_CONTAINER, K_PARA},
    {"stuk", R_CONTAINER, K_PARA},
    {"stuknr", R_BLOCK, K_PARA},
    {"tabel", R_CONTAINER, K_PARA},
    {"table", R_CONTAINER, K_PARA},
    {"td", R_BLOCK, K_CELL},
    {"th", R_BLOCK, K_CELL},
    {"titel", R_BLOCK, K_HEAD},
    {"title", R_BLOCK, K_HEAD},
    {"tussenkop", R_BLOCK, K_HEAD},
    {"uitspraak.info", R_CONTAINER, K_PARA},
    {"vergaderjaar", R_BLOCK, K_PARA},
    {"wij", R_BLOCK, K_PARA},
};

static int cmp_role(const void *key, const void *el)
{
	const struct el_role *r = el;
	return strcmp(key, r->name);
}

/* An element of the open stack: its name in the document, its role. */
struct open_el {
	uint32_t at, len; /* name = doc[at, at + len) */
	uint8_t role, kind;
};

/* A segment under construction; orig offsets only grow. */
struct xbuf {
	struct split_buf b;
	int open;
	int pending;     /* a space is due before the next text byte */
	int prefix_only; /* only a number (lidnr) so far */
	uint64_t space_at, first, last;
	uint64_t lo, hi; /* note markers inside the block */
	uint8_t kind;
};

struct attr {
	const uint8_t *name, *val;
	size_t nlen, vlen;
	size_t vat; /* offset of the value */
};

/* A reference to a note written apart from it (<footnote-ref nr="1"/>):
 * the note that comes later with that number is linked to it. */
struct marker {
	uint32_t number;
	uint32_t seg1; /* index + 1 of the block holding it, 0 = not yet,
	                  NO_SEG = that block made no segment */
	uint64_t at;   /* offset of the first digit of its number */
};

struct xml {
	struct split_ctx *ctx;
	struct split_meta *meta;
	enum split_xml_kind doc_kind;
	struct open_el stack[MAX_DEPTH];
	int depth;
	int skip;  /* open R_SKIP elements */
	int block; /* open R_BLOCK elements */
	int list;  /* open list containers */
	struct xbuf main, note;
	int in_note;       /* depth of the open note + 1 */
	uint32_t note_num; /* from its nr attribute or number element */
	uint64_t note_at;  /* offset of the number's first digit, 0 = none */
	int in_notenr;
	uint32_t waiting[MAX_WAITING]; /* note segment indexes */
	uint64_t waiting_at[MAX_WAITING];
	size_t n_waiting;
	struct marker *markers;
	size_t n_markers, cap_markers, block_markers;
	uint32_t *mtab; /* open addressing by number: index + 1 of the latest
	                   marker with it, 0 = free */
	size_t mtab_cap;
	/* metadata capture: the text of one element, bounded */
	int capture; /* 1 = identifier, 2 = date; depth + 1 in cap_depth */
	int cap_depth;
	char cap[80];
	size_t cap_n;
};

static int is_ws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int name_char(uint8_t c)
{
	return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == ':' || c == '-' ||
	       c == '.';
}

static int name_start(uint8_t c)
{
	return c >= 0x80 || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
	       c == '_' || c == ':';
}

/* ---- building segments ---- */

static int grow(struct split_ctx *ctx, struct split_buf *b, size_t more)
{
	size_t need = b->n + more, ncap;
	uint8_t *nt;
	if (need <= b->cap)
		return VP_OK;
	if (need > SPLIT_MAX_DOC)
		return split_fail(ctx, VP_ETOOLARGE, "segment too long");
	ncap = b->cap * 2 > need ? b->cap * 2 : need + 256;
	if ((nt = realloc(b->text, ncap + 1)) == NULL)
		return split_fail(ctx, VP_ENOMEM, "out of memory");
	b->text = nt;
	b->cap = ncap;
	return VP_OK;
}

static int xb_open(struct xml *x, struct xbuf *xb, uint8_t kind)
{
	int rv;
	if (xb->open)
		return VP_OK;
	if ((rv = split_buf_begin(x->ctx, &xb->b, 256)) != VP_OK)
		return rv;
	xb->open = 1;
	xb->pending = 0;
	xb->prefix_only = 0;
	xb->lo = UINT64_MAX;
	xb->hi = 0;
	xb->kind = kind;
	return VP_OK;
}

/* Appends n text bytes c[0, n) read from orig (exact: byte i from orig +
 * i), after the space that is due. */
static int xb_put(
    struct xml *x, struct xbuf *xb, const uint8_t *c, size_t n, uint64_t orig)
{
	struct split_buf *b = &xb->b;
	int rv;
	if ((rv = grow(x->ctx, b, n + 1)) != VP_OK)
		return rv;
	if (xb->pending && b->n > 0) {
		uint64_t at = xb->space_at;
		if (at <= xb->last || at >= orig)
			at = orig - 1; /* a space for a tag between the words */
		if (at > xb->last && at < orig) {
			if ((b->npairs == 0 || at - b->n != b->delta) &&
			    (rv = split_buf_jump(x->ctx, b, at)) != VP_OK)
				return rv;
			b->text[b->n++] = ' ';
		}
	}
	xb->pending = 0;
	if (b->npairs == 0 || orig - b->n != b->delta) {
		if ((rv = split_buf_jump(x->ctx, b, orig)) != VP_OK)
			return rv;
	}
	if (b->n == 0)
		xb->first = orig;
	memcpy(b->text + b->n, c, n);
	b->n += n;
	xb->last = orig + n - 1;
	return VP_OK;
}

static void xb_space(struct xbuf *xb, uint64_t orig)
{
	if (xb->open && xb->b.n > 0 && !xb->pending) {
		xb->pending = 1;
		xb->space_at = orig;
	}
}

static struct xbuf *cur(struct xml *x)
{
	return x->in_note ? &x->note : &x->main;
}

static const char *kind_name(uint8_t k)
{
	switch (k) {
	case K_HEAD: return "heading";
	case K_CELL: return "table_cell";
	case K_LIST: return "list_item";
	default: return NULL; /* paragraph, classified by split_emit */
	}
}

/* Emits the main block and links the notes that sat in it. */
static int flush_main(struct xml *x)
{
	struct xbuf *xb = &x->main;
	uint64_t start, end;
	uint32_t idx1 = 0;
	int rv;
	if (xb->open && xb->b.n > 0) {
		start = xb->first;
		end = xb->last + 1;
		if (xb->lo < start)
			start = xb->lo;
		if (xb->hi > end)
			end = xb->hi;
		if ((rv = split_emit(x->ctx, &xb->b, kind_name(xb->kind), 0,
		         start, end, 0, 0, &idx1)) != VP_OK)
			return rv;
	} else if (xb->open) {
		free(xb->b.text);
		xb->b.text = NULL;
	}
	xb->open = 0;
	xb->pending = 0;
	xb->prefix_only = 0;
	for (size_t i = x->block_markers; i < x->n_markers; i++)
		x->markers[i].seg1 = idx1 != 0 ? idx1 : NO_SEG;
	x->block_markers = x->n_markers;
	for (size_t i = 0; i < x->n_waiting; i++) {
		struct vp_segment *s = &x->ctx->segs[x->waiting[i]];
		s->ref_segment = idx1;
		s->ref_at = idx1 != 0 ? x->waiting_at[i] : 0;
	}
	x->n_waiting = 0;
	return VP_OK;
}

/* ---- text ---- */

/* Decodes the reference at d[r] == '&' (the five predefined entities and
 * numeric references, with their ';'); returns its length or 0. */
static size_t reference(const uint8_t *d, size_t len, size_t r, uint32_t *cp)
{
	size_t p = r + 1, end = len < r + 16 ? len : r + 16;
	uint32_t v = 0;
	if (p < end && d[p] == '#') {
		int hex = p + 1 < end && d[p + 1] == 'x';
		size_t d0;
		p += hex ? 2 : 1;
		for (d0 = p; p < end && p - d0 < 8; p++) {
			uint8_t c = d[p];
			if (c >= '0' && c <= '9')
				v = v * (hex ? 16 : 10) + (uint32_t)(c - '0');
			else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
				v = v * 16 + (uint32_t)((c | 0x20) - 'a' + 10);
			else
				break;
		}
		if (p == d0 || v == 0 || v > 0x10FFFF ||
		    (v >= 0xD800 && v <= 0xDFFF))
			return 0;
	} else {
		static const struct {
			const char *name;
			uint8_t c;
		} ents[] = {{"amp;", '&'}, {"lt;", '<'}, {"gt;", '>'},
		    {"quot;", '"'}, {"apos;", '\''}};
		for (size_t k = 0; k < sizeof(ents) / sizeof(*ents); k++) {
			size_t nl = strlen(ents[k].name);
			if (len - p >= nl &&
			    memcmp(d + p, ents[k].name, nl) == 0) {
				*cp = ents[k].c;
				return nl + 1;
			}
		}
		return 0;
	}
	if (p >= len || d[p] != ';')
		return 0;
	*cp = v;
	return p + 1 - r;
}

/* Appends one character (code point cp, or the raw bytes c[0, k)) read
 * from orig: whitespace and NO-BREAK SPACE become a space due, a soft
 * hyphen vanishes, hyphens and en dashes become '-'. */
static int put_char(
    struct xml *x, struct xbuf *xb, const uint8_t *c, size_t k, uint64_t orig)
{
	if ((k == 1 && c[0] <= ' ') ||
	    (k == 2 && c[0] == 0xC2 && c[1] == 0xA0)) {
		xb_space(xb, orig);
		return VP_OK;
	}
	if (k == 2 && c[0] == 0xC2 && c[1] == 0xAD)
		return VP_OK;
	if (split_dash(c, k))
		return xb_put(x, xb, (const uint8_t *)"-", 1, orig);
	return xb_put(x, xb, c, k, orig);
}

static void capture_text(struct xml *x, const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n && x->cap_n < sizeof(x->cap) - 1; i++)
		if (!(is_ws(s[i]) && x->cap_n == 0))
			x->cap[x->cap_n++] = (char)s[i];
}

/* A note number at p[0, n): 1 to 6 digits, not 0, no digit after them.
 * Returns the number of digits (0: none) and the value in *v. */
static size_t number_at(const uint8_t *p, size_t n, uint32_t *v)
{
	size_t k = 0;
	*v = 0;
	while (k < n && k < 7 && p[k] >= '0' && p[k] <= '9')
		*v = *v * 10 + (uint32_t)(p[k++] - '0');
	if (k == 0 || k > 6 || *v == 0)
		return 0;
	return k;
}

/* The text doc[p, e); cdata: no references. */
static int text(struct xml *x, size_t p, size_t e, int cdata)
{
	const uint8_t *d = x->ctx->doc;
	struct xbuf *xb;
	int rv;
	if (x->capture)
		capture_text(x, d + p, e - p);
	if (x->skip > 0)
		return VP_OK;
	if (x->in_notenr) {
		/* the note's number: remembered as its marker */
		for (size_t i = p; i < e; i++)
			if (d[i] >= '0' && d[i] <= '9') {
				uint32_t v;
				if (x->note_at == 0 &&
				    number_at(d + i, e - i, &v) > 0) {
					x->note_at = i;
					x->note_num = v;
				}
				break;
			}
		return VP_OK;
	}
	xb = cur(x);
	while (p < e) {
		uint8_t c = d[p];
		size_t q = p;
		/* a run of plain bytes */
		while (q < e && d[q] > ' ' && d[q] < 0x80 &&
		       (cdata || d[q] != '&'))
			q++;
		if (q > p) {
			if ((rv = xb_open(x, xb, K_PARA)) != VP_OK ||
			    (rv = xb_put(x, xb, d + p, q - p, p)) != VP_OK)
				return rv;
			p = q;
			continue;
		}
		if (c == '&' && !cdata) {
			uint32_t cp = 0;
			size_t rl = reference(d, e, p, &cp);
			uint8_t u[4];
			size_t k;
			if (rl == 0) {
				k = 1;
				u[0] = '&';
			} else
				k = vp_utf8_encode(u, cp);
			if ((rv = xb_open(x, xb, K_PARA)) != VP_OK ||
			    (rv = put_char(x, xb, u, k, p)) != VP_OK)
				return rv;
			p += rl ? rl : 1;
			continue;
		}
		{
			size_t k = c < 0x80   ? 1
			           : c < 0xE0 ? 2
			           : c < 0xF0 ? 3
			                      : 4;
			if (k > e - p)
				k = e - p;
			if (c <= ' ' && !(xb->open && xb->b.n > 0)) {
				p++; /* leading whitespace */
				continue;
			}
			if ((rv = xb_open(x, xb, K_PARA)) != VP_OK ||
			    (rv = put_char(x, xb, d + p, k, p)) != VP_OK)
				return rv;
			p += k;
		}
	}
	return VP_OK;
}

/* ---- metadata ---- */

static int valid_date(const char *s, size_t n)
{
	static const char shape[] = "dddd-dd-dd";
	if (n < 10)
		return 0;
	for (size_t i = 0; i < 10; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != '-')
			return 0;
	return n == 10 || s[10] == 'T' || s[10] == ' ' || s[10] == '<';
}

static void set_date(struct xml *x, const char *s, size_t n)
{
	if (x->meta == NULL || x->meta->date[0] || !valid_date(s, n))
		return;
	memcpy(x->meta->date, s, 10);
	x->meta->date[10] = '\0';
}

/* An id: printable ASCII without spaces, of a sane length. */
static void set_id(struct xml *x, const char *s, size_t n)
{
	if (x->meta == NULL || x->meta->id[0] || n == 0 ||
	    n >= sizeof(x->meta->id))
		return;
	for (size_t i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] >= 0x7F || s[i] == '"' || s[i] == '<')
			return;
	if (x->doc_kind == SPLIT_XML_BWB &&
	    !(n == 11 && memcmp(s, "BWB", 3) == 0))
		return;
	if (x->doc_kind == SPLIT_XML_RS && (n < 5 || memcmp(s, "ECLI:", 5)))
		return;
	memcpy(x->meta->id, s, n);
	x->meta->id[n] = '\0';
}

static const struct attr *find_attr(
    const struct attr *a, size_t na, const char *name)
{
	size_t nl = strlen(name);
	for (size_t i = 0; i < na; i++)
		if (a[i].nlen == nl && memcmp(a[i].name, name, nl) == 0)
			return &a[i];
	return NULL;
}

static int local_is(const uint8_t *name, size_t n, const char *local)
{
	size_t ll = strlen(local);
	if (n < ll || memcmp(name + n - ll, local, ll) != 0)
		return 0;
	return n == ll || name[n - ll - 1] == ':';
}

/* What an element says about the document itself. */
static void meta_start(struct xml *x, const uint8_t *name, size_t n,
    const struct attr *a, size_t na)
{
	const struct attr *v;
	if (x->meta == NULL)
		return;
	switch (x->doc_kind) {
	case SPLIT_XML_BWB:
		if ((v = find_attr(a, na, "bwb-id")) != NULL)
			set_id(x, (const char *)v->val, v->vlen);
		if ((v = find_attr(a, na, "inwerkingtreding")) != NULL)
			set_date(x, (const char *)v->val, v->vlen);
		if (local_is(name, n, "datum") &&
		    (v = find_attr(a, na, "isodatum")) != NULL)
			set_date(x, (const char *)v->val, v->vlen);
		break;
	case SPLIT_XML_RS:
		if (local_is(name, n, "identifier") && x->skip > 0)
			x->capture = 1;
		else if (local_is(name, n, "date") && x->skip > 0)
			x->capture = 2;
		if (x->capture) {
			x->cap_depth = x->depth;
			x->cap_n = 0;
		}
		break;
	case SPLIT_XML_OB:
		if (local_is(name, n, "meta") &&
		    (v = find_attr(a, na, "name")) != NULL) {
			const struct attr *c = find_attr(a, na, "content");
			const char *nm = (const char *)v->val;
			if (c == NULL)
				break;
			if (v->vlen == 13 &&
			    memcmp(nm, "DC.identifier", 13) == 0)
				set_id(x, (const char *)c->val, c->vlen);
			else if ((v->vlen == 14 &&
			             memcmp(nm, "DCTERMS.issued", 14) == 0) ||
			         (v->vlen == 17 &&
			             memcmp(nm, "DCTERMS.available", 17) ==
			                 0) ||
			         (v->vlen == 7 &&
			             memcmp(nm, "DC.date", 7) == 0))
				set_date(x, (const char *)c->val, c->vlen);
		}
		break;
	default: break;
	}
}

static void meta_end(struct xml *x)
{
	if (!x->capture || x->depth != x->cap_depth)
		return;
	while (x->cap_n > 0 && is_ws((uint8_t)x->cap[x->cap_n - 1]))
		x->cap_n--;
	if (x->capture == 1)
		set_id(x, x->cap, x->cap_n);
	else
		set_date(x, x->cap, x->cap_n);
	x->capture = 0;
}

/* ---- elements ---- */

static const struct el_role *role_of(const uint8_t *name, size_t n)
{
	char key[24];
	if (n == 0 || n >= sizeof(key))
		return NULL;
	memcpy(key, name, n);
	key[n] = '\0';
	return bsearch(key, roles, sizeof(roles) / sizeof(*roles),
	    sizeof(*roles), cmp_role);
}

static size_t mslot(const struct xml *x, uint32_t number)
{
	size_t h = (number * 2654435761u) & (x->mtab_cap - 1);
	while (x->mtab[h] != 0 && x->markers[x->mtab[h] - 1].number != number)
		h = (h + 1) & (x->mtab_cap - 1);
	return h;
}

/* Makes markers[i] the one found for its number (the latest wins). */
static int marker_index(struct xml *x, size_t i)
{
	if (2 * (i + 1) > x->mtab_cap) {
		size_t ncap = x->mtab_cap ? 2 * x->mtab_cap : 64;
		uint32_t *old = x->mtab, *nt = calloc(ncap, sizeof(*nt));
		size_t ocap = x->mtab_cap;
		if (nt == NULL)
			return split_fail(x->ctx, VP_ENOMEM, "out of memory");
		x->mtab = nt;
		x->mtab_cap = ncap;
		for (size_t k = 0; k < ocap; k++)
			if (old[k] != 0)
				x->mtab[mslot(
				    x, x->markers[old[k] - 1].number)] = old[k];
		free(old);
	}
	x->mtab[mslot(x, x->markers[i].number)] = (uint32_t)(i + 1);
	return VP_OK;
}

static const struct marker *marker_find(const struct xml *x, uint32_t number)
{
	size_t h;
	if (x->mtab_cap == 0)
		return NULL;
	h = mslot(x, number);
	return x->mtab[h] != 0 ? &x->markers[x->mtab[h] - 1] : NULL;
}

static void note_start(struct xml *x, const struct attr *a, size_t na)
{
	const struct attr *nr = find_attr(a, na, "nr");
	x->note.open = 0; /* opened by its first text */
	x->note_num = 0;
	x->note_at = 0;
	uint32_t v;
	if (nr != NULL && number_at(nr->val, nr->vlen, &v) > 0) {
		x->note_num = v;
		x->note_at = nr->vat;
	}
}

static int note_end(struct xml *x)
{
	struct xbuf *nb = &x->note, *mb = &x->main;
	const struct marker *m;
	uint32_t idx1 = 0;
	int rv;
	x->in_note = 0;
	if (!nb->open || nb->b.n == 0) {
		free(nb->b.text);
		nb->b.text = NULL;
		nb->open = 0;
		return VP_OK;
	}
	rv = split_emit(x->ctx, &nb->b, "footnote", x->note_num, nb->first,
	    nb->last + 1, 0, 0, &idx1);
	nb->open = 0;
	if (rv != VP_OK)
		return rv;
	/* a reference written apart from the note, the latest with its
	 * number: its block holds the marker */
	if (x->note_num != 0 && (m = marker_find(x, x->note_num)) != NULL) {
		struct vp_segment *s = &x->ctx->segs[idx1 - 1];
		if (m->seg1 != 0 && m->seg1 != NO_SEG) {
			s->ref_segment = m->seg1;
			s->ref_at = m->at;
		} else if (m->seg1 == 0 &&
		           (size_t)(m - x->markers) >= x->block_markers &&
		           mb->open && mb->b.n > 0 &&
		           x->n_waiting < MAX_WAITING) {
			/* in the open block: linked when it is emitted */
			x->waiting[x->n_waiting] = idx1 - 1;
			x->waiting_at[x->n_waiting++] = m->at;
		}
		return VP_OK;
	}
	/* the block it sits in holds its marker (its number) */
	if (x->note_at != 0 && x->note_num != 0 && mb->open && mb->b.n > 0 &&
	    x->n_waiting < MAX_WAITING) {
		x->waiting[x->n_waiting] = idx1 - 1;
		x->waiting_at[x->n_waiting++] = x->note_at;
		if (x->note_at < mb->lo)
			mb->lo = x->note_at;
		if (x->note_at + 1 > mb->hi)
			mb->hi = x->note_at + 1;
	}
	return VP_OK;
}

/* <footnote-ref nr="1"/>, <noot-ref nr="1"/>: a marker in the open block
 * (not an extref or intref: they have no number). */
static int marker(struct xml *x, const struct attr *a, size_t na)
{
	const struct attr *nr = find_attr(a, na, "nr");
	struct xbuf *mb = &x->main;
	uint32_t v = 0;
	int rv;
	if (nr == NULL || nr->vlen == 0 ||
	    number_at(nr->val, nr->vlen, &v) != nr->vlen ||
	    x->n_markers >= MAX_MARKERS || !mb->open)
		return VP_OK;
	if (x->n_markers == x->cap_markers) {
		size_t ncap = x->cap_markers ? 2 * x->cap_markers : 16;
		struct marker *nm = realloc(x->markers, ncap * sizeof(*nm));
		if (nm == NULL)
			return split_fail(x->ctx, VP_ENOMEM, "out of memory");
		x->markers = nm;
		x->cap_markers = ncap;
	}
	x->markers[x->n_markers].number = v;
	x->markers[x->n_markers].seg1 = 0;
	x->markers[x->n_markers].at = nr->vat;
	x->n_markers++;
	if ((rv = marker_index(x, x->n_markers - 1)) != VP_OK)
		return rv;
	if (nr->vat < mb->lo)
		mb->lo = nr->vat;
	if (nr->vat + 1 > mb->hi)
		mb->hi = nr->vat + 1;
	return VP_OK;
}

static int start_el(
    struct xml *x, size_t at, size_t n, const struct attr *a, size_t na)
{
	const uint8_t *name = x->ctx->doc + at;
	const struct el_role *r = role_of(name, n);
	uint8_t role = r ? r->role : R_INLINE, kind = r ? r->kind : K_PARA;
	struct xbuf *xb = cur(x);
	int rv = VP_OK;

	if (x->depth >= MAX_DEPTH)
		return split_fail(x->ctx, VP_EINVAL,
		    "XML nested deeper than %d elements (byte %zu)", MAX_DEPTH,
		    at);
	meta_start(x, name, n, a, na);
	if (x->skip > 0 || role == R_SKIP) {
		role = R_SKIP;
	} else if (x->in_note) {
		/* inside a note everything is its text */
		if (role == R_NOTENR)
			x->in_notenr++;
		else if (role != R_INLINE)
			xb_space(xb, at - 1);
		if (role != R_NOTENR)
			role = R_SEP;
	} else if (role == R_NOTE) {
		note_start(x, a, na);
		x->in_note = x->depth + 1;
	} else if (role == R_CONTAINER) {
		if ((rv = flush_main(x)) != VP_OK)
			return rv;
		if (kind == K_LIST)
			x->list++;
	} else if (role == R_BLOCK || role == R_PREFIX) {
		uint8_t k = x->list > 0 && kind == K_PARA ? K_LIST : kind;
		if (x->block > 0 || (xb->open && xb->prefix_only)) {
			/* nested: a part of the open block */
			xb_space(xb, at - 1);
			if (xb->prefix_only && role == R_BLOCK) {
				if (k != K_PARA)
					xb->kind = k;
				xb->prefix_only = 0;
			}
		} else {
			if ((rv = flush_main(x)) != VP_OK ||
			    (rv = xb_open(x, xb, k)) != VP_OK)
				return rv;
			xb->prefix_only = role == R_PREFIX;
		}
		if (role == R_BLOCK)
			x->block++;
		else
			role = R_SEP; /* its end only separates */
	} else if (role == R_SEP)
		xb_space(xb, at - 1);
	else if (role == R_INLINE && n > 3 &&
	         memcmp(name + n - 3, "ref", 3) == 0 &&
	         (rv = marker(x, a, na)) != VP_OK)
		return rv;
	if (role == R_SKIP)
		x->skip++;
	x->stack[x->depth].at = (uint32_t)at;
	x->stack[x->depth].len = (uint32_t)n;
	x->stack[x->depth].role = role;
	x->stack[x->depth].kind = kind;
	x->depth++;
	return VP_OK;
}

static int end_top(struct xml *x, size_t at)
{
	struct open_el *e = &x->stack[--x->depth];
	struct xbuf *xb = cur(x);
	int rv = VP_OK;
	meta_end(x);
	switch (e->role) {
	case R_SKIP: x->skip--; break;
	case R_NOTE:
		if (x->in_note == x->depth + 1)
			rv = note_end(x);
		break;
	case R_NOTENR:
		if (x->in_notenr > 0)
			x->in_notenr--;
		break;
	case R_BLOCK:
		x->block--;
		if (x->block == 0 && !x->in_note)
			rv = flush_main(x);
		else
			xb_space(xb, at);
		break;
	case R_CONTAINER:
		if (e->kind == K_LIST && x->list > 0)
			x->list--;
		rv = flush_main(x);
		break;
	case R_SEP: xb_space(xb, at); break;
	default: break;
	}
	return rv;
}

/* An end tag: closes the elements up to the one it names; an end tag
 * that names no open element is ignored. */
static int end_el(struct xml *x, size_t at, size_t nat, size_t n)
{
	const uint8_t *d = x->ctx->doc;
	int k;
	for (k = x->depth - 1; k >= 0; k--)
		if (x->stack[k].len == n &&
		    memcmp(d + x->stack[k].at, d + nat, n) == 0)
			break;
	if (k < 0)
		return VP_OK;
	while (x->depth > k) {
		int rv = end_top(x, at);
		if (rv != VP_OK)
			return rv;
	}
	return VP_OK;
}

/* ---- the tokenizer ---- */

static size_t after(const uint8_t *d, size_t len, size_t p, const char *lit)
{
	size_t ll = strlen(lit);
	const uint8_t *q = p <= len ? memmem(d + p, len - p, lit, ll) : NULL;
	return q ? (size_t)(q - d) + ll : len;
}

/* The end of "<!DOCTYPE ...>": past quoted strings and the internal
 * subset in brackets (its declarations are never used). */
static size_t doctype_end(const uint8_t *d, size_t len, size_t p)
{
	uint8_t q = 0;
	int sub = 0;
	for (; p < len; p++) {
		uint8_t c = d[p];
		if (q) {
			if (c == q)
				q = 0;
		} else if (c == '"' || c == '\'')
			q = c;
		else if (c == '[')
			sub = 1;
		else if (c == ']')
			sub = 0;
		else if (c == '>' && !sub)
			return p + 1;
	}
	return len;
}

/* Reads the start tag at d[p] == '<' (name at p + 1). */
static int start_tag(struct xml *x, size_t p, size_t *next)
{
	const uint8_t *d = x->ctx->doc;
	size_t len = x->ctx->len, q = p + 1, nat = q, nl;
	struct attr a[MAX_ATTRS];
	size_t na = 0;
	int empty = 0, rv;
	while (q < len && name_char(d[q]))
		q++;
	nl = q - nat;
	for (;;) {
		size_t an, ae;
		while (q < len && is_ws(d[q]))
			q++;
		if (q >= len)
			break;
		if (d[q] == '>') {
			q++;
			break;
		}
		if (d[q] == '/' && q + 1 < len && d[q + 1] == '>') {
			empty = 1;
			q += 2;
			break;
		}
		an = q;
		while (q < len && !is_ws(d[q]) && d[q] != '=' && d[q] != '>' &&
		       d[q] != '/')
			q++;
		ae = q;
		if (ae == an) {
			q++; /* a stray '/' or '=' */
			continue;
		}
		while (q < len && is_ws(d[q]))
			q++;
		if (q < len && d[q] == '=') {
			size_t vs, ve;
			q++;
			while (q < len && is_ws(d[q]))
				q++;
			if (q < len && (d[q] == '"' || d[q] == '\'')) {
				const uint8_t *end =
				    memchr(d + q + 1, d[q], len - q - 1);
				vs = q + 1;
				ve = end ? (size_t)(end - d) : len;
				q = end ? ve + 1 : len;
			} else {
				vs = q;
				while (q < len && !is_ws(d[q]) && d[q] != '>')
					q++;
				ve = q;
			}
			if (na < MAX_ATTRS) {
				a[na].name = d + an;
				a[na].nlen = ae - an;
				a[na].val = d + vs;
				a[na].vlen = ve - vs;
				a[na].vat = vs;
				na++;
			}
		}
	}
	*next = q;
	if ((rv = start_el(x, nat, nl, a, na)) != VP_OK)
		return rv;
	if (empty)
		return end_top(x, q - 1);
	return VP_OK;
}

static int tokenize(struct xml *x, size_t p)
{
	const uint8_t *d = x->ctx->doc;
	size_t len = x->ctx->len;
	int rv;
	while (p < len) {
		const uint8_t *lt = memchr(d + p, '<', len - p);
		size_t t = lt ? (size_t)(lt - d) : len, q;
		if (t > p && (rv = text(x, p, t, 0)) != VP_OK)
			return rv;
		if (t >= len)
			break;
		p = t;
		if (len - p >= 4 && memcmp(d + p, "<!--", 4) == 0) {
			p = after(d, len, p + 4, "-->");
		} else if (len - p >= 9 && memcmp(d + p, "<![CDATA[", 9) == 0) {
			q = after(d, len, p + 9, "]]>");
			if ((rv = text(x, p + 9, q == len ? len : q - 3, 1)))
				return rv;
			p = q;
		} else if (len - p >= 2 && d[p + 1] == '?') {
			p = after(d, len, p + 2, "?>");
		} else if (len - p >= 2 && d[p + 1] == '!') {
			p = doctype_end(d, len, p + 2);
		} else if (len - p >= 3 && d[p + 1] == '/' &&
		           name_start(d[p + 2])) {
			size_t nat = p + 2;
			for (q = nat; q < len && name_char(d[q]); q++)
				;
			rv = end_el(x, p, nat, q - nat);
			if (rv != VP_OK)
				return rv;
			lt = memchr(d + q, '>', len - q);
			p = lt ? (size_t)(lt - d) + 1 : len;
		} else if (len - p >= 2 && name_start(d[p + 1])) {
			if ((rv = start_tag(x, p, &q)) != VP_OK)
				return rv;
			p = q;
		} else {
			/* a '<' that starts no markup is text */
			if ((rv = text(x, p, p + 1, 1)) != VP_OK)
				return rv;
			p++;
		}
	}
	while (x->depth > 0)
		if ((rv = end_top(x, len)) != VP_OK)
			return rv;
	if (x->in_note && (rv = note_end(x)) != VP_OK)
		return rv;
	return flush_main(x);
}

/* The name of the first element, after the prolog (XML declaration,
 * comments, processing instructions, DOCTYPE). */
static int root_name(
    const uint8_t *d, size_t len, size_t *at, size_t *n, size_t limit)
{
	size_t p = 0;
	if (len > limit)
		len = limit;
	while (p < len) {
		while (p < len && is_ws(d[p]))
			p++;
		if (p >= len || d[p] != '<')
			return 0;
		if (len - p >= 4 && memcmp(d + p, "<!--", 4) == 0)
			p = after(d, len, p + 4, "-->");
		else if (len - p >= 2 && d[p + 1] == '?')
			p = after(d, len, p + 2, "?>");
		else if (len - p >= 2 && d[p + 1] == '!')
			p = doctype_end(d, len, p + 2);
		else
			break;
	}
	if (p + 1 >= len || !name_start(d[p + 1]))
		return 0;
	*at = ++p;
	while (p < len && name_char(d[p]))
		p++;
	*n = p - *at;
	return 1;
}

enum split_xml_kind split_detect_xml(const uint8_t *d, size_t len)
{
	static const struct {
		const char *root;
		enum split_xml_kind kind;
	} roots[] = {{"wetgeving", SPLIT_XML_BWB}, {"toestand", SPLIT_XML_BWB},
	    {"open-rechtspraak", SPLIT_XML_RS}, {"kamerstuk", SPLIT_XML_OB},
	    {"staatsblad", SPLIT_XML_OB}, {"staatscourant", SPLIT_XML_OB},
	    {"handelingen", SPLIT_XML_OB}};
	size_t at, n;
	if (len >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) {
		d += 3;
		len -= 3;
	}
	if (!root_name(d, len, &at, &n, 65536))
		return SPLIT_XML_NONE;
	for (size_t k = 0; k < sizeof(roots) / sizeof(*roots); k++)
		if (strlen(roots[k].root) == n &&
		    memcmp(d + at, roots[k].root, n) == 0)
			return roots[k].kind;
	return SPLIT_XML_NONE;
}

int split_xml(struct split_ctx *ctx, size_t from, enum split_xml_kind kind,
    struct split_meta *meta)
{
	struct xml *x = calloc(1, sizeof(*x));
	int rv;
	if (x == NULL)
		return split_fail(ctx, VP_ENOMEM, "out of memory");
	x->ctx = ctx;
	x->meta = meta;
	x->doc_kind = kind;
	rv = tokenize(x, from);
	if (rv == VP_OK)
		rv = split_finish(ctx);
	free(x->main.b.text);
	free(x->main.b.pairs);
	free(x->note.b.text);
	free(x->note.b.pairs);
	free(x->markers);
	free(x->mtab);
	free(x);
	return rv;
}
