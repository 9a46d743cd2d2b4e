/* Unit tests of the dispatcher's pure helpers: one cited source = one entry
 * with all its spans in document order (an official URL merged with the
 * source it points at, read by the real parser); distinct URLs; checks
 * attached. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "disp.h"
#include "prs.h"
#include "vp_err.h"

#include <stdlib.h>
#include <string.h>

static void cit(struct vp_citation *c, const char *fam, const char *id,
    const char *url, uint64_t start, double conf)
{
	memset(c, 0, sizeof(*c));
	c->family = strdup(fam);
	c->id = strdup(id);
	c->url = url ? strdup(url) : NULL;
	c->confidence = conf;
	c->spans = calloc(1, sizeof(*c->spans));
	c->n_spans = 1;
	c->spans[0].start = start;
	c->spans[0].end = start + 5;
	c->spans[0].where = strdup("footnote");
}

static void test_merge(void **state)
{
	struct vp_citation c[5];
	size_t n = 5;
	(void)state;
	cit(&c[0], "aanhangsel", "ah-tk-20202021-3011", "u1", 500, 0.7);
	cit(&c[1], "url", "https://x", "https://x", 10, 1.0);
	cit(&c[2], "aanhangsel", "ah-tk-20202021-3011", "u1", 300, 0.7);
	cit(&c[3], "zaak", "2025Z1", "u2", 200, 1.0);
	/* same id in another family is another source */
	cit(&c[4], "url", "ah-tk-20202021-3011", "u1", 100, 1.0);
	assert_int_equal(disp_merge_citations(c, &n), VP_OK);
	assert_int_equal(n, 4);
	/* ordered by first span */
	assert_string_equal(c[0].family, "url");
	assert_int_equal(c[0].spans[0].start, 10);
	assert_string_equal(c[1].family, "url");
	assert_string_equal(c[1].id, "ah-tk-20202021-3011");
	assert_string_equal(c[2].id, "2025Z1");
	assert_string_equal(c[3].id, "ah-tk-20202021-3011");
	assert_string_equal(c[3].family, "aanhangsel");
	assert_int_equal(c[3].n_spans, 2);
	assert_int_equal(c[3].spans[0].start, 300);
	assert_int_equal(c[3].spans[1].start, 500);
	for (size_t i = 0; i < n; i++)
		vp_obj_clear(&vp_desc_citation, &c[i]);
}

static void test_urls_and_checks(void **state)
{
	struct vp_citation c[3];
	struct vp_check chk[2];
	char **urls;
	size_t nu;
	(void)state;
	cit(&c[0], "url", "b", "http://b", 0, 1);
	cit(&c[1], "url", "a", "http://a", 10, 1);
	cit(&c[2], "ecli", "LJN:AB1234", NULL, 20, 0.6);
	assert_int_equal(disp_distinct_urls(c, 3, &urls, &nu), VP_OK);
	assert_int_equal(nu, 2);
	assert_string_equal(urls[0], "http://a");
	assert_string_equal(urls[1], "http://b");
	free(urls);
	memset(chk, 0, sizeof(chk));
	chk[0].url = "http://a";
	chk[0].status = "ok";
	chk[0].http_status = 200;
	chk[1].url = "http://b";
	chk[1].status = "gone";
	chk[1].http_status = 404;
	assert_int_equal(disp_attach_checks(c, 3, chk, 2), VP_OK);
	assert_string_equal(c[0].check->status, "gone");
	assert_string_equal(c[1].check->status, "ok");
	assert_null(c[2].check);
	for (size_t i = 0; i < 3; i++)
		vp_obj_clear(&vp_desc_citation, &c[i]);
}

static const char *fld(const struct vp_citation *c, const char *key)
{
	for (size_t k = 0; k < c->n_fields; k++)
		if (strcmp(c->fields[k].key, key) == 0)
			return c->fields[k].val;
	return NULL;
}

/* Parses text as resolve does and merges: the citations of one source. */
static struct vp_citation *resolve_text(const char *text, size_t *n)
{
	struct vp_citation *c = NULL;
	assert_int_equal(prs_parse_text(text, strlen(text), &c, n), VP_OK);
	assert_int_equal(disp_merge_citations(c, n), VP_OK);
	return c;
}

static const struct vp_citation *find_id(
    const struct vp_citation *c, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(c[i].id, id) == 0)
			return &c[i];
	return NULL;
}

/* One Kamerstuk cited as text and as its URL: one entry, both spans, the
 * text's reading and official URL, the cited URL kept as a field. */
