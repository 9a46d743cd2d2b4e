/* Internal references find their parts in the same document
 * (prs_link_targets): the heading of a question, its answer, an annex, a
 * numbered paragraph, a footnote; a part that is not there is said so, with
 * lowered confidence; the heading's own words are no reference. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "prs.h"
#include "vp_err.h"

struct doc {
	struct vp_segment segs[64];
	size_t n;
	uint64_t at;
};

/* Appends a segment as if the text stood at the next offset of the original
 * (one byte apart, no map). */
static void seg(
    struct doc *d, const char *kind, unsigned number, const char *text)
{
	struct vp_segment *s = &d->segs[d->n];
	memset(s, 0, sizeof(*s));
	s->index = (uint32_t)d->n;
	s->kind = (char *)kind;
	s->number = number;
	s->text = (char *)text;
	s->start = d->at;
	s->end = d->at + strlen(text);
	d->at = s->end + 1;
	d->n++;
}

static const struct vp_citation *by_id(
    const struct vp_citation *v, size_t n, const char *id, size_t nth)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].id, id) == 0 && nth-- == 0)
			return &v[i];
	return NULL;
}

static size_t count(const struct vp_citation *v, size_t n, const char *id)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += strcmp(v[i].id, id) == 0;
	return k;
}

static void parse(struct doc *d, struct vp_citation **out, size_t *n)
{
	assert_int_equal(prs_parse_segments(d->segs, d->n, out, n), VP_OK);
	assert_int_equal(prs_link_targets(d->segs, d->n, *out, n), VP_OK);
}

static void test_question_and_answer(void **state)
{
	(void)state;
	struct doc d = {0};
	struct vp_citation *c;
	size_t n;
	seg(&d, "paragraph", 1,
	    "Vraag 1\nIs het waar dat de politie dit gebruikt?");
	seg(&d, "paragraph", 2, "Antwoord op vraag 1\nJa.");
	seg(&d, "paragraph", 3, "Vraag 2 en 3\nWelke afspraken gelden?");
	seg(&d, "paragraph", 4,
	    "Antwoord op vraag 2 en 3\nVoor het antwoord verwijs ik naar de "
	    "beantwoording op vraag 1.");
	parse(&d, &c, &n);
	/* the headings' own words are gone; the one reference stays */
	assert_int_equal(count(c, n, "internal:vraag-1"), 1);
	assert_int_equal(count(c, n, "internal:vraag-2"), 0);
	assert_int_equal(count(c, n, "internal:vraag-3"), 0);
	const struct vp_citation *r = by_id(c, n, "internal:vraag-1", 0);
	assert_non_null(r);
	assert_string_equal(vp_citation_field(r, "target_segment"), "0");
	assert_string_equal(vp_citation_field(r, "target_start"), "0");
	assert_string_equal(vp_citation_field(r, "target_end"), "7");
	assert_string_equal(vp_citation_field(r, "answer_segment"), "1");
	assert_null(vp_citation_field(r, "target"));
	assert_true(r->confidence >= 0.9);
	prs_citations_free(c, n);
}

static void test_annex_paragraph_footnote(void **state)
{
	(void)state;
	struct doc d = {0};
	struct vp_citation *c;
	size_t n;
	seg(&d, "heading", 0, "2.1 Gebruik van de gegevens");
	seg(&d, "paragraph", 1,
	    "Zie paragraaf 2.1 en bijlage 2; zie voetnoot 3 voor de bron.");
	seg(&d, "heading", 0, "Bijlage 2");
	seg(&d, "footnote", 3, "Zie ook bijlage 2.");
	parse(&d, &c, &n);
	const struct vp_citation *p = by_id(c, n, "internal:paragraaf-2.1", 0);
	assert_non_null(p);
	assert_string_equal(vp_citation_field(p, "target_segment"), "0");
	assert_string_equal(vp_citation_field(p, "target_start"), "0");
	assert_string_equal(vp_citation_field(p, "target_end"), "3");
	/* both references to the annex (one in the footnote) are linked */
	assert_int_equal(count(c, n, "internal:bijlage-2"), 2);
	for (size_t k = 0; k < 2; k++) {
		const struct vp_citation *b =
		    by_id(c, n, "internal:bijlage-2", k);
		assert_string_equal(
		    vp_citation_field(b, "target_segment"), "2");
	}
	const struct vp_citation *f = by_id(c, n, "internal:voetnoot-3", 0);
	assert_non_null(f);
	assert_string_equal(vp_citation_field(f, "target_segment"), "3");
	prs_citations_free(c, n);
}

static void test_no_target(void **state)
{
	(void)state;
	struct doc d = {0};
	struct vp_citation *c;
	size_t n;
	seg(&d, "paragraph", 1, "Vraag 1\nHoe vaak?");
	seg(&d, "paragraph", 2, "Zie het antwoord op vraag 9 en bijlage 4.");
	parse(&d, &c, &n);
	const struct vp_citation *v = by_id(c, n, "internal:vraag-9", 0);
	assert_non_null(v);
	assert_string_equal(vp_citation_field(v, "target"), "none");
	assert_true(v->confidence <= 0.7);
	assert_non_null(strstr(v->reason, "no vraag 9 found"));
	const struct vp_citation *b = by_id(c, n, "internal:bijlage-4", 0);
	assert_non_null(b);
	assert_string_equal(vp_citation_field(b, "target"), "none");
	prs_citations_free(c, n);
}

/* Many questions: every reference finds its own heading (the pass sorts and
 * searches; a document of thousands of parts is no special case). */
static void test_many_parts(void **state)
{
	(void)state;
	enum { N = 900 }; /* part numbers have at most three digits */
	struct vp_segment *segs = calloc(2 * N, sizeof(*segs));
	char(*text)[64] = calloc(2 * N, 64);
	struct vp_citation *c;
	size_t n;
	uint64_t at = 0;
	assert_non_null(segs);
	assert_non_null(text);
	for (size_t i = 0; i < 2 * N; i++) {
		if (i < N)
			snprintf(text[i], 64, "Vraag %zu\nWaarom?", i + 1);
		else
			snprintf(text[i], 64,
			    "Zie de beantwoording op vraag %zu.", 2 * N - i);
		segs[i].index = (uint32_t)i;
		segs[i].kind = "paragraph";
		segs[i].text = text[i];
		segs[i].start = at;
		segs[i].end = at + strlen(text[i]);
		at = segs[i].end + 1;
	}
	assert_int_equal(prs_parse_segments(segs, 2 * N, &c, &n), VP_OK);
	assert_int_equal(prs_link_targets(segs, 2 * N, c, &n), VP_OK);
	assert_int_equal(n, N);
	for (size_t k = 0; k < n; k++) {
		unsigned q = (unsigned)atoi(vp_citation_field(&c[k], "number"));
		char want[16];
		snprintf(want, sizeof(want), "%u", q - 1);
		assert_string_equal(
		    vp_citation_field(&c[k], "target_segment"), want);
	}
	prs_citations_free(c, n);
	free(segs);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_question_and_answer),
	    cmocka_unit_test(test_annex_paragraph_footnote),
	    cmocka_unit_test(test_no_target),
	    cmocka_unit_test(test_many_parts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
