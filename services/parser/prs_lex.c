/* prs_lex.c - byte-level lexing helpers shared by the family recognisers:
 * space and dash variants (spec §1), words, chamber, vergaderjaar, "nr." labels
 * and page references. All work on the original bytes with bounded lookahead.
 */
#include <stdint.h>
#include <string.h>

#include "prs_internal.h"

size_t prs_space(const char *s, size_t len, size_t i)
{
	unsigned char c = prs_at(s, len, i);
	if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')
		return 1;
	if (c == 0xC2) {
		unsigned char d = prs_at(s, len, i + 1);
		if (d == 0xA0 || d == 0xAD) /* NBSP, soft hyphen */
			return 2;
	} else if (c == 0xE2 && prs_at(s, len, i + 1) == 0x80) {
		unsigned char d = prs_at(s, len, i + 2);
		/* U+2002..U+200B spaces, U+202F narrow no-break space */
		if ((d >= 0x82 && d <= 0x8B) || d == 0xAF)
			return 3;
	}
	return 0;
}

size_t prs_ws(const char *s, size_t len, size_t i)
{
	size_t start = i, n;
	while (i - start < PRS_MAX_GAP && (n = prs_space(s, len, i)) > 0)
		i += n;
	return i;
}

size_t prs_dash(const char *s, size_t len, size_t i)
{
	unsigned char c = prs_at(s, len, i);
	if (c == '-')
		return 1;
	if (c == 0xE2) {
		unsigned char b = prs_at(s, len, i + 1),
		              d = prs_at(s, len, i + 2);
		if (b == 0x80 && d >= 0x90 && d <= 0x95) /* U+2010..U+2015 */
			return 3;
		if (b == 0x88 && d == 0x92) /* U+2212 minus */
			return 3;
	}
	return 0;
}

size_t prs_ndigits(const char *s, size_t len, size_t i, size_t max)
{
	size_t n = 0;
	while (n <= max && prs_isdigit(prs_at(s, len, i + n)))
		n++;
	return n;
}

size_t prs_prefix_full(const char *s, size_t len, size_t i, const char *word)
{
	size_t n = 0;
	for (; word[n]; n++)
		if (!prs_byte_eq(prs_at(s, len, i + n), (unsigned char)word[n]))
			return 0;
	return n;
}

size_t prs_word_full(const char *s, size_t len, size_t i, const char *word)
{
	size_t n = prs_prefix_full(s, len, i, word);
	if (n == 0 || prs_isalpha(prs_at(s, len, i + n)))
		return 0;
	return n;
}

/* Case folding for the filter: OR 0x20 maps 'A'-'Z' onto 'a'-'z' (and some
 * punctuation onto other punctuation: a false candidate, rejected by the
 * full compare). */
static bool eq_ci(const char *a, const char *w, size_t wl)
{
	for (size_t k = 0; k < wl; k++)
		if (!prs_byte_eq((unsigned char)a[k], (unsigned char)w[k]))
			return false;
	return true;
}

typedef unsigned char prs_v16 __attribute__((vector_size(16)));

const char *prs_find_ci(const char *s, size_t n, const char *w, size_t wl)
{
	unsigned char f, l;
	size_t p = 0;
	prs_v16 vf, vl, fold;
	if (wl == 0)
		return s;
	if (wl > n)
		return NULL;
	f = (unsigned char)(prs_isalpha((unsigned char)w[0]) ? w[0] | 0x20
	                                                     : w[0]);
	l = (unsigned char)(prs_isalpha((unsigned char)w[wl - 1])
	                        ? w[wl - 1] | 0x20
	                        : w[wl - 1]);
	for (int k = 0; k < 16; k++) {
		vf[k] = f;
		vl[k] = l;
		fold[k] = 0x20;
	}
	/* 16 start positions per step: lanes whose first and last byte
	 * match (folded) are compared in full */
	for (; p + wl - 1 + 16 <= n; p += 16) {
		prs_v16 a, b, m;
		uint64_t lo, hi;
		memcpy(&a, s + p, 16);
		memcpy(&b, s + p + wl - 1, 16);
		if (prs_isalpha(f))
			a |= fold;
		if (prs_isalpha(l))
			b |= fold;
		m = (prs_v16)((a == vf) & (b == vl));
		memcpy(&lo, &m, 8);
		memcpy(&hi, (char *)&m + 8, 8);
		if (!(lo | hi))
			continue;
		for (size_t k = 0; k < 16; k++)
			if (m[k] && eq_ci(s + p + k, w, wl))
				return s + p + k;
	}
	for (; p + wl <= n; p++)
		if (eq_ci(s + p, w, wl))
			return s + p;
	return NULL;
}

