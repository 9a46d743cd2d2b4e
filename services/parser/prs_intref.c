/* prs_intref.c - references to another part of the same document: "zie
 * (de beantwoording op) vraag 10", "zie voetnoot 3", "zie paragraaf 2.1",
 * "verwijs ik naar de beantwoording op vraag 10", "Met de beantwoording van
 * vraag 3" -> internal:vraag-10 (no URL); lists and ranges ("vragen 2 en 3",
 * "vraag 4 t/m 7") give one reference per number. After "zie" or
 * "beantwoording op/van" they are certain; "bijlage 2", "vraag 3" and
 * "paragraaf 2.1" alone are read too (confidence 0.9), except before a
 * word that makes the number a quantity ("de vraag 3 keer stellen"). */
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

/* Words after which "vraag 3" counts something rather than naming a part. */
static const char *const quantities[] = {"keer", "maal", "procent", "euro",
    "jaar", "jaren", "dagen", "weken", "maanden", "minuten", "uur", "personen",
    "mensen", "seconden", "uren"};

/* Part number at p: "10", "2.1", "2.1.3"; returns its length or 0. */
static size_t part_number(const char *s, size_t len, size_t p)
{
	size_t d = prs_ndigits(s, len, p, 4), j, n;
	if (d == 0 || d > 3 || s[p] == '0')
		return 0;
	j = p + d;
	while (prs_at(s, len, j) == '.' &&
	       (n = prs_ndigits(s, len, j + 1, 3)) && n <= 2)
		j += 1 + n;
	/* "bijlage 1.200": a number with thousands, not a part */
	if (prs_isalpha(prs_at(s, len, j)) || j - p >= 24 ||
	    ((prs_at(s, len, j) == '.' || prs_at(s, len, j) == ',') &&
	        prs_isdigit(prs_at(s, len, j + 1))))
		return 0;
	return j - p;
}

static int emit_int(struct prs_ctx *ctx, const char *kind, const char *s,
    size_t p, size_t n, size_t start, size_t end, double conf,
    const char *reason)
{
	struct prs_cit c = {0};
	char num[24], id[48];
	prs_fmt(num, sizeof num, "%.*s", (int)n, s + p);
	prs_fmt(id, sizeof id, "internal:%s-%s", kind, num);
	c.family = "internal";
	c.id = id;
	c.confidence = conf;
	c.reason = reason;
	c.start = start;
	c.end = end;
	prs_cit_field(&c, "part", kind);
	prs_cit_field(&c, "number", num);
	return prs_emit(ctx, &c);
}

/* The part word at j ("vraag", "bijlage") and its numbers, a list or a
 * range; emits one reference per number. Returns VP_OK and sets *end past
 * the last number (*end unchanged: no reference). */
static int part_refs(struct prs_ctx *ctx, size_t j, bool bare, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, n = 0, p, d, q, r;
	const char *kind = NULL;
	double conf = bare ? 0.9 : 1.0;
	const char *reason =
	    bare ? "part of the document named without 'zie': read as an "
	           "internal reference"
	         : NULL;
	int rv;
	for (size_t k = 0; k < sizeof parts / sizeof *parts && !kind; k++)
		if ((n = prs_word(s, len, j, parts[k].word)))
			kind = parts[k].kind;
	if (!kind)
		return VP_OK;
	p = prs_ws(s, len, j + n);
	if (p == j + n || !(d = part_number(s, len, p)))
		return VP_OK;
	if (bare) {
		/* "de vraag 3 keer stellen", "bijlage 2 bij de wet" (the law
		 * recogniser had its chance first) */
		q = prs_ws(s, len, p + d);
		/* the quantity words start with one of these letters */
		if (prs_isalpha(prs_at(s, len, q)) &&
		    strchr("kmpejdwus", prs_at(s, len, q) | 0x20))
			for (size_t k = 0;
			     k < sizeof quantities / sizeof *quantities; k++)
				if (prs_word(s, len, q, quantities[k]))
					return VP_OK;
		if (prs_at(s, len, q) == '%')
			return VP_OK;
		/* a heading ("Vraag 3", "Antwoord op vraag 3") names the
		 * part itself: nothing follows the number on its line */
		for (q = p + d;
		     q < len && (s[q] == ' ' || s[q] == '\t' || s[q] == '\r');
		     q++)
			;
		if (q >= len || s[q] == '\n')
			return VP_OK;
	}
	if ((rv = emit_int(ctx, kind, s, p, d, j, p + d, conf, reason)))
		return rv;
	*end = p + d;
	/* "vragen 2 en 3", "vragen 2, 3 en 5", "vraag 4 t/m 7",
	 * "vragen 4 tot en met 7", "vragen 4-7" */
	for (int k = 0; k < 32; k++) {
		bool range = false;
		size_t from = p;
		q = prs_ws(s, len, p + d);
		if (prs_at(s, len, q) == ',')
			n = 1;
		else if ((n = prs_word(s, len, q, "en")))
			;
		else if ((n = prs_word(s, len, q, "t/m")) ||
		         (n = prs_word(s, len, q, "tot en met")) ||
		         ((n = prs_dash(s, len, q)) &&
		             prs_isdigit(prs_at(s, len, q + n))))
			range = true;
		else
			break;
		r = prs_ws(s, len, q + n);
		if ((n = prs_word(s, len, r, "en")) && !range)
			r = prs_ws(s, len, r + n);
		if (!(n = part_number(s, len, r)))
			break;
		if (range && n <= 3 && d <= 3) {
			int a = 0, b = 0;
			for (size_t x = 0; x < d; x++)
				a = a * 10 + (s[p + x] - '0');
			for (size_t x = 0; x < n; x++)
				b = b * 10 + (s[r + x] - '0');
			if (prs_at(s, len, p + d) == '.' || b <= a ||
			    b - a > 50)
				break;
			for (int x = a + 1; x < b; x++) {
				char t[8];
				int tl = prs_fmt(t, sizeof t, "%d", x);
				struct prs_cit c = {0};
				char id[48];
				prs_fmt(
				    id, sizeof id, "internal:%s-%s", kind, t);
				c.family = "internal";
				c.id = id;
				c.confidence = conf;
				c.reason = reason;
				c.start = from;
				c.end = r + n;
				prs_cit_field(&c, "part", kind);
				prs_cit_field(&c, "number", t);
				(void)tl;
				if ((rv = prs_emit(ctx, &c)))
					return rv;
			}
		} else if (range) {
			break;
		}
		if ((rv = emit_int(ctx, kind, s, r, n, r, r + n, conf, reason)))
			return rv;
		p = r;
		d = n;
		*end = r + n;
	}
	return VP_OK;
}

int prs_try_internal(struct prs_ctx *ctx, size_t i, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, j, n;

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
	return part_refs(ctx, j, false, end);
}

int prs_try_internal_bare(struct prs_ctx *ctx, size_t i, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len;
	*end = i;
	if (!prs_head_eq(s, len, i, "vraa") &&
	    !prs_head_eq(s, len, i, "vrag") &&
	    !prs_head_eq(s, len, i, "bijl") && !prs_head_eq(s, len, i, "para"))
		return VP_OK;
	/* most of these words are not followed by a number: skip the word
	 * and look at the next byte before the table of parts */
	{
		size_t w = i + 4, q;
		while (
		    w < len && w - i < 12 && prs_isalpha((unsigned char)s[w]))
			w++;
		q = prs_ws(s, len, w);
		if (q == w || !prs_isdigit(prs_at(s, len, q)))
			return VP_OK;
	}
	return part_refs(ctx, i, true, end);
}
