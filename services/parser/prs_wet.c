/* prs_wet.c - references to legislation (spec §8): "artikel 10, tweede lid,
 * aanhef en onder e, van de Wob" -> JCI 1.3 ids, one per article/lid/onder
 * combination; a law named without an article ("de Wegenwet") -> the law's
 * JCI; "Wpg artikel 11 lid 1 en 2", "8:75 Awb", "hoofdstuk 4 van de Awb".
 *
 * Law names come from the document's own definitions first ("Wet
 * politiegegevens (Wpg)", "(hierna: Awb)"), then from the law index
 * (prs_laws.c: every regulation by citeertitel, alias and abbreviation).
 * Ambiguous names are resolved only by a definition or by context words of
 * the document, else reported with their candidates. "de wet", "die wet",
 * "het besluit" point at the law the document defines so ("wet: de Wet X",
 * "(hierna: de wet)") or at the last law of that kind it named, with a
 * confidence below 1 and the reason; "deze wet" and, in a regulation, a
 * bare "artikel 5" point inside the document (family internal). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "prs_internal.h"

#define MAX_ARTS 64
#define MAX_LIDS 8
#define MAX_OS   8
#define MAX_REFS 128

struct ref {
	char unit[12]; /* "" (artikel) or hoofdstuk, titeldeel, ... */
	char art[20];
	char lid[4];
	char o1[8], o2[8];
};

static const char *const ordinals[] = {"eerste", "tweede", "derde", "vierde",
    "vijfde", "zesde", "zevende", "achtste", "negende", "tiende", "elfde",
    "twaalfde", "dertiende", "veertiende", "vijftiende", "zestiende",
    "zeventiende", "achttiende", "negentiende", "twintigste"};

/* Ordinal at j ("tweede", "2e", "2de"): its value and length, 0 if none. */
static size_t ordinal(const char *s, size_t len, size_t j, int *val)
{
	size_t n, d;
	for (size_t k = 0; k < sizeof ordinals / sizeof *ordinals; k++)
		if ((n = prs_word(s, len, j, ordinals[k]))) {
			*val = (int)k + 1;
			return n;
		}
	d = prs_ndigits(s, len, j, 2);
	if (d >= 1 && d <= 2) {
		n = prs_word(s, len, j + d, "e");
		if (!n)
			n = prs_word(s, len, j + d, "de");
		if (n) {
			*val = (int)(s[j] - '0');
			if (d == 2)
				*val = *val * 10 + (s[j + 1] - '0');
			return d + n;
		}
	}
	return 0;
}

/* The end of a number s[j..p) with an optional lower-case letter after it
 * ("IIIa", "4b"): copies it to out and returns its length, 0 when a letter
 * or digit follows or it does not fit. */
static size_t number_end(
    const char *s, size_t len, size_t j, size_t p, char *out, size_t cap)
{
	if (prs_at(s, len, p) >= 'a' && prs_at(s, len, p) <= 'z' &&
	    !prs_isalpha(prs_at(s, len, p + 1)))
		p++;
	if (prs_isalnum(prs_at(s, len, p)) || p - j >= cap)
		return 0;
	memcpy(out, s + j, p - j);
	out[p - j] = 0;
	return p - j;
}

/* Whether "ter" written apart from a number begins a phrase of running
 * text ("artikel 8.40 ter zake van", "ter uitvoering van"): a lower-case
 * word after it that no pinpoint goes on with. */
static bool ter_phrase(const char *s, size_t len, size_t p)
{
	static const char *const go_on[] = {"en", "of", "van", "tot", "lid",
	    "onder", "sub", "juncto", "jo", "aanhef", "onderdeel", "eerste",
	    "tweede", "derde", "vierde", "vijfde", "zesde"};
	size_t q = prs_ws(s, len, p);
	if (q == p || !prs_isalpha(prs_at(s, len, q)) ||
	    prs_isupper(prs_at(s, len, q)))
		return false;
	for (size_t k = 0; k < sizeof go_on / sizeof *go_on; k++)
		if (prs_word(s, len, q, go_on[k]))
			return false;
	return true;
}

/* Article number: 25, 20a, 7.57H, 4:8, 2.130, 3.5.4, 13.1a, 16h. */
static size_t art_number(
    const char *s, size_t len, size_t j, char *out, size_t cap)
{
	size_t p = j, d;
	/* the Kieswet's "X 10", "P 11", "V 3": a capital, a space, a number */
	if (prs_isupper(prs_at(s, len, p)) && prs_at(s, len, p + 1) == ' ' &&
	    (d = prs_ndigits(s, len, p + 2, 3)) >= 1 && d <= 3) {
		size_t q = p + 2 + d;
		if (prs_at(s, len, q) >= 'a' && prs_at(s, len, q) <= 'z' &&
		    !prs_isalpha(prs_at(s, len, q + 1)))
			q++;
		if (!prs_isalnum(prs_at(s, len, q)) && q - j < cap) {
			memcpy(out, s + j, q - j);
			out[q - j] = 0;
			return q - j;
		}
	}
	/* "X1", "X7" (the Kieswet's "X 1" written without the space) */
	if (prs_isupper(prs_at(s, len, p)) &&
	    (d = prs_ndigits(s, len, p + 1, 3)) >= 1 && d <= 3 &&
	    prs_at(s, len, p + 1) != '0' &&
	    !prs_isalnum(prs_at(s, len, p + 1 + d)) && d + 2 < cap) {
		out[0] = (char)s[p];
		out[1] = ' ';
		memcpy(out + 2, s + p + 1, d);
		out[2 + d] = 0;
		return 1 + d;
	}
	if (strchr("IVX", prs_at(s, len, p)) && prs_at(s, len, p)) {
		/* an article of an amending act: I, IV, VIIa */
		while (p - j < 6 && prs_at(s, len, p) &&
		       strchr("IVXL", prs_at(s, len, p)))
			p++;
		return number_end(s, len, j, p, out, cap);
	}
	if (!(d = prs_ndigits(s, len, p, 5)) || d > 5 || s[p] == '0')
		return 0;
	p += d;
	for (int parts = 0; parts < 4; parts++) {
		unsigned char c = prs_at(s, len, p);
		if ((c == '.' || c == ':') &&
		    (d = prs_ndigits(s, len, p + 1, 4)) > 0 && d <= 4)
			p += 1 + d;
		else
			break;
	}
	/* "7: 658" */
	if (prs_at(s, len, p) == ':' && prs_at(s, len, p + 1) == ' ' &&
	    p + 2 - j < cap && (d = prs_ndigits(s, len, p + 2, 4)) > 0 &&
	    d <= 4 && !prs_isalnum(prs_at(s, len, p + 2 + d))) {
		size_t k = p - j;
		memcpy(out, s + j, k);
		out[k] = ':';
		memcpy(out + k + 1, s + p + 2, d);
		out[k + 1 + d] = 0;
		return p + 2 + d - j;
	}
	/* "429 quater", "420 bis" (the Wetboek van Strafrecht): one word */
	{
		static const char *const latin[] = {"bis", "ter", "quater",
		    "quinquies", "sexies", "septies", "octies", "novies",
		    "decies"};
		/* also "90, quinquies, tweede lid": a stray comma */
		size_t q = p + (prs_at(s, len, p) == ' ' ? 1
		                   : prs_at(s, len, p) == ',' &&
		                           prs_at(s, len, p + 1) == ' '
		                       ? 2
		                       : 0),
		       n, d0 = p - j;
		unsigned char c0 = prs_at(s, len, q);
		/* most numbers: the letter after is none of these */
		if (!strchr("btqsond", c0) || !c0)
			q = len; /* skip the table */
		for (size_t k = 0; q < len && k < sizeof latin / sizeof *latin;
		     k++)
			if ((n = prs_word(s, len, q, latin[k])) &&
			    d0 + n < cap && !prs_isupper(prs_at(s, len, q)) &&
			    !(k == 1 && q > p && ter_phrase(s, len, q + n))) {
				memcpy(out, s + j, d0);
				memcpy(out + d0, s + q, n);
				out[d0 + n] = 0;
				return q + n - j;
			}
	}
	/* "70 a, derde lid", "41 a van het Eindexamenbesluit": a letter
	 * written apart, before a comma or a word a pinpoint goes on with */
	if (prs_at(s, len, p) == ' ' && prs_at(s, len, p + 1) >= 'a' &&
	    prs_at(s, len, p + 1) <= 'z' &&
	    !prs_isalnum(prs_at(s, len, p + 2)) && p + 2 - j < cap) {
		unsigned char c3 = prs_at(s, len, p + 2);
		size_t r = prs_ws(s, len, p + 2);
		int v;
		if (c3 == ',' || c3 == ';' || c3 == ')' ||
		    (c3 == ' ' &&
		        (prs_word(s, len, r, "van") ||
		            prs_word(s, len, r, "en") ||
		            prs_word(s, len, r, "of") ||
		            prs_word(s, len, r, "tot") ||
		            prs_word(s, len, r, "lid") ||
		            ordinal(s, len, r, &v) ||
		            (prs_isupper(prs_at(s, len, r)) &&
		                prs_isupper(prs_at(s, len, r + 1)))))) {
			size_t k = p - j;
			memcpy(out, s + j, k);
			out[k] = (char)s[p + 1];
			out[k + 1] = 0;
			return p + 2 - j;
		}
	}
	/* "20a", "67cb", "16Aa", "10b1", "6.4a.1": up to two letters (the
	 * second in lower case) and a digit or a dotted part after them */
	if (prs_isalpha(prs_at(s, len, p))) {
		size_t q = p + 1;
		unsigned char c2 = prs_at(s, len, q);
		if (c2 >= 'a' && c2 <= 'z')
			q++;
		if (prs_isdigit(prs_at(s, len, q)) &&
		    !prs_isalnum(prs_at(s, len, q + 1)))
			q++;
		else if (prs_at(s, len, q) == '.' &&
		         (d = prs_ndigits(s, len, q + 1, 3)) >= 1 && d <= 3 &&
		         !prs_isalnum(prs_at(s, len, q + 1 + d)))
			q += 1 + d;
		if (!prs_isalpha(prs_at(s, len, q)))
			p = q;
	}
	if (prs_isalnum(prs_at(s, len, p)) || p - j >= cap)
		return 0;
	memcpy(out, s + j, p - j);
	out[p - j] = 0;
	return p - j;
}

/* Onderdeel: "b", "aa", "1°", "6º", "1". */
static size_t onderdeel(const char *s, size_t len, size_t j, char *out)
{
	size_t n = 0, d;
	if ((d = prs_ndigits(s, len, j, 2)) >= 1 && d <= 2) {
		n = d;
		if (prs_at(s, len, j + n) == 0xC2 &&
		    (prs_at(s, len, j + n + 1) == 0xB0 ||
		        prs_at(s, len, j + n + 1) == 0xBA))
			n += 2;
	} else if (prs_isupper(prs_at(s, len, j)) &&
	           !prs_isalnum(prs_at(s, len, j + 1))) {
		/* "onderdeel A 14°" (a definition's letter and its number):
		 * the letter, with the number read over */
		size_t q = j + 1;
		out[0] = (char)s[j];
		out[1] = 0;
		if (prs_at(s, len, q) == ' ' &&
		    (d = prs_ndigits(s, len, q + 1, 2)) >= 1 && d <= 2 &&
		    prs_at(s, len, q + 1 + d) == 0xC2 &&
		    (prs_at(s, len, q + 2 + d) == 0xB0 ||
		        prs_at(s, len, q + 2 + d) == 0xBA))
			q += 3 + d;
		return q - j;
	} else {
		static const char *const words[] = {"in", "op", "te", "na",
		    "om", "is", "al", "zo", "nu", "er", "ze", "we", "de", "en",
		    "of", "ik", "me", "je"};
		while (n < 2 && prs_at(s, len, j + n) >= 'a' &&
		       prs_at(s, len, j + n) <= 'z')
			n++;
		if (n == 0)
			return 0;
		/* "onderdeel d, in samenhang met": "in" is a word */
		for (size_t k = 0; n == 2 && k < sizeof words / sizeof *words;
		     k++)
			if (!memcmp(s + j, words[k], 2))
				return 0;
	}
	if (prs_isalnum(prs_at(s, len, j + n)))
		return 0;
	memcpy(out, s + j, n);
	out[n] = 0;
	return n;
}

/* ", aanhef en onder b en c", " sub b", " onder a, sub 1°". Appends the
 * first-level onderdelen to os and a nested one to *o2. */
static size_t onder_part(
    const char *s, size_t len, size_t j, char os[][8], size_t *n_os, char *o2)
{
	size_t p = prs_ws(s, len, j), n, q, none = j;
	char x[8];
	if (prs_at(s, len, p) == ',')
		p = prs_ws(s, len, p + 1);
	if ((n = prs_word(s, len, p, "aanhef"))) {
		size_t a = p + n;
		p = prs_ws(s, len, a);
		if (prs_at(s, len, p) == ',')
			p = prs_ws(s, len, p + 1);
		if (!(n = prs_word(s, len, p, "en")))
			return a; /* ", aanhef," */
		p = prs_ws(s, len, p + n);
		none = a; /* ", aanhef, en artikel 94": the aanhef alone */
	}
	/* "derde lid, de onderdelen c en f" */
	if ((n = prs_word(s, len, p, "de")) &&
	    prs_word(s, len, prs_ws(s, len, p + n), "onderdelen"))
		p = prs_ws(s, len, p + n);
	if (!(n = prs_word(s, len, p, "onder")) &&
	    !(n = prs_word(s, len, p, "onderdeel")) &&
	    !(n = prs_word(s, len, p, "onderdelen")) &&
	    !(n = prs_word(s, len, p, "sub")) &&
	    !(n = prs_word(s, len, p, "letter")) &&
	    !((prs_at(s, len, p) | 0x20) == 'l' &&
	        (n = prs_word(s, len, p, "letters"))))
		return none;
	p = prs_ws(s, len, p + n);
	if (!(n = onderdeel(s, len, p, x)))
		return none;
	strcpy(os[(*n_os)++], x);
	p += n;
	for (;;) {
		size_t r = prs_ws(s, len, p), sep;
		if (prs_at(s, len, r) == ',')
			sep = 1;
		else if (!(sep = prs_word(s, len, r, "en")) &&
		         !(sep = prs_word(s, len, r, "of")) &&
		         !(sep = prs_word(s, len, r, "tot en met")) &&
		         !(sep = prs_word(s, len, r, "t/m")))
			break;
		q = prs_ws(s, len, r + sep);
		if (sep == 0)
			break;
		if (sep == 1 && ((n = prs_word(s, len, q, "en")) ||
		                    (n = prs_word(s, len, q, "of"))))
			q = prs_ws(s, len, q + n); /* "c, d, en f" */
		if (((n = prs_word(s, len, q, "sub")) ||
		        (n = prs_word(s, len, q, "subonderdeel")) ||
		        (n = prs_word(s, len, q, "onder"))) &&
		    *n_os >= 1 && !o2[0]) {
			q = prs_ws(s, len, q + n);
			if ((n = onderdeel(s, len, q, o2))) {
				p = q + n;
				continue;
			}
			break;
		}
		if ((n = prs_word(s, len, q, "onderdeel")))
			q = prs_ws(s, len, q + n); /* "a of onderdeel c" */
		/* "letters f, o, 2°, en u": a sub-item of the letter before
		 * (the JCI names the onderdeel) */
		if (prs_isalpha((unsigned char)os[0][0]) &&
		    (n = prs_ndigits(s, len, q, 2)) >= 1 && n <= 2 &&
		    prs_at(s, len, q + n) == 0xC2 &&
		    prs_at(s, len, q + n + 1) == 0xB0) {
			p = q + n + 2;
			continue;
		}
		/* after letters ("onder b en c, 92, tweede lid") a number is
		 * the next article, not an onderdeel */
		if (prs_isalpha((unsigned char)os[0][0]) &&
		    prs_isdigit(prs_at(s, len, q)))
			break;
		if (*n_os >= MAX_OS || !(n = onderdeel(s, len, q, x)) ||
		    prs_word(s, len, prs_ws(s, len, q + n), "lid"))
			break;
		strcpy(os[(*n_os)++], x);
		p = q + n;
	}
	return p;
}

static int atoi_n(const char *s, size_t n)
{
	int v = 0;
	for (size_t k = 0; k < n && k < 6; k++)
		v = v * 10 + (s[k] - '0');
	return v;
}

/* Whether s[0..n) contains w in any case. */
static bool has_word(const char *s, size_t n, const char *w)
{
	return prs_find_ci(s, n, w, strlen(w)) != NULL;
}

/* Lid part: ", lid 1", " lid 1 en 2", "lid 1 en lid 3", ", eerste lid",
 * ", eerste, tweede, en vijfde lid", "1e lid". */
