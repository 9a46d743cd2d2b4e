/* prs_eu.c - EU legislation (spec §9): "Verordening (EU) 2016/679",
 * "Richtlijn 2008/98/EG", "Verordening (EG) nr. 1107/2009" and bare CELEX
 * numbers ("32016R0679") -> CELEX id and EUR-Lex URL. */
#include <stdint.h>
#include <string.h>

#include "prs_internal.h"

static int emit_celex(struct prs_ctx *ctx, const char *celex, size_t start,
    size_t end, double conf, const char *reason)
{
	struct prs_cit c = {0};
	char id[48], url[128];
	prs_fmt(id, sizeof id, "CELEX:%s", celex);
	prs_fmt(url, sizeof url,
	    "https://eur-lex.europa.eu/legal-content/NL/TXT/?uri=CELEX:%s",
	    celex);
	c.family = "eu";
	c.id = id;
	c.url = url;
	c.confidence = conf;
	c.reason = reason;
	c.start = start;
	c.end = end;
	prs_cit_field(&c, "celex", celex);
	return prs_emit(ctx, &c);
}

static int year_of(const char *s, size_t n)
{
	int v = 0;
	for (size_t k = 0; k < n; k++)
		v = v * 10 + (s[k] - '0');
	if (n == 2)
		v += v >= 50 ? 1900 : 2000;
	return v;
}

