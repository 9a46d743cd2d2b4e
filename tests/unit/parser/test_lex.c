/* test_lex.c - unit tests of the parser's fast paths: prs_fmt against
 * snprintf, the case-insensitive search prs_find_ci at every alignment, the
 * inline keyword tests, and the eight-bytes-at-a-time scan (the same
 * citations whatever the alignment of the text). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "prs.h"
#include "prs_internal.h"

/* the comparisons truncate on purpose */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

/* prs_fmt writes what snprintf writes and returns the same length, also
 * when the buffer is too small. */
#define SAME(cap, ...)                                                         \
	do {                                                                   \
		char a[64], b[64];                                             \
		int ra, rb;                                                    \
		memset(a, 'x', sizeof a);                                      \
		memset(b, 'x', sizeof b);                                      \
		ra = snprintf(a, cap, __VA_ARGS__);                            \
		rb = prs_fmt(b, cap, __VA_ARGS__);                             \
		assert_int_equal(ra, rb);                                      \
		assert_memory_equal(a, b, sizeof a);                           \
	} while (0)

static void test_fmt(void **state)
{
	static const char text[] = "Kamerstukken II 2020/21"; /* no NUL used */
	(void)state;
	for (size_t cap = 0; cap <= 40; cap += 3) {
		SAME(cap, "kst-%s-%s", "35570-XIV", "46");
		SAME(cap, "%.*s|", 12, text);
		SAME(cap, "%.4s-%.4s", "20202021", &"20202021"[4]);
		SAME(cap, "3%04d%c%04d", 2016, 'R', 679);
		SAME(cap, "%d %d %u", -42, 0, 4000000000u);
		SAME(cap, "%04u%04u", 1999u, 2000u);
		SAME(cap, "100%% %s", "");
		SAME(cap, "%ld %zu", -9000000000L, (size_t)123456789);
		SAME(cap, "%5s|%5d|%05d", "ab", 42, -42);
		SAME(cap, "https://zoek.officielebekendmakingen.nl/%s.html",
		    "stb-2013-465");
	}
	/* %.*s never reads past the precision: the text is not terminated */
	{
		char raw[4] = {'a', 'b', 'c', 'd'}, out[8];
		assert_int_equal(prs_fmt(out, sizeof out, "%.*s", 4, raw), 4);
		assert_string_equal(out, "abcd");
	}
}

static void test_find_ci(void **state)
{
	char buf[96];
	(void)state;
	/* every alignment of the word in the buffer, every case */
	for (size_t at = 0; at + 7 <= sizeof buf; at++) {
		static const char *const forms[] = {
		    "politie", "Politie", "POLITIE", "pOlItIe"};
		for (size_t f = 0; f < 4; f++) {
			memset(buf, '.', sizeof buf);
			memcpy(buf + at, forms[f], 7);
			assert_ptr_equal(
			    prs_find_ci(buf, sizeof buf, "politie", 7),
			    buf + at);
			/* cut just before the end of the word: not found */
			assert_null(prs_find_ci(buf, at + 6, "politie", 7));
		}
	}
	/* first and last letter alone are not enough */
	memset(buf, ' ', sizeof buf);
	memcpy(buf + 20, "pOLITIk pxxxxxe", 15);
	assert_null(prs_find_ci(buf, sizeof buf, "politie", 7));
	/* the first of two */
	memcpy(buf + 40, "Politie", 7);
	memcpy(buf + 70, "politie", 7);
	assert_ptr_equal(prs_find_ci(buf, sizeof buf, "politie", 7), buf + 40);
	assert_ptr_equal(prs_find_ci(buf, 3, "", 0), buf);
	assert_null(prs_find_ci(buf, 3, "politie", 7));
	/* case folding applies to letters only: '@' is not '`' */
	assert_null(prs_find_ci("a@b", 3, "a`b", 3));
}

static void test_keywords(void **state)
{
	static const char s[] = "Kamerstukken kamerstuk KAMER art. e";
	size_t len = sizeof s - 1;
	(void)state;
	assert_int_equal(prs_word(s, len, 0, "kamerstukken"), 12);
	assert_int_equal(
	    prs_word(s, len, 0, "kamerstuk"), 0); /* a letter follows */
	assert_int_equal(prs_prefix(s, len, 0, "kamerstuk"), 9);
	assert_int_equal(prs_word(s, len, 13, "kamerstuk"), 9);
	assert_int_equal(prs_word(s, len, 23, "Kamer"), 5);
	assert_int_equal(prs_word(s, len, 29, "art"), 3);
	assert_int_equal(prs_prefix(s, len, 29, "art."), 4);
	assert_int_equal(prs_word(s, len, 34, "e"), 1);
	/* near the end: the four-byte test must not read past len */
	assert_int_equal(prs_word(s, len, 34, "eerste"), 0);
	assert_int_equal(prs_prefix(s, 31, 29, "art."), 0);
}

/* The same text at every alignment: the same citations, shifted. */
static void test_scan_alignment(void **state)
{
	static const char body[] =
	    "Zie Kamerstukken II 2019/20, 35 300 XIV, nr. 2 en (25026, nr. 1);"
	    " artikel 25 van de Wet politiegegevens; ECLI:NL:HR:2019:1234, "
	    "Stb. 2013, 465; 2025Z15031 www.tweedekamer.nl/x. nr. 456 "
	    "(36800-XVI).\n2Kamerstuk I 1999-2000, 26800, nr. 5 zie vraag 3";
	char buf[sizeof body + 16];
	struct vp_citation *ref = NULL, *c = NULL;
	size_t n_ref = 0, n = 0;
	(void)state;
	assert_int_equal(
	    prs_parse_text(body, sizeof body - 1, &ref, &n_ref), VP_OK);
	assert_true(n_ref >= 8);
	for (size_t pad = 1; pad <= 16; pad++) {
		memset(buf, ' ', pad);
		memcpy(buf + pad, body, sizeof body - 1);
		assert_int_equal(
		    prs_parse_text(buf, pad + sizeof body - 1, &c, &n), VP_OK);
		assert_int_equal(n, n_ref);
		for (size_t k = 0; k < n; k++) {
			assert_string_equal(c[k].id, ref[k].id);
			assert_int_equal(
			    c[k].spans[0].start, ref[k].spans[0].start + pad);
			assert_int_equal(
			    c[k].spans[0].end, ref[k].spans[0].end + pad);
		}
		prs_citations_free(c, n);
	}
	/* and cut at every length: never a citation past the end */
	for (size_t cut = 0; cut < sizeof body - 1; cut++) {
		assert_int_equal(prs_parse_text(body, cut, &c, &n), VP_OK);
		for (size_t k = 0; k < n; k++)
			assert_true(c[k].spans[0].end <= cut);
		prs_citations_free(c, n);
	}
	prs_citations_free(ref, n_ref);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fmt),
	    cmocka_unit_test(test_find_ci),
	    cmocka_unit_test(test_keywords),
	    cmocka_unit_test(test_scan_alignment),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