static size_t lid_part(
    const char *s, size_t len, size_t j, int *lids, size_t *n_lids)
{
	size_t p = prs_ws(s, len, j), n, q;
	int v;
	if (prs_at(s, len, p) == ',')
		p = prs_ws(s, len, p + 1);
	if ((n = prs_word(s, len, p, "lid")) ||
	    (n = prs_word(s, len, p, "leden"))) {
		p = prs_ws(s, len, p + n);
		/* a full list (lids added to an article that has them:
		 * "leden 1 tot en met 9 en lid 11, en lid 12") ends here */
		if (!(n = prs_ndigits(s, len, p, 2)) || n > 2 ||
		    prs_isalnum(prs_at(s, len, p + n)) || *n_lids >= MAX_LIDS)
			return j;
		lids[(*n_lids)++] = atoi_n(s + p, n);
		p += n;
		for (;;) {
			size_t r = prs_ws(s, len, p), sep, t;
			/* "leden 1 tot en met 9" */
			if ((t = prs_word(s, len, r, "tot en met")) &&
			    (q = prs_ws(s, len, r + t),
			        (n = prs_ndigits(s, len, q, 2)) >= 1) &&
			    n <= 2 && !prs_isalnum(prs_at(s, len, q + n))) {
				int a = lids[*n_lids - 1], b = atoi_n(s + q, n);
				if (b <= a || b > 25)
					break;
				for (int x = a + 1;
				     x <= b && *n_lids < MAX_LIDS; x++)
					lids[(*n_lids)++] = x;
				p = q + n;
				continue;
			}
			if (prs_at(s, len, r) == ',')
				sep = 1;
			else if (!(sep = prs_word(s, len, r, "en")))
				break;
			q = prs_ws(s, len, r + sep);
			if ((n = prs_word(s, len, q, "lid")))
				q = prs_ws(s, len, q + n);
			else if (sep == 1)
				break; /* "lid 1, 25 en 26": 25 is an article */
			if (*n_lids >= MAX_LIDS ||
			    !(n = prs_ndigits(s, len, q, 2)) || n > 2 ||
			    prs_isalnum(prs_at(s, len, q + n)) ||
			    atoi_n(s + q, n) > 25)
				break; /* "leden 5 en 6 en 88": 88 neither */
			lids[(*n_lids)++] = atoi_n(s + q, n);
			p = q + n;
		}
		return p;
	}
	/* ordinals, then "lid"/"leden"; again after "en" ("tweede lid en
	 * derde lid") */
	for (int group = 0;; group++) {
		int vals[MAX_LIDS];
		size_t nv = 0, e;
		bool range = false;
		q = p;
		while (nv < MAX_LIDS && (n = ordinal(s, len, q, &v))) {
			if (range && nv && v > vals[nv - 1] &&
			    v - vals[nv - 1] < MAX_LIDS)
				for (int x = vals[nv - 1] + 1;
				     x < v && nv < MAX_LIDS - 1; x++)
					vals[nv++] = x;
			vals[nv++] = v;
			range = false;
			q = prs_ws(s, len, q + n);
			if (prs_at(s, len, q) == ',')
				q = prs_ws(s, len, q + 1);
			if ((n = prs_word(s, len, q, "en")) ||
			    (n = prs_word(s, len, q, "of")) ||
			    (n = prs_word(s, len, q, "onderscheidenlijk")) ||
			    (n = prs_word(s, len, q, "respectievelijk")))
				q = prs_ws(s, len, q + n);
			else if ((n = prs_word(s, len, q, "tot en met")) ||
			         (n = prs_word(s, len, q, "t/m"))) {
				q = prs_ws(s, len, q + n);
				range = true;
			}
			/* "tweede tot en met het vijfde lid" */
			if ((n = prs_word(s, len, q, "het")) &&
			    ordinal(s, len, prs_ws(s, len, q + n), &v))
				q = prs_ws(s, len, q + n);
		}
		if (!nv || (!(n = prs_word(s, len, q, "lid")) &&
		               !(n = prs_word(s, len, q, "leden"))))
			return j;
		for (size_t k = 0; k < nv && *n_lids < MAX_LIDS; k++)
			lids[(*n_lids)++] = vals[k];
		j = e = q + n;
		p = prs_ws(s, len, e);
		if (prs_at(s, len, p) == ',')
			p = prs_ws(s, len, p + 1);
		if (!(n = prs_word(s, len, p, "en")) &&
		    !(n = prs_word(s, len, p, "of")))
			return e;
		p = prs_ws(s, len, p + n);
		if (!ordinal(s, len, p, &v))
			return e;
	}
}

static bool doc_search(const struct prs_ctx *ctx, const char *w)
{
	if (ctx->segs) {
		for (size_t k = 0; k < ctx->n_segs; k++) {
			const char *t = ctx->segs[k].text;
			if (t && has_word(t, strlen(t), w))
				return true;
		}
		return false;
	}
	return has_word(ctx->doc, ctx->doc_len, w);
}

/* Whether the document contains w, searched once per document: asking for
 * every citation would make a document full of "art. 1 Wpg" quadratic. */
static bool doc_has(struct prs_ctx *ctx, const char *w)
{
	bool found;
	for (size_t k = 0; k < ctx->n_has; k++)
		if (!strcmp(ctx->has[k].w, w))
			return ctx->has[k].found;
	found = doc_search(ctx, w);
	if (ctx->n_has < PRS_MAX_HAS && strlen(w) < sizeof ctx->has[0].w) {
		strcpy(ctx->has[ctx->n_has].w, w);
		ctx->has[ctx->n_has++].found = found;
	}
	return found;
}

/* The distinctive word of a title: its longest word, cut to 7 letters
 * ("politiegegevens" -> "politie", "gezondheid" -> "gezondh"). */
static void stem(const char *title, char out[8])
{
	const char *best = "", *p = title;
	size_t bl = 0;
	while (*p) {
		size_t n = strcspn(p, " -");
		if (n > bl && strncasecmp(p, "wet", 3) != 0) {
			best = p;
			bl = n;
		}
		p += n;
		p += strspn(p, " -");
	}
	if (bl > 7)
		bl = 7;
	memcpy(out, best, bl);
	out[bl] = 0;
}

static bool head_has(const struct prs_ctx *ctx, const char *a);
static long law_ending_at(struct prs_ctx *ctx, const char *s, size_t len,
    size_t e, size_t *b, bool alone);
static int head_shape(const char *a, long *lead);

/* ---- laws ---- */

/* The law a citation names, as read. */
struct law {
	long idx; /* in ctx->laws, -1: not in the index */
	char bwb[24];
	char title[128];
	char written[64];
	const char *reason;
	const char *candidates; /* for ambiguous names */
	char cand_buf[256];
	char reason_buf[160];
	double conf;
	bool resolved;
	bool internal; /* "deze wet", or a bare article in a regulation */
	unsigned char kind;
};

/* An empty reading (no memset: the buffers are large and written before
 * they are read). */
static void law_clear(struct law *L)
{
	L->idx = -1;
	L->bwb[0] = L->title[0] = L->written[0] = 0;
	L->reason = L->candidates = NULL;
	L->conf = 0;
	L->resolved = L->internal = false;
	L->kind = 0;
}

/* A reference inside the document itself, read so because nothing names
 * another regulation: confidence below 1, with the reason. */
static void law_internal(struct law *L, const char *reason)
{
	law_clear(L);
	L->internal = true;
	L->conf = 0.9;
	L->reason = reason;
}

static void law_set(struct prs_ctx *ctx, struct law *L, long idx)
{
	const struct prs_law *x = prs_laws_get(ctx->laws, (uint32_t)idx);
	L->idx = idx;
	if (!x)
		return;
	prs_fmt(L->bwb, sizeof L->bwb, "%s", x->bwb);
	prs_fmt(L->title, sizeof L->title, "%.127s", x->title);
	L->kind = x->kind;
	L->resolved = true;
}

/* L becomes law idx, carried from earlier in the text, at conf; its reason
 * is before, the law's title, after. */
static void law_carried(struct prs_ctx *ctx, struct law *L, long idx,
    double conf, const char *before, const char *after)
{
	law_clear(L);
	law_set(ctx, L, idx);
	L->conf = conf;
	prs_fmt(L->reason_buf, sizeof L->reason_buf, "%s%.80s%s", before,
	    L->title, after);
	L->reason = L->reason_buf;
}

/* Picks the candidate of an ambiguous name by context words; -1 when none
 * or more than one candidate's word occurs in the document. Cached per
 * name. */
static long by_context(
    struct prs_ctx *ctx, const char *key, const struct prs_law_match *m)
{
	long pick = -1;
	int hits = 0;
	for (size_t k = 0; k < ctx->n_ambig; k++)
		if (!strcmp(ctx->ambig[k].key, key))
			return ctx->ambig[k].pick;
	for (size_t r = 0; r < m->n_cands; r++) {
		const struct prs_law *x = prs_laws_get(ctx->laws, m->cands[r]);
		char w[8];
		stem(x->title, w);
		if (strlen(w) >= 5 && doc_has(ctx, w)) {
			hits++;
			pick = (long)m->cands[r];
		}
	}
	if (hits != 1)
		pick = -1;
	if (ctx->n_ambig < PRS_MAX_AMBIG && strlen(key) < 24) {
		strcpy(ctx->ambig[ctx->n_ambig].key, key);
		ctx->ambig[ctx->n_ambig++].pick = pick;
	}
	return pick;
}

/* After a law named by its date alone ("Wet van 28 juni 2006"), whether
 * the text goes on with a title: the table's title of that date did not
 * go on with the same words, so the text names another law of that date. */
static bool title_follows(const char *s, size_t len, size_t e)
{
	static const char *const heads[] = {"houdende", "tot", "inzake",
	    "betreffende", "ter", "tegen", "op", "van", "met", "ten"};
	size_t p = prs_ws(s, len, e);
	if (prs_at(s, len, p) == ',')
		p = prs_ws(s, len, p + 1);
	for (size_t k = 0; k < sizeof heads / sizeof *heads; k++)
		if (prs_word(s, len, p, heads[k]))
			return true;
	return false;
}

/* The reason of a law named by the date and the first words of its
 * official title: as sure as a name, save for laws the table misses. */
static const char dated_titled[] =
    "law named by the date and the first words of its title";

/* Whether a dated title at j is the text's own title: it opens the text,
 * on a line that is no sentence (it ends without a full stop). */
static bool own_title(const char *s, size_t len, size_t j)
{
	const char *nl;
	size_t e;
	if (j != 0)
		return false;
	nl = memchr(s, '\n', len);
	e = nl ? (size_t)(nl - s) : len;
	while (e > 0 && (s[e - 1] == ' ' || s[e - 1] == '\r'))
		e--;
	return e > 0 && s[e - 1] != '.' && s[e - 1] != ';';
}

static bool title_stop(const char *s, size_t len, size_t p);
static size_t unknown_title(const char *s, size_t len, size_t j);

/* Words that follow a law name without going on its title: the units of
 * a law, in a heading or table ("Wet milieubeheer Hoofdstuk 5"). */
static bool unit_word(const char *s, size_t len, size_t p)
{
	static const char *const units[] = {"Artikel", "Artikelen", "Hoofdstuk",
	    "Afdeling", "Paragraaf", "Titel", "Titeldeel", "Bijlage", "Boek",
	    "Deel", "Onderdeel", "Lid", "Stb", "Stcrt"};
	for (size_t k = 0; k < sizeof units / sizeof *units; k++)
		if (prs_word(s, len, p, units[k]) &&
		    !strncmp(s + p, units[k], strlen(units[k])))
			return true;
	return false;
}

/* Whether the text goes on past a name [j, e) that longer names in the
 * table begin with: one space, then a year ("Handelsregisterwet 1996"), a
 * capitalised word ("Experimentenwet Stad en Milieu") or a word of a title
 * (below), none of which continues a name the table holds. The text then
 * likely names a longer title the table does not know. */
static bool goes_on(const char *s, size_t len, size_t j, size_t e)
{
	size_t p = e + 1, n = 0, w = e;
	if (prs_at(s, len, e) != ' ' || p >= len)
		return false;
	while (p + n < len && prs_isdigit((unsigned char)s[p + n]))
		n++;
	if (n > 0)
		return n == 4 && (s[p] == '1' || s[p] == '2') &&
		       !prs_isalnum(prs_at(s, len, p + n));
	if (!prs_isalpha(prs_at(s, len, p)) ||
	    (n = prs_law_word(s, len, p)) < 2)
		return false;
	if (prs_isupper(prs_at(s, len, p)))
		return !unit_word(s, len, p);
	/* a lower-case word goes on a title when it is a law word itself
	 * ("Warenwet besluit drukapparatuur"), or when the name ends in the
	 * bare kind of a regulation ("Algemene wet erkenning ...",
	 * "Subsidieregeling natuurbeheer 2000"): after any other name it may
	 * be the verb of the sentence ("de Zorgverzekeringswet verlangt") */
	if ((n >= 7 && !strncmp(s + p + n - 7, "besluit", 7)) ||
	    (n >= 8 && !strncmp(s + p + n - 8, "regeling", 8)))
		return true;
	if (title_stop(s, len, p))
		return false;
	while (w > j && s[w - 1] != ' ')
		w--;
	return prs_word(s, len, w, "wet") || prs_word(s, len, w, "besluit") ||
	       prs_word(s, len, w, "regeling") ||
	       (w == j && e - j >= 12 && !strncmp(s + e - 8, "regeling", 8));
}

/* Whether a name at j ends a title the table does not know: right after a
 * compound law word ("bekostigingsbesluit WEC"), or after words of a title
 * (lower-case, or capitalised inside it) back to a law word that opens
 * titles ("het Besluit financiering uitvoeringsorganisatie bijzondere
 * ziektekostenverzekering AWBZ", "Besluit Premiedifferentiatie WAO",
 * "Regels vrijwillige verzekering Wet WIA"), on the same line. */
static bool ends_title(const char *s, size_t len, size_t j)
{
	size_t p = j;
	for (int words = 0; words < 10 && p > 1 && s[p - 1] == ' '; words++) {
		size_t b = p - 1;
		while (b > 0 && s[b - 1] != ' ' && s[b - 1] != '\n' &&
		       s[b - 1] != '\t')
			b--;
		if (b == p - 1 || !prs_isalpha(prs_at(s, len, b)))
			return false;
		if (words == 0 && p - 1 - b >= 7 &&
		    (!strncasecmp(s + p - 4, "wet", 3) ||
		        !strncasecmp(s + p - 8, "besluit", 7) ||
		        (p - 1 - b >= 8 &&
		            !strncasecmp(s + p - 9, "regeling", 8))))
			return true; /* "bekostigingsbesluit WEC" */
		if (prs_isupper(prs_at(s, len, b))) {
			static const char *const kinds[] = {"Regels",
			    "Aanwijzing", "Beschikking", "Verordening",
			    "Instructie"};
			if (unknown_title(s, len, b) >= j - b)
				return true;
			for (size_t k = 0; k < sizeof kinds / sizeof *kinds;
			     k++)
				if (words > 0 && prs_word(s, len, b, kinds[k]))
					return true;
			/* a capital inside a title ("Besluit
			 * Premiedifferentiatie WAO"): go on back, unless it
			 * is an abbreviation or opens a sentence or line */
			if (prs_isupper(prs_at(s, len, b + 1)) || b < 2 ||
			    s[b - 1] != ' ' || s[b - 2] == '.')
				return false;
			p = b;
			continue;
		}
		/* a heading writes the title in lower case: "Wijziging
		 * besluit trekkende bevolking WPO" */
		if (words > 0 && (prs_word(s, len, b, "besluit") ||
		                     prs_word(s, len, b, "regeling")))
			return true;
		if (title_stop(s, len, b))
			return false;
		p = b;
	}
	return false;
}

/* The reasons of a name read inside a longer title. */
static const char longer_title[] =
    "the text goes on past the name: perhaps a longer title the law table "
    "does not know";
static const char in_title[] =
    "the name ends a longer title the law table does not know";

/* Longest law name at j: a definition of the document or a name of the law
 * index. Weak names (abbreviations that are not law words) are taken only
 * when weak_ok (an article is next to them) or the name is safe alone.
 * Fills *L and returns the length, 0 if none. */
static size_t law_at(struct prs_ctx *ctx, size_t j, struct law *L, bool weak_ok)
{
	const char *s = ctx->s;
	size_t len = ctx->len, best = 0;
	struct prs_law_match m;
	unsigned char c = prs_at(s, len, j);
	law_clear(L);
	if (!prs_isalpha(c) && c != 0xC3 && c != '\'' && c != 0xE2)
		return 0;
	/* document definitions: exact case, whole word */
	for (size_t k = 0; k < ctx->n_defs; k++) {
		size_t al = strlen(ctx->defs[k].abbr);
		if (j + al <= len && !memcmp(s + j, ctx->defs[k].abbr, al) &&
		    !prs_isalnum(prs_at(s, len, j + al)) && al > best) {
			best = al;
			law_clear(L);
			if (ctx->defs[k].law >= 0)
				law_set(ctx, L, ctx->defs[k].law);
			prs_fmt(L->title, sizeof L->title, "%s",
			    ctx->defs[k].title);
			L->conf = L->resolved ? 1.0 : 0.5;
			L->reason = L->resolved ? NULL
			                        : "law defined in the document "
			                          "but not in the law table";
		}
	}
	if ((weak_ok ? prs_laws_match_any_case(ctx->laws, s, len, j, &m)
	             : prs_laws_match(ctx->laws, s, len, j, &m)) &&
	    m.end - j > best &&
	    (weak_ok || !(m.flags & PRS_NAME_WEAK) ||
	        (m.flags & PRS_NAME_STRONG)) &&
	    !((m.flags & (PRS_NAME_DATED | PRS_NAME_TITLED)) &&
	        own_title(s, len, j)) &&
	    !((m.flags & PRS_NAME_DATED) && title_follows(s, len, m.end))) {
		char key[24];
		best = m.end - j;
		law_clear(L);
		L->conf = 1.0;
		prs_fmt(key, sizeof key, "%.*s", (int)(best < 23 ? best : 23),
		    s + j);
		if (m.n_cands == 1) {
			law_set(ctx, L, (long)m.cands[0]);
			if ((m.flags & PRS_NAME_LONGER) &&
			    goes_on(s, len, j, m.end)) {
				/* a guess: the name may be the start of
				 * another law's title */
				L->conf = 0.5;
				L->reason = longer_title;
			} else if (m.flags & PRS_NAME_TITLED) {
				L->conf = 0.9;
				L->reason = dated_titled;
			} else if (m.flags & PRS_NAME_DATED) {
				L->conf = 0.8;
				L->reason =
				    "law named by the date of its title "
				    "alone: the only one of that date "
				    "in the law table";
			}
		} else {
			long pick = by_context(ctx, key, &m);
			if (pick >= 0) {
				law_set(ctx, L, pick);
				L->conf = 0.8;
				L->reason = "ambiguous abbreviation resolved "
				            "by context words";
				if (m.flags & PRS_NAME_DATED) {
					L->conf = 0.6;
					L->reason = "law named by the date of "
					            "its title "
					            "alone: of the laws of "
					            "that date in "
					            "the law table, the one "
					            "whose title "
					            "word the document uses";
				}
			} else {
				size_t o = 0;
				const struct prs_law *x =
				    prs_laws_get(ctx->laws, m.cands[0]);
				L->conf = 0.4;
				L->reason = "ambiguous name: needs a local "
				            "definition";
				for (size_t q = 0; q < m.n_cands; q++) {
					const struct prs_law *y =
					    prs_laws_get(ctx->laws, m.cands[q]);
					if (o >= sizeof L->cand_buf)
						break;
					o += (size_t)prs_fmt(L->cand_buf + o,
					    sizeof L->cand_buf - o, "%s%s %s",
					    q ? "; " : "", y->bwb, y->title);
				}
				L->candidates = L->cand_buf;
				(void)x; /* no title: the name means several */
			}
		}
	}
	/* a name of the table or of the document's definitions ("(WAO)")
	 * that ends a title the table does not know */
	if (best && L->resolved && L->conf >= 1.0 && ends_title(s, len, j)) {
		L->conf = 0.5;
		L->reason = in_title;
	}
	if (best)
		prs_fmt(L->written, sizeof L->written, "%.*s",
		    (int)(best < 63 ? best : 63), s + j);
	return best;
}