bool prs_word_start(const char *s, size_t i)
{
	return i == 0 || !prs_isalnum((unsigned char)s[i - 1]);
}

size_t prs_chamber(const char *s, size_t len, size_t i, char *chamber)
{
	size_t n, j;
	unsigned char c = prs_at(s, len, i);
	if (c == 'I') {
		if (prs_at(s, len, i + 1) == 'I' &&
		    !prs_isalnum(prs_at(s, len, i + 2))) {
			*chamber = 't';
			return 2;
		}
		if (!prs_isalnum(prs_at(s, len, i + 1))) {
			*chamber = 'e';
			return 1;
		}
		return 0;
	}
	if ((c == '2' || c == '1') && !prs_isalnum(prs_at(s, len, i + 1)) &&
	    prs_at(s, len, i + 1) != '.' && prs_at(s, len, i + 1) != '/') {
		*chamber = c == '2' ? 't' : 'e';
		return 1;
	}
	/* OCR reads "II" as "11" (spec §1.6): two digits cannot be a dossier */
	if (c == '1' && prs_at(s, len, i + 1) == '1' &&
	    !prs_isalnum(prs_at(s, len, i + 2)) &&
	    prs_at(s, len, i + 2) != '.' && prs_at(s, len, i + 2) != '/') {
		*chamber = 't';
		return 2;
	}
	if ((n = prs_word(s, len, i, "TK")) ||
	    (n = prs_word(s, len, i, "T.K."))) {
		*chamber = 't';
		return n;
	}
	if ((n = prs_word(s, len, i, "EK")) ||
	    (n = prs_word(s, len, i, "E.K."))) {
		*chamber = 'e';
		return n;
	}
	if ((n = prs_word(s, len, i, "Tweede")) ||
	    (n = prs_word(s, len, i, "Eerste"))) {
		j = prs_ws(s, len, i + n);
		if (j > i + n && (n = prs_word(s, len, j, "Kamer")) > 0) {
			*chamber = (c | 0x20) == 't' ? 't' : 'e';
			return j + n - i;
		}
	}
	return 0;
}

size_t prs_vergaderjaar(
    const char *s, size_t len, size_t i, char vj8[9], bool *repaired)
{
	size_t j = i, n, d;
	unsigned y1, y2 = 0;
	*repaired = false;
	if (i > 0 && (prs_isalnum((unsigned char)s[i - 1])))
		return 0;
	if (prs_ndigits(s, len, j, 4) != 4)
		return 0;
	y1 = (unsigned)((s[j] - '0') * 1000 + (s[j + 1] - '0') * 100 +
	                (s[j + 2] - '0') * 10 + (s[j + 3] - '0'));
	if (y1 < 1800 || y1 > 2199)
		return 0;
	j += 4;
	if (prs_at(s, len, j) == '/') {
		j++;
		if ((n = prs_dash(s, len, j)) > 0) /* "1985/- 86" */
			j = prs_ws(s, len, j + n);
	} else if ((n = prs_dash(s, len, j)) > 0) {
		j += n;
	} else {
		return 0;
	}
	d = prs_ndigits(s, len, j, 4);
	if (d < 2 || d > 4)
		return 0;
	for (n = 0; n < d; n++)
		y2 = y2 * 10 + (unsigned)(s[j + n] - '0');
	if (d == 2) {
		if (y2 != (y1 + 1) % 100)
			return 0;
	} else if (d == 4) {
		if (y2 != y1 + 1)
			return 0;
	} else {
		/* "2022–203": one digit lost; accept when the three digits
		 * are the expected year with one digit left out (the nearest
		 * valid vergaderjaar) */
		char want[8];
		bool ok = false;
		prs_fmt(want, sizeof want, "%u", y1 + 1);
		for (size_t drop = 0; drop < 4 && !ok && want[3]; drop++) {
			char sub[4] = {0};
			for (size_t a = 0, b = 0; a < 4; a++)
				if (a != drop)
					sub[b++] = want[a];
			ok = !memcmp(sub, s + j, 3);
		}
		if (!ok)
			return 0;
		*repaired = true;
	}
	j += d;
	prs_fmt(vj8, 9, "%04u%04u", y1 % 10000u, (y1 + 1) % 10000u);
	return j - i;
}

