/* Unit tests of the dispatcher's pure helpers: one cited source = one entry
 * with all its spans in document order; distinct URLs; checks attached. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "disp.h"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_merge),
	    cmocka_unit_test(test_urls_and_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