/* Whether the word at p may not be part of an unknown title: verbs and
 * conjunctions that follow a law name in running text. */
static bool title_stop(const char *s, size_t len, size_t p)
{
	static const char *const stops[] = {"is", "zijn", "wordt", "worden",
	    "werd", "heeft", "hebben", "kan", "kunnen", "moet", "mag", "zal",
	    "zullen", "geldt", "gelden", "bedoeld", "genoemd", "als", "die",
	    "dat", "welke", "waarin", "waarbij", "indien", "wanneer", "tenzij",
	    "alsmede", "juncto", "jo", "en", "of", "onderscheidenlijk",
	    "respectievelijk", "ingevolge", "krachtens", "ter", "te", "door",
	    "niet", "ook", "nog", "zo", "aan", "wel", "tot", "met", "bij", "om",
	    "na", "voorzover", "voor", "zoals", "overeenkomstig", "vastgesteld",
	    "gesteld", "gegeven", "verleend", "opgenomen", "omschreven",
	    "vermeld", "aangewezen", "artikel", "artikelen", "in", "uit", "dan",
	    "over", "per", "sinds", "tijdens", "wat", "wie", "zich", "een",
	    "de", "het", "der", "den", "van", "zou", "zouden", "dient",
	    "dienen", "sprake", "plaatsvinden", "plaatsvindt", "volgens",
	    "reeds", "eveneens", "mede", "slechts", "alleen", "blijkt",
	    "blijft", "bepaalt", "bepaald", "luidt", "luidde", "gewijzigd",
	    "ingetrokken", "toegepast", "vereist", "voorzien", "voorgeschreven",
	    "gebaseerd", "verstaan", "opgelegd", "betrokken", "hierna",
	    "daarin", "daarbij", "waarop", "waarvan", "nadat", "voordat",
	    "omdat", "hetgeen"};
	for (size_t k = 0; k < sizeof stops / sizeof *stops; k++)
		if (prs_word(s, len, p, stops[k]) &&
		    prs_isalpha((unsigned char)stops[k][0]) &&
		    !prs_isupper(prs_at(s, len, p)))
			return true;
	return false;
}

/* Whether the article at p goes on a title that began at j: "Wet op de
 * gevaarlijke werktuigen", "Wet inzake de luchtverontreiniging" (after
 * "op", "inzake", "betreffende", "omtrent", before a lower-case word that
 * is no verb). */
static bool title_article(const char *s, size_t len, size_t j, size_t p)
{
	static const char *const before[] = {
	    "op", "inzake", "betreffende", "omtrent"};
	size_t n, q, b;
	bool ok = false;
	if (!(n = prs_word(s, len, p, "de")) &&
	    !(n = prs_word(s, len, p, "het")))
		return false;
	for (b = p - 1; b > j && s[b - 1] != ' '; b--)
		;
	for (size_t k = 0; k < sizeof before / sizeof *before; k++)
		if (b > j && prs_word(s, len, b, before[k]) &&
		    b + strlen(before[k]) + 1 == p)
			ok = true;
	q = prs_ws(s, len, p + n);
	return ok && q > p + n && prs_isalpha(prs_at(s, len, q)) &&
	       !prs_isupper(prs_at(s, len, q)) && !title_stop(s, len, q);
}

/* The length of a title starting at j: its words up to punctuation that
 * ends it, a line end, or a verb or conjunction of the running text; with
 * commas, "organisatie, bedrijfsvoering en informatiesystemen" goes on over
 * the comma. At most 120 bytes, cut at a character boundary. */
static size_t title_span(const char *s, size_t len, size_t j, bool commas)
{
	size_t p = j, last = 0;
	while (p < len && p - j < 120) {
		unsigned char c = (unsigned char)s[p];
		if (c == ';' || c == '.' || c == '(' || c == ')' || c == '\n' ||
		    c == ':' || c == '"' || c == '\t')
			break;
		if (c == ',' && !commas)
			break;
		if (c == ',') {
			/* "organisatie, bedrijfsvoering en ...": a comma
			 * inside a title is followed by a lower-case word
			 * and ends with "en" + words */
			size_t q = prs_ws(s, len, p + 1);
			if (p == j || prs_isupper(prs_at(s, len, q)) ||
			    !prs_isalpha(prs_at(s, len, q)) ||
			    title_stop(s, len, q) || p - j > 60)
				break;
			{
				size_t e = q, k = 0;
				bool en = false;
				while (e < len && k < 6 && s[e] != ',' &&
				       s[e] != '.' && s[e] != '\n') {
					if (prs_word(s, len, e, "en"))
						en = true;
					e++;
				}
				if (!en)
					break;
			}
			p++;
			continue;
		}
		if (p > j && (s[p - 1] == ' ') && prs_isalpha(c) &&
		    title_stop(s, len, p) && !prs_word(s, len, p, "en") &&
		    !title_article(s, len, j, p))
			break;
		if (p > j && s[p - 1] == ' ' && prs_word(s, len, p, "en")) {
			/* "en" continues a title only before a lower-case
			 * word that is not a verb ("bedrijfsvoering en
			 * informatiesystemen") */
			size_t q = prs_ws(s, len, p + 2);
			if (!prs_isalpha(prs_at(s, len, q)) ||
			    prs_isupper(prs_at(s, len, q)) ||
			    title_stop(s, len, q) || !memchr(s + j, ',', p - j))
				break;
		}
		p++;
		if (prs_isalnum(c) || c >= 0x80)
			last = p;
	}
	while (last > j && (unsigned char)s[last - 1] >= 0x80 &&
	       (unsigned char)s[last - 1] < 0xC0 &&
	       (unsigned char)s[last - 1] != 0xB6 && last - j >= 120)
		last--;
	return last > j ? last - j : 0;
}

/* A law title missing from the index: "Wet herstel voorzieningen Sint
 * Eustatius", "Coördinatiebesluit organisatie, bedrijfsvoering en
 * informatiesystemen rijksdienst". Starts with a law word; runs over the
 * words of a title and stops at punctuation that ends it, a line end, or a
 * verb or conjunction of the running text; at most 120 bytes. */
static size_t unknown_title(const char *s, size_t len, size_t j)
{
	static const char *const heads[] = {"Wet", "Wetboek", "Reglement",
	    "Besluit", "Regeling", "Verdrag", "Rijkswet", "Algemene"};
	size_t w;
	bool ok = false;
	for (size_t k = 0; k < sizeof heads / sizeof *heads; k++)
		if (prs_word(s, len, j, heads[k]) &&
		    !strncmp(s + j, heads[k], strlen(heads[k])))
			ok = true;
	if (!ok && prs_isupper(prs_at(s, len, j))) {
		/* one word ending in a law word: "Coördinatiebesluit" */
		w = prs_law_word(s, len, j);
		if (w >= 7 &&
		    (!strncasecmp(s + j + w - 3, "wet", 3) ||
		        !strncasecmp(s + j + w - 7, "besluit", 7) ||
		        (w >= 8 && !strncasecmp(s + j + w - 8, "regeling", 8))))
			ok = true;
	}
	return ok ? title_span(s, len, j, true) : 0;
}

/* After "van de"/"van het": a capitalised title that starts with any word
 * ("Maatregel teboekgestelde luchtvaartuigen 1996", "Verordening PT
 * algemene bepalingen 2003"): the same rules as unknown_title. */
static size_t unknown_heading(const char *s, size_t len, size_t j)
{
	if (!prs_isupper(prs_at(s, len, j)) || prs_law_word(s, len, j) < 4)
		return 0;
	return title_span(s, len, j, false);
}

/* Unknown abbreviation after an article: ARW, RWN (2-6 capitals), or one
 * with dots that starts with a capital ("M.t.l.", "W.V.O."). */
static size_t unknown_abbr(const char *s, size_t len, size_t j)
{
	size_t n = 0, dots = 0;
	while (n < 7 && prs_isupper(prs_at(s, len, j + n)))
		n++;
	if (n >= 2 && n <= 6 && !prs_isalnum(prs_at(s, len, j + n)) &&
	    prs_at(s, len, j + n) != '.')
		return n;
	if (!prs_isupper(prs_at(s, len, j)))
		return 0;
	for (n = 0; n < 12; n++) {
		unsigned char c = prs_at(s, len, j + n);
		if (c == '.')
			dots++;
		else if (!prs_isalpha(c) ||
		         prs_isalpha(prs_at(s, len, j + n + 1)))
			break;
	}
	return dots >= 2 && !prs_isalnum(prs_at(s, len, j + n)) ? n : 0;
}

/* "Burgerlijk Wetboek" / "BW" with a book: the book's own regulation. */
static bool bw_book(struct prs_ctx *ctx, struct law *L, const char *book)
{
	char key[32];
	struct prs_law_match m;
	int n = prs_fmt(key, sizeof key, "BW Boek %.3s", book);
	if (!prs_laws_lookup(ctx->laws, key, (size_t)n, &m) || m.n_cands != 1)
		return false;
	{
		char written[64];
		memcpy(written, L->written, sizeof written);
		law_clear(L);
		law_set(ctx, L, (long)m.cands[0]);
		memcpy(L->written, written, sizeof written);
	}
	L->conf = 1.0;
	return true;
}

/* The Burgerlijk Wetboek itself ("BW", "Burgerlijk Wetboek", one of its
 * books), not the Burgerlijk Wetboek BES or an Overgangswet. */
static bool is_bw(const struct law *L)
{
	return !strcasecmp(L->written, "BW") ||
	       !strcasecmp(L->written, "Burgerlijk Wetboek") ||
	       !strncasecmp(L->written, "Burgerlijk Wetboek Boek", 23) ||
	       !strncasecmp(L->title, "Burgerlijk Wetboek Boek", 23) ||
	       !strcasecmp(L->title, "Burgerlijk Wetboek");
}

static void note_named(struct prs_ctx *ctx, const struct law *L)
{
	if (L->resolved && L->idx >= 0 && !L->internal &&
	    L->kind < PRS_KIND_N && L->conf >= 0.8) {
		ctx->last_law[L->kind] = L->idx;
		prs_seq_w(ctx, PRS_CARRY_ANY)->last_any = L->idx;
		ctx->any_named = true;
		ctx->carry_written |= 1u << L->kind | PRS_CARRY_NAMED;
	}
}

/* Whether a regulation numbers its articles by chapter and colon ("5:16a"):
 * the Algemene wet bestuursrecht, the Wet op het financieel toezicht, the
 * Wet arbeid en zorg. */
static bool colon_law(const char *bwb)
{
	return !strcmp(bwb, "BWBR0005537") || !strcmp(bwb, "BWBR0020368") ||
	       !strcmp(bwb, "BWBR0013008");
}

static int emit_refs(struct prs_ctx *ctx, struct law *L, const struct ref *refs,
    size_t n, size_t start, size_t end)
{
	for (size_t k = 0; k < n; k++) {
		struct prs_cit c = {0};
		char id[320], url[400], loc[96], lid[8], book[4], art_q[20],
		    art_c[20];
		const struct ref *r = &refs[k];
		const char *art = r->art;
		struct law B = *L;
		int rv;
		/* the document says which regulation it is (BWB XML): "deze
		 * wet" and a bare article are articles of that one */
		if (B.internal && ctx->doc_bwb != NULL) {
			prs_fmt(B.bwb, sizeof B.bwb, "%s", ctx->doc_bwb);
			B.internal = false;
			B.resolved = true;
		}
		/* "6:162 BW" is article 162 of Boek 6 (own BWB id) */
		if (is_bw(L) && strchr(art, ':') &&
		    strchr(art, ':') - art <= 2) {
			prs_fmt(book, sizeof book, "%.*s",
			    (int)(strchr(art, ':') - art), art);
			if (bw_book(ctx, &B, book))
				art = strchr(art, ':') + 1;
		}
		/* "artikel 5.16a van die wet" of the Awb: its articles are
		 * "5:16a" (the laws numbered by chapter and colon) */
		if (!r->unit[0] && B.resolved && colon_law(B.bwb) &&
		    !strchr(art, ':') && strchr(art, '.') &&
		    strchr(art, '.') == strrchr(art, '.') &&
		    prs_isdigit((unsigned char)art[0])) {
			prs_fmt(art_c, sizeof art_c, "%s", art);
			*strchr(art_c, '.') = ':';
			art = art_c;
			if (B.conf > 0.9) {
				B.conf = 0.9;
				B.reason =
				    "article written with a dot in a law "
				    "numbered with colons: read as N:M";
			}
		}
		prs_fmt(lid, sizeof lid, "%s", r->lid);
		/* bounded by struct ref: 8 + 19 + 5 + 7 + 3 + 7 + 3 + 7 bytes
		 */
		/* "X 10" of the Kieswet: a space is '+' in the id */
		prs_fmt(art_q, sizeof art_q, "%.19s", art);
		for (char *q = art_q; *q; q++)
			if (*q == ' ')
				*q = '+';
		prs_fmt(loc, sizeof loc, "%s=%.19s%s%.7s%s%.7s%s%.7s",
		    r->unit[0] ? r->unit : "artikel", art_q,
		    lid[0] ? "&lid=" : "", lid, r->o1[0] ? "&o=" : "", r->o1,
		    r->o2[0] ? "&o=" : "", r->o2);
		c.family =
		    strncmp(B.bwb, "CELEX:", 6) || !B.resolved ? "wet" : "eu";
		c.start = start;
		c.end = end;
		c.confidence = B.conf;
		c.reason = B.reason;
		if (B.internal) {
			c.family = "internal";
			prs_fmt(id, sizeof id, "internal:%s%s%.19s%s%.7s",
			    r->unit[0] ? r->unit : "artikel", art[0] ? "-" : "",
			    art, lid[0] ? "-lid-" : "", lid);
		} else if (B.bwb[0] && B.resolved) {
			if (!strncmp(B.bwb, "CELEX:", 6)) {
				prs_fmt(id, sizeof id, "%s&%s", B.bwb, loc);
				prs_fmt(url, sizeof url,
				    "https://eur-lex.europa.eu/legal-content/"
				    "NL/TXT/?uri=%s",
				    B.bwb);
			} else {
				prs_fmt(id, sizeof id, "jci1.3:c:%s&%s", B.bwb,
				    loc);
				prs_fmt(url, sizeof url,
				    "https://wetten.overheid.nl/%s", id);
			}
			c.url = url;
		} else {
			prs_fmt(id, sizeof id, "wet:%s&%s",
			    B.title[0] ? B.title : B.written, loc);
			prs_cit_field(&c, "lookup", "law");
		}
		c.id = id;
		if (!B.internal) {
			prs_cit_field(&c, "bwb", B.resolved ? B.bwb : "");
			prs_cit_field(&c, "law", B.written);
			prs_cit_field(&c, "title", B.title);
			prs_cit_field(&c, "candidates", B.candidates);
		}
		prs_cit_field(&c, r->unit[0] ? r->unit : "artikel", art);
		prs_cit_field(&c, "lid", lid);
		prs_cit_field(&c, "onder", r->o1);
		prs_cit_field(&c, "sub", r->o2);
		if ((rv = prs_emit(ctx, &c)) != VP_OK)
			return rv;
		note_named(ctx, &B);
		if (!r->unit[0] && art[0] && (B.internal || B.idx >= 0)) {
			struct prs_seq *q = prs_seq_w(ctx, PRS_CARRY_ART);
			prs_fmt(q->last_art, sizeof q->last_art, "%s", art);
			q->last_art_law = B.internal ? -2 : B.idx;
		}
	}
	return VP_OK;
}

/* "het vierde lid van dat artikel", "dat artikel": the article cited last
 * (i is at "artikel", after "dat "). */
static int that_article(struct prs_ctx *ctx, size_t i, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, st, n;
	struct ref r;
	struct law L;
	struct prs_seq *q;
	int lid = 0;
	/* not "dit artikel": the article the sentence stands in */
	static const char *const dets[] = {"datzelfde ", "dat ", "genoemd "};
	st = i;
	for (size_t k = 0; k < 3; k++) {
		size_t dl = strlen(dets[k]);
		if (i >= dl && !memcmp(s + i - dl, dets[k], dl) &&
		    (i == dl || !prs_isalpha((unsigned char)s[i - dl - 1]))) {
			st = i - dl;
			break;
		}
	}
	if (st == i)
		return VP_OK;
	q = prs_seq_r(ctx, PRS_CARRY_ART);
	if (q->last_art_law == -1 || !q->last_art[0])
		return VP_OK;
	n = prs_word(s, len, i, "artikel");
	/* "het vierde lid van dat artikel" */
	if (st >= 8 && !memcmp(s + st - 8, "lid van ", 8)) {
		size_t b = st - 8, w;
		int v;
		while (b > 0 && s[b - 1] == ' ')
			b--;
		for (w = b; w > 0 && prs_isalnum((unsigned char)s[w - 1]); w--)
			;
		if (b > w && ordinal(s, len, w, &v) == b - w) {
			lid = v;
			st = w;
		}
	}
	memset(&r, 0, sizeof r);
	prs_fmt(r.art, sizeof r.art, "%s", q->last_art);
	if (lid)
		prs_fmt(r.lid, sizeof r.lid, "%d", lid % 100);
	if (q->last_art_law == -2) {
		law_internal(&L, "'dat artikel': the article cited last");
	} else {
		law_clear(&L);
		law_set(ctx, &L, q->last_art_law);
		L.conf = 0.8;
		L.reason = "'dat artikel': the article cited last";
	}
	*end = i + n;
	return emit_refs(ctx, &L, &r, 1, st, i + n);
}

