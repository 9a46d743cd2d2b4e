/* prs_blad.c - official gazettes (spec §6): Staatsblad, Staatscourant
 * (including the pre-July-2009 issue form "Staatscourant van 16 juni 2005,
 * nr. 114"), Tractatenblad, Gemeenteblad, Provinciaal blad, Waterschapsblad;
 * Staatsblad without year takes the year of the preceding date. Also bare
 * publication identifiers written in text ("(kst-22343-400)", "stb-2013-465").
 * Placeholders ("Stb. …, … .") have no digits and give nothing. */
#include <string.h>

#include "prs_internal.h"

struct blad {
	/* word as written, case-sensitive; its first bytes must be in the
	 * scan's anchor_keys (prs_scan.c) */
	const char *label;
	bool dot; /* abbreviation: may be followed by '.' */
	const char *prefix;
	const char *family;
};

static const struct blad blads[] = {
    {"Staatsblad", false, "stb", "staatsblad"},
    {"Stb", true, "stb", "staatsblad"},
    {"Staatscourant", false, "stcrt", "staatscourant"},
    {"Stcrt", true, "stcrt", "staatscourant"},
    {"Tractatenblad", false, "trb", "tractatenblad"},
    {"Trb", true, "trb", "tractatenblad"},
    {"Gemeenteblad", false, "gmb", "gemeenteblad"},
    {"Gmb", true, "gmb", "gemeenteblad"},
    {"Provinciaal blad", false, "prb", "provinciaal_blad"},
    {"Provinciaalblad", false, "prb", "provinciaal_blad"},
    {"Prb", true, "prb", "provinciaal_blad"},
    {"Waterschapsblad", false, "wsb", "waterschapsblad"},
    {"Wsb", true, "wsb", "waterschapsblad"},
};

static const char *const months[] = {"januari", "februari", "maart", "april",
    "mei", "juni", "juli", "augustus", "september", "oktober", "november",
    "december"};

/* "16 juni 2005" at j: sets year and month (1-12), returns length or 0. */
size_t prs_date(const char *s, size_t len, size_t j, int *year, int *month)
{
	size_t d = prs_ndigits(s, len, j, 2), p, n;
	if (d < 1 || d > 2)
		return 0;
	p = prs_ws(s, len, j + d);
	if (p == j + d)
		return 0;
	for (size_t k = 0; k < 12; k++)
		if ((n = prs_word(s, len, p, months[k]))) {
			size_t y = prs_ws(s, len, p + n);
			if (y == p + n || prs_ndigits(s, len, y, 4) != 4 ||
			    prs_isalnum(prs_at(s, len, y + 4)))
				return 0;
			*month = (int)k + 1;
			*year = (s[y] - '0') * 1000 + (s[y + 1] - '0') * 100 +
			        (s[y + 2] - '0') * 10 + (s[y + 3] - '0');
			return y + 4 - j;
		}
	return 0;
}

/* Year of the last "d maand yyyy" date in the 256 bytes before i (a
 * title may stand between: "besluit van 19 september 2006 tot wijziging
 * van het Mediabesluit (...) (Stb. 438)"). */
static int year_before(const char *s, size_t len, size_t i)
{
	size_t from = i > 256 ? i - 256 : 0;
	int year = 0, dated = 0, month;
	for (size_t k = from; k < i; k++)
		if (prs_isdigit((unsigned char)s[k]) &&
		    (k == 0 || !prs_isalnum((unsigned char)s[k - 1]))) {
			int y;
			if (prs_date(s, len, k, &y, &month)) {
				year = y;
				/* the act's own date: "Wet van 2 juli 1980,
				 * ... over de periode tot 1 januari 1964
				 * (Stb. 385)" is of 1980 */
				if (k >= from + 4 &&
				    !memcmp(s + k - 4, "van ", 4))
					dated = y;
			}
		}
	return dated ? dated : year;
}

static size_t num_at(const char *s, size_t len, size_t j, size_t maxd)
{
	size_t d = prs_ndigits(s, len, j, maxd);
	if (d == 0 || d > maxd || s[j] == '0' ||
	    prs_isalnum(prs_at(s, len, j + d)) ||
	    (prs_at(s, len, j + d) == '/' &&
	        prs_isdigit(prs_at(s, len, j + d + 1))))
		return 0;
	return d;
}

