/* prs_zaak.c - Tweede Kamer zaak and document numbers (spec §7): 2025Z15031
 * (zaak) and 2025D12345 (document), matched with word boundaries on both
 * sides and resolved to their tweedekamer.nl detail page. */
#include <string.h>

#include "prs_internal.h"

size_t prs_zaaknummer(const char *s, size_t len, size_t i)
{
	unsigned char k;
	if (prs_at(s, len, i) != '2' || prs_at(s, len, i + 1) != '0' ||
	    prs_ndigits(s, len, i, 4) != 4)
		return 0;
	k = prs_at(s, len, i + 4);
	if (k != 'Z' && k != 'D')
		return 0;
	if (prs_ndigits(s, len, i + 5, 5) != 5 ||
	    prs_isalnum(prs_at(s, len, i + 10)))
		return 0;
	return 10;
}

int prs_emit_zaak(struct prs_ctx *ctx, const char *z, size_t start, size_t end,
    double confidence, const char *reason)
{
	struct prs_cit c = {0};
	char id[16], url[96];
	bool doc = z[4] == 'D';
	memcpy(id, z, 10);
	id[10] = 0;
	prs_fmt(url, sizeof url,
	    "https://www.tweedekamer.nl/kamerstukken/detail?%s=%s",
	    doc ? "did" : "id", id);
	c.family = "zaak";
	c.id = id;
	c.url = url;
	c.confidence = confidence;
	c.reason = reason;
	c.start = start;
	c.end = end;
	prs_cit_field(&c, "kind", doc ? "document" : "zaak");
	prs_cit_field(&c, doc ? "document" : "zaak", id);
	/* cited where a paper was expected ("Kamerstukken II, ..., nr.
	 * 2025Z14549"): which document is meant needs the zaak's documents */
	if (confidence < 1.0)
		prs_cit_field(&c, "lookup", "zaak");
	return prs_emit(ctx, &c);
}

int prs_try_zaak(struct prs_ctx *ctx, size_t i, size_t *end)
{
	size_t n = prs_zaaknummer(ctx->s, ctx->len, i);
	int rv;
	*end = i;
	if (!n)
		return VP_OK;
	if ((rv = prs_emit_zaak(ctx, ctx->s + i, i, i + n, 1.0, NULL)) == VP_OK)
		*end = i + n;
	return rv;
}