/* Whether s[start..end) fills its line but for a number and "De" before
 * it ("1 De Wet milieubeheer"). */
static bool own_line(const char *s, size_t len, size_t start, size_t end)
{
	size_t b = start, e = end;
	while (e < len && (s[e] == ' ' || s[e] == '\t' || s[e] == '\r'))
		e++;
	if (e < len && s[e] != '\n')
		return false;
	while (b > 0 && s[b - 1] == ' ')
		b--;
	if (b >= 3 && prs_word(s, len, b - 2, "De") == 2)
		b -= 2;
	else if (b >= 4 && prs_word(s, len, b - 3, "Het") == 3)
		b -= 3;
	while (
	    b > 0 && (s[b - 1] == ' ' || s[b - 1] == '.' || s[b - 1] == ')' ||
	                 prs_isdigit((unsigned char)s[b - 1])))
		b--;
	return b == 0 || s[b - 1] == '\n';
}

/* A law named without a pinpoint: the law's own id. */
static int emit_law(
    struct prs_ctx *ctx, struct law *L, size_t start, size_t end)
{
	struct prs_cit c = {0};
	char id[160], url[240];
	c.start = start;
	c.end = end;
	c.confidence = L->conf;
	c.reason = L->reason;
	c.family = "wet";
	if (L->resolved && !strncmp(L->bwb, "CELEX:", 6)) {
		c.family = "eu";
		prs_fmt(id, sizeof id, "%s", L->bwb);
		prs_fmt(url, sizeof url,
		    "https://eur-lex.europa.eu/legal-content/NL/TXT/?uri=%s",
		    L->bwb);
		c.url = url;
		prs_cit_field(&c, "celex", L->bwb + 6);
	} else if (L->resolved) {
		prs_fmt(id, sizeof id, "jci1.3:c:%s", L->bwb);
		prs_fmt(url, sizeof url, "https://wetten.overheid.nl/%s", id);
		c.url = url;
		prs_cit_field(&c, "bwb", L->bwb);
	} else {
		prs_fmt(id, sizeof id, "wet:%.127s",
		    L->title[0] ? L->title : L->written);
		prs_cit_field(&c, "lookup", "law");
	}
	c.id = id;
	prs_cit_field(&c, "law", L->written);
	prs_cit_field(&c, "title", L->title);
	prs_cit_field(&c, "candidates", L->candidates);
	note_named(ctx, L);
	if (L->resolved && L->idx >= 0 && L->conf >= 0.8 &&
	    strncmp(L->bwb, "CELEX:", 6) != 0) {
		struct prs_seq *q = prs_seq_w(ctx, PRS_CARRY_ALONE);
		q->alone_law = L->idx;
		q->alone_end = end;
		q->alone_s = ctx->s;
		if (own_line(ctx->s, ctx->len, start, end))
			prs_seq_w(ctx, PRS_CARRY_HEAD)->head_law = L->idx,
			               ctx->seq.head_s = ctx->s;
	} else if (own_line(ctx->s, ctx->len, start, end)) {
		/* a heading of a law not known */
		prs_seq_w(ctx, PRS_CARRY_HEAD)->head_law = -1;
	}
	return prs_emit(ctx, &c);
}

/* Whether s[a..b) lies inside one sentence: no full stop before a capital,
 * no line break except after ':' or ';' (a list goes on), no heading; at
 * most 600 bytes. */
static bool same_sentence(const char *s, size_t len, size_t a, size_t b)
{
	if (b < a || b - a > 600)
		return false;
	for (size_t k = a; k < b; k++) {
		if (s[k] == '.' &&
		    (prs_at(s, len, k + 1) == ' ' ||
		        prs_at(s, len, k + 1) == '\n') &&
		    prs_isupper(prs_at(s, len, prs_ws(s, len, k + 1))))
			return false;
		if (s[k] == '\n') {
			size_t e = k;
			while (e > a && (s[e - 1] == ' ' || s[e - 1] == '\r'))
				e--;
			if (e == a || (s[e - 1] != ':' && s[e - 1] != ';') ||
			    prs_word(s, len, k + 1, "Artikel"))
				return false;
		}
	}
	return true;
}

/* Letter range "16h t/m 16m": same base, letters h..m. */
static size_t expand_range(char arts[][20], size_t n_arts, const char *to)
{
	char from[20];
	size_t fl, tl = strlen(to);
	memcpy(from, arts[n_arts - 1], sizeof from);
	fl = strlen(from);
	if (fl == tl && fl > 1 && !strncmp(from, to, fl - 1) &&
	    prs_isalpha((unsigned char)from[fl - 1]) &&
	    to[tl - 1] > from[fl - 1] && to[tl - 1] - from[fl - 1] < 26) {
		for (char c = (char)(from[fl - 1] + 1);
		     c <= to[tl - 1] && n_arts < MAX_ARTS; c++) {
			prs_fmt(
			    arts[n_arts], 20, "%.*s%c", (int)(fl - 1), from, c);
			n_arts++;
		}
		return n_arts;
	}
	if (prs_isdigit((unsigned char)from[0]) &&
	    strspn(from, "0123456789") == fl &&
	    strspn(to, "0123456789") == tl) {
		int a = atoi_n(from, fl), b = atoi_n(to, tl);
		if (b > a && b - a <= 20) {
			for (int x = a + 1; x <= b && n_arts < MAX_ARTS; x++)
				prs_fmt(arts[n_arts++], 20, "%d", x);
			return n_arts;
		}
	}
	if (n_arts < MAX_ARTS)
		prs_fmt(arts[n_arts++], 20, "%s", to);
	return n_arts;
}

/* ---- pinpoints ---- */

struct pin {
	char arts[MAX_ARTS][20];
	const char *unit[MAX_ARTS]; /* NULL: the pinpoint's own unit */
	struct {
		int lids[MAX_LIDS];
		size_t n_lids;
		char os[MAX_OS][8];
		size_t n_os;
		char o2[8];
		int extra_lid;
	} q[MAX_ARTS];
	size_t n_arts;
	bool shape_break; /* it stopped before "alsmede artikel 5:20" */
};

/* "(en derde lid)" after an article */
static size_t extra_lid(const char *s, size_t len, size_t p, int *out)
{
	size_t r = prs_ws(s, len, p), t, u;
	int v;
	if (prs_at(s, len, r) != '(' ||
	    !(t = prs_word(s, len, prs_ws(s, len, r + 1), "en")))
		return p;
	u = prs_ws(s, len, prs_ws(s, len, r + 1) + t);
	if (!(t = ordinal(s, len, u, &v)))
		return p;
	u = prs_ws(s, len, u + t);
	if ((t = prs_word(s, len, u, "lid")) &&
	    prs_at(s, len, prs_ws(s, len, u + t)) == ')') {
		*out = v;
		return prs_ws(s, len, u + t) + 1;
	}
	return p;
}

/* Roman numeral (I..XXXIX) with an optional letter, or an arabic number
 * with dots ("4", "2.1", "IIIa"). */
static size_t unit_number(
    const char *s, size_t len, size_t j, char *out, size_t cap)
{
	size_t p = j, d;
	if ((d = prs_ndigits(s, len, p, 3)) >= 1 && d <= 3) {
		p += d;
		while (prs_at(s, len, p) == '.' &&
		       (d = prs_ndigits(s, len, p + 1, 3)) >= 1 && d <= 3)
			p += 1 + d;
		/* "hoofdstuk 6A" */
		if (prs_isupper(prs_at(s, len, p)) &&
		    !prs_isalnum(prs_at(s, len, p + 1)))
			p++;
	} else {
		while (p - j < 7 && strchr("IVXL", prs_at(s, len, p)) &&
		       prs_at(s, len, p))
			p++;
		/* an annex by letter: "bijlage A", "bijlage A1" */
		if (p == j && prs_isupper(prs_at(s, len, p)) &&
		    !prs_isalpha(prs_at(s, len, p + 1))) {
			p++;
			p += prs_ndigits(s, len, p, 2) <= 2
			         ? prs_ndigits(s, len, p, 2)
			         : 0;
		}
		if (p == j)
			return 0;
	}
	return number_end(s, len, j, p, out, cap);
}

/* After an article's parts: ", eerste volzin", ", tweede zin", " e.v."
 * (read over; the JCI has no key for them). */
static size_t skip_extras(const char *s, size_t len, size_t j)
{
	size_t p = prs_ws(s, len, j), n, q;
	int v;
	if ((n = prs_word(s, len, p, "en verder")))
		return p + n;
	/* "artikel 6, eerste lid (kartelverbod), artikel 7": a label in
	 * brackets, lower-case words, before the list or the law goes on */
	if (prs_at(s, len, p) == '(' && prs_at(s, len, p + 1) >= 'a' &&
	    prs_at(s, len, p + 1) <= 'z') {
		size_t e = p + 1, r;
		while (e < len && e - p < 64 && s[e] != ')' && s[e] != '(' &&
		       s[e] != '\n' && !prs_isdigit((unsigned char)s[e]))
			e++;
		if (e < len && s[e] == ')') {
			r = prs_ws(s, len, e + 1);
			if (prs_at(s, len, r) == ',' ||
			    prs_word(s, len, r, "en") ||
			    prs_word(s, len, r, "of") ||
			    prs_word(s, len, r, "van"))
				return e + 1;
		}
	}
	if (prs_word(s, len, p, "e.v")) {
		p += 3;
		if (prs_at(s, len, p) == '.')
			p++;
		return p;
	}
	if (prs_at(s, len, p) != ',')
		return j;
	q = prs_ws(s, len, p + 1);
	if ((n = ordinal(s, len, q, &v)) ||
	    (n = prs_word(s, len, q, "laatste"))) {
		q = prs_ws(s, len, q + n);
		/* "tweede tot en met vierde zin" */
		if ((n = prs_word(s, len, q, "tot en met")) &&
		    (n = ordinal(s, len, prs_ws(s, len, q + n), &v) ? n : 0)) {
			size_t r = prs_ws(s, len, q + n);
			r += ordinal(s, len, r, &v);
			q = prs_ws(s, len, r);
		}
		if ((n = prs_word(s, len, q, "volzin")) ||
		    (n = prs_word(s, len, q, "volzinnen")) ||
		    (n = prs_word(s, len, q, "zin")) ||
		    (n = prs_word(s, len, q, "zinnen")))
			return q + n;
	}
	return j;
}

/* A list separator at p: ",", "en", "of", ", en", "respectievelijk",
 * "juncto", "jo.", "alsmede", "dan wel", "onderscheidenlijk", optionally
 * with the keyword again ("en artikel 12", "of de artikelen 3"). Returns the
 * position of what follows, p when there is none; *range is set for "tot
 * en met", "t/m" and "tot"; *unit for a structure unit ("en afdeling 3.7"). */
static size_t list_sep_at(const char *s, size_t len, size_t p, bool plural,
    bool *range, const char **unit, size_t *item);

/* list_sep, and *item = where the next item's words start (its keyword
 * when repeated: "en artikel 12" -> "artikel"). */
static size_t list_sep_at(const char *s, size_t len, size_t p, bool plural,
    bool *range, const char **unit, size_t *item)
{
	static const char *const words[] = {"en eventueel", "of eventueel",
	    "en", "of", "respectievelijk", "onderscheidenlijk", "alsmede",
	    "juncto", "jo", "dan wel", "dan wel van", "en/of",
	    "in samenhang met", "in combinatie met", "in verbinding met",
	    "en van", "of van"};
	static const struct {
		const char *w;
		const char *key;
	} units[] = {{"hoofdstukken", "hoofdstuk"}, {"hoofdstuk", "hoofdstuk"},
	    {"afdelingen", "afdeling"}, {"afdeling", "afdeling"},
	    {"paragrafen", "paragraaf"}, {"paragraaf", "paragraaf"},
	    {"titels", "titeldeel"}, {"titel", "titeldeel"}};
	size_t q = p, n = 0;
	bool comma = false, word = false, kw = false;
	*range = false;
	*unit = NULL;
	*item = p;
	if (q == p && (n = prs_dash(s, len, q)) &&
	    prs_isdigit(prs_at(s, len, q + n)) && q > 0 &&
	    prs_isdigit((unsigned char)s[q - 1])) {
		*range = true; /* "10-14" */
		return q + n;
	}
	/* "Artikel 340/342 Sr": either article (not "t/m") */
	if (q == p && prs_at(s, len, q) == '/' &&
	    prs_isdigit(prs_at(s, len, q + 1)) && q > 0 &&
	    prs_isalnum((unsigned char)s[q - 1])) {
		*item = q + 1;
		return q + 1;
	}
	if ((n = prs_word(s, len, q, "t/m")) ||
	    (n = prs_word(s, len, q, "tot en met")) ||
	    (n = prs_word(s, len, q, "tot"))) {
		*range = true;
		return prs_ws(s, len, q + n);
	}
	if (prs_at(s, len, q) == ',') {
		comma = true;
		q = prs_ws(s, len, q + 1);
		/* "73, tweede en derde lid, tot en met 76" */
		if ((n = prs_word(s, len, q, "tot en met")) ||
		    (n = prs_word(s, len, q, "t/m"))) {
			*range = true;
			return prs_ws(s, len, q + n);
		}
	}
	for (size_t k = 0; k < sizeof words / sizeof *words; k++)
		if ((n = prs_word(s, len, q, words[k]))) {
			q += n;
			if (prs_at(s, len, q) == '.')
				q++; /* jo. */
			q = prs_ws(s, len, q);
			word = true;
			break;
		}
	if (!comma && !word)
		return p;
	*item = q;
	if ((n = prs_word(s, len, q, "de")))
		q = prs_ws(s, len, q + n);
	if ((n = prs_word(s, len, q, "artikelen")) ||
	    (n = prs_word(s, len, q, "artikel")) ||
	    (n = prs_word(s, len, q, "artt")) ||
	    (n = prs_word(s, len, q, "art"))) {
		q += n;
		if (prs_at(s, len, q) == '.')
			q++;
		q = prs_ws(s, len, q);
		kw = true;
	} else {
		for (size_t k = 0; k < sizeof units / sizeof *units; k++)
			if ((n = prs_word(s, len, q, units[k].w)) &&
			    (word || plural)) {
				*unit = units[k].key;
				q = prs_ws(s, len, q + n);
				kw = true;
				break;
			}
	}
	/* singular "artikel 5, 6": a bare comma goes on only before a number */
	if (!plural && comma && !word && !kw && !prs_isdigit(prs_at(s, len, q)))
		return p;
	return q;
}

/* The article list after "artikel(en)": "3 en 4", "12 of 15", "10, 11, 20
 * tot en met 24, 31 en 160", "11, eerste lid, respectievelijk artikel 14",
 * each with its lid and onderdeel parts. Returns the position after it (j
 * when none). */
