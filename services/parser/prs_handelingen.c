/* prs_handelingen.c - plenary proceedings (spec §5): after 2011 by
 * vergadering and item ("Handelingen II 2010/11, nr. 108, item 5"), before
 * 2011 by page range ("h-tk-20072008-4952-4956"), date-style citations
 * ("Handelingen I 23 juni 2009, 36-1624"), Eerste Kamer and Verenigde
 * Vergadering, and the document-header form "Tweede Kamer der
 * Staten-Generaal | 2005-2006 | nr. 23, pagina 1529-1532". A "Handelingen"
 * label followed by a dossier number is really a Kamerstuk (low confidence). */
#include <string.h>

#include "prs_internal.h"

struct hand {
	char chamber[3];
	char vj8[9];
	char nr[8];
	char item[8];
	char p1[8], p2[8];
	bool from_date, chamber_assumed;
};

static size_t number(
    const char *s, size_t len, size_t j, char *out, size_t maxd)
{
	size_t d = prs_ndigits(s, len, j, maxd);
	if (d == 0 || d > maxd || s[j] == '0' ||
	    prs_isalpha(prs_at(s, len, j + d)))
		return 0;
	memcpy(out, s + j, d);
	out[d] = 0;
	return d;
}

/* "p. 3623", "blz. 5892–5831", "pagina 1529-1532", or a bare "6368–6375". */
static size_t pages(
    const char *s, size_t len, size_t j, struct hand *h, bool need_label)
{
	static const char *const labels[] = {
	    "pagina", "pag.", "blz.", "blz", "p.", "bladzijde"};
	size_t p = prs_ws(s, len, j), n = 0, d, q;
	if (prs_at(s, len, p) == ',')
		p = prs_ws(s, len, p + 1);
	for (size_t k = 0; k < sizeof labels / sizeof *labels && !n; k++)
		if ((n = prs_prefix(s, len, p, labels[k])) &&
		    prs_isalpha(prs_at(s, len, p + n)))
			n = 0;
	if (!n && need_label)
		return j;
	p = prs_ws(s, len, p + n);
	if (!(d = number(s, len, p, h->p1, 6)))
		return j;
	p += d;
	q = prs_ws(s, len, p);
	if ((n = prs_dash(s, len, q)) &&
	    (d = number(s, len, prs_ws(s, len, q + n), h->p2, 6)))
		p = prs_ws(s, len, q + n) + d;
	return p;
}

static int emit_hand(
    struct prs_ctx *ctx, const struct hand *h, size_t start, size_t end)
{
	struct prs_cit c = {0};
	char id[80], url[160], vj[10];
	double conf = 1.0;
	const char *reason = NULL;
	bool lookup = false;
	prs_fmt(vj, sizeof vj, "%.4s-%.4s", h->vj8, h->vj8 + 4);
	if (h->item[0]) {
		prs_fmt(id, sizeof id, "h-%s-%s-%s-%s", h->chamber, h->vj8,
		    h->nr, h->item);
	} else if (h->p1[0] && h->p2[0] && strcmp(h->vj8, "20102011") < 0) {
		prs_fmt(id, sizeof id, "h-%s-%s-%s-%s", h->chamber, h->vj8,
		    h->p1, h->p2);
		conf = 0.9;
		reason = "pre-2011 page range: the published item may span "
		         "other pages";
	} else if (h->p1[0] && h->nr[0]) {
		prs_fmt(id, sizeof id, "h-%s-%s-%s-p%s", h->chamber, h->vj8,
		    h->nr, h->p1);
		conf = 0.6;
		reason = "page within a vergadering: the item needs a lookup";
		lookup = true;
	} else if (h->nr[0]) {
		prs_fmt(id, sizeof id, "h-%s-%s-%s", h->chamber, h->vj8, h->nr);
		conf = 0.6;
		reason = "vergadering without item: the item needs a lookup";
		lookup = true;
	} else if (h->p1[0]) {
		prs_fmt(
		    id, sizeof id, "h-%s-%s-p%s", h->chamber, h->vj8, h->p1);
		conf = 0.5;
		reason = "page only: the item needs a lookup";
		lookup = true;
	} else {
		return VP_OK;
	}
	if (h->from_date && conf > 0.7) {
		conf = 0.7;
		reason = "vergaderjaar derived from the date";
	}
	if (h->chamber_assumed && conf > 0.8) {
		conf = 0.8;
		reason = "no chamber: Tweede Kamer assumed";
	}
	c.family = "handelingen";
	c.id = id;
	if (!lookup) {
		prs_fmt(url, sizeof url,
		    "https://zoek.officielebekendmakingen.nl/%s.html", id);
		c.url = url;
	}
	c.confidence = conf;
	c.reason = reason;
	c.start = start;
	c.end = end;
	prs_cit_field(&c, "chamber", h->chamber);
	prs_cit_field(&c, "vergaderjaar", vj);
	prs_cit_field(&c, "vergadering", h->nr);
	prs_cit_field(&c, "item", h->item);
	prs_cit_field(&c, "first_page", h->p1);
	prs_cit_field(&c, "last_page", h->p2);
	if (lookup)
		prs_cit_field(&c, "lookup", "handelingen");
	return prs_emit(ctx, &c);
}

static size_t chamber_at(const char *s, size_t len, size_t j, struct hand *h)
{
	size_t n;
	char ch;
	if ((n = prs_word(s, len, j, "VV")) ||
	    (n = prs_word(s, len, j, "Verenigde Vergadering"))) {
		strcpy(h->chamber, "vv");
		return n;
	}
	if ((n = prs_chamber(s, len, j, &ch))) {
		strcpy(h->chamber, ch == 'e' ? "ek" : "tk");
		return n;
	}
	return 0;
}

