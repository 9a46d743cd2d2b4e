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

static bool valid_number(
    const char *s, const char *country, const struct tok *t)
{
	bool digit = false;
	for (size_t k = 0; k < t->n; k++)
		digit |= prs_isdigit((unsigned char)s[t->start + k]);
	if (!digit)
		return false;
	if (!strcmp(country, "NL")) /* sequence number or LJN (AB1234) */
		return all(s, t, is_digit) ||
		       (t->n == 6 && prs_isalpha((unsigned char)s[t->start]) &&
		           prs_isalpha((unsigned char)s[t->start + 1]) &&
		           prs_ndigits(s, t->start + t->n, t->start + 2, 4) ==
		               4);
	if (!strcmp(country, "EU"))
		return all(s, t, is_digit);
	return true;
}

int prs_try_ecli(struct prs_ctx *ctx, size_t i, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, j;
	struct tok t[4];
	char country[TOKMAX + 1], court[TOKMAX + 1], year[TOKMAX + 1],
	    number[TOKMAX + 1], id[4 * TOKMAX + 16], url[6 * TOKMAX + 96];
	struct prs_cit c;
	bool no_country = false, no_court = false, bare = false, ocr = false;
	int rv;

	*end = i;
	if ((j = prs_word(s, len, i, "ECLI"))) {
		j += i;
	} else if ((j = prs_word(s, len, i, "ECI")) ||
	           (j = prs_word(s, len, i, "ELCI"))) {
		j += i;
		ocr = true;
	} else if (i + 3 < len && s[i + 2] == ':' &&
	           (!memcmp(s + i, "NL", 2) || !memcmp(s + i, "EU", 2) ||
	               !memcmp(s + i, "CE", 2)) &&
	           (i == 0 || (!prs_isalnum((unsigned char)s[i - 1]) &&
	                          s[i - 1] != ':'))) {
		/* prefix-less "EU:C:2007:343" (common in case law) */
		bare = true;
		j = i - 1; /* sep_token reads the ':' after a virtual prefix */
	} else {
		return VP_OK;
	}
	if (bare) {
		t[0].start = i;
		t[0].n = 2;
		j = i + 2;
	} else if (!(j = sep_token(s, len, j, false, &t[0]))) {
		return VP_OK;
	}
	if (!(j = sep_token(s, len, j, false, &t[1])))
		return VP_OK;
	if (t[0].n == 2 && all(s, &t[0], is_alpha) && is_year(s, &t[1]) &&
	    !bare) {
		/* "ECLI:NL:2018:1664": court missing; never guess it */
		if (!(j = sep_token(s, len, j, true, &t[3])))
			return VP_OK;
		t[2] = t[1];
		t[1].n = 0;
		no_court = true;
	} else if (!(j = sep_token(s, len, j, false, &t[2]))) {
		return VP_OK;
	} else if (t[0].n == 2 && all(s, &t[0], is_alpha) &&
	           is_year(s, &t[2])) {
		if (!(j = sep_token(s, len, j, true, &t[3])))
			return VP_OK;
	} else if (is_year(s, &t[1]) &&
	           prs_isalpha((unsigned char)s[t[0].start]) && t[0].n > 2) {
		/* "ECLI:RVS:2013:CA0629": country missing */
		t[3] = t[2];
		t[2] = t[1];
		t[1] = t[0];
		t[0].n = 0;
		no_country = true;
	} else {
		return VP_OK;
	}
	if (no_court) {
		;
	} else if (t[1].n > 8 || !prs_isalpha((unsigned char)s[t[1].start])) {
		return VP_OK;
	}
	if (no_country)
		strcpy(country, "NL");
	else
		upper_tok(country, s, &t[0]);
	if (no_court)
		strcpy(court, "?");
	else
		upper_tok(court, s, &t[1]);
	upper_tok(year, s, &t[2]);
	upper_tok(number, s, &t[3]);
	if (!valid_number(s, country, &t[3]))
		return VP_OK;
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
	c.confidence = no_country ? 0.8 : 1.0;
	c.reason = no_country ? "country code missing: assumed NL" : NULL;
	if (bare) {
		c.confidence = 0.7;
		c.reason = "ECLI prefix missing";
	} else if (ocr) {
		c.confidence = 0.8;
		c.reason = "misspelt ECLI prefix (OCR)";
	}
	if (no_court) {
		c.confidence = 0.3;
		c.reason = "court code missing: the decision needs a lookup";
		c.url = NULL;
		prs_cit_field(&c, "lookup", "ecli");
	}
	c.start = i;
	c.end = t[3].start + t[3].n;
	prs_cit_field(&c, "country", country);
	prs_cit_field(&c, "court", court);
	prs_cit_field(&c, "year", year);
	prs_cit_field(&c, "number", number);
	if ((rv = prs_emit(ctx, &c)) == VP_OK)
		*end = c.end;
	return rv;
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

int prs_try_ljn(struct prs_ctx *ctx, size_t i, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, j, n, d;
	bool saw_nr = false, need_nr = false;
	char id[16], ljn[8];
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
	prs_fmt(id, sizeof id, "LJN:%s", ljn);
	memset(&c, 0, sizeof c);
	c.family = "ecli";
	c.id = id;
	c.confidence = 0.6;
	c.reason = "LJN only: the ECLI needs the court and year or a lookup";
	c.start = i;
	c.end = j + 4;
	prs_cit_field(&c, "ljn", ljn);
	prs_cit_field(&c, "lookup", "ecli");
	if ((rv = prs_emit(ctx, &c)) == VP_OK)
		*end = c.end;
	return rv;
}