static size_t parse_pin(const char *s, size_t len, size_t j, bool plural,
    const char *first_unit, struct pin *P)
{
	const char *unit = first_unit;
	size_t item = 0;
	const char *last = first_unit; /* the unit named last */
	P->n_arts = 0;
	P->shape_break = false;
	for (;;) {
		size_t m, p, a = P->n_arts, q;
		bool range;
		if (first_unit && !unit)
			unit = last; /* "afdeling 4 en 5": afdeling 5 */
		last = unit;
		if (!(m = unit && *unit ? unit_number(s, len, j, P->arts[a],
		                              sizeof P->arts[0])
		                        : art_number(s, len, j, P->arts[a],
		                              sizeof P->arts[0])))
			break;
		memset(&P->q[a], 0, sizeof P->q[a]);
		P->unit[a] = unit;
		j += m;
		p = lid_part(s, len, j, P->q[a].lids, &P->q[a].n_lids);
		p = skip_extras(s, len, p);
		p = onder_part(
		    s, len, p, P->q[a].os, &P->q[a].n_os, P->q[a].o2);
		p = extra_lid(s, len, p, &P->q[a].extra_lid);
		p = skip_extras(s, len, p);
		/* "derde lid jo. eerste lid, aanhef en onder b": another
		 * part of the same article */
		for (int k = 0; k < 4; k++) {
			size_t r = prs_ws(s, len, p), t, u;
			if (!(t = prs_word(s, len, r, "jo")) &&
			    !(t = prs_word(s, len, r, "juncto")))
				break;
			r += t;
			if (prs_at(s, len, r) == '.')
				r++;
			u = lid_part(s, len, r, P->q[a].lids, &P->q[a].n_lids);
			if (u == r)
				break;
			p = onder_part(
			    s, len, u, P->q[a].os, &P->q[a].n_os, P->q[a].o2);
		}
		j = p;
		P->n_arts++;
		if (P->n_arts >= MAX_ARTS)
			break;
		/* next article of a list or range; ", en tweede lid" adds
		 * lids to the article before */
		for (int more = 0;; more++) {
			size_t u, z = P->n_arts - 1;
			p = prs_ws(s, len, j);
			q = list_sep_at(
			    s, len, p, plural, &range, &unit, &item);
			if (q == p || range || more >= 4 ||
			    prs_isdigit(prs_at(s, len, q)) ||
			    (u = lid_part(s, len, q, P->q[z].lids,
			         &P->q[z].n_lids)) == q)
				break;
			j = onder_part(
			    s, len, u, P->q[z].os, &P->q[z].n_os, P->q[z].o2);
			j = skip_extras(s, len, j);
		}
		if (q == p)
			break;
		/* "afdeling 8.1.1 en de artikelen 8:10, 8:41", "hoofdstuk 8
		 * of artikel 10.17 van de Wet luchtvaart": articles in a list
		 * of units ("" is the article, as in struct ref) */
		if (first_unit && !unit && item < q) {
			size_t t = item, n;
			if ((n = prs_word(s, len, t, "de")))
				t = prs_ws(s, len, t + n);
			if (prs_word(s, len, t, "artikelen") ||
			    prs_word(s, len, t, "artikel") ||
			    prs_word(s, len, t, "artt") ||
			    prs_word(s, len, t, "art"))
				unit = "";
		}
		if (range && (!unit || !*unit)) {
			char to[20];
			size_t b = P->n_arts;
			if (!(m = art_number(s, len, q, to, sizeof to)))
				break;
			P->n_arts = expand_range(P->arts, P->n_arts, to);
			for (size_t x = b; x < P->n_arts; x++) {
				memset(&P->q[x], 0, sizeof P->q[x]);
				P->unit[x] = P->unit[b - 1];
			}
			j = q + m;
			/* the range's last article may carry parts */
			if (P->n_arts > b) {
				size_t z = P->n_arts - 1;
				j = lid_part(
				    s, len, j, P->q[z].lids, &P->q[z].n_lids);
				j = onder_part(s, len, j, P->q[z].os,
				    &P->q[z].n_os, P->q[z].o2);
			}
			if (P->n_arts >= MAX_ARTS)
				break;
			p = prs_ws(s, len, j);
			q = list_sep_at(
			    s, len, p, plural, &range, &unit, &item);
			if (q == p || range)
				break;
		}
		/* "hoofdstukken V, VI en VII", "artikelen XI, XVI en XVIII":
		 * roman numbers go on after a roman first one or a unit */
		if (!prs_isdigit(prs_at(s, len, q)) &&
		    !(strchr("IVXL", prs_at(s, len, q)) && prs_at(s, len, q) &&
		        (unit || first_unit ||
		            strspn(P->arts[0], "IVXL") ==
		                strlen(P->arts[0]))) &&
		    !(prs_isupper(prs_at(s, len, q)) &&
		        ((prs_at(s, len, q + 1) == ' ' &&
		             prs_isdigit(prs_at(s, len, q + 2))) ||
		            prs_isdigit(prs_at(s, len, q + 1)))))
			break; /* "G 1, achtste lid, G 2", "X6 en X7" go on */
		if (item < q && prs_isalpha(prs_at(s, len, item)) && !unit &&
		    !first_unit) {
			/* "83, alsmede artikel 5:20 van de Awb": the keyword
			 * again before a number with a colon after plain ones
			 * (or the other way round) starts another law's list */
			char nx[20];
			long l0, l1;
			int a0 = head_shape(P->arts[0], &l0), a1;
			if (art_number(s, len, q, nx, sizeof nx) &&
			    (a1 = head_shape(nx, &l1)) != a0 &&
			    (a0 == 2 || a1 == 2)) {
				P->shape_break = true;
				break;
			}
		}
		j = q;
	}
	return j;
}

static size_t pin_refs(const struct pin *P, struct ref *refs, const char *unit)
{
	size_t n_refs = 0;
	for (size_t a = 0; a < P->n_arts && n_refs < MAX_REFS; a++) {
		size_t nl = P->q[a].n_lids ? P->q[a].n_lids : 1;
		size_t no = P->q[a].n_os ? P->q[a].n_os : 1;
		for (size_t l = 0; l < nl; l++)
			for (size_t o = 0; o < no && n_refs < MAX_REFS; o++) {
				struct ref *r = &refs[n_refs++];
				memset(r, 0, sizeof *r);
				prs_fmt(r->unit, sizeof r->unit, "%s",
				    P->unit[a] ? P->unit[a] : unit);
				prs_fmt(
				    r->art, sizeof r->art, "%.19s", P->arts[a]);
				if (P->q[a].n_lids)
					prs_fmt(r->lid, sizeof r->lid, "%d",
					    P->q[a].lids[l] % 100);
				if (P->q[a].n_os) {
					prs_fmt(r->o1, sizeof r->o1, "%.7s",
					    P->q[a].os[o]);
					prs_fmt(r->o2, sizeof r->o2, "%.7s",
					    P->q[a].o2);
				}
			}
		if (P->q[a].extra_lid && n_refs < MAX_REFS) {
			struct ref *r = &refs[n_refs++];
			memset(r, 0, sizeof *r);
			prs_fmt(r->unit, sizeof r->unit, "%s", unit);
			prs_fmt(r->art, sizeof r->art, "%.19s", P->arts[a]);
			prs_fmt(r->lid, sizeof r->lid, "%d",
			    P->q[a].extra_lid % 100);
		}
	}
	return n_refs;
}

/* ---- generic references: "de wet", "die wet", "dit besluit" ---- */

static unsigned char generic_kind(
    const char *s, size_t len, size_t p, size_t *n)
{
	static const struct {
		const char *w;
		unsigned char kind;
	} words[] = {{"wet", PRS_KIND_WET}, {"wetboek", PRS_KIND_WET},
	    {"besluit", PRS_KIND_BESLUIT}, {"maatregel", PRS_KIND_BESLUIT},
	    {"regeling", PRS_KIND_REGELING}, {"verdrag", PRS_KIND_VERDRAG},
	    {"verordening", PRS_KIND_EU}};
	for (size_t k = 0; k < sizeof words / sizeof *words; k++)
		if ((*n = prs_word(s, len, p, words[k].w)))
			return words[k].kind;
	return PRS_KIND_OTHER;
}

/* The law a generic reference at p means. det is the determiner before it:
 * 'd' de/het/der, 'a' die/dat/diezelfde (anaphora), 'i' deze/dit (this
 * document). Returns the length from p, 0 when it is none or unknown. */
static size_t generic_at(struct prs_ctx *ctx, size_t p, char det, struct law *L)
{
	const char *s = ctx->s;
	size_t len = ctx->len, n;
	unsigned char kind = generic_kind(s, len, p, &n);
	long def, last, pick;
	const char *w;
	size_t title_word = 0; /* a lower-case word after it: maybe a title */
	if (kind == PRS_KIND_OTHER)
		return 0;
	if (prs_isupper(prs_at(s, len, p))) {
		/* "de Regeling voertuigen", "de Wet inzake de ...": the
		 * title of a regulation the index does not know */
		size_t q = p + n;
		while (q < len && (s[q] == ' ' || (unsigned char)s[q] == 0xC2))
			q += (unsigned char)s[q] == 0xC2 ? 2 : 1;
		bool op = prs_word(s, len, q, "op") != 0;
		/* "de Wet op de gevaarlijke werktuigen": a title the index
		 * does not know, not the law named last ("van de Wet op
		 * grond waarvan" stays that law). After a word the document
		 * defines it may be either ("88 van het Besluit op de
		 * gesecuritiseerde vorderingen van toepassing"): the defined
		 * law, as a guess that says so. */
		if (op && title_article(s, len, p, prs_ws(s, len, q + 2))) {
			if (det != 'd' || ctx->generic_def[kind] < 0)
				return 0;
			title_word = q;
		}
		/* "(hierna: het Besluit)" and later "artikel 61 van het
		 * Besluit opteert": a defined word before a verb, not an
		 * unknown title (a known one was matched before) */
		if (q > p + n && prs_isalpha(prs_at(s, len, q)) &&
		    !prs_isupper(prs_at(s, len, q)) && !title_stop(s, len, q)) {
			if (!((op || det == 'd') &&
			        ctx->generic_def[kind] >= 0) &&
			    !(op && prs_last_law(ctx, kind) >= 0))
				return 0;
			/* "van de Wet afgegeven", "van de Wet bedoelde"
			 * (the defined word before a participle) - or "van
			 * de Wet vermindering afdracht", a title the table
			 * lacks: a guess, said to be one */
			if (!op)
				title_word = q;
		}
		if (q > p + n && prs_isupper(prs_at(s, len, q)))
			return 0;
	}
	law_clear(L);
	if (det == 'i') {
		L->internal = true;
		L->conf = 1.0;
		return n;
	}
	def = ctx->generic_def[kind];
	last = prs_last_law(ctx, kind);
	pick = det == 'a' ? (last >= 0 ? last : def) : (def >= 0 ? def : last);
	if (pick < 0)
		return 0;
	law_set(ctx, L, pick);
	w = kind == PRS_KIND_WET       ? "wet"
	    : kind == PRS_KIND_BESLUIT ? "besluit"
	    : kind == PRS_KIND_VERDRAG ? "verdrag"
	    : kind == PRS_KIND_EU      ? "verordening"
	                               : "regeling";
	if (pick == def && det == 'd' && title_word > 0) {
		size_t e = title_word;
		while (e < len && e < title_word + 40 &&
		       prs_isalpha((unsigned char)s[e]))
			e++;
		if (prs_word(s, len, title_word, "op")) { /* "op de ..." */
			size_t u = p + unknown_title(s, len, p);
			e = u > e ? u : e;
		}
		L->conf = 0.6;
		prs_fmt(L->reason_buf, sizeof L->reason_buf,
		    "'%s' as the document defines it (%.100s), unless '%.*s "
		    "%.*s' is the title of a law the table does not know",
		    w, L->title, (int)n, s + p, (int)(e - title_word),
		    s + title_word);
	} else if (pick == def && det == 'd') {
		L->conf = 0.9;
		prs_fmt(L->reason_buf, sizeof L->reason_buf,
		    "'%s' as the document defines it: %.100s", w, L->title);
	} else {
		L->conf = det == 'a' ? 0.8 : 0.6;
		prs_fmt(L->reason_buf, sizeof L->reason_buf,
		    "'%s' read as the %s last named: %.100s", w, w, L->title);
	}
	L->reason = L->reason_buf;
	prs_fmt(L->written, sizeof L->written, "%.*s", (int)n, s + p);
	return n;
}

/* Determiner at p: returns its length and kind (see generic_at). */
static size_t determiner(const char *s, size_t len, size_t p, char *det)
{
	static const struct {
		const char *w;
		char det;
	} dets[] = {{"diezelfde", 'a'}, {"datzelfde", 'a'}, {"dezelfde", 'a'},
	    {"hetzelfde", 'a'}, {"die", 'a'}, {"dat", 'a'}, {"genoemde", 'a'},
	    {"voornoemde", 'a'}, {"laatstgenoemde", 'a'}, {"deze", 'i'},
	    {"dit", 'i'}, {"de", 'd'}, {"het", 'd'}, {"der", 'd'}};
	size_t n;
	for (size_t k = 0; k < sizeof dets / sizeof *dets; k++)
		if ((n = prs_word(s, len, p, dets[k].w))) {
			*det = dets[k].det;
			return n;
		}
	return 0;
}

/* ---- recognisers ---- */

/* The end of a stretch after a list that holds only pinpoint words
 * (numbers, ordinals, "lid", "onderdeel", single letters, "en", "of",
 * "artikel", commas, brackets), before "van" or a law name; at most 160
 * bytes and one line. j when there is none. */
static size_t pin_noise(const char *s, size_t len, size_t j)
{
	static const char *const words[] = {"lid", "leden", "onderdeel",
	    "onderdelen", "onder", "sub", "aanhef", "en", "of", "tot", "met",
	    "artikel", "artikelen", "zin", "volzin", "jo", "juncto", "dan",
	    "wel", "de", "het", "laatste", "respectievelijk",
	    "onderscheidenlijk", "ten"};
	size_t p = j, last = j;
	int v;
	while (p < len && p - j < 160) {
		unsigned char c = (unsigned char)s[p];
		size_t n = 0;
		bool ok = false;
		if (c == '\n' || c == ';' || c == ':' || c == '.')
			break;
		if (c == ' ' || c == ',' || c == '(' || c == ')' || c == '\t') {
			p++;
			continue;
		}
		if ((n = prs_space(s, len, p)) || (n = prs_dash(s, len, p))) {
			p += n;
			continue;
		}
		/* "van de Wet X", or the name itself: "340/342 3° Sr" */
		if (prs_word(s, len, p, "van") || (prs_isupper(c) && p > j))
			return p > last ? p : j;
		if (prs_isdigit(c)) {
			while (p < len && (prs_isalnum((unsigned char)s[p]) ||
			                      s[p] == '.' || s[p] == ':'))
				p++;
			if (prs_at(s, len, p) == 0xC2 &&
			    prs_at(s, len, p + 1) == 0xB0)
				p += 2; /* 1° */
			last = p;
			continue;
		}
		if ((n = ordinal(s, len, p, &v)))
			ok = true;
		for (size_t k = 0; !ok && k < sizeof words / sizeof *words; k++)
			if ((n = prs_word(s, len, p, words[k])))
				ok = true;
		if (!ok && prs_isalpha(c) && c >= 'a' &&
		    !prs_isalpha(prs_at(s, len, p + 1)))
			ok = true, n = 1; /* an onderdeel letter */
		if (!ok)
			break;
		p += n;
		last = p;
	}
	return j;
}

/* Whether a known law name starts at q (a heading "Artikel 3 Wet X" would
 * be rare; "Artikel 3 Awb" is a citation). */
static bool law_starts(struct prs_ctx *ctx, size_t q)
{
	struct prs_law_match m;
	return prs_laws_match(ctx->laws, ctx->s, ctx->len, q, &m);
}

/* "Wet politiegegevens (Wpg)", "Awb (hierna: de wet)": the abbreviation or
 * definition in brackets right after a name belongs to its citation.
 * Returns the position after the ')' or e. */
static size_t absorb_def(const char *s, size_t len, size_t e)
{
	size_t p = prs_ws(s, len, e), a = 0, n;
	if (prs_at(s, len, p) != '(')
		return e;
	p++;
	if ((n = prs_word(s, len, p, "hierna"))) {
		p += n;
		if (prs_at(s, len, p) == ':')
			p++;
		p = prs_ws(s, len, p);
		if ((n = prs_word(s, len, p, "de")) ||
		    (n = prs_word(s, len, p, "het")))
			p = prs_ws(s, len, p + n);
	}
	if (!prs_isalpha(prs_at(s, len, p)))
		return e;
	/* "(Stb. 203)", "(Trb. 1990, 173)": a gazette, not a name */
	if (prs_word(s, len, p, "Stb") || prs_word(s, len, p, "Stcrt") ||
	    prs_word(s, len, p, "Trb") || prs_word(s, len, p, "Kamerstuk") ||
	    prs_word(s, len, p, "Kamerstukken"))
		return e;
	while (a < 40 && (prs_isalnum(prs_at(s, len, p + a)) ||
	                     prs_at(s, len, p + a) == ' ' ||
	                     prs_at(s, len, p + a) == '.'))
		a++;
	if (prs_at(s, len, p + a) != ')' || a == 0)
		return e;
	return p + a + 1;
}

/* The law after a pinpoint at p: [","] ["van" [Boek N van]] [determiner]
 * (name | generic word), or a name right after ("artikel 8 Wpg"). Fills
 * *L and returns the new end, p when there is none. book gets "Boek N". */
/* A title of the Burgerlijk Wetboek numbered "B.T" ("titel 7.4 (Huur)
 * van het Burgerlijk Wetboek"): title T of Boek B. Fills book and, when
 * title is not NULL, the title's own number; false for another shape. */
static bool title_book(const char *num, char book[4], char *title)
{
	size_t b = strspn(num, "0123456789"), t;
	if (b < 1 || b > 2 || num[b] != '.')
		return false;
	t = strspn(num + b + 1, "0123456789");
	if (t < 1 || t > 2 ||
	    (num[b + 1 + t] && !prs_isalpha((unsigned char)num[b + 1 + t])))
		return false;
	prs_fmt(book, 4, "%.*s", (int)b, num);
	if (title)
		memmove(title, num + b + 1, strlen(num + b + 1) + 1);
	return true;
}

/* "Boek 2, Titel 9, van het Burgerlijk Wetboek": the book written before
 * a unit at i. Fills book; false when none is. */
static bool book_before(const char *s, size_t len, size_t i, char book[4])
{
	size_t p = i, d = 0;
	while (p > 0 && s[p - 1] == ' ')
		p--;
	if (p == 0 || s[p - 1] != ',')
		return false;
	p--;
	while (p > 0 && s[p - 1] == ' ')
		p--;
	while (d < 3 && p > d && prs_isdigit(prs_at(s, len, p - d - 1)))
		d++;
	if (d < 1 || d > 2 || p < d + 5 || s[p - d - 1] != ' ' ||
	    !prs_word(s, len, p - d - 5, "boek") ||
	    (p - d - 5 > 0 && prs_isalnum(prs_at(s, len, p - d - 6))))
		return false;
	prs_fmt(book, 4, "%.*s", (int)d, s + p - d);
	return true;
}