static int emit_blad(struct prs_ctx *ctx, const struct blad *b, int year,
    const char *nr, size_t start, size_t end, double conf, const char *reason,
    const char *issue)
{
	struct prs_cit c = {0};
	char id[64], url[128], y[8];
	prs_fmt(y, sizeof y, "%d", year);
	if (nr[0])
		prs_fmt(id, sizeof id, "%s-%d-%s", b->prefix, year, nr);
	else
		prs_fmt(id, sizeof id, "%s-%d", b->prefix, year);
	c.family = b->family;
	c.id = id;
	if (nr[0] && !issue) {
		prs_fmt(url, sizeof url,
		    "https://zoek.officielebekendmakingen.nl/%s.html", id);
		c.url = url;
	}
	c.confidence = conf;
	c.reason = reason;
	if (!issue && nr[0] && !strcmp(b->prefix, "stcrt") &&
	    (year < 2009 || (year == 2009 && strlen(nr) < 4))) {
		/* the printed Staatscourant (until July 2009) numbered its
		 * issues, at most a few hundred a year */
		issue = "";
		c.url = NULL;
		if (conf > 0.7) {
			c.confidence = 0.7;
			c.reason =
			    "Staatscourant before July 2009: the number is "
			    "the issue number; the item needs a lookup";
		}
	}
	c.start = start;
	c.end = end;
	prs_cit_field(&c, "jaargang", y);
	prs_cit_field(&c, issue ? "issue" : "nummer", nr);
	if (issue || !nr[0])
		prs_cit_field(&c, "lookup", b->prefix);
	if (!nr[0]) /* a year without number: the citation is incomplete */
		prs_cit_field(&c, "incomplete", "nummer");
	return prs_emit(ctx, &c);
}

/* Emits nr, then every further number of a list "542 en 543", "12, 13 en
 * 14" of the same year, each with its own span; *end goes past the last. */
static int emit_list(struct prs_ctx *ctx, const struct blad *b, int year,
    const char *nr, size_t start, size_t e, double conf, const char *reason,
    size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, p, n, d;
	char more[12];
	int rv = emit_blad(ctx, b, year, nr, start, e, conf, reason, NULL);
	for (int r = 0; r < 16 && rv == VP_OK; r++) {
		p = prs_ws(s, len, e);
		if (prs_at(s, len, p) == ',')
			n = 1;
		else if (!(n = prs_word(s, len, p, "en")))
			break;
		p = prs_ws(s, len, p + n);
		if (prs_word(s, len, p, "en"))
			p = prs_ws(s, len, p + 2);
		if (!(d = num_at(s, len, p, 7)) ||
		    (prs_at(s, len, p + d) == ',' &&
		        prs_isdigit(prs_at(s, len, p + d + 1))))
			break;
		/* "Stb. 2004, 542 en 2005, 12": a year starts a new one */
		if (d == 4 && prs_at(s, len, p + d) == ',')
			break;
		/* after a comma only inside a list "12, 13 en 14" */
		if (n == 1) {
			size_t q = prs_ws(s, len, p + d);
			if (prs_at(s, len, q) != ',' &&
			    !prs_word(s, len, q, "en"))
				break;
		}
		prs_fmt(more, sizeof more, "%.*s", (int)d, s + p);
		rv =
		    emit_blad(ctx, b, year, more, p, p + d, conf, reason, NULL);
		e = *end = p + d;
	}
	return rv;
}

/* Words of pat (ASCII, one space between words) at j, case-insensitive,
 * any run of white space (line breaks too) between them. Returns the
 * position after them, or 0. */
static size_t words_at(const char *s, size_t len, size_t j, const char *pat)
{
	for (; *pat; pat++) {
		if (*pat == ' ') {
			size_t w = prs_ws(s, len, j);
			if (w == j)
				return 0;
			j = w;
		} else if (!prs_byte_eq(
		               prs_at(s, len, j), (unsigned char)*pat)) {
			return 0;
		} else {
			j++;
		}
	}
	return prs_isalnum(prs_at(s, len, j)) ? 0 : j;
}

