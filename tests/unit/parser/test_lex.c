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

/* One citation per label form that a recogniser accepts at the start of a
 * word, as "start:id": the scan's keyword filter must let every one of them
 * through (a form it stopped could still be found later in the text, as
 * "Verordening" inside "Gedelegeerde Verordening", so starts are compared). */
static const struct {
	const char *text, *ids;
} forms[] = {
    {"Kamerstukken E.K. 2019/20, 35300, nr. A", "0:kst-35300-A"},
    {"Kamerstukken T.K. 2019/20, 35300, nr. 5", "0:kst-35300-5"},
    {"Gedelegeerde Verordening (EU) 2019/945", "0:CELEX:32019R0945"},
    {"Uitvoeringsverordening (EU) 2019/947", "0:CELEX:32019R0947"},
    {"Richtlijn 2008/98/EG", "0:CELEX:32008L0098"},
    {"Provinciaal blad 2019, 1234", "0:prb-2019-1234"},
    {"Prb. 2019, 1234", "0:prb-2019-1234"},
    {"Gmb. 2019, 1234", "0:gmb-2019-1234"},
    {"Wsb. 2019, 1234", "0:wsb-2019-1234"},
    {"Trb. 2019, 12", "0:trb-2019-12"},
    {"ECI:NL:HR:2019:1234", "0:ECLI:NL:HR:2019:1234"},
    {"ELCI:NL:HR:2019:1234", "0:ECLI:NL:HR:2019:1234"},
    {"LJ nr. BZ3549", "0:LJN:BZ3549"},
    {"LJN BZ3549", "0:LJN:BZ3549"},
    {"ELRO BZ3549", "0:LJN:BZ3549"},
    {"Hand. II 2019/20, nr. 5, item 7", "0:h-tk-20192020-5-7"},
    {"Handelingen II 2019/20, nr. 5, item 7", "0:h-tk-20192020-5-7"},
    {"artt. 8 en 9 Awb",
        "0:jci1.3:c:BWBR0005537&artikel=8 0:jci1.3:c:BWBR0005537&artikel=9"},
    {"art. 8 Awb", "0:jci1.3:c:BWBR0005537&artikel=8"},
    {"artikelen 8 en 9 Awb",
        "0:jci1.3:c:BWBR0005537&artikel=8 0:jci1.3:c:BWBR0005537&artikel=9"},
    {"Aanh. Hand. II 2019/20, nr. 1234", "0:ah-tk-20192020-1234"},
    {"Aanhangsel Handelingen II 2019/20, nr. 1234", "0:ah-tk-20192020-1234"},
    {"EU:C:2007:343", "0:ECLI:EU:C:2007:343"},
    {"CE:ECHR:2019:0101JUD001234567", "0:ECLI:CE:ECHR:2019:0101JUD001234567"},
    {"NL:HR:2019:1234", "0:ECLI:NL:HR:2019:1234"},
    {"Stb. 2013, 465", "0:stb-2013-465"},
    {"Stcrt. 2013, 465", "0:stcrt-2013-465"},
    {"Staatsblad 2013, 465", "0:stb-2013-465"},
    {"Staatscourant 2013, 465", "0:stcrt-2013-465"},
    {"Tractatenblad 2019, 12", "0:trb-2019-12"},
    {"Gemeenteblad 2019, 1234", "0:gmb-2019-1234"},
    {"Waterschapsblad 2019, 1234", "0:wsb-2019-1234"},
    {"wetsvoorstel 35300", "0:dossier:35300"},
    {"TK 2008-2009, 31459, 22", "0:kst-31459-22"},
    {"EK 2008-2009, 31459, C", "0:kst-31459-C"},
    {"Tweede Kamer 2008-2009, 31459, nr. 22", "0:kst-31459-22"},
    {"Eerste Kamer 2008-2009, 31459, nr. C", "0:kst-31459-C"},
    {"Tweede Kamer der Staten-Generaal | 2005-2006 | nr. 23, pagina 1529-1532",
        "0:h-tk-20052006-1529-1532"},
    {"zie vraag 10", "4:internal:vraag-10"},
    {"Zij krijgt nr. 456 (36800-XVI).", "11:kst-36800-XVI-456"},
    {"https://www.tweedekamer.nl/kamerstukken/x",
        "0:https://www.tweedekamer.nl/kamerstukken/x"},
    {"www.rijksoverheid.nl/x", "0:https://www.rijksoverheid.nl/x"},
    {"kst-22343-400 stb-2013-465 h-tk-20232024-4-26 ah-tk-20192020-1234 "
     "stcrt-2006-183 trb-2019-12 gmb-2019-1234 prb-2019-1234 wsb-2019-1234 "
     "blg-123456 CVDR101405_1",
        "0:kst-22343-400 14:stb-2013-465 27:h-tk-20232024-4-26 "
        "46:ah-tk-20192020-1234 66:stcrt-2006-183 107:prb-2019-1234 "
        "135:blg-123456 146:CVDR101405_1"},
    {"Kamerstuk 35300 nr. 5 kamerstukdossier 35300",
        "0:kst-35300-5 22:dossier:35300"},
    {"2025Z15031 Verordening (EU) 2016/679 CELEX 32016R0679",
        "0:2025Z15031 11:CELEX:32016R0679 43:CELEX:32016R0679"},
};

static void test_every_label_form(void **state)
{
	(void)state;
	for (size_t r = 0; r < sizeof forms / sizeof *forms; r++) {
		struct vp_citation *c = NULL;
		size_t n = 0, o = 0;
		char got[512] = "";
		assert_int_equal(prs_parse_text(forms[r].text,
		                     strlen(forms[r].text), &c, &n),
		    VP_OK);
		for (size_t k = 0; k < n; k++)
			o += (size_t)snprintf(got + o, sizeof got - o,
			    "%s%llu:%s", k ? " " : "",
			    (unsigned long long)c[k].spans[0].start, c[k].id);
		if (strcmp(got, forms[r].ids) != 0)
			fail_msg("%s: expected '%s', got '%s'", forms[r].text,
			    forms[r].ids, got);
		prs_citations_free(c, n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fmt),
	    cmocka_unit_test(test_find_ci),
	    cmocka_unit_test(test_keywords),
	    cmocka_unit_test(test_scan_alignment),
	    cmocka_unit_test(test_every_label_form),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