static size_t law_after(
    struct prs_ctx *ctx, size_t p0, struct law *L, char book[4], bool *found)
{
	const char *s = ctx->s;
	size_t len = ctx->len, p = prs_ws(s, len, p0), n, r;
	char det = 0, tbook[4] = "";
	bool van = false;
	*found = false;
	book[0] = 0;
	if (prs_at(s, len, p) == ',')
		p = prs_ws(s, len, p + 1);
	if ((n = prs_word(s, len, p, "van")) ||
	    (n = prs_word(s, len, p, "uit")) ||
	    (n = prs_word(s, len, p, "bij"))) {
		van = true;
		p = prs_ws(s, len, p + n);
		/* "afdeling 1 van titel 9 van Boek 2": the enclosing unit is
		 * read over (the JCI names the innermost) */
		for (int k = 0; k < 2; k++) {
			static const char *const outer[] = {"titel",
			    "titeldeel", "hoofdstuk", "afdeling", "deel"};
			size_t w = 0, m;
			char num[20];
			for (size_t u = 0; u < 5 && !w; u++)
				w = prs_word(s, len, p, outer[u]);
			if (!w)
				break;
			r = prs_ws(s, len, p + w);
			if (!(m = unit_number(s, len, r, num, sizeof num)))
				break;
			/* "van Titel 7.10 van het Burgerlijk Wetboek": title
			 * 10 of Boek 7 */
			if (w >= 5 && (s[p] | 0x20) == 't' && !tbook[0])
				title_book(num, tbook, NULL);
			r = prs_ws(s, len, r + m);
			if (prs_at(s, len, r) == ',')
				r = prs_ws(s, len, r + 1);
			if (!(w = prs_word(s, len, r, "van")))
				break;
			p = prs_ws(s, len, r + w);
		}
		if ((n = prs_word(s, len, p, "boek"))) {
			size_t b = prs_ws(s, len, p + n), d;
			if ((d = prs_ndigits(s, len, b, 2)) >= 1 && d <= 2 &&
			    !prs_isalnum(prs_at(s, len, b + d))) {
				prs_fmt(book, 4, "%.*s", (int)d, s + b);
				r = prs_ws(s, len, b + d);
				if ((n = prs_word(s, len, r, "van")))
					r = prs_ws(s, len, r + n);
				p = r;
			}
		}
	}
	r = p;
	if ((n = determiner(s, len, p, &det))) {
		size_t n2;
		p += n;
		if (prs_at(s, len, p) == '.')
			p++;
		p = prs_ws(s, len, p);
		/* "van de laatstgenoemde wet", "van de genoemde wet" */
		if (det == 'd' && strchr("lgvLGV", prs_at(s, len, p)) &&
		    prs_at(s, len, p) &&
		    ((n2 = prs_word(s, len, p, "laatstgenoemde")) ||
		        (n2 = prs_word(s, len, p, "genoemde")) ||
		        (n2 = prs_word(s, len, p, "voornoemde")))) {
			det = 'a';
			p = prs_ws(s, len, p + n2);
		}
	}
	if ((n = law_at(ctx, p, L, true))) {
		*found = true;
		if (!book[0] && tbook[0] && is_bw(L))
			memcpy(book, tbook, 4);
		return absorb_def(s, len, p + n);
	}
	if (det && (n = generic_at(ctx, p, det, L))) {
		*found = true;
		return p + n;
	}
	if (book[0]) {
		/* "artikel 403 van Boek 2", "titel 12 van Boek 7": a book of
		 * the Burgerlijk Wetboek */
		law_clear(L);
		prs_fmt(L->written, sizeof L->written, "BW");
		if (bw_book(ctx, L, book)) {
			L->conf = 0.8;
			L->reason = "'Boek N' without a code read as a book of "
			            "the Burgerlijk Wetboek";
			*found = true;
			return r;
		}
		law_clear(L);
	}
	if (det && det != 'd')
		return p0;
	if ((n = unknown_title(s, len, p)) ||
	    (van && det == 'd' && (n = unknown_heading(s, len, p))) ||
	    (van && (n = unknown_abbr(s, len, p))) ||
	    (!van && !det && (n = unknown_abbr(s, len, p)))) {
		law_clear(L);
		prs_fmt(L->title, sizeof L->title, "%.*s",
		    (int)(n < 127 ? n : 127), s + p);
		for (char *c = L->title; *c; c++)
			if (*c == '\n' || *c == '\r' || *c == '\t')
				*c = ' ';
		prs_fmt(L->written, sizeof L->written, "%.63s", L->title);
		L->conf = 0.5;
		L->reason = "law not in the law table: needs a title lookup";
		*found = true;
		return p + n;
	}
	return p0;
}

/* Emits the refs of a pinpoint with its law; a book number turns "artikel
 * 74 van Boek 6 van het Burgerlijk Wetboek" into Boek 6's own id. */
static int emit_pin(struct prs_ctx *ctx, struct law *L, const struct pin *P,
    const char *book, const char *unit, size_t start, size_t end)
{
	struct ref refs[MAX_REFS];
	size_t n_refs;
	if (book[0] && is_bw(L))
		bw_book(ctx, L, book);
	n_refs = pin_refs(P, refs, unit);
	return emit_refs(ctx, L, refs, n_refs, start, end);
}

/* Whether "van"/"der"/"uit" + a word follows the pinpoint ending at j. */
static bool owner_after(const char *s, size_t len, size_t j)
{
	size_t p = prs_ws(s, len, j), n;
	if (prs_at(s, len, p) == ',')
		p = prs_ws(s, len, p + 1);
	if (!(n = prs_word(s, len, p, "van")) &&
	    !(n = prs_word(s, len, p, "der")) &&
	    !(n = prs_word(s, len, p, "uit")))
		return false;
	p = prs_ws(s, len, p + n);
	return prs_isalpha(prs_at(s, len, p));
}

/* "de volgende artikelen van de WVO niet van toepassing:" at j (after
 * "artikelen" without a number): notes the law for the list after the
 * colon. */
static void list_intro(struct prs_ctx *ctx, size_t j)
{
	const char *s = ctx->s;
	size_t len = ctx->len, p, e;
	struct law L;
	char book[4];
	bool found;
	p = law_after(ctx, j, &L, book, &found);
	if (!found || p == j || !L.resolved || L.internal || L.idx < 0 ||
	    book[0] || !prs_word(s, len, prs_ws(s, len, j), "van"))
		return;
	for (e = p; e < len && e - p < 300 && s[e] != '\n'; e++)
		if (s[e] == '.' && prs_at(s, len, e + 1) == ' ')
			return;
	if (e >= len || s[e] != '\n' || e == p || s[e - 1] != ':')
		return;
	prs_seq_w(ctx, PRS_CARRY_LIST)->list_law = L.idx;
	ctx->seq.list_from = e;
	ctx->seq.list_s = s;
}

/* Whether every line s[a..b) starts is an item of a list ("a.", "1°",
 * "-"): the list a colon at a opened goes on to b. */
static bool in_list(const char *s, size_t len, size_t a, size_t b)
{
	if (b - a > 4000)
		return false;
	for (size_t k = a; k < b; k++)
		if (s[k] == '\n') {
			size_t q = k + 1, n = 0;
			while (n < 2 && prs_at(s, len, q + n) >= 'a' &&
			       prs_at(s, len, q + n) <= 'z')
				n++;
			if (n && prs_at(s, len, q + n) == '.')
				continue;
			n = prs_ndigits(s, len, q, 2);
			if (n && n <= 2 &&
			    (prs_at(s, len, q + n) == 0xC2 ||
			        prs_at(s, len, q + n) == '.' ||
			        prs_at(s, len, q + n) == ')'))
				continue;
			if (prs_at(s, len, q) == '-' || prs_dash(s, len, q))
				continue;
			return false;
		}
	return true;
}

/* "voor de artikelen:" and a list of one item a line, each ended by ';'
 * ("1.09, tweede lid;\n1.23;\n3.20, vijfde lid, onderdelen a en e."):
 * every item is its own citation, all of the law after the last one or,
 * in a regulation that has no such articles, of the law named last. At
 * most 64 items. j is the position after the colon. */
static int colon_list(struct prs_ctx *ctx, size_t j, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, starts[64], ends[64], n = 0, q = j, p;
	struct pin pin, *P = &pin;
	struct law L;
	char book[4], first[20] = "";
	bool found;
	int rv = VP_OK;
	while (n < 64) {
		size_t k;
		q = prs_ws(s, len, q);
		k = parse_pin(s, len, q, true, NULL, P);
		if (!P->n_arts)
			break;
		if (!n)
			memcpy(first, P->arts[0], sizeof first);
		starts[n] = q;
		ends[n++] = k;
		/* the next item starts the next line when this one ends
		 * with ';' (after a sentence of its own, or a stray ';') */
		{
			const char *nl =
			    memchr(s + k, '\n', len - k < 400 ? len - k : 400);
			size_t e;
			if (!nl)
				break;
			e = (size_t)(nl - s);
			while (e > k && (s[e - 1] == ' ' || s[e - 1] == '\r' ||
			                    s[e - 1] == '\t'))
				e--;
			if (e == k || s[e - 1] != ';' ||
			    !prs_isdigit(prs_at(s, len, (size_t)(nl - s) + 1)))
				break;
			q = (size_t)(nl - s) + 1;
		}
	}
	if (n < 2)
		return VP_OK;
	p = law_after(ctx, ends[n - 1], &L, book, &found);
	if (!found || book[0]) {
		if (!ctx->regulation ||
		    prs_seq_r(ctx, PRS_CARRY_ANY)->last_any < 0 ||
		    head_has(ctx, first))
			return VP_OK;
		char why[96];
		prs_fmt(why, sizeof why,
		    "the regulation has no article %.19s: read as an article "
		    "of the law named last, ",
		    first);
		law_carried(ctx, &L, ctx->seq.last_any, 0.6, why, "");
		p = ends[n - 1];
	}
	for (size_t k = 0; k < n && rv == VP_OK; k++) {
		parse_pin(s, len, starts[k], true, NULL, P);
		rv = emit_pin(
		    ctx, &L, P, "", "", starts[k], k == n - 1 ? p : ends[k]);
	}
	*end = p;
	return rv;
}

/* A table whose first column is headed "Artikel WvSr" (the header row
 * at q, a TAB after the law's name): the first cell of each row after it
 * is an article of that law ("141, lid 1<TAB>Openlijk geweld<TAB>4
 * jaren"). Emits them; returns the end of the last one, 0 if none. */
static size_t law_column(struct prs_ctx *ctx, const struct law *H, size_t q)
{
	const char *s = ctx->s;
	size_t len = ctx->len, last = 0;
	const char *nl = memchr(s + q, '\n', len - q);
	for (int row = 0; nl && row < 512; row++) {
		struct pin pin, *P = &pin;
		struct law L = *H;
		const char *tab, *eol;
		size_t r = (size_t)(nl - s) + 1, k;
		if (r >= len || !(eol = memchr(s + r, '\n', len - r)))
			eol = s + len;
		if (!(tab = memchr(s + r, '\t', (size_t)(eol - (s + r)))) ||
		    !prs_isdigit(prs_at(s, len, r)))
			break;
		k = parse_pin(s, len, r, true, NULL, P);
		if (!P->n_arts || k > (size_t)(tab - s))
			break;
		/* the rest of the cell: no words ("141, lid 2.1") */
		for (size_t x = k; x < (size_t)(tab - s); x++)
			if (prs_isalpha((unsigned char)s[x]))
				return last;
		L.conf = 0.9;
		L.reason = "article in a table column headed with the law";
		if (emit_pin(ctx, &L, P, "", "", r, k) != VP_OK)
			break;
		last = k;
		nl = eol < s + len ? eol : NULL;
	}
	return last;
}

/* "Titel 9 van Boek 2 van het Burgerlijk Wetboek, met uitzondering van
 * de afdelingen 1, 7 en 15, ...", "De Algemene wet bestuursrecht, met
 * uitzondering van hoofdstuk 9, ...": the parts excepted at i are parts of
 * the law named right before the phrase. Fills *L, false when the text
 * before i is not that. */
static bool except_law(struct prs_ctx *ctx, size_t i, struct law *L)
{
	static const char phrase[] = "met uitzondering van";
	const size_t pl = sizeof phrase - 1;
	const char *s = ctx->s;
	size_t len = ctx->len, p = i, starts[12], ns = 0, n;
	/* most articles: no "uitzondering" just before */
	if (i < pl + 4 || !prs_find_ci(s + (i > 40 ? i - 40 : 0),
	                      i > 40 ? 40 : i, "uitzondering", 12))
		return false;
	while (p > 0 && s[p - 1] == ' ')
		p--;
	if (p >= 4 && prs_word(s, len, p - 3, "het") && s[p - 4] == ' ')
		p -= 4;
	else if (p >= 3 && prs_word(s, len, p - 2, "de") && s[p - 3] == ' ')
		p -= 3;
	while (p > 0 && s[p - 1] == ' ')
		p--;
	if (p < pl + 2 || strncasecmp(s + p - pl, phrase, pl) ||
	    s[p - pl - 1] != ' ' || s[p - pl - 2] != ',')
		return false;
	p -= pl + 2;
	/* the law's name ends at p: try the starts of the words before */
	for (size_t q = p; q > 0 && ns < 12 && p - q < 160;) {
		while (q > 0 && s[q - 1] != ' ' && s[q - 1] != '\n' &&
		       s[q - 1] != ',' && s[q - 1] != '(')
			q--;
		starts[ns++] = q;
		if (q == 0 || s[q - 1] != ' ')
			break;
		q--;
	}
	for (size_t k = ns; k-- > 0;) {
		size_t b = starts[k];
		if (!(n = law_at(ctx, b, L, false)) || b + n != p ||
		    L->internal)
			continue;
		if (is_bw(L)) {
			/* "van Boek 2 van het Burgerlijk Wetboek" */
			char book[4];
			size_t d, c = b;
			if (c < 12 || !prs_word(s, len, c - 4, "het"))
				return false;
			c -= 4;
			while (c > 0 && s[c - 1] == ' ')
				c--;
			if (c < 4 || !prs_word(s, len, c - 3, "van"))
				return false;
			c -= 4;
			while (c > 0 && s[c - 1] == ' ')
				c--;
			for (d = 0; d < 2 && c > d &&
			            prs_isdigit(prs_at(s, len, c - d - 1));
			     d++)
				;
			if (!d || c < d + 5 || s[c - d - 1] != ' ' ||
			    !prs_word(s, len, c - d - 5, "boek"))
				return false;
			prs_fmt(book, sizeof book, "%.*s", (int)d, s + c - d);
			if (!bw_book(ctx, L, book))
				return false;
		}
		if (!L->resolved)
			return false;
		if (L->conf > 0.9)
			L->conf = 0.9;
		L->reason = "part excepted ('met uitzondering van') from the "
		            "law named right before";
		return true;
	}
	return false;
}

int prs_try_wet(struct prs_ctx *ctx, size_t i, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, j, n, p;
	bool plural = false, found, owner;
	struct pin pin, *P = &pin;
	struct law L;
	char book[4];
	int rv;

	*end = i;
	if ((n = prs_word(s, len, i, "artikelen")) ||
	    (n = prs_word(s, len, i, "artt")))
		plural = true;
	else if (!(n = prs_word(s, len, i, "artikel")) &&
	         !(n = prs_word(s, len, i, "art")))
		return VP_OK;
	j = i + n;
	if (prs_at(s, len, j) == '.')
		j++;
	if (plural && prs_at(s, len, j) == ':' &&
	    memchr(s + j, '\n', prs_ws(s, len, j + 1) - j)) {
		*end = j + 1;
		return colon_list(ctx, j + 1, end);
	}
	j = prs_ws(s, len, j);
	/* "Artikel 24" on a line of its own (or with its title) is the
	 * heading of an article, not a reference to one */
	if (s[i] == 'A' && (i == 0 || s[i - 1] == '\n')) {
		char a[20];
		size_t m = art_number(s, len, j, a, sizeof a), q;
		if (m) {
			q = j + m;
			while (q < len && (s[q] == ' ' || s[q] == '\t'))
				q++;
			if (q >= len || s[q] == '\n' || s[q] == '\r' ||
			    (prs_isupper(prs_at(s, len, q)) &&
			        !law_starts(ctx, q))) {
				*end = j + m;
				return VP_OK;
			}
		}
	}
	j = parse_pin(s, len, j, plural, NULL, P);
	if (!P->n_arts) {
		size_t k;
		/* "Artikel WvSr<TAB>Delict<TAB>Maximum vrijheidsstraf" */
		if ((i == 0 || s[i - 1] == '\n') &&
		    (k = law_at(ctx, j, &L, true)) && L.resolved &&
		    !L.internal && prs_at(s, len, j + k) == '\t') {
			struct law H = L;
			size_t e = j + k;
			if ((rv = emit_law(ctx, &H, j, e)) != VP_OK)
				return rv;
			*end = e;
			if ((k = law_column(ctx, &L, e)))
				*end = k;
			return VP_OK;
		}
		if (plural)
			list_intro(ctx, j);
		else if (s[i] == 'a' && n == 7)
			return that_article(ctx, i, end);
		return VP_OK;
	}
	p = law_after(ctx, j, &L, book, &found);
	if (!found) {
		/* the list went on in a form the grammar does not read ("5:13,
		 * 5:15, voor zover ..., en 5:17 van de Awb" is not, "11, eerste
		 * lid, onderdeel g, of 12" is): when only pinpoint words stand
		 * between it and a named law, the law is the list's */
		size_t q = P->shape_break ? j : pin_noise(s, len, j);
		if (q > j) {
			p = law_after(ctx, q, &L, book, &found);
			if (found &&
			    (L.internal || L.idx < 0 ||
			        (L.conf < 1.0 && L.reason != dated_titled)))
				found = false;
			if (found) {
				L.conf = 0.9;
				L.reason = "part of the list not read: the law "
				           "named after it taken for all of it";
			}
		}
	}
	if (found && !L.internal)
		/* a law named with its article */
		prs_seq_w(ctx, PRS_CARRY_ALONE)->alone_law = -1;
	/* "artikel 33 van verordening (EG) 834/2007", "artikelen 119 der
	 * Indische Staatsregeling": what follows names the owner, even when
	 * it is no law this parser knows; no earlier law is taken then */
	owner = !found && owner_after(s, len, j);
	if (!found && !book[0] && !owner &&
	    prs_seq_r(ctx, PRS_CARRY_LIST)->list_law >= 0 &&
	    ctx->seq.list_s == s && ctx->seq.list_from < i &&
	    in_list(s, len, ctx->seq.list_from, i)) {
		law_carried(ctx, &L, ctx->seq.list_law, 0.8,
		    "article in a list of articles of ",
		    ": read as that law's");
		found = true;
		p = j;
	}
	if (!found && !book[0] && !owner && !ctx->regulation &&
	    prs_seq_r(ctx, PRS_CARRY_HEAD)->head_law >= 0 &&
	    ctx->seq.head_s == s) {
		/* "1 De Wet milieubeheer\nop grond van de artikelen 10.4 of
		 * 10.5." */
		law_carried(ctx, &L, ctx->seq.head_law, 0.7,
		    "article without a law under ",
		    " named on a line of its own: read as that law's");
		found = true;
		p = j;
	}
	if (!found && !book[0] && !owner && !ctx->regulation &&
	    prs_seq_r(ctx, PRS_CARRY_ALONE)->alone_law >= 0 &&
	    ctx->seq.alone_s == s && ctx->seq.alone_end <= i &&
	    same_sentence(s, len, ctx->seq.alone_end, i)) {
		/* "De Vorderingswet is van toepassing, met dien verstande
		 * dat de artikelen 3, 3a en 5 buiten toepassing blijven" (not
		 * in a regulation, where a bare article is mostly its own) */
		law_carried(ctx, &L, ctx->seq.alone_law, 0.7,
		    "article without a law after ",
		    " named earlier in the sentence: read as that law's");
		found = true;
		p = j;
	}
	if (!found && !book[0] && !owner && except_law(ctx, i, &L)) {
		found = true;
		p = j;
	}
	if (!found) {
		if (!ctx->regulation || book[0])
			return VP_OK;
		p = j;
		if (!owner && prs_seq_r(ctx, PRS_CARRY_ANY)->last_any >= 0 &&
		    !head_has(ctx, P->arts[0])) {
			/* "De bevoegde autoriteit, bedoeld in het
			 * Binnenvaartpolitiereglement, is: ... voor de
			 * artikelen 1.09, 1.23": the regulation has no such
			 * article, so it is the law named last */
			char why[96];
			prs_fmt(why, sizeof why,
			    "the regulation has no article %.19s: read as an "
			    "article of the law named last, ",
			    P->arts[0]);
			law_carried(ctx, &L, ctx->seq.last_any, 0.6, why, "");
		} else {
			/* a bare article in a regulation: inside it */
			law_internal(&L,
			    "article without a law in a "
			    "regulation: read as an article of the "
			    "regulation itself");
		}
	}
	*end = p;
	rv = emit_pin(ctx, &L, P, book, "", i, p);
	/* "4, derde lid, van de AOW, 35, tweede lid, van de IOW en 36 van
	 * de WW": the next group of the list, with its own law */
	for (int g = 0; rv == VP_OK && found && g < 16; g++) {
		bool range;
		const char *unit;
		size_t item, k, e,
		    q = list_sep_at(
		        s, len, prs_ws(s, len, p), true, &range, &unit, &item);
		if (range || q == prs_ws(s, len, p) ||
		    !prs_isdigit(prs_at(s, len, q)))
			break;
		k = parse_pin(s, len, q, true, unit, P);
		if (!P->n_arts)
			break;
		e = law_after(ctx, k, &L, book, &found);
		if (!found || L.internal)
			break;
		rv = emit_pin(ctx, &L, P, book, "", item, e);
		*end = p = e;
	}
	return rv;
}