/* The heading of a published gazette: "TRACTATENBLAD VAN HET KONINKRIJK
 * DER NEDERLANDEN. JAARGANG 2004 Nr. 60" (also STAATSBLAD, over several
 * lines). */
static int try_heading(struct prs_ctx *ctx, size_t i, size_t *end)
{
	static const struct {
		const char *word;
		size_t blad; /* index in blads */
	} heads[] = {{"TRACTATENBLAD", 4}, {"STAATSBLAD", 0}};
	const char *s = ctx->s;
	size_t len = ctx->len, j = 0, d, n;
	const struct blad *b = NULL;
	int year;
	char nr[12];
	bool pl;
	for (size_t k = 0; k < sizeof heads / sizeof *heads && !b; k++) {
		size_t l = strlen(heads[k].word);
		if (i + l <= len && !memcmp(s + i, heads[k].word, l) &&
		    !prs_isalnum(prs_at(s, len, i + l))) {
			b = &blads[heads[k].blad];
			j = i + l;
		}
	}
	if (!b || !(j = words_at(s, len, prs_ws(s, len, j),
	                "van het koninkrijk der nederlanden")))
		return VP_OK;
	if (prs_at(s, len, j) == '.')
		j++;
	if (!(j = words_at(s, len, prs_ws(s, len, j), "jaargang")))
		return VP_OK;
	j = prs_ws(s, len, j);
	if (prs_ndigits(s, len, j, 5) != 4 ||
	    prs_isalnum(prs_at(s, len, j + 4)))
		return VP_OK;
	year = (s[j] - '0') * 1000 + (s[j + 1] - '0') * 100 +
	       (s[j + 2] - '0') * 10 + (s[j + 3] - '0');
	if (year < 1800 || year > 2199)
		return VP_OK;
	j = prs_ws(s, len, j + 4);
	if ((n = prs_nr_label(s, len, j, &pl)))
		j = prs_ws(s, len, j + n);
	if (!(d = num_at(s, len, j, 7)))
		return VP_OK;
	prs_fmt(nr, sizeof nr, "%.*s", (int)d, s + j);
	*end = j + d;
	return emit_blad(ctx, b, year, nr, i, j + d, 1.0, NULL, NULL);
}

