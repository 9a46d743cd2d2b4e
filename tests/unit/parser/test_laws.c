/* test_laws.c - unit tests of the law index's names made from a table:
 * a law without a short title is known by the date of its official title
 * (alone: PRS_NAME_DATED, a guess; with the first words of the title:
 * PRS_NAME_TITLED), and spelling variants of a name match both ways. The
 * table is written here; its ids are made up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "prs_laws.h"

static const char table[] =
    "bwb_id\tsoort\tciteertitel\tintitule\taliases\n"
    "BWBR9900001\twet\t\tWet van 7 juli 1994, houdende wijziging van de "
    "Loodsenwet en de Scheepvaartverkeerswet\t\n"
    "BWBR9900002\twet\t\tWet van 28 juni 2006 tot wijziging van de "
    "Wegenverkeerswet 1994\t\n"
    "BWBR9900003\twet\t\tWet van 28 juni 2006 tot wijziging van de Wet op "
    "het primair onderwijs\t\n"
    "BWBR9900004\tAMvB\t\tBesluit van 12 september 1996, houdende "
    "vaststelling van de Maatregel te boek gestelde luchtvaartuigen 1996\t"
    "Maatregel te boek gestelde luchtvaartuigen 1996\n"
    "BWBR9900005\twet\t\tWet van de Staat der Nederlanden\t\n";

static struct prs_laws *L;

static int setup(void **state)
{
	(void)state;
	return prs_laws_parse(table, sizeof table - 1, &L) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	prs_laws_free(L);
	return 0;
}

static const char *id_of(const struct prs_law_match *m, size_t k)
{
	return prs_laws_get(L, m->cands[k])->bwb;
}

/* the date and the first words of the title: one law, TITLED */
static void test_titled(void **state)
{
	static const char t[] =
	    "de Wet van 7 juli 1994, houdende wijziging "
	    "van de Loodsenwet en de Scheepvaartverkeerswet";
	struct prs_law_match m;
	(void)state;
	assert_true(prs_laws_match(L, t, strlen(t), 3, &m));
	assert_int_equal(m.n_cands, 1);
	assert_string_equal(id_of(&m, 0), "BWBR9900001");
	assert_true(m.flags & PRS_NAME_TITLED);
	assert_false(m.flags & PRS_NAME_DATED);
	/* six words of the title after the date, not more */
	assert_string_equal(t + m.end, " de Scheepvaartverkeerswet");
}

/* the date alone: DATED; two laws of that date are two candidates */
static void test_dated(void **state)
{
	static const char a[] = "Wet van 7 juli 1994 (Stb. 584)";
	static const char b[] = "Wet van 28\xc2\xa0juni 2006, Stb. 2006, 322";
	static const char c[] = "Wet van 7 juli 1994, houdende regels inzake";
	struct prs_law_match m;
	(void)state;
	assert_true(prs_laws_match(L, a, strlen(a), 0, &m));
	assert_int_equal(m.n_cands, 1);
	assert_true(m.flags & PRS_NAME_DATED);
	assert_int_equal(m.end, strlen("Wet van 7 juli 1994"));
	assert_true(prs_laws_match(L, b, strlen(b), 0, &m));
	assert_int_equal(m.n_cands, 2);
	assert_true(m.flags & PRS_NAME_DATED);
	/* another title after the date: only the date matches (the parser
	 * then gives no id, see law-forms.tsv) */
	assert_true(prs_laws_match(L, c, strlen(c), 0, &m));
	assert_true(m.flags & PRS_NAME_DATED);
	assert_int_equal(m.end, strlen("Wet van 7 juli 1994"));
}

/* no date after "Wet van": no dated name */
static void test_not_dated(void **state)
{
	static const char t[] = "Wet van de Staat der Nederlanden";
	static const char u[] = "Wet van 7 juli";
	struct prs_law_match m;
	(void)state;
	assert_false(prs_laws_match(L, t, strlen(t), 0, &m) &&
	             (m.flags & (PRS_NAME_DATED | PRS_NAME_TITLED)));
	assert_false(prs_laws_match(L, u, strlen(u), 0, &m));
}

/* "te boek gestelde" and "teboekgestelde" are the same name */
static void test_variant(void **state)
{
	static const char a[] = "Maatregel teboekgestelde luchtvaartuigen 1996";
	static const char b[] =
	    "Maatregel te boek gestelde luchtvaartuigen 1996";
	struct prs_law_match m;
	(void)state;
	assert_true(prs_laws_match(L, a, strlen(a), 0, &m));
	assert_int_equal(m.end, strlen(a));
	assert_string_equal(id_of(&m, 0), "BWBR9900004");
	assert_true(prs_laws_match(L, b, strlen(b), 0, &m));
	assert_int_equal(m.end, strlen(b));
	assert_string_equal(id_of(&m, 0), "BWBR9900004");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_titled),
	    cmocka_unit_test(test_dated),
	    cmocka_unit_test(test_not_dated),
	    cmocka_unit_test(test_variant),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
