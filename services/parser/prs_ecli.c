/* prs_ecli.c - case law (spec §9): ECLI identifiers, including the lenient
 * forms seen in real text (spaces after colons, mixed case, ';' separators,
 * missing NL country code), and bare LJN numbers. */
#include <string.h>

#include "prs_internal.h"

#define TOKMAX 40

struct tok {
	size_t start, n;
};

/* Reads "ws? [:;] ws? token" at j; token = [A-Za-z0-9.]+ (dots only when
 * dotted is set). Returns the position after the token, or 0. */
static size_t sep_token(
    const char *s, size_t len, size_t j, bool dotted, struct tok *t)
{
	unsigned char c;
	j = prs_ws(s, len, j);
	c = prs_at(s, len, j);
	if (c != ':' && c != ';')
		return 0;
	j = prs_ws(s, len, j + 1);
	t->start = j;
	t->n = 0;
	while (t->n < TOKMAX) {
		c = prs_at(s, len, j + t->n);
		if (!prs_isalnum(c) && !(dotted && c == '.'))
			break;
		t->n++;
	}
	/* strip final dots: sentence punctuation, not part of the number */
	while (t->n > 0 && s[t->start + t->n - 1] == '.')
		t->n--;
	return t->n ? t->start + t->n : 0;
}

static bool all(const char *s, const struct tok *t, bool (*pred)(unsigned char))
{
	for (size_t k = 0; k < t->n; k++)
		if (!pred((unsigned char)s[t->start + k]))
			return false;
	return true;
}

static bool is_digit(unsigned char c)
{
	return prs_isdigit(c);
}

static bool is_alpha(unsigned char c)
{
	return prs_isalpha(c);
}

static bool is_year(const char *s, const struct tok *t)
{
	return t->n == 4 && all(s, t, is_digit) &&
	       (s[t->start] == '1' || s[t->start] == '2');
}

