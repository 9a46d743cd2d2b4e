/* fuzz_parser_parts.c - libFuzzer target over the scan in parts
 * (prs_doc_scan, prs_carry_agrees, prs_carry_follow): any text cut into
 * parts, each scanned from a guessed carry and kept only when the guess
 * agrees with the truth (else scanned again), must give exactly the
 * citations of one scan of the whole text, in the same order. The first
 * input byte sets the part size and how much text before a part is scanned
 * to guess its carry, as `vindplaats parse` does on its threads. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prs.h"
#include "vp_err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct text {
	char *s;
	size_t len, cap;
};

static void add(struct text *t, const char *s)
{
	size_t n = strlen(s);
	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		if (!(t->s = realloc(t->s, t->cap)))
			abort();
	}
	memcpy(t->s + t->len, s, n + 1);
	t->len += n;
}

/* Every part of a citation that a user sees, one line. */
static int record(void *arg, const struct vp_citation *c)
{
	struct text *t = arg;
	char num[96];
	add(t, c->family);
	add(t, "|");
	add(t, c->id);
	add(t, "|");
	add(t, c->url ? c->url : "-");
	add(t, "|");
	add(t, c->reason ? c->reason : "-");
	snprintf(num, sizeof num, "|%.17g|%llu|%llu|", c->confidence,
	    (unsigned long long)c->spans[0].start,
	    (unsigned long long)c->spans[0].end);
	add(t, num);
	add(t, c->spans[0].raw);
	for (size_t k = 0; k < c->n_fields; k++) {
		add(t, "|");
		add(t, c->fields[k].key);
		add(t, "=");
		add(t, c->fields[k].val);
	}
	add(t, "\n");
	return VP_OK;
}

static int discard(void *arg, const struct vp_citation *c)
{
	(void)arg;
	(void)c;
	return VP_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct text whole = {0}, parts = {0}, one = {0};
	struct prs_doc *doc, *guesser, *truer;
	struct prs_carry truth;
	const char *text = (const char *)data + 1;
	size_t len, part, warm, pos = 0;
	if (size < 1)
		return 0;
	len = size - 1;
	part = 8 + (data[0] & 63) * 4;
	warm = (size_t)(data[0] >> 6) * 24;
	if (prs_parse_text_each(NULL, text, len, record, &whole) != VP_OK)
		abort();
	if (prs_doc_new(&doc, NULL, text, len) != VP_OK ||
	    prs_doc_clone(&guesser, doc) != VP_OK ||
	    prs_doc_clone(&truer, doc) != VP_OK)
		abort();
	prs_doc_carry(doc, &truth);
	for (size_t from = 0; from < len; from += part) {
		size_t stop = from + part < len ? from + part : len, next;
		struct prs_carry guess;
		prs_doc_carry(doc, &guess);
		if (warm && from > 0 &&
		    prs_doc_scan(guesser, &guess, from > warm ? from - warm : 0,
		        from, &next, discard, NULL) != VP_OK)
			abort();
		one.len = 0;
		if (prs_doc_scan(guesser, &guess, from, stop, &next, record,
		        &one) != VP_OK)
			abort();
		if (pos == from && prs_carry_agrees(&guess, &truth)) {
			prs_carry_follow(&truth, &guess);
			pos = next;
			if (one.len)
				add(&parts, one.s);
		} else if (prs_doc_scan(truer, &truth, pos, stop, &pos, record,
		               &parts) != VP_OK) {
			abort();
		}
	}
	if (whole.len != parts.len ||
	    (whole.len && memcmp(whole.s, parts.s, whole.len) != 0))
		abort();
	prs_doc_free(guesser);
	prs_doc_free(truer);
	prs_doc_free(doc);
	free(whole.s);
	free(parts.s);
	free(one.s);
	return 0;
}