static void test_url_and_text_one_source(void **state)
{
	static const char text[] =
	    "Zie Kamerstukken II 2022/23, 36 100, nr. 3, en later "
	    "https://zoek.officielebekendmakingen.nl/kst-36100-3.html over "
	    "hetzelfde stuk; ook https://zoek.officielebekendmakingen.nl/"
	    "kst-36100-3 en Stb. 2022, 100.";
	const char *u1 = strstr(text, "https://");
	const char *u2 = strstr(u1 + 1, "https://");
	size_t n = 0;
	struct vp_citation *c = resolve_text(text, &n);
	const struct vp_citation *k = find_id(c, n, "kst-36100-3");
	(void)state;
	assert_non_null(k);
	assert_string_equal(k->family, "kamerstuk");
	assert_int_equal(k->n_spans, 3);
	assert_int_equal(
	    k->spans[0].start, strstr(text, "Kamerstukken") - text);
	assert_int_equal(k->spans[1].start, u1 - text);
	assert_int_equal(k->spans[2].start, u2 - text);
	assert_string_equal(
	    k->url, "https://zoek.officielebekendmakingen.nl/kst-36100-3.html");
	assert_string_equal(fld(k, "cited_url"),
	    "https://zoek.officielebekendmakingen.nl/kst-36100-3.html "
	    "https://zoek.officielebekendmakingen.nl/kst-36100-3");
	assert_non_null(fld(k, "dossier"));
	/* nothing else holds the Kamerstuk; the Staatsblad is its own */
	assert_int_equal(n, 2);
	assert_non_null(find_id(c, n, "stb-2022-100"));
	prs_citations_free(c, n);
}

/* Each kind of official URL, cited alone, reads as the source it points
 * at; with the same source as text, one entry. */
static void test_official_urls(void **state)
{
	static const struct {
		const char *text, *family, *id;
	} cases[] = {
	    {"https://zoek.officielebekendmakingen.nl/stb-2022-100.html",
	        "staatsblad", "stb-2022-100"},
	    {"https://zoek.officielebekendmakingen.nl/ah-tk-20202021-3011.html",
	        "aanhangsel", "ah-tk-20202021-3011"},
	    {"https://wetten.overheid.nl/BWBR0022463/2024-01-01#Artikel25",
	        "wet", "jci1.3:c:BWBR0022463&artikel=25"},
	    {"https://wetten.overheid.nl/jci1.3:c:BWBR0005537&artikel=1:3&z="
	     "2024-01-01&g=2024-01-01",
	        "wet", "jci1.3:c:BWBR0005537&artikel=1:3"},
	    {"https://deeplink.rechtspraak.nl/"
	     "uitspraak?id=ECLI:NL:HR:2020:1234",
	        "ecli", "ECLI:NL:HR:2020:1234"},
	    {"https://uitspraken.rechtspraak.nl/InterneBrowser/"
	     "?id=ECLI:NL:RVS:2021:999",
	        "ecli", "ECLI:NL:RVS:2021:999"},
	    {"https://eur-lex.europa.eu/legal-content/NL/TXT/"
	     "?uri=CELEX%3A32016R0679",
	        "eu", "CELEX:32016R0679"},
	    {"https://www.tweedekamer.nl/kamerstukken/kamervragen/detail"
	     "?id=2025Z14549&did=2025D33771",
	        "zaak", "2025Z14549"},
	    {"https://lokaleregelgeving.overheid.nl/CVDR101405/2", "wet",
	        "CVDR101405_2"},
	    {"https://zoek.officielebekendmakingen.nl/zoeken?id=kst-36100-3",
	        "kamerstuk", "kst-36100-3"},
	    /* an official host without a source, or not official: a URL */
	    {"https://zoek.officielebekendmakingen.nl", "url",
	        "https://zoek.officielebekendmakingen.nl"},
	    {"https://wetten.overheid.nl", "url", "https://wetten.overheid.nl"},
	    {"https://lokaleregelgeving.overheid.nl", "url",
	        "https://lokaleregelgeving.overheid.nl"},
	    {"https://www.politie.nl/woo/2024/palantir.html", "url",
	        "https://www.politie.nl/woo/2024/palantir.html"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		size_t n = 0;
		struct vp_citation *c = resolve_text(cases[i].text, &n);
		assert_int_equal(n, 1);
		assert_string_equal(c[0].family, cases[i].family);
		assert_string_equal(c[0].id, cases[i].id);
		/* the URL as cited is what gets checked */
		assert_non_null(c[0].url);
		assert_non_null(strstr(cases[i].text, c[0].url + 8));
		if (strcmp(cases[i].family, "url") != 0)
			assert_string_equal(fld(&c[0], "cited_url"), c[0].url);
		prs_citations_free(c, n);
	}
	{
		static const char text[] =
		    "HR 1 mei 2020, ECLI:NL:HR:2020:1234, zie "
		    "https://deeplink.rechtspraak.nl/uitspraak?id=ECLI:NL:HR:"
		    "2020:1234 en artikel 25 Wet politiegegevens "
		    "(https://wetten.overheid.nl/BWBR0022463/2024-01-01#"
		    "Artikel25).";
		size_t n = 0;
		struct vp_citation *c = resolve_text(text, &n);
		const struct vp_citation *e =
		    find_id(c, n, "ECLI:NL:HR:2020:1234");
		const struct vp_citation *w =
		    find_id(c, n, "jci1.3:c:BWBR0022463&artikel=25");
		assert_non_null(e);
		assert_int_equal(e->n_spans, 2);
		assert_non_null(w);
		assert_int_equal(w->n_spans, 2);
		assert_string_equal(w->family, "wet");
		prs_citations_free(c, n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_merge),
	    cmocka_unit_test(test_urls_and_checks),
	    cmocka_unit_test(test_url_and_text_one_source),
	    cmocka_unit_test(test_official_urls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