size_t prs_nr_label(const char *s, size_t len, size_t i, bool *plural)
{
	static const char *const labels[] = {
	    "nummers", "nummer", "nrs.", "nrs", "nr.", "nr"};
	/* every label starts with n: most words asked about stop here */
	if ((prs_at(s, len, i) | 0x20) != 'n')
		return 0;
	for (size_t k = 0; k < sizeof labels / sizeof labels[0]; k++) {
		size_t n = prs_prefix(s, len, i, labels[k]);
		if (n && !prs_isalpha(prs_at(s, len, i + n))) {
			*plural = k == 0 || k == 2 || k == 3;
			return n;
		}
	}
	return 0;
}

/* Appends byte c to pages if there is room. */
static void put(char *pages, size_t cap, size_t *n, char c)
{
	if (*n + 1 < cap) {
		pages[(*n)++] = c;
		pages[*n] = 0;
	}
}

size_t prs_pageref(const char *s, size_t len, size_t i, char *pages, size_t cap)
{
	static const char *const labels[] = {"bladzijde", "pagina", "pag.",
	    "pag", "blz.", "blz", "p.", "p", "b."};
	size_t j = prs_ws(s, len, i), n = 0, lab = 0, out = 0, d;
	if (prs_at(s, len, j) == ',')
		j = prs_ws(s, len, j + 1);
	for (size_t k = 0; k < sizeof labels / sizeof labels[0]; k++) {
		n = prs_prefix(s, len, j, labels[k]);
		if (n && !prs_isalpha(prs_at(s, len, j + n))) {
			lab = n;
			break;
		}
	}
	if (!lab)
		return i;
	j = prs_ws(s, len, j + lab);
	d = prs_ndigits(s, len, j, 6);
	if (d == 0 || d > 6)
		return i;
	if (cap)
		pages[0] = 0;
	for (size_t k = 0; k < d; k++)
		put(pages, cap, &out, s[j + k]);
	j += d;
	for (int rounds = 0; rounds < 8; rounds++) {
		size_t k = prs_ws(s, len, j), m;
		char sep = 0;
		if ((m = prs_dash(s, len, k)) > 0)
			sep = '-';
		else if (prs_at(s, len, k) == '/' || prs_at(s, len, k) == ',')
			sep = s[k], m = 1;
		else if ((m = prs_word(s, len, k, "en")) > 0)
			sep = ',';
		else if ((m = prs_word(s, len, k, "e.v.")) ||
		         (m = prs_prefix(s, len, k, "e v.")) ||
		         (m = prs_word(s, len, k, "ev."))) {
			put(pages, cap, &out, ' ');
			for (const char *e = "e.v."; *e; e++)
				put(pages, cap, &out, *e);
			j = k + m;
			break;
		}
		if (!sep)
			break;
		k = prs_ws(s, len, k + m);
		d = prs_ndigits(s, len, k, 6);
		if (d == 0 || d > 6) {
			if (sep == '-' && k == j + m) /* "p. 4-" open range */
				break;
			break;
		}
		put(pages, cap, &out, sep);
		if (sep == ',')
			put(pages, cap, &out, ' ');
		for (size_t q = 0; q < d; q++)
			put(pages, cap, &out, s[k + q]);
		j = k + d;
	}
	return j;
}