/* A law the index does not know, named alone: one capitalised word that
 * ends in "wet" or "wetboek" ("Invaliditeitswet"), or "Wet" with at least
 * two words of a title after it ("Wet brutering overhevelingstoeslag").
 * Reported unresolved, with its title, for a lookup. */
static int unknown_alone(struct prs_ctx *ctx, size_t i, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, w = prs_law_word(s, len, i), n = 0;
	struct law L;
	if (!prs_isupper(prs_at(s, len, i)) || !w)
		return VP_OK;
	if (w == 3 && !strncmp(s + i, "Wet", 3)) {
		size_t p = prs_ws(s, len, i + 3), words = 0;
		if (p == i + 3)
			return VP_OK; /* "Wet-" */
		n = unknown_title(s, len, i);
		for (size_t k = i; k < i + n; k++)
			words += s[k] == ' ';
		if (words < 2)
			return VP_OK;
	} else if ((w >= 8 && !strncasecmp(s + i + w - 3, "wet", 3)) ||
	           (w >= 11 && !strncasecmp(s + i + w - 7, "wetboek", 7))) {
		if (prs_at(s, len, i + w) == '-')
			return VP_OK; /* "Mediawet-wijziging" */
		n = w;
	} else {
		return VP_OK;
	}
	law_clear(&L);
	prs_fmt(
	    L.title, sizeof L.title, "%.*s", (int)(n < 127 ? n : 127), s + i);
	for (char *c = L.title; *c; c++)
		if (*c == '\n' || *c == '\r' || *c == '\t')
			*c = ' ';
	prs_fmt(L.written, sizeof L.written, "%.63s", L.title);
	L.conf = 0.5;
	L.reason = "law not in the law table: needs a title lookup";
	*end = i + n;
	return emit_law(ctx, &L, i, i + n);
}

/* After "Wet X:", items of bare article numbers separated by ';' and line
 * breaks: each item is emitted with the law; returns the end of the last
 * one, 0 when the first is no article with a part ("2012: ..." is not). */
static size_t law_items(struct prs_ctx *ctx, struct law *L, size_t q)
{
	const char *s = ctx->s;
	size_t len = ctx->len, last = 0;
	for (int item = 0; item < 64; item++) {
		struct pin pin, *P = &pin;
		size_t k = parse_pin(s, len, q, true, NULL, P), r;
		if (!P->n_arts)
			break;
		/* a bare number is a year or a count: the first item must
		 * look like an article ("9.02", "3a", "2:4", or with a lid) */
		if (item == 0 &&
		    !strpbrk(P->arts[0], ".:abcdefghijklmnopqrstuvwxyz") &&
		    !P->q[0].n_lids)
			break;
		if (emit_pin(ctx, L, P, "", "", q, k) != VP_OK)
			break;
		last = k;
		r = prs_ws(s, len, k);
		if (prs_at(s, len, r) != ';')
			break;
		r = prs_ws(s, len, r + 1);
		if (!prs_isdigit(prs_at(s, len, r)))
			break;
		q = r;
	}
	return last;
}

/* Whether the text before a short abbreviation at i says a law is named
 * there: a phrase of legal basis ("op grond van de TW", "krachtens de
 * ZW", "in de zin van de WW") or a list of laws ("de WAO, de Wet WIA of
 * de WW"). */
static bool law_expected(struct prs_ctx *ctx, size_t i)
{
	static const char *const basis[] = {"op grond van", "krachtens",
	    "ingevolge", "in de zin van", "uit hoofde van", "bedoeld in",
	    "overeenkomstig", "ter uitvoering van"};
	const char *s = ctx->s;
	size_t len = ctx->len, p = i, w, b;
	while (p > 0 && s[p - 1] == ' ')
		p--;
	if (p >= 3 && !strncasecmp(s + p - 3, "het", 3))
		w = 3;
	else if (p >= 2 && !strncasecmp(s + p - 2, "de", 2))
		w = 2;
	else
		return false;
	if (p == w || s[p - w - 1] != ' ')
		return false;
	p -= w;
	while (p > 0 && s[p - 1] == ' ')
		p--;
	for (size_t k = 0; k < sizeof basis / sizeof *basis; k++) {
		size_t bl = strlen(basis[k]);
		if (p >= bl && !strncasecmp(s + p - bl, basis[k], bl) &&
		    (p == bl || !prs_isalnum(prs_at(s, len, p - bl - 1))))
			return true;
	}
	if (p > 0 && s[p - 1] == ',')
		p--;
	else if (p >= 3 && s[p - 3] == ' ' &&
	         (!strncmp(s + p - 2, "en", 2) || !strncmp(s + p - 2, "of", 2)))
		p -= 3;
	else
		return false;
	return law_ending_at(ctx, s, len, p, &b, true) >= 0;
}

/* "de wet" named alone, in a document that defines it ("wet: de Wet X",
 * "(hierna: de wet)"); "die wet": the law of that kind named last. A
 * capitalised word ("uit de Wet niet anders voortvloeit", "het Besluit",
 * "(hierna: de Verordening)") only as the document defines it. */
static int generic_alone(struct prs_ctx *ctx, size_t i, size_t *end, bool cap)
{
	const char *s = ctx->s;
	size_t len = ctx->len, n, b = i - 1, dn;
	unsigned char kind;
	char det = 0;
	struct law L;
	/* a capitalised word only as a defined term: none, none to read */
	if (i < 3 || (cap && !ctx->any_generic_def) ||
	    (kind = generic_kind(s, len, i, &n)) == PRS_KIND_OTHER)
		return VP_OK;
	while (b > 0 && s[b - 1] != ' ' && s[b - 1] != '\n' && i - b < 16)
		b--;
	dn = determiner(s, len, b, &det);
	if (!dn || prs_ws(s, len, b + dn) != i || det == 'i' ||
	    (cap && det != 'd') || (det == 'd' && ctx->generic_def[kind] < 0) ||
	    (det == 'a' && prs_last_law(ctx, kind) < 0) ||
	    !generic_at(ctx, i, det, &L) || L.conf < 0.6)
		return VP_OK;
	/* "het Besluit van 28 april 2009": a title the table lacks */
	if (cap && title_follows(s, len, i + n))
		return VP_OK;
	*end = i + n;
	return emit_law(ctx, &L, b, i + n);
}

/* "Wpg artikel 11 lid 1 en 2", "Wet X: de artikelen 2:3 en 2:4",
 * "Burgerlijk Wetboek Boek 3, Artikel 40"; or a law named alone. */
int prs_try_lawname(struct prs_ctx *ctx, size_t i, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, n, p, e, q;
	struct law L;
	char book[4] = "";
	bool plural = false;
	int rv;

	*end = i;
	if (!prs_isupper(prs_at(s, len, i)))
		return generic_alone(ctx, i, end, false);
	/* "Boek 7 van het Burgerlijk Wetboek" */
	if ((n = prs_word(s, len, i, "boek")) &&
	    prs_isupper(prs_at(s, len, i))) {
		size_t b = prs_ws(s, len, i + n), d;
		if ((d = prs_ndigits(s, len, b, 2)) >= 1 && d <= 2 &&
		    !prs_isalnum(prs_at(s, len, b + d))) {
			q = prs_ws(s, len, b + d);
			if ((n = prs_word(s, len, q, "van")))
				q = prs_ws(s, len, q + n);
			if ((n = prs_word(s, len, q, "het")))
				q = prs_ws(s, len, q + n);
			if ((n = law_at(ctx, q, &L, true)) && is_bw(&L)) {
				prs_fmt(
				    book, sizeof book, "%.*s", (int)d, s + b);
				if (bw_book(ctx, &L, book)) {
					*end = q + n;
					return emit_law(ctx, &L, i, q + n);
				}
			}
		}
		return VP_OK;
	}
	if (!(n = law_at(ctx, i, &L, true))) {
		if ((rv = unknown_alone(ctx, i, end)) != VP_OK || *end > i)
			return rv;
		return generic_alone(ctx, i, end, true);
	}
	e = absorb_def(s, len, i + n);
	/* "Burgerlijk Wetboek Boek 3" */
	q = prs_ws(s, len, e);
	if (is_bw(&L) && (n = prs_word(s, len, q, "boek"))) {
		size_t b = prs_ws(s, len, q + n), d;
		if ((d = prs_ndigits(s, len, b, 2)) >= 1 && d <= 2 &&
		    !prs_isalnum(prs_at(s, len, b + d))) {
			prs_fmt(book, sizeof book, "%.*s", (int)d, s + b);
			if (bw_book(ctx, &L, book))
				e = b + d;
		}
	}
	/* a pinpoint after the name */
	p = prs_ws(s, len, e);
	if (prs_at(s, len, p) == ':') {
		/* "de Wet X: | 9.02, derde lid; | 9.03; | 10.10, tweede lid.":
		 * a list of the law's articles, one item a line */
		size_t at = prs_ws(s, len, p + 1), k;
		if (prs_isdigit(prs_at(s, len, at)) &&
		    (k = law_items(ctx, &L, at))) {
			*end = k;
			return VP_OK;
		}
	}
	if (prs_at(s, len, p) == ',' || prs_at(s, len, p) == ':') {
		bool colon = prs_at(s, len, p) == ':';
		p = prs_ws(s, len, p + 1);
		/* "het Arbeidsomstandighedenbesluit: de , artikelen 2.42c":
		 * a stray comma in a list of laws */
		if (colon && (n = prs_word(s, len, p, "de")) &&
		    prs_at(s, len, prs_ws(s, len, p + n)) == ',')
			p = prs_ws(s, len, prs_ws(s, len, p + n) + 1);
	}
	if ((n = prs_word(s, len, p, "de")))
		p = prs_ws(s, len, p + n);
	if (memchr(s + e, '\n', p - e) && !memchr(s + e, ':', p - e))
		n = 0; /* "... 342 Sr\nArtikel 341": a new line, not "Sr
		        * artikel 341" */
	else if ((n = prs_word(s, len, p, "artikelen")) ||
	         (n = prs_word(s, len, p, "artt")))
		plural = true;
	else if (!(n = prs_word(s, len, p, "artikel")) &&
	         !(n = prs_word(s, len, p, "art")))
		n = 0;
	if (n) {
		struct pin pin, *P = &pin;
		size_t j = p + n, k;
		if (prs_at(s, len, j) == '.')
			j++;
		j = prs_ws(s, len, j);
		k = parse_pin(s, len, j, plural, NULL, P);
		if (P->n_arts) {
			/* "Wegenwet, artikel 8:75 Awb": the article is the
			 * next law's */
			struct law L2;
			char book2[4];
			bool next_law;
			law_after(ctx, k, &L2, book2, &next_law);
			if (next_law)
				P->n_arts = 0;
		}
		if (P->n_arts) {
			*end = k;
			rv = emit_pin(ctx, &L, P, "", "", i, k);
			return rv;
		}
	}
	/* named alone: weak names (abbreviations) only when safe, or where
	 * the words before them expect a law */
	if (!law_at(ctx, i, &L, false) || L.internal) {
		if (!law_expected(ctx, i) || !law_at(ctx, i, &L, true) ||
		    L.internal || !L.resolved)
			return VP_OK;
		if (L.conf > 0.9) {
			L.conf = 0.9;
			L.reason = "short abbreviation read as a law where the "
			           "text expects one (\"op grond van de\", a "
			           "list of laws)";
		}
	}
	if (book[0] && is_bw(&L))
		bw_book(ctx, &L, book);
	else if (is_bw(&L)) {
		/* "krachtens boek 1 van het Burgerlijk Wetboek", "Boek 7A
		 * van het Burgerlijk Wetboek": the book before the name */
		size_t b = i, d = 0;
		while (b > 0 && s[b - 1] == ' ')
			b--;
		if (b >= 4 && prs_word(s, len, b - 3, "het"))
			b -= 3;
		while (b > 0 && s[b - 1] == ' ')
			b--;
		if (b >= 4 && prs_word(s, len, b - 3, "van")) {
			b -= 3;
			while (b > 0 && s[b - 1] == ' ')
				b--;
			if (b > 0 && s[b - 1] == 'A')
				d++;
			while (d < 4 && b > d &&
			       prs_isdigit(prs_at(s, len, b - d - 1)))
				d++;
			if (d && d <= 3 && prs_isdigit(prs_at(s, len, b - d)) &&
			    b >= d + 5 && s[b - d - 1] == ' ' &&
			    prs_word(s, len, b - d - 5, "boek") &&
			    (b - d - 5 == 0 ||
			        !prs_isalnum(prs_at(s, len, b - d - 6)))) {
				prs_fmt(book, 4, "%.*s", (int)d, s + b - d);
				if (bw_book(ctx, &L, book))
					i = b - d - 5;
			}
		}
	}
	*end = e;
	return emit_law(ctx, &L, i, e);
}

/* "8:75 Awb", "6:74 BW", "2:11 Bpg": an article of a code written without
 * the word artikel, followed by the code's name. */
/* Where a '§' sign before the number at i starts ("§ 7", "§\u00a07", "§7"),
 * or i when there is none. */
static size_t para_sign(const char *s, size_t i)
{
	size_t p = i;
	if (p >= 1 && s[p - 1] == ' ')
		p--;
	else if (p >= 2 && (unsigned char)s[p - 2] == 0xC2 &&
	         (unsigned char)s[p - 1] == 0xA0)
		p -= 2;
	if (p >= 2 && (unsigned char)s[p - 2] == 0xC2 &&
	    (unsigned char)s[p - 1] == 0xA7)
		return p - 2;
	return i;
}

/* "§ 7 van de wet", and in a regulation "§ 3.2" alone: a paragraaf. */
static int para_ref(struct prs_ctx *ctx, size_t sign, size_t i, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, j, p;
	struct pin pin, *P = &pin;
	struct law L;
	char book[4];
	bool found;
	j = parse_pin(s, len, i, true, "paragraaf", P);
	if (!P->n_arts)
		return VP_OK;
	p = law_after(ctx, j, &L, book, &found);
	if (!found) {
		if (!ctx->regulation)
			return VP_OK;
		law_internal(&L, "paragraph without a law in a regulation: "
		                 "read as a part of the regulation itself");
		p = j;
	}
	*end = p;
	return emit_pin(ctx, &L, P, book, "paragraaf", sign, p);
}

/* "(225 WvSr.)", "(340–348 WvSr.)", "(420 bis Sr)": an article of a code
 * without the word artikel, in brackets before the code's abbreviation. */