int prs_try_blad(struct prs_ctx *ctx, size_t i, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, j = 0, n = 0, d, p;
	const struct blad *b = NULL;
	int year = 0, month = 0;
	char nr[12] = "";
	bool issue = false;

	*end = i;
	if (prs_isupper(prs_at(s, len, i + 1))) {
		int rv = try_heading(ctx, i, end);
		if (rv != VP_OK || *end > i)
			return rv;
	}
	for (size_t k = 0; k < sizeof blads / sizeof *blads; k++) {
		size_t l;
		/* cheap: most entries end here */
		if (blads[k].label[0] != s[i])
			continue;
		l = strlen(blads[k].label);
		if (i + l <= len && !memcmp(s + i, blads[k].label, l) &&
		    !prs_isalpha(prs_at(s, len, i + l))) {
			b = &blads[k];
			n = l;
			break;
		}
	}
	if (!b)
		return VP_OK;
	/* "Ind. Stb. 1923, 518": the Staatsblad van Nederlandsch-Indië */
	if (!strcmp(b->prefix, "stb") &&
	    ((i >= 5 && !memcmp(s + i - 5, "Ind. ", 5)) ||
	        (i >= 8 && !memcmp(s + i - 8, "Indisch ", 8))))
		return VP_OK;
	j = i + n;
	if (b->dot && prs_at(s, len, j) == '.')
		j++;
	p = prs_ws(s, len, j);
	if (p == j && !b->dot)
		return VP_OK;
	/* "Staatscourant van 16 juni 2005, nr. 114": an issue (pre-2009) */
	if ((n = prs_word(s, len, p, "van")) ||
	    (!b->dot && prs_date(s, len, p, &year, &month))) {
		/* "Staatscourant van 16 juni 2005, nr. 114", also without
		 * "van" ("Staatscourant 6 mei 2004, nr. 86") */
		size_t q = prs_ws(s, len, p + n), dl;
		bool pl;
		if (!(dl = prs_date(s, len, q, &year, &month)))
			return VP_OK;
		q = prs_ws(s, len, q + dl);
		if (prs_at(s, len, q) == ',')
			q = prs_ws(s, len, q + 1);
		if (!(n = prs_nr_label(s, len, q, &pl)))
			return VP_OK;
		q = prs_ws(s, len, q + n);
		if (!(d = num_at(s, len, q, 6)))
			return VP_OK;
		prs_fmt(nr, sizeof nr, "%.*s", (int)d, s + q);
		issue = !strcmp(b->prefix, "stcrt") &&
		        (year < 2009 || (year == 2009 && month < 7));
		*end = q + d;
		return emit_blad(ctx, b, year, nr, i, q + d, issue ? 0.7 : 0.9,
		    issue ? "Staatscourant before July 2009: nr. is the "
		            "issue number; the item needs a lookup"
		          : "date-style gazette citation",
		    issue ? "" : NULL);
	}
	d = prs_ndigits(s, len, p, 6);
	if (d == 4 && !prs_isalnum(prs_at(s, len, p + 4))) {
		year = (s[p] - '0') * 1000 + (s[p + 1] - '0') * 100 +
		       (s[p + 2] - '0') * 10 + (s[p + 3] - '0');
		if (year < 1800 || year > 2199)
			return VP_OK;
		j = p + 4;
		p = prs_ws(s, len, j);
		if (prs_at(s, len, p) == ',' || prs_at(s, len, p) == '/' ||
		    (p > j && prs_nr_label(s, len, p, &(bool){false}))) {
			/* "Stb. 2004, 542", "Stcrt. 1993 nr. 156" */
			size_t q =
			    prs_at(s, len, p) == ',' || prs_at(s, len, p) == '/'
			        ? prs_ws(s, len, p + 1)
			        : p;
			bool pl;
			if ((n = prs_nr_label(s, len, q, &pl)))
				q = prs_ws(s, len, q + n);
			if ((d = num_at(s, len, q, 7))) {
				prs_fmt(nr, sizeof nr, "%.*s", (int)d, s + q);
				*end = q + d;
				return emit_list(
				    ctx, b, year, nr, i, q + d, 1.0, NULL, end);
			}
		}
		if (prs_at(s, len, j) == '/' &&
		    prs_isdigit(prs_at(s, len, j + 1)))
			return VP_OK; /* "Gst. 2013/86"-like: not ours */
		*end = j;
		return emit_blad(ctx, b, year, "", i, j, 0.5,
		    "year without publication number", NULL);
	}
	if (b->dot &&
	    (!strcmp(b->prefix, "stcrt") || !strcmp(b->prefix, "stb")) &&
	    ((n = prs_nr_label(s, len, p, &(bool){false})) == 0 ||
	        (p = prs_ws(s, len, p + n)) > 0) &&
	    (d = num_at(s, len, p, 6))) {
		/* "wet van 7 juni 2006, Stb. 330", "beschikking van 1 juni
		 * 1989, Stcrt. 214", "Stcrt. nr. 90" */
		if (!(year = year_before(s, len, i))) {
			/* "Stcrt. 204 d.d. 23 oktober 2007" */
			size_t q = prs_ws(s, len, p + d), dl;
			if (!(dl = prs_word(s, len, q, "d.d.")) ||
			    !prs_date(
			        s, len, prs_ws(s, len, q + dl), &year, &month))
				return VP_OK;
		}
		prs_fmt(nr, sizeof nr, "%.*s", (int)d, s + p);
		*end = p + d;
		return emit_list(ctx, b, year, nr, i, p + d, 0.8,
		    "year taken from the preceding date", end);
	}
	return VP_OK;
}