/* After chamber: [","] vergaderjaar or date, then nr/item/pages. */
static int rest(
    struct prs_ctx *ctx, struct hand *h, size_t start, size_t j, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, n, p;
	bool rep, pl;
	int year, month;
	size_t vjpos;
	if (prs_at(s, len, j) == ',')
		j = prs_ws(s, len, j + 1);
	if ((n = prs_word(s, len, j, "vergaderjaar")))
		j = prs_ws(s, len, j + n);
	vjpos = j;
	if ((n = prs_vergaderjaar(s, len, j, h->vj8, &rep))) {
		j += n;
	} else if ((n = prs_date(s, len, j, &year, &month))) {
		unsigned y1 = (unsigned)(month >= 9 ? year : year - 1) % 9000u;
		prs_fmt(h->vj8, sizeof h->vj8, "%04u%04u", y1, y1 + 1);
		h->from_date = true;
		j += n;
		/* "36–1624": vergadering-page */
		p = prs_ws(s, len, j);
		if (prs_at(s, len, p) == ',')
			p = prs_ws(s, len, p + 1);
		if ((n = number(s, len, p, h->nr, 4))) {
			size_t q = p + n, m;
			if ((m = prs_dash(s, len, q)) &&
			    (n = number(s, len, q + m, h->p1, 6))) {
				*end = q + m + n;
				return emit_hand(ctx, h, start, *end);
			}
		}
		h->nr[0] = 0;
		p = pages(s, len, j, h, true);
		if (p == j && !h->nr[0])
			return VP_OK;
		*end = p;
		return emit_hand(ctx, h, start, p);
	} else {
		return VP_OK;
	}
	p = prs_ws(s, len, j);
	if (prs_at(s, len, p) == ',' || prs_at(s, len, p) == '|')
		p = prs_ws(s, len, p + 1);
	/* "Handelingen II, 1996-1997, 24 692, nr. 6": a Kamerstuk */
	if (prs_isdigit(prs_at(s, len, p)) && prs_ndigits(s, len, p, 6) != 4) {
		size_t d = prs_ndigits(s, len, p, 6);
		if ((d == 5 || (d == 2 && prs_space(s, len, p + 2))) &&
		    prs_at(s, len, p) != '0') {
			char ch = h->chamber[0] == 'e' ? 'e' : 't';
			return prs_kamerstuk_after_label(ctx, start, vjpos, ch,
			    h->chamber_assumed || strcmp(h->chamber, "vv")
			        ? 0.6
			        : 0.6,
			    "Handelingen label with a dossier number: read "
			    "as Kamerstuk",
			    end);
		}
	}
	if ((n = prs_nr_label(s, len, p, &pl))) {
		p = prs_ws(s, len, p + n);
		if (!(n = number(s, len, p, h->nr, 4)))
			return VP_OK;
		p += n;
		j = p;
		{
			size_t q = prs_ws(s, len, p);
			if (prs_at(s, len, q) == ',')
				q = prs_ws(s, len, q + 1);
			if ((n = prs_word(s, len, q, "item"))) {
				q = prs_ws(s, len, q + n);
				if ((n = number(s, len, q, h->item, 4)))
					j = p = q + n;
			}
		}
		p = pages(s, len, p, h, true);
		*end = p;
		return emit_hand(ctx, h, start, p);
	}
	/* pages only: "blz. 39-2410", "6368–6375" */
	n = pages(s, len, p, h, false);
	if (n == p)
		return VP_OK;
	*end = n;
	return emit_hand(ctx, h, start, n);
}

int prs_try_handelingen(struct prs_ctx *ctx, size_t i, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, j, n;
	struct hand h;
	*end = i;
	memset(&h, 0, sizeof h);
	if (!(n = prs_word(s, len, i, "Handelingen")) &&
	    !(n = prs_prefix(s, len, i, "Hand.")))
		return VP_OK;
	j = prs_ws(s, len, i + n);
	if ((n = prs_word(s, len, j, "der Kamer")))
		j = prs_ws(s, len, j + n);
	if ((n = chamber_at(s, len, j, &h))) {
		j = prs_ws(s, len, j + n);
	} else if ((n = prs_word(s, len, j, "UCV"))) {
		strcpy(h.chamber, "tk");
		j = prs_ws(s, len, j + n);
	} else {
		strcpy(h.chamber, "tk");
		h.chamber_assumed = true;
	}
	return rest(ctx, &h, i, j, end);
}

/* "Tweede Kamer der Staten-Generaal | 2005-2006 | nr. 23, pagina 1529-1532"
 * (header of a pre-2011 Handelingen item) and "Eerste Kamer der
 * Staten-Generaal | 1997-1998 | 25159 nr. 140b" (header of a Kamerstuk). */
int prs_try_header(struct prs_ctx *ctx, size_t i, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, j, n;
	struct hand h;
	*end = i;
	memset(&h, 0, sizeof h);
	if (!(n = chamber_at(s, len, i, &h)) || n < 12)
		return VP_OK;
	j = prs_ws(s, len, i + n);
	if (!(n = prs_word(s, len, j, "der Staten-Generaal")))
		return VP_OK;
	j = prs_ws(s, len, j + n);
	if (prs_at(s, len, j) != '|')
		return VP_OK;
	j = prs_ws(s, len, j + 1);
	return rest(ctx, &h, i, j, end);
}
