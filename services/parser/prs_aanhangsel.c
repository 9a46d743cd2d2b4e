/* prs_aanhangsel.c - Aanhangsel van de Handelingen (answers to Kamervragen,
 * spec §4): "Aanhangsel Handelingen II 2014/15, nr. 1241" and its variants, to
 * ah-tk-/ah-ek- ids; since 2025-2026 the id scheme changed, so no id is
 * invented for those years. */
#include <string.h>

#include "prs_internal.h"

int prs_emit_aanhangsel(struct prs_ctx *ctx, char chamber, const char *vj8,
    const char *nr, const char *pages, size_t start, size_t end,
    double confidence, const char *reason)
{
	struct prs_cit c = {0};
	char id[64], url[128], vj[10];
	const char *ch = chamber == 'e' ? "ek" : "tk";
	c.family = "aanhangsel";
	c.id = id;
	c.confidence = confidence;
	c.reason = reason;
	c.start = start;
	c.end = end;
	if (strcmp(vj8, "20252026") >= 0) {
		prs_fmt(id, sizeof id, "aanhangsel:%s:%s", vj8, nr);
		c.confidence = confidence < 0.5 ? confidence : 0.5;
		c.reason = "needs online lookup (identifier scheme changed in "
		           "2025-2026)";
	} else {
		prs_fmt(id, sizeof id, "ah-%s-%s-%s", ch, vj8, nr);
		prs_fmt(url, sizeof url,
		    "https://zoek.officielebekendmakingen.nl/%s.html", id);
		c.url = url;
	}
	prs_fmt(vj, sizeof vj, "%.4s-%.4s", vj8, vj8 + 4);
	prs_cit_field(&c, "chamber", ch);
	prs_cit_field(&c, "vergaderjaar", vj);
	prs_cit_field(&c, "aanhangselnummer", nr);
	prs_cit_field(&c, "pages", pages);
	if (c.url ==
	    NULL) /* the fetcher finds the new id by vergaderjaar + nr */
		prs_cit_field(&c, "lookup", "aanhangsel");
	return prs_emit(ctx, &c);
}

/* "Aanhangsel [van de|der|bij de] Handelingen" or "Aanh. Handelingen|Hand.":
 * returns the position after the label or 0. */
static size_t label(const char *s, size_t len, size_t i)
{
	size_t n, j;
	if ((n = prs_word(s, len, i, "Aanhangsel"))) {
		j = prs_ws(s, len, i + n);
		if ((n = prs_word(s, len, j, "van")) ||
		    (n = prs_word(s, len, j, "bij"))) {
			j = prs_ws(s, len, j + n);
			if (!(n = prs_word(s, len, j, "de")))
				return 0;
			j = prs_ws(s, len, j + n);
		} else if ((n = prs_word(s, len, j, "der"))) {
			j = prs_ws(s, len, j + n);
		}
	} else if ((n = prs_prefix(s, len, i, "Aanh."))) {
		j = prs_ws(s, len, i + n);
	} else {
		return 0;
	}
	if ((n = prs_word(s, len, j, "Handelingen")) ||
	    (n = prs_prefix(s, len, j, "Hand.")))
		return j + n;
	return 0;
}

int prs_try_aanhangsel(struct prs_ctx *ctx, size_t i, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, j, n, d;
	char chamber = 't', vj8[9], nr[16], pages[64] = "";
	bool repaired, plural, no_chamber = true;
	int rv;

	*end = i;
	if (!(j = label(s, len, i)))
		return VP_OK;
	j = prs_ws(s, len, j);
	if ((n = prs_chamber(s, len, j, &chamber))) {
		j = prs_ws(s, len, j + n);
		no_chamber = false;
	}
	if (prs_at(s, len, j) == ',')
		j = prs_ws(s, len, j + 1);
	if ((n = prs_word(s, len, j, "vergaderjaar")))
		j = prs_ws(s, len, j + n);
	if (!(n = prs_vergaderjaar(s, len, j, vj8, &repaired)))
		return VP_OK;
	j = prs_ws(s, len, j + n);
	if (prs_at(s, len, j) == ',')
		j = prs_ws(s, len, j + 1);
	if (!(n = prs_nr_label(s, len, j, &plural)))
		return VP_OK;
	j = prs_ws(s, len, j + n);
	d = prs_ndigits(s, len, j, 6);
	if (d == 0 || d > 6 || s[j] == '0' ||
	    prs_isalnum(prs_at(s, len, j + d)))
		return VP_OK;
	memcpy(nr, s + j, d);
	nr[d] = 0;
	j = prs_pageref(s, len, j + d, pages, sizeof pages);
	rv = prs_emit_aanhangsel(ctx, chamber, vj8, nr, pages, i, j,
	    repaired || no_chamber ? 0.9 : 1.0,
	    repaired     ? "vergaderjaar repaired (second year garbled)"
	    : no_chamber ? "no chamber: Tweede Kamer assumed (the chamber of "
	                   "the citing document)"
	                 : NULL);
	if (rv == VP_OK)
		*end = j;
	return rv;
}