/* Local regulations: "CVDR101405_1" (work + expression) or "CVDR101405". */
static int try_cvdr(struct prs_ctx *ctx, size_t i, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, d, e = 0, p;
	struct prs_cit c = {0};
	char id[40], url[96], work[24];
	if (!prs_prefix(s, len, i, "CVDR") || memcmp(s + i, "CVDR", 4))
		return VP_OK;
	d = prs_ndigits(s, len, i + 4, 9);
	if (d < 3 || d > 8)
		return VP_OK;
	p = i + 4 + d;
	/* the expression after '_' ("CVDR101405_1") or, as written in
	 * URLs and some texts, after '/' ("CVDR123456/2") */
	if ((prs_at(s, len, p) == '_' || prs_at(s, len, p) == '/') &&
	    (e = prs_ndigits(s, len, p + 1, 3)) && e < 3 &&
	    !prs_isalnum(prs_at(s, len, p + 1 + e)) &&
	    prs_at(s, len, p + 1 + e) != '/')
		p += 1 + e;
	else
		e = 0;
	if (prs_isalnum(prs_at(s, len, p)))
		return VP_OK;
	prs_fmt(work, sizeof work, "CVDR%.*s", (int)d, s + i + 4);
	if (e)
		prs_fmt(id, sizeof id, "%s_%.*s", work, (int)e, s + p - e);
	else
		prs_fmt(id, sizeof id, "%s", work);
	prs_fmt(url, sizeof url,
	    "https://lokaleregelgeving.overheid.nl/%s%s%.*s", work,
	    e ? "/" : "", (int)e, s + i + 5 + d);
	c.family = "wet";
	c.id = id;
	c.url = url;
	c.confidence = 1.0;
	c.start = i;
	c.end = p;
	prs_cit_field(&c, "cvdr", work);
	*end = p;
	return prs_emit(ctx, &c);
}

/* Bare identifiers: kst-22343-400, stb-2013-465, ah-tk-20192020-1234,
 * h-tk-20232024-4-26, blg-123456, stcrt-2006-183-p28-SC76967. */
static const struct {
	const char *prefix;
	const char *family;
} pubs[] = {{"kst-", "kamerstuk"}, {"ah-", "aanhangsel"}, {"h-", "handelingen"},
    {"stb-", "staatsblad"}, {"stcrt-", "staatscourant"},
    {"trb-", "tractatenblad"}, {"gmb-", "gemeenteblad"},
    {"prb-", "provinciaal_blad"}, {"wsb-", "waterschapsblad"},
    {"blg-", "bijlage"}};

int prs_try_pubid(struct prs_ctx *ctx, size_t i, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, n = 0, p, digits = 0;
	struct prs_cit c;
	const char *family = NULL;
	char id[80], url[160];
	*end = i;
	if (s[i] == 'C')
		return try_cvdr(ctx, i, end);
	/* every prefix is 1-5 lower-case letters and a dash: most words end
	 * here without the table */
	for (p = i; p < len && p - i < 6 && s[p] >= 'a' && s[p] <= 'z'; p++)
		;
	if (p == i || prs_at(s, len, p) != '-')
		return VP_OK;
	for (size_t k = 0; k < sizeof pubs / sizeof *pubs; k++) {
		size_t l = strlen(pubs[k].prefix);
		if (l == p + 1 - i && !memcmp(s + i, pubs[k].prefix, l)) {
			family = pubs[k].family;
			n = l;
			break;
		}
	}
	if (!n || (i > 0 && (prs_isalnum((unsigned char)s[i - 1]) ||
	                        s[i - 1] == '/' || s[i - 1] == '-')))
		return VP_OK;
	p = i + n;
	/* [a-z]{2}- chamber for ah-/h- */
	while (p < len && p - i < 70 &&
	       (prs_isalnum((unsigned char)s[p]) ||
	           (s[p] == '-' && prs_isalnum(prs_at(s, len, p + 1))))) {
		digits += prs_isdigit((unsigned char)s[p]);
		p++;
	}
	{
		unsigned char f = prs_at(s, len, i + n);
		bool chamber = n <= 3; /* "ah-", "h-": chamber letters */
		if (!prs_isdigit(f) &&
		    !(chamber && (f == 't' || f == 'e' || f == 'v')))
			return VP_OK;
	}
	if (digits < 2 || p - i >= sizeof id || prs_at(s, len, p) == '/' ||
	    prs_at(s, len, p) == '_')
		return VP_OK;
	memcpy(id, s + i, p - i);
	id[p - i] = 0;
	prs_fmt(url, sizeof url,
	    "https://zoek.officielebekendmakingen.nl/%s.html", id);
	memset(&c, 0, sizeof c);
	c.family = family;
	c.id = id;
	c.url = url;
	c.confidence = 1.0;
	c.start = i;
	c.end = p;
	*end = p;
	return prs_emit(ctx, &c);
}
