/* split_sentence.c - sentence boundaries in a segment's text for the
 * parser's internal references; a pure helper over the normalised text
 * (the splitter's segments are paragraphs, the schema has no sentences). */
#include <string.h>

#include "split.h"

/* Abbreviations that end in a period without ending a sentence. */
static const char *const abbrev[] = {"nr", "nrs", "art", "artt", "jl", "lid",
    "o.a", "bijv", "z.g", "zgn", "i.v.m", "m.b.t", "t.a.v", "e.d", "e.a",
    "resp", "Stb", "Stcrt", "Kamerstukken", "Trb", "blz", "p", "pp", "vgl",
    "jo", "mr", "dr", "drs", "ir", "prof", "mevr", "dhr", "ca", "incl", "excl",
    "etc", "min", "sub", "cf", "red", "dd", "d.d", "o.g.v", "ggz"};

static int is_upper_start(const unsigned char *t, size_t n, size_t p)
{
	if (p >= n)
		return 1;
	if ((t[p] >= 'A' && t[p] <= 'Z') || (t[p] >= '0' && t[p] <= '9'))
		return 1;
	if (t[p] == '(' || t[p] == '[' || t[p] == '"' || t[p] == '\'')
		return 1;
	/* U+2018/U+201C opening quotes, upper-case Latin-1 letters */
	if (t[p] == 0xE2 && p + 2 < n && t[p + 1] == 0x80 &&
	    (t[p + 2] == 0x98 || t[p + 2] == 0x9C))
		return 1;
	return t[p] == 0xC3 && p + 1 < n && t[p + 1] >= 0x80 && t[p + 1] < 0x9F;
}

/* The word before the period at t[dot]: an abbreviation or one letter. */
static int abbreviation(const unsigned char *t, size_t dot)
{
	size_t s = dot;
	while (s > 0 && t[s - 1] != ' ' && t[s - 1] != '(')
		s--;
	if (dot - s == 1 && ((t[s] | 0x20) >= 'a' && (t[s] | 0x20) <= 'z'))
		return 1;
	for (size_t i = 0; i < sizeof(abbrev) / sizeof(*abbrev); i++) {
		size_t k = strlen(abbrev[i]);
		if (dot - s == k && memcmp(t + s, abbrev[i], k) == 0)
			return 1;
	}
	return 0;
}

size_t split_sentence_next(const char *text, size_t n, size_t from)
{
	const unsigned char *t = (const unsigned char *)text;
	for (size_t p = from; p < n; p++) {
		size_t e, q;
		if (t[p] != '.' && t[p] != '!' && t[p] != '?')
			continue;
		e = p + 1;
		/* closing quotes and brackets belong to the sentence */
		while (e < n && (t[e] == ')' || t[e] == '"' || t[e] == '\'' ||
		                    t[e] == ']'))
			e++;
		while (e + 2 < n && t[e] == 0xE2 && t[e + 1] == 0x80 &&
		       (t[e + 2] == 0x99 || t[e + 2] == 0x9D))
			e += 3;
		if (e == n)
			return n;
		if (t[e] != ' ')
			continue; /* 2.23, www.example.nl, o.a. inside */
		if (t[p] == '.' && abbreviation(t, p))
			continue;
		q = e;
		while (q < n && t[q] == ' ')
			q++;
		if (is_upper_start(t, n, q))
			return e;
	}
	return n;
}
