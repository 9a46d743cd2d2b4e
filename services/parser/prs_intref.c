/* prs_intref.c - references to another part of the same document: "zie
 * (de beantwoording op) vraag 10", "zie voetnoot 3", "zie paragraaf 2.1",
 * "verwijs ik naar de beantwoording op vraag 10", "Met de beantwoording van
 * vraag 3" -> internal:vraag-10 (no URL). Only after "zie" or "beantwoording
 * op/van", so that ordinary prose ("de vraag 3 keer stellen") is left
 * alone. */
#include <string.h>

#include "prs_internal.h"

static const char *const fillers[] = {"ook", "de", "het", "beantwoording",
    "antwoord", "antwoorden", "op", "van", "bij", "onder", "hierboven",
    "hieronder", "eerder", "mijn", "het"};

static const struct {
	const char *word;
	const char *kind;
} parts[] = {{"vragen", "vraag"}, {"vraag", "vraag"}, {"voetnoot", "voetnoot"},
    {"paragraaf", "paragraaf"}, {"hoofdstuk", "hoofdstuk"},
    {"bijlage", "bijlage"}, {"onderdeel", "onderdeel"}, {"punt", "punt"}};

int prs_try_internal(struct prs_ctx *ctx, size_t i, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, j, n, d, p;
	const char *kind = NULL;
	char num[24], id[48];

	*end = i;
	if (!(n = prs_word(s, len, i, "zie"))) {
		/* "de beantwoording op/van vraag 3": only a question */
		size_t q;
		if (!(n = prs_word(s, len, i, "beantwoording")))
			return VP_OK;
		q = prs_ws(s, len, i + n);
		if (!(n = prs_word(s, len, q, "op")) &&
		    !(n = prs_word(s, len, q, "van")))
			return VP_OK;
		q = prs_ws(s, len, q + n);
		if ((n = prs_word(s, len, q, "de")))
			q = prs_ws(s, len, q + n);
		if (!prs_word(s, len, q, "vraag") &&
		    !prs_word(s, len, q, "vragen"))
			return VP_OK;
		n = q - i;
	}
	j = prs_ws(s, len, i + n);
	for (int r = 0; r < 5; r++) {
		bool hit = false;
		if (prs_at(s, len, j) == '(' || prs_at(s, len, j) == ')') {
			j = prs_ws(s, len, j + 1);
			continue;
		}
		for (size_t k = 0; k < sizeof fillers / sizeof *fillers; k++)
			if ((n = prs_word(s, len, j, fillers[k]))) {
				j = prs_ws(s, len, j + n);
				hit = true;
				break;
			}
		if (!hit)
			break;
	}
	if (prs_at(s, len, j) == ')')
		j = prs_ws(s, len, j + 1);
	for (size_t k = 0; k < sizeof parts / sizeof *parts && !kind; k++)
		if ((n = prs_word(s, len, j, parts[k].word)))
			kind = parts[k].kind;
	if (!kind)
		return VP_OK;
	p = prs_ws(s, len, j + n);
	if (p == j + n)
		return VP_OK;
	d = prs_ndigits(s, len, p, 4);
	if (d == 0 || d > 3)
		return VP_OK;
	j = p + d;
	while (prs_at(s, len, j) == '.' &&
	       (n = prs_ndigits(s, len, j + 1, 3)) && n <= 2)
		j += 1 + n;
	if (prs_isalpha(prs_at(s, len, j)))
		return VP_OK;
	if (j - p >= sizeof num)
		return VP_OK;
	memcpy(num, s + p, j - p);
	num[j - p] = 0;
	prs_fmt(id, sizeof id, "internal:%s-%s", kind, num);
	{
		struct prs_cit c = {0};
		c.family = "internal";
		c.id = id;
		c.confidence = 1.0;
		/* span: from the part word ("vraag 10"), not "zie" */
		c.start = p;
		while (
		    c.start > i && !prs_isalpha((unsigned char)s[c.start - 1]))
			c.start--;
		while (
		    c.start > i && prs_isalpha((unsigned char)s[c.start - 1]))
			c.start--;
		c.end = j;
		prs_cit_field(&c, "part", kind);
		prs_cit_field(&c, "number", num);
		*end = j;
		return prs_emit(ctx, &c);
	}
}