static void upper_tok(char *dst, const char *s, const struct tok *t)
{
	for (size_t k = 0; k < t->n; k++) {
		char c = s[t->start + k];
		dst[k] = (c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
	}
	dst[t->n] = 0;
}

/* Country codes that may open an ECLI (the EU member states, EU, CE): a
 * two-letter first part that is none of these is a court ("ECLI:HR:...",
 * country missing). */
static bool country_code(const char *s, const struct tok *t)
{
	static const char codes[] = "NL EU CE BE DE FR IT ES PT AT SI CZ SK "
	                            "PL HU RO BG HR EL GR CY MT LU IE DK SE "
	                            "FI EE LV LT UK";
	char u[3];
	if (t->n != 2)
		return false;
	upper_tok(u, s, t);
	/* HR is Croatia and the Hoge Raad: after ECLI it is the court */
	if (!strcmp(u, "HR"))
		return false;
	/* two letters and a space each (the last without the space) */
	for (size_t k = 0; k + 1 < sizeof codes - 1; k += 3)
		if (codes[k] == u[0] && codes[k + 1] == u[1])
			return true;
	return false;
}

/* Reads "ws? sep ws? token" like sep_token, also with a comma written for
 * a colon when the token follows it directly ("2018,7410"): sets *comma. */
static size_t sep_token_lenient(const char *s, size_t len, size_t j,
    bool dotted, struct tok *t, bool *comma)
{
	size_t w = prs_ws(s, len, j);
	if (prs_at(s, len, w) == ',' && prs_isalnum(prs_at(s, len, w + 1))) {
		struct tok u;
		u.start = w + 1;
		u.n = 0;
		while (u.n < TOKMAX &&
		       (prs_isalnum(prs_at(s, len, w + 1 + u.n)) ||
		           (dotted && prs_at(s, len, w + 1 + u.n) == '.')))
			u.n++;
		while (u.n > 0 && s[u.start + u.n - 1] == '.')
			u.n--;
		if (!u.n)
			return 0;
		*t = u;
		*comma = true;
		return u.start + u.n;
	}
	return sep_token(s, len, j, dotted, t);
}

/* Court codes that open an ECLI written without "ECLI:NL:" ("RVS:1984:
 * AH1234"): letters in upper case, a year and a number must follow. */
static size_t bare_court(const char *s, size_t len, size_t i)
{
	size_t n = 0;
	if (i > 0 && (prs_isalnum((unsigned char)s[i - 1]) || s[i - 1] == ':'))
		return 0;
	while (n < 9 && prs_isupper(prs_at(s, len, i + n)))
		n++;
	if (n < 2 || n > 8 || prs_at(s, len, i + n) != ':' ||
	    prs_ndigits(s, len, i + n + 1, 4) != 4 ||
	    prs_at(s, len, i + n + 5) != ':' ||
	    !prs_isalnum(prs_at(s, len, i + n + 6)))
		return 0;
	return n;
}

/* "ECLI:NL:HR:2017:" with its number lost (a cut line, a template):
 * reported, never dropped; which decision it is cannot be told, so no id
 * of a decision and no URL. */
static int truncated(struct prs_ctx *ctx, size_t i, size_t stop,
    const char *country, const char *court, const char *year, size_t *end)
{
	char id[64];
	struct prs_cit c;
	int rv;
	prs_fmt(id, sizeof id, "ECLI:%s:%s:%s:?", country, court, year);
	memset(&c, 0, sizeof c);
	c.family = "ecli";
	c.id = id;
	c.confidence = 0.2;
	c.reason = "ECLI without its number: incomplete, the decision cannot "
	           "be told";
	c.start = i;
	c.end = stop;
	prs_cit_field(&c, "country", country);
	prs_cit_field(&c, "court", court);
	prs_cit_field(&c, "year", year);
	prs_cit_field(&c, "incomplete", "number");
	if ((rv = prs_emit(ctx, &c)) == VP_OK)
		*end = c.end;
	return rv;
}

int prs_try_ecli(struct prs_ctx *ctx, size_t i, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, j, n;
	struct tok t0, tc, ty, tn, x;
	char country[TOKMAX + 1], court[TOKMAX + 1], year[8],
	    number[2 * TOKMAX + 1], id[4 * TOKMAX + 16], url[6 * TOKMAX + 96];
	struct prs_cit c;
	bool bare = false, comma = false, no_court = false;
	double conf = 1.0;
	const char *reason = NULL;
	int rv;

#define REPAIR(cf, why)                                                        \
	do {                                                                   \
		if ((cf) < conf) {                                             \
			conf = (cf);                                           \
			reason = (why);                                        \
		}                                                              \
	} while (0)

	*end = i;
	/* most words sent here ("hand", "regels", "nr") are none of the
	 * forms: all start with 'e' or with two capitals */
	if ((s[i] | 0x20) != 'e' && !(prs_isupper((unsigned char)s[i]) &&
	                                prs_isupper(prs_at(s, len, i + 1))))
		return VP_OK;
	if ((j = prs_word(s, len, i, "ECLI"))) {
		j += i;
	} else if ((j = prs_word(s, len, i, "ECI")) ||
	           (j = prs_word(s, len, i, "ELCI"))) {
		j += i;
		REPAIR(0.8, "misspelt ECLI prefix (OCR)");
	} else if (i + 3 < len && s[i + 2] == ':' &&
	           (!memcmp(s + i, "NL", 2) || !memcmp(s + i, "EU", 2) ||
	               !memcmp(s + i, "CE", 2)) &&
	           (i == 0 || (!prs_isalnum((unsigned char)s[i - 1]) &&
	                          s[i - 1] != ':'))) {
		/* prefix-less "EU:C:2007:343" (common in case law) */
		bare = true;
		REPAIR(0.7, "ECLI prefix missing");
	} else if ((n = bare_court(s, len, i))) {
		/* "RVS:1984:AH1234": prefix and country missing */
		bare = true;
		REPAIR(0.6, "ECLI prefix and country code missing: assumed NL");
	} else {
		return VP_OK;
	}
	if (bare) {
		t0.start = i;
		t0.n = 0;
		while (t0.n < TOKMAX && prs_isalpha(prs_at(s, len, i + t0.n)))
			t0.n++;
		j = i + t0.n;
	} else if (!(j = sep_token(s, len, j, false, &t0))) {
		return VP_OK;
	}
	if (!all(s, &t0, is_alpha))
		return VP_OK;
	/* country, then court */
	if (t0.n == 2 &&
	    (country_code(s, &t0) || (bare && t0.n == 2 && conf >= 0.7))) {
		upper_tok(country, s, &t0);
		if (!(j = sep_token_lenient(s, len, j, false, &tc, &comma)))
			return VP_OK;
		if (is_year(s, &tc) ||
		    (tc.n > 4 &&
		        prs_ndigits(s, tc.start + tc.n, tc.start, 4) == 4)) {
			/* "ECLI:NL:2018:1664": court missing; never guess */
			ty = tc;
			tc.n = 0;
			no_court = true;
		}
	} else if (t0.n > 2 && t0.n <= 10 && (s[t0.start] | 0x20) == 'n' &&
	           (s[t0.start + 1] | 0x20) == 'l' && !bare) {
		/* "ECLI:NLHR:2010:392": NL glued to the court code */
		strcpy(country, "NL");
		tc.start = t0.start + 2;
		tc.n = t0.n - 2;
		REPAIR(0.8, "NL glued to the court code");
	} else if (t0.n >= 2 && t0.n <= 8) {
		/* "ECLI:HR:2010:BO1713": country missing */
		strcpy(country, "NL");
		tc = t0;
		if (!bare)
			REPAIR(0.8, "country code missing: assumed NL");
	} else {
		return VP_OK;
	}
	if (!no_court) {
		if (tc.n == 0 || tc.n > 8 || !all(s, &tc, is_alpha))
			return VP_OK;
		if (!(j = sep_token_lenient(s, len, j, false, &ty, &comma)))
			return VP_OK;
	}
	/* year, with the number glued on when the colon is missing */
	if (!is_year(s, &ty)) {
		if (ty.n > 4 &&
		    prs_ndigits(s, ty.start + ty.n, ty.start, 4) == 4 &&
		    (s[ty.start] == '1' || s[ty.start] == '2')) {
			tn.start = ty.start + 4;
			tn.n = ty.n - 4;
			ty.n = 4;
			REPAIR(0.8, "colon missing between year and number");
		} else {
			return VP_OK;
		}
	} else if (!(j = sep_token_lenient(s, len, j, true, &tn, &comma))) {
		/* "ECLI:NL:HR:2017:" and nothing after it: the number is lost
		 * (a cut line, a template). Reported, never dropped: which
		 * decision it is cannot be told, so no id of a decision and
		 * no URL */
		size_t after = ty.start + ty.n;
		if (!no_court && prs_at(s, len, after) == ':' &&
		    !prs_isalnum(prs_at(s, len, prs_ws(s, len, after + 1)))) {
			upper_tok(year, s, &ty);
			upper_tok(court, s, &tc);
			return truncated(
			    ctx, i, after + 1, country, court, year, end);
		}
		return VP_OK;
	}
	upper_tok(year, s, &ty);
	upper_tok(number, s, &tn);
	if (tn.n == ty.n && !memcmp(s + tn.start, s + ty.start, 4) &&
	    (n = sep_token(s, len, tn.start + tn.n, true, &x)) &&
	    x.start == tn.start + tn.n + 1) {
		/* "ECLI:NL:CRVB:2018:2018:3366": the year twice */
		tn = x;
		upper_tok(number, s, &tn);
		REPAIR(0.8, "year written twice");
	} else if (tn.n == 3 && !strcmp(number, "LJN") &&
	           (x.start = prs_ws(s, len, tn.start + 3)) > tn.start + 3 &&
	           prs_isalpha(prs_at(s, len, x.start)) &&
	           prs_isalpha(prs_at(s, len, x.start + 1)) &&
	           prs_ndigits(s, len, x.start + 2, 4) == 4 &&
	           !prs_isalnum(prs_at(s, len, x.start + 6))) {
		/* "ECLI:NL:HR:2010:LJN BO1713": an LJN in the number slot */
		tn = x;
		tn.n = 6;
		upper_tok(number, s, &tn);
		REPAIR(0.8, "LJN label in the number slot");
	} else if (tn.n == 2 && all(s, &tn, is_alpha) &&
	           prs_at(s, len, tn.start + 2) == ':' &&
	           prs_ndigits(s, len, tn.start + 3, 4) == 4 &&
	           !prs_isalnum(prs_at(s, len, tn.start + 7))) {
		/* "ECLI:NL:GHAMS:2009:BK:4978": a colon inside the LJN */
		upper_tok(number, s, &tn);
		memcpy(number + 2, s + tn.start + 3, 4);
		number[6] = 0;
		x.start = tn.start;
		x.n = 7;
		tn = x;
		REPAIR(0.8, "colon inside the number");
	}
	if (comma)
		REPAIR(0.8, "comma written for a colon");
	if (memchr(s + i, ';', tn.start + tn.n - i))
		REPAIR(0.9, "semicolon written for a colon");
	if (no_court)
		strcpy(court, "?");
	else
		upper_tok(court, s, &tc);
	{
		/* validate the number without the colon of an LJN */
		size_t nl = strlen(number);
		bool digit = false, ok;
		for (size_t k = 0; k < nl; k++)
			digit |= prs_isdigit((unsigned char)number[k]);
		if (!strcmp(country, "NL"))
			ok = digit &&
			     (prs_ndigits(number, nl, 0, TOKMAX) == nl ||
			         (nl == 6 &&
			             prs_isalpha((unsigned char)number[0]) &&
			             prs_isalpha((unsigned char)number[1]) &&
			             prs_ndigits(number, nl, 2, 4) == 4));
		else if (!strcmp(country, "EU"))
			ok = prs_ndigits(number, nl, 0, TOKMAX) == nl;
		else
			ok = digit;
		/* "ECLI:NL:HR:2017: en ...": a word after the last colon,
		 * not a number: the number is lost */
		if ((!ok || nl == 0) && !no_court && tn.n > 0 &&
		    all(s, &tn, is_alpha) && tn.start > ty.start + ty.n + 1 &&
		    prs_at(s, len, ty.start + ty.n) == ':')
			return truncated(ctx, i, ty.start + ty.n + 1, country,
			    court, year, end);
		if (!ok || nl == 0)
			return VP_OK;
	}
	prs_fmt(
	    id, sizeof id, "ECLI:%s:%s:%s:%s", country, court, year, number);
	memset(&c, 0, sizeof c);
	c.url = url;
	if (!strcmp(country, "NL"))
		prs_fmt(url, sizeof url,
		    "https://deeplink.rechtspraak.nl/uitspraak?id=%s", id);
	else if (!strcmp(country, "EU"))
		prs_fmt(url, sizeof url,
		    "https://eur-lex.europa.eu/legal-content/NL/TXT/"
		    "?uri=ecli:%s",
		    id);
	else if (!strcmp(country, "CE"))
		prs_fmt(url, sizeof url,
		    "https://hudoc.echr.coe.int/eng#{\"ecli\":[\"%s\"]}", id);
	else
		c.url = NULL;
	c.family = "ecli";
	c.id = id;
	if (no_court) {
		conf = 0.3;
		reason = "court code missing: the decision needs a lookup";
		c.url = NULL;
		prs_cit_field(&c, "lookup", "ecli");
	}
	c.confidence = conf;
	c.reason = reason;
	c.start = i;
	c.end = tn.start + tn.n;
	prs_cit_field(&c, "country", country);
	prs_cit_field(&c, "court", court);
	prs_cit_field(&c, "year", year);
	prs_cit_field(&c, "number", number);
	if ((rv = prs_emit(ctx, &c)) == VP_OK)
		*end = c.end;
	return rv;
#undef REPAIR
}

/* Skips the decoration between an LJN label and the number: spaces, ':',
 * '-', '.', "nummer", "nr". Sets *saw_nr when a number word was seen. */
static size_t skip_ljn_decor(const char *s, size_t len, size_t j, bool *saw_nr)
{
	for (int k = 0; k < 6; k++) {
		size_t n, w = prs_ws(s, len, j);
		unsigned char c = prs_at(s, len, w);
		if (c == ':' || c == '-' || c == '.') {
			j = w + 1;
		} else if ((n = prs_word(s, len, w, "nummer")) ||
		           (n = prs_word(s, len, w, "nr"))) {
			j = w + n;
			*saw_nr = true;
		} else {
			return w;
		}
	}
	return j;
}

/* National courts as cited before an LJN, and their ECLI court codes
 * (those did not change with the 2013 court map; the district courts and
 * courts of appeal did, so they are left to a lookup). */
static const struct {
	const char *name;
	const char *code;
} ljn_courts[] = {{"HR", "HR"}, {"Hoge Raad", "HR"}, {"ABRvS", "RVS"},
    {"ABRS", "RVS"}, {"ABRVS", "RVS"}, {"RvS", "RVS"}, {"CRvB", "CRVB"},
    {"CBb", "CBB"}, {"CBB", "CBB"}};

/* Skips what may stand between the date and the LJN: a case number "nr.
 * 43.644, " or a journal reference "NJ 2003, 377, " (once each). */
static size_t case_or_journal(const char *s, size_t len, size_t p)
{
	bool pl;
	size_t n, q;
	for (int r = 0; r < 2; r++) {
		if ((n = prs_nr_label(s, len, p, &pl))) {
			q = prs_ws(s, len, p + n);
			while (q < len && q - p < 24 &&
			       (prs_isalnum((unsigned char)s[q]) ||
			           s[q] == '.' || s[q] == '/' || s[q] == '-'))
				q++;
		} else {
			for (n = 0; n < 6 && prs_isupper(prs_at(s, len, p + n));
			     n++)
				;
			if (n < 2 || n > 5 || prs_at(s, len, p + n) != ' ' ||
			    prs_ndigits(s, len, p + n + 1, 5) != 4)
				return p;
			q = p + n + 5;
			if (prs_at(s, len, q) == ',' ||
			    prs_at(s, len, q) == '/')
				q = prs_ws(s, len, q + 1);
			if (!(n = prs_ndigits(s, len, q, 6)) || n > 5)
				return p;
			q += n;
		}
		if (prs_at(s, len, q) != ',')
			return p;
		p = prs_ws(s, len, q + 1);
	}
	return p;
}

/* "HR 3 maart 2006, " right before the LJN label at i: returns the ECLI
 * court code and sets *year, or NULL. Looks back at most 60 bytes. */
static const char *court_before(const char *s, size_t len, size_t i, int *year)
{
	size_t from = i > 60 ? i - 60 : 0;
	const char *code = NULL;
	for (size_t k = from; k < i; k++) {
		if (k > 0 && prs_isalnum((unsigned char)s[k - 1]))
			continue;
		for (size_t c = 0; c < sizeof ljn_courts / sizeof *ljn_courts;
		     c++) {
			size_t l = strlen(ljn_courts[c].name), p, d;
			int y, m;
			if (k + l > i || memcmp(s + k, ljn_courts[c].name, l) ||
			    prs_isalnum(prs_at(s, len, k + l)))
				continue;
			p = prs_ws(s, len, k + l);
			if ((d = prs_word(
			         s, len, p, "van"))) /* Hoge Raad van */
				p = prs_ws(s, len, p + d);
			if (p == k + l || !(d = prs_date(s, len, p, &y, &m)))
				continue;
			p = prs_ws(s, len, p + d);
			if (prs_at(s, len, p) == ',')
				p = prs_ws(s, len, p + 1);
			p = case_or_journal(s, len, p);
			if (p == i) {
				code = ljn_courts[c].code;
				*year = y;
			}
		}
	}
	return code;
}

int prs_try_ljn(struct prs_ctx *ctx, size_t i, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, j, n, d;
	bool saw_nr = false, need_nr = false;
	char id[48], ljn[8], url[112], y[8];
	const char *code;
	int year = 0;
	struct prs_cit c;
	int rv;

	*end = i;
	if ((n = prs_word(s, len, i, "LJN")) ||
	    (n = prs_word(s, len, i, "ELRO")))
		;
	else if ((n = prs_word(s, len, i, "LJ")))
		need_nr = true;
	else
		return VP_OK;
	j = skip_ljn_decor(s, len, i + n, &saw_nr);
	if (need_nr && !saw_nr)
		return VP_OK;
	if (!prs_isalpha(prs_at(s, len, j)) ||
	    !prs_isalpha(prs_at(s, len, j + 1)))
		return VP_OK;
	ljn[0] = (char)(s[j] & ~0x20);
	ljn[1] = (char)(s[j + 1] & ~0x20);
	j += 2;
	if (prs_at(s, len, j) == ' ')
		j++;
	if ((d = prs_ndigits(s, len, j, 4)) != 4 ||
	    prs_isalnum(prs_at(s, len, j + 4)))
		return VP_OK;
	memcpy(ljn + 2, s + j, 4);
	ljn[6] = 0;
	memset(&c, 0, sizeof c);
	c.family = "ecli";
	c.id = id;
	c.start = i;
	c.end = j + 4;
	if ((code = court_before(s, len, i, &year))) {
		/* the court and the date beside it: court and year are
		 * certain, the LJN became the ECLI's number */
		prs_fmt(id, sizeof id, "ECLI:NL:%s:%d:%s", code, year, ljn);
		prs_fmt(url, sizeof url,
		    "https://deeplink.rechtspraak.nl/uitspraak?id=%s", id);
		prs_fmt(y, sizeof y, "%d", year);
		c.url = url;
		c.confidence = 0.9;
		c.reason = "ECLI built from the LJN and the court and date "
		           "written before it";
		prs_cit_field(&c, "country", "NL");
		prs_cit_field(&c, "court", code);
		prs_cit_field(&c, "year", y);
		prs_cit_field(&c, "number", ljn);
		prs_cit_field(&c, "ljn", ljn);
	} else {
		prs_fmt(id, sizeof id, "LJN:%s", ljn);
		c.confidence = 0.6;
		c.reason =
		    "LJN only: the ECLI needs the court and year or a lookup";
		prs_cit_field(&c, "ljn", ljn);
		prs_cit_field(&c, "lookup", "ecli");
	}
	if ((rv = prs_emit(ctx, &c)) == VP_OK)
		*end = c.end;
	return rv;
}