static int code_article(struct prs_ctx *ctx, size_t i, size_t *end)
{
	static const char *const codes[] = {
	    "Sr", "WvSr", "Sv", "WvSv", "BW", "Rv", "Awb"};
	const char *s = ctx->s;
	size_t len = ctx->len, p = i, q, k, n;
	struct pin pin, *P = &pin;
	struct law L;
	bool ok = false;
	/* in brackets only: "in 2012 Sr." is a year */
	if (s[i] == '0' || i == 0 || s[i - 1] != '(')
		return VP_OK;
	/* cheap first: a capital S, W, B, R or A within a few bytes of
	 * number-like characters */
	while (p < len && p - i < 40 &&
	       (prs_isdigit((unsigned char)s[p]) || s[p] == ' ' ||
	           (s[p] >= 'a' && s[p] <= 'z') ||
	           (unsigned char)s[p] >= 0x80 || s[p] == '-'))
		p++;
	if (p >= len || !strchr("SWBRA", s[p]) || !s[p])
		return VP_OK;
	k = parse_pin(s, len, i, true, NULL, P);
	if (!P->n_arts)
		return VP_OK;
	q = prs_ws(s, len, k);
	if (q == k)
		return VP_OK;
	for (size_t c = 0; c < sizeof codes / sizeof *codes && !ok; c++) {
		n = strlen(codes[c]);
		if (q + n <= len && !memcmp(s + q, codes[c], n) &&
		    !prs_isalnum(prs_at(s, len, q + n)))
			ok = true;
	}
	if (!ok || !(n = law_at(ctx, q, &L, true)) || !L.resolved)
		return VP_OK;
	*end = q + n;
	return emit_pin(ctx, &L, P, "", "", i, q + n);
}

int prs_try_wet_bare(struct prs_ctx *ctx, size_t i, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, m, p, n;
	char art[20];
	struct law L;
	struct pin pin, *P = &pin;
	int rv;
	*end = i;
	if (para_sign(s, i) < i)
		return para_ref(ctx, para_sign(s, i), i, end);
	/* only "N:N": one or two digits, a colon, a digit */
	m = prs_ndigits(s, len, i, 3);
	if (m < 1 || m > 2 || prs_at(s, len, i + m) != ':' ||
	    !prs_isdigit(prs_at(s, len, i + m + 1)))
		return code_article(ctx, i, end);
	if (!(m = art_number(s, len, i, art, sizeof art)) || !strchr(art, ':'))
		return VP_OK;
	p = prs_ws(s, len, i + m);
	if (p == i + m || !(n = law_at(ctx, p, &L, true)))
		return VP_OK;
	memset(&P->q[0], 0, sizeof P->q[0]);
	P->unit[0] = NULL;
	memcpy(P->arts[0], art, sizeof art);
	P->n_arts = 1;
	*end = p + n;
	rv = emit_pin(ctx, &L, P, "", "", i, p + n);
	return rv;
}

/* Structure units: "hoofdstuk 4 van de Awb", "Titel IIIa van de Wet X",
 * "bijlage 3 bij de Regeling Z", "afdeling 10.2.1"; in a regulation a bare
 * unit points inside it. */
int prs_try_unit(struct prs_ctx *ctx, size_t i, size_t *end)
{
	static const struct {
		const char *w;
		const char *key;
	} units[] = {{"hoofdstukken", "hoofdstuk"}, {"hoofdstuk", "hoofdstuk"},
	    {"titeldelen", "titeldeel"}, {"titeldeel", "titeldeel"},
	    {"titels", "titeldeel"}, {"titel", "titeldeel"},
	    {"afdelingen", "afdeling"}, {"afdeling", "afdeling"},
	    {"paragrafen", "paragraaf"}, {"paragraaf", "paragraaf"},
	    {"bijlagen", "bijlage"}, {"bijlage", "bijlage"}};
	const char *s = ctx->s;
	size_t len = ctx->len, n = 0, j, p;
	const char *key = NULL;
	struct pin pin, *P = &pin;
	struct law L;
	char book[4];
	bool found;
	int rv;
	*end = i;
	/* the first letters rule out most words ("bijlage" without a number
	 * is common) before the table is tried */
	if (!prs_head_eq(s, len, i, "hoof") &&
	    !prs_head_eq(s, len, i, "tite") &&
	    !prs_head_eq(s, len, i, "afde") &&
	    !prs_head_eq(s, len, i, "para") && !prs_head_eq(s, len, i, "bijl"))
		return VP_OK;
	for (size_t k = 0; k < sizeof units / sizeof *units && !key; k++)
		if ((units[k].w[0] | 0x20) == (s[i] | 0x20) &&
		    (n = prs_word(s, len, i, units[k].w)))
			key = units[k].key;
	if (!key)
		return VP_OK;
	j = prs_ws(s, len, i + n);
	if (!prs_isdigit(prs_at(s, len, j)) &&
	    !prs_isupper(prs_at(s, len, j))) {
		/* "de bijlage" of a regulation: its own annex */
		struct ref r;
		struct law B;
		if (strcmp(key, "bijlage") || !ctx->regulation ||
		    prs_isupper(prs_at(s, len, i)) || i < 3 ||
		    !prs_word(s, len, i - 3, "de"))
			return VP_OK;
		memset(&r, 0, sizeof r);
		strcpy(r.unit, "bijlage");
		law_clear(&B);
		B.internal = true;
		B.conf = 0.8;
		B.reason =
		    "'de bijlage' in a regulation: read as its own annex";
		*end = i + n;
		return emit_refs(ctx, &B, &r, 1, i, i + n);
	}
	j = parse_pin(s, len, j, true, key, P);
	if (!P->n_arts) {
		return VP_OK;
	}
	p = law_after(ctx, j, &L, book, &found);
	if (!found && !book[0] && except_law(ctx, i, &L)) {
		found = true;
		p = j;
	}
	if (found && !book[0] && is_bw(&L)) {
		/* "Boek 2, Titel 9, van het Burgerlijk Wetboek"; "titel 7.4
		 * (Huur) van het Burgerlijk Wetboek" */
		char tb[4];
		if (!book_before(s, len, i, book) &&
		    !strcmp(key, "titeldeel") &&
		    title_book(P->arts[0], tb, NULL)) {
			bool same = true;
			for (size_t a = 0; a < P->n_arts; a++) {
				char b2[4];
				same &= title_book(P->arts[a], b2, NULL) &&
				        !strcmp(b2, tb);
			}
			if (same) {
				for (size_t a = 0; a < P->n_arts; a++)
					title_book(P->arts[a], tb, P->arts[a]);
				memcpy(book, tb, sizeof tb);
			}
		}
	}
	if (!found) {
		/* a unit heading ("Hoofdstuk 2 Definities") is no reference;
		 * a lower-case unit in a regulation's text is */
		if (!ctx->regulation || (prs_isupper(prs_at(s, len, i)) &&
		                            (i == 0 || s[i - 1] == '\n')))
			return VP_OK;
		law_internal(&L, "unit without a law in a regulation: read "
		                 "as a part of the regulation itself");
		p = j;
	}
	*end = p;
	/* "Titel 9 van Boek 2 van het Burgerlijk Wetboek": the book's id */
	rv = emit_pin(ctx, &L, P, book, key, i, p);
	return rv;
}

/* ---- definitions ---- */

static void add_def(struct prs_ctx *ctx, const char *abbr, size_t an, long law,
    const char *title, size_t tn)
{
	struct prs_def *d;
	if (an == 0 || an >= sizeof d->abbr)
		return;
	for (size_t k = 0; k < ctx->n_defs; k++)
		if (strlen(ctx->defs[k].abbr) == an &&
		    !memcmp(ctx->defs[k].abbr, abbr, an))
			return; /* first definition wins */
	if (ctx->n_defs >= PRS_MAX_DEFS)
		return;
	d = &ctx->defs[ctx->n_defs++];
	memcpy(d->abbr, abbr, an);
	d->abbr[an] = 0;
	d->law = law;
	prs_fmt(d->title, sizeof d->title, "%.*s",
	    (int)(tn < sizeof d->title ? tn : sizeof d->title - 1), title);
}

/* The known law whose name ends right before e (spaces skipped): tries the
 * starts of up to 12 preceding words, longest first. Returns its index,
 * -1 if none; *b gets where the name starts. alone: only a name that is
 * safe without an article (not a short abbreviation such as "ZW"). */
static long law_ending_at(struct prs_ctx *ctx, const char *s, size_t len,
    size_t e, size_t *b, bool alone)
{
	size_t starts[12], ns = 0, p = e;
	struct prs_law_match m;
	while (p > 0 && (s[p - 1] == ' ' || s[p - 1] == '\n'))
		p--;
	e = p;
	while (p > 0 && ns < 12 && e - p < 160) {
		while (p > 0 && s[p - 1] != ' ' && s[p - 1] != '\n' &&
		       s[p - 1] != '(' && s[p - 1] != ',' && s[p - 1] != ';' &&
		       s[p - 1] != ':')
			p--;
		/* "Verordening X (PPE) 2011": a bracketed word inside */
		if (p > 1 && s[p - 1] == '(' && s[p - 2] == ' ')
			p--;
		starts[ns++] = p;
		if (p == 0 || s[p - 1] != ' ')
			break;
		while (p > 0 && s[p - 1] == ' ')
			p--;
	}
	for (size_t k = ns; k-- > 0;)
		if (prs_laws_match(ctx->laws, s, len, starts[k], &m) &&
		    m.end == e && m.n_cands == 1 &&
		    (!alone || !(m.flags & PRS_NAME_WEAK) ||
		        (m.flags & PRS_NAME_STRONG))) {
			*b = starts[k];
			return (long)m.cands[0];
		}
	return -1;
}

static void def_before(struct prs_ctx *ctx, const char *s, size_t len, size_t e,
    const char *abbr, size_t an)
{
	size_t b = 0, p;
	long k = law_ending_at(ctx, s, len, e, &b, false);
	if (k >= 0) {
		const struct prs_law *x = prs_laws_get(ctx->laws, (uint32_t)k);
		add_def(ctx, abbr, an, k, x->title, strlen(x->title));
		return;
	}
	/* a title the index does not know: "Wet X (Wx)" */
	p = e;
	while (p > 0 && s[p - 1] == ' ')
		p--;
	for (size_t q = p; q-- > 0 && p - q < 140;) {
		if (s[q] == '\n' || s[q] == '(' || s[q] == ')' || s[q] == ',' ||
		    s[q] == ';')
			break;
		if ((q == 0 || s[q - 1] == ' ') &&
		    (!strncmp(s + q, "Wet ", 4) ||
		        !strncmp(s + q, "Wetboek ", 8))) {
			add_def(ctx, abbr, an, -1, s + q, p - q);
			return;
		}
	}
}

/* "(hierna: de wet)", "(hierna: het Besluit)": the generic word of the
 * document for the law named before it. */
static void generic_before(struct prs_ctx *ctx, const char *s, size_t len,
    size_t e, unsigned char kind)
{
	size_t b;
	long k = law_ending_at(ctx, s, len, e, &b, false);
	if (k >= 0 && ctx->generic_def[kind] < 0)
		ctx->generic_def[kind] = k, ctx->any_generic_def = true;
}

/* "wet: de Wet X;" in a list of definitions. */
static void generic_list(
    struct prs_ctx *ctx, const char *s, size_t len, size_t colon)
{
	size_t b = colon, n, p;
	unsigned char kind;
	struct prs_law_match m;
	while (b > 0 && prs_isalpha((unsigned char)s[b - 1]))
		b--;
	if (b == colon || (b > 0 && s[b - 1] != ' ' && s[b - 1] != '\n' &&
	                      s[b - 1] != '\t' && s[b - 1] != '.'))
		return;
	kind = generic_kind(s, len, b, &n);
	p = prs_ws(s, len, colon + 1);
	if ((n = prs_word(s, len, p, "de")) || (n = prs_word(s, len, p, "het")))
		p = prs_ws(s, len, p + n);
	if (!prs_laws_match(ctx->laws, s, len, p, &m) || m.n_cands != 1)
		return;
	if (kind != PRS_KIND_OTHER && b + n <= colon &&
	    prs_law_word(s, len, b) == colon - b) {
		if (ctx->generic_def[kind] < 0)
			ctx->generic_def[kind] = (long)m.cands[0],
			ctx->any_generic_def = true;
	} else if (prs_isupper((unsigned char)s[b]) && colon - b >= 3 &&
	           strncmp(s + b, "Artikel", 7) != 0) {
		/* "Uitvoeringsbesluit: het Uitvoeringsbesluit omzetbelasting
		 * 1968": a term of the document for that law */
		const struct prs_law *x = prs_laws_get(ctx->laws, m.cands[0]);
		add_def(ctx, s + b, colon - b, (long)m.cands[0], x->title,
		    strlen(x->title));
	}
}

void prs_find_defs(struct prs_ctx *ctx, const char *s, size_t len)
{
	const char *p, *endp;
	if (!s || !len)
		return; /* empty text (NULL is allowed with len 0) */
	endp = s + len;
	for (p = s; (p = memchr(p, ':', (size_t)(endp - p))) != NULL; p++)
		generic_list(ctx, s, len, (size_t)(p - s));
	p = s;
	while ((p = memchr(p, '(', (size_t)(endp - p))) != NULL) {
		size_t i = (size_t)(p - s), j = i + 1, n, a;
		unsigned char kind;
		p++;
		if ((n = prs_word(s, len, j, "hierna"))) {
			j += n;
			if (prs_at(s, len, j) == ':')
				j++;
			j = prs_ws(s, len, j);
			if ((n = prs_word(s, len, j, "de")) ||
			    (n = prs_word(s, len, j, "het"))) {
				size_t g = prs_ws(s, len, j + n), w;
				if ((kind = generic_kind(s, len, g, &w)) !=
				        PRS_KIND_OTHER &&
				    prs_at(s, len, g + w) == ')') {
					generic_before(ctx, s, len, i, kind);
					continue;
				}
				j = g;
			}
		}
		if (!prs_isupper(prs_at(s, len, j)))
			continue;
		a = 0;
		while (
		    a < 24 && (prs_isalnum(prs_at(s, len, j + a)) ||
		                  (prs_at(s, len, j + a) == ' ' &&
		                      prs_isdigit(prs_at(s, len, j + a + 1)))))
			a++;
		if (a < 2 || a > 23 || prs_at(s, len, j + a) != ')')
			continue;
		def_before(ctx, s, len, i, s + j, a);
	}
}

void prs_doc_init(struct prs_ctx *ctx)
{
	for (size_t k = 0; k < PRS_KIND_N; k++)
		ctx->generic_def[k] = ctx->last_law[k] = -1;
	ctx->any_generic_def = ctx->any_named = false;
	ctx->regulation = false;
	memset(&ctx->seq, 0, sizeof ctx->seq);
	ctx->seq.last_any = ctx->seq.alone_law = ctx->seq.head_law = -1;
	ctx->seq.list_law = ctx->seq.last_art_law = -1;
	ctx->n_heads = 0;
	ctx->head_shapes = 0;
	memset(ctx->head_max, 0, sizeof ctx->head_max);
	memset(ctx->para_bits, 0, sizeof ctx->para_bits);
}

/* The shape of an article number: 0 plain ("12a"), 1 dotted ("1.09"), 2
 * with a colon ("5:13"), 3 Roman ("XX"), 4 letter first ("V-Q301", "X 10");
 * *lead gets its leading number (0 if none). */
static int head_shape(const char *a, long *lead)
{
	int shape = 0;
	*lead = 0;
	if (!prs_isdigit((unsigned char)a[0]))
		return strspn(a, "IVXL") == strlen(a) ? 3 : 4;
	for (; prs_isdigit((unsigned char)*a) && *lead < 100000; a++)
		*lead = *lead * 10 + (*a - '0');
	for (; *a; a++)
		if (*a == '.' || *a == ':')
			return *a == '.' ? 1 : 2;
	return shape;
}

static void head_note(struct prs_ctx *ctx, const char *a)
{
	long lead;
	int shape = head_shape(a, &lead);
	ctx->head_shapes |= 1u << shape;
	if (lead > ctx->head_max[shape])
		ctx->head_max[shape] = lead;
	ctx->n_heads++;
}

/* The bit of a number in ctx->para_bits (FNV-1a). */
static unsigned para_bit(const char *a, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t k = 0; k < n; k++)
		h = (h ^ (unsigned char)a[k]) * 16777619u;
	return (h ^ (h >> 11)) & 2047u;
}

/* Whether the regulation may have an article a: one of the shapes of its
 * headings, and not beyond the highest of them (an article missing in
 * between may have been repealed). */
static bool head_has(const struct prs_ctx *ctx, const char *a)
{
	long lead;
	int shape = head_shape(a, &lead);
	unsigned b;
	if ((ctx->head_shapes >> shape & 1) && lead <= ctx->head_max[shape])
		return true;
	/* "artikel 6.4" where article 6 numbers its paragraphs 6.1, 6.2 */
	b = para_bit(a, strlen(a));
	return shape == 1 && (ctx->head_shapes & 1) &&
	       lead <= ctx->head_max[0] &&
	       (ctx->para_bits[b / 64] >> (b % 64) & 1);
}

/* Two lines that start with "Artikel <number>" make a regulation; the
 * numbers of all of them are noted. */
void prs_find_headings(struct prs_ctx *ctx, const char *s, size_t len)
{
	const char *p = s, *endp = s + len;
	if (!s || !len)
		return;
	while (p && p < endp) {
		size_t i = (size_t)(p - s), n;
		char a[20];
		if ((n = prs_word(s, len, i, "Artikel")) && s[i] == 'A' &&
		    prs_at(s, len, i + n) == ' ' &&
		    (prs_isdigit(prs_at(s, len, i + n + 1)) ||
		        prs_isupper(prs_at(s, len, i + n + 1))) &&
		    art_number(s, len, i + n + 1, a, sizeof a)) {
			head_note(ctx, a);
			if (ctx->n_heads >= 2)
				ctx->regulation = true;
		} else if (prs_isdigit(prs_at(s, len, i))) {
			size_t e = i, dots = 0;
			while (e < len && e - i < 12 &&
			       (prs_isdigit((unsigned char)s[e]) ||
			           (s[e] == '.' &&
			               prs_isdigit(prs_at(s, len, e + 1)))))
				dots += s[e++] == '.';
			if (dots && prs_at(s, len, e) == ' ') {
				unsigned b = para_bit(s + i, e - i);
				ctx->para_bits[b / 64] |= (uint64_t)1
				                          << (b % 64);
			}
		}
		p = memchr(p, '\n', (size_t)(endp - p));
		if (p)
			p++;
	}
}