int prs_try_eu(struct prs_ctx *ctx, size_t i, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, j, n, d1, d2, p;
	char type, celex[24];
	int year, num;
	bool pl, pl_seen = false, need_suffix = false, bracket = false;
	static const struct {
		const char *w;
		char type;
		bool need_suffix; /* a national act has the same name */
	} acts[] = {/* [0] vero */ {"Verordening", 'R', false},
	    /* [1, 4) uitv */ {"Uitvoeringsverordening", 'R', false},
	    {"Uitvoeringsrichtlijn", 'L', false},
	    {"Uitvoeringsbesluit", 'D', true},
	    /* [4, 6) gede */ {"Gedelegeerde Verordening", 'R', false},
	    {"Gedelegeerde Richtlijn", 'L', false},
	    /* [6] rich */ {"Richtlijn", 'L', false},
	    /* [7] kade */ {"Kaderbesluit", 'F', false},
	    /* [8] besl */ {"Besluit", 'D', true},
	    /* [9] besc */ {"Beschikking", 'D', true},
	    /* English, as cited in Dutch texts too */
	    /* [10, 13) coun */ {"Council Directive", 'L', false},
	    {"Council Regulation", 'R', false},
	    {"Council Decision", 'D', false},
	    /* [13, 14) coun */ {"Council Framework Decision", 'F', false},
	    /* [14, 19) comm */ {"Commission Directive", 'L', false},
	    {"Commission Regulation", 'R', false},
	    {"Commission Implementing Regulation", 'R', false},
	    {"Commission Delegated Regulation", 'R', false},
	    {"Commission Decision", 'D', false},
	    /* [19] dire */ {"Directive", 'L', false},
	    /* [20] regu */ {"Regulation", 'R', false},
	    /* [21] deci */ {"Decision", 'D', true},
	    /* [22] fram */ {"Framework Decision", 'F', false}};
	size_t lo, hi;
	const char *common = NULL; /* what every act of the group starts with */

	*end = i;
	type = 0;
	/* most words that reach here are "Kamer", "uitvoering", "commissie":
	 * the first four letters pick the acts to try, or none */
	if (len < 4 || i > len - 4)
		return VP_OK;
	{
		uint32_t x;
		memcpy(&x, s + i, 4);
		x |= 0x20202020u;
#define H(a, b, c, d)                                                          \
	((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 |            \
	    (uint32_t)(d) << 24)
		switch (x) {
		case H('v', 'e', 'r', 'o'): lo = 0, hi = 1; break;
		case H('u', 'i', 't', 'v'):
			lo = 1, hi = 4, common = "uitvoerings";
			break;
		case H('g', 'e', 'd', 'e'):
			lo = 4, hi = 6, common = "gedelegeerde";
			break;
		case H('r', 'i', 'c', 'h'): lo = 6, hi = 7; break;
		case H('k', 'a', 'd', 'e'): lo = 7, hi = 8; break;
		case H('b', 'e', 's', 'l'): lo = 8, hi = 9; break;
		case H('b', 'e', 's', 'c'): lo = 9, hi = 10; break;
		case H('c', 'o', 'u', 'n'):
			lo = 10, hi = 14, common = "council";
			break;
		case H('c', 'o', 'm', 'm'):
			lo = 14, hi = 19, common = "commission";
			break;
		case H('d', 'i', 'r', 'e'): lo = 19, hi = 20; break;
		case H('r', 'e', 'g', 'u'): lo = 20, hi = 21; break;
		case H('d', 'e', 'c', 'i'): lo = 21, hi = 22; break;
		case H('f', 'r', 'a', 'm'): lo = 22, hi = 23; break;
		default: return VP_OK;
		}
#undef H
	}
	if (common && !prs_prefix(s, len, i, common))
		return VP_OK; /* "uitvoering", "commissie" */
	/* prs_word ignores case: one spelling each */
	for (size_t k = lo; k < hi && !type; k++)
		if ((n = prs_word(s, len, i, acts[k].w))) {
			type = acts[k].type;
			need_suffix = acts[k].need_suffix;
		}
	if (!type)
		return VP_OK;
	j = prs_ws(s, len, i + n);
	if (prs_at(s, len, j) == '(') {
		bracket = true;
		/* (EU), (EG), (EEG), (EU, Euratom) */
		p = j + 1;
		while (p < len && p - j < 16 && s[p] != ')')
			p++;
		if (prs_at(s, len, p) != ')')
			return VP_OK;
		j = prs_ws(s, len, p + 1);
	}
	if ((n = prs_nr_label(s, len, j, &pl))) {
		j = prs_ws(s, len, j + n);
		pl_seen = true;
	}
	d1 = prs_ndigits(s, len, j, 4);
	if (d1 < 2 || d1 > 4 || prs_isalpha(prs_at(s, len, j + d1)))
		return VP_OK;
	p = j + d1;
	if (prs_at(s, len, p) == '/')
		p++;
	else if (prs_at(s, len, p) == ' ' && d1 == 4)
		p++; /* "2024 1398": slash lost in the source */
	else
		return VP_OK;
	d2 = prs_ndigits(s, len, p, 4);
	if (d2 < 1 || d2 > 4 || prs_isalpha(prs_at(s, len, p + d2)))
		return VP_OK;
	/* year first ("Richtlijn 2008/98/EG", "(EU) 2016/679") or, in the
	 * older "nr." style, number first ("(EG) nr. 1107/2009") */
	{
		int y1 = year_of(s + j, d1), y2 = year_of(s + p, d2);
		int n1 = 0, n2 = 0;
		bool a_ok = (d1 == 4 || d1 == 2) && y1 >= 1950 && y1 <= 2099;
		bool b_ok = (d2 == 4 || d2 == 2) && y2 >= 1950 && y2 <= 2099;
		for (size_t k = 0; k < d1; k++)
			n1 = n1 * 10 + (s[j + k] - '0');
		for (size_t k = 0; k < d2; k++)
			n2 = n2 * 10 + (s[p + k] - '0');
		/* directives and decisions are always year first
		 * ("richtlijn nr. 98/34/EG"); only regulations had the
		 * number first */
		if (a_ok && (!pl_seen || !b_ok || type != 'R')) {
			year = y1;
			num = n2;
		} else if (b_ok) {
			year = y2;
			num = n1;
		} else {
			return VP_OK;
		}
	}
	if (year < 1950 || year > 2099 || num <= 0 || num > 9999)
		return VP_OK;
	p += d2;
	/* "/EG", "/EU", "/EEG" suffix */
	if (prs_at(s, len, p) == '/' && prs_isupper(prs_at(s, len, p + 1))) {
		size_t q = p + 1;
		while (q - p < 8 && prs_isupper(prs_at(s, len, q)))
			q++;
		p = q;
		need_suffix = false;
	}
	if (need_suffix && !bracket)
		return VP_OK;
	prs_fmt(celex, sizeof celex, "3%04d%c%04d", year, type, num);
	*end = p;
	return emit_celex(ctx, celex, i, p, 0.9,
	    "CELEX number derived from the act's type, year and number");
}

int prs_try_celex(struct prs_ctx *ctx, size_t i, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, p = i + 5, t = 0, d;
	char celex[24];
	*end = i;
	/* sector digit + 4-digit year + 1-2 letter type + 4-digit number */
	if (!(prs_isdigit((unsigned char)s[i]) || s[i] == 'C' || s[i] == 'E') ||
	    prs_ndigits(s, len, i + 1, 4) != 4)
		return VP_OK;
	while (t < 2 && prs_isupper(prs_at(s, len, p + t)))
		t++;
	if (t == 0)
		return VP_OK;
	d = prs_ndigits(s, len, p + t, 4);
	if (d != 4 || prs_isalnum(prs_at(s, len, p + t + d)))
		return VP_OK;
	p += t + d;
	if (prs_at(s, len, p) == '(' && prs_ndigits(s, len, p + 1, 2) == 2 &&
	    prs_at(s, len, p + 3) == ')')
		p += 4;
	prs_fmt(celex, sizeof celex, "%.*s", (int)(p - i), s + i);
	*end = p;
	return emit_celex(ctx, celex, i, p, 0.9, "bare CELEX-shaped number");
}
