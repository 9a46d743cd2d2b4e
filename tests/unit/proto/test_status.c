/* test_status.c - the check-status table of messages.def: every status has a
 * class, the classes keep the README's exit-status contract (what counts as
 * broken), and the codec accepts exactly the statuses of the table. */
#include "vp_err.h"
#include "vp_proto.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

static void test_every_status_has_a_class(void **state)
{
	int seen[VP_SC__COUNT] = {0};
	(void)state;
	for (int st = 0; st < VP_ST__COUNT; st++) {
		const char *n = vp_status_name((enum vp_status)st);
		enum vp_status_class c = vp_status_class(n);
		assert_int_equal(vp_status_from_name(n), st);
		/* a status is a verdict or the lack of one, never "pending" */
		assert_true(c == VP_SC_REACHABLE || c == VP_SC_BROKEN ||
		            c == VP_SC_UNVERIFIABLE);
		assert_int_equal(vp_status_is_broken(n), c == VP_SC_BROKEN);
		assert_string_not_equal(vp_status_class_name(c), "?");
		/* names are distinct */
		for (int o = 0; o < st; o++)
			assert_string_not_equal(
			    vp_status_name((enum vp_status)o), n);
		seen[c]++;
	}
	assert_true(seen[VP_SC_REACHABLE] > 0);
	assert_true(seen[VP_SC_BROKEN] > 0);
	assert_true(seen[VP_SC_UNVERIFIABLE] > 0);
	assert_string_equal(vp_status_name(VP_ST__COUNT), "?");
}

/* README, exit status: "1 some citation is broken (its source answered
 * 404/410, another client or server error, or its host could not be
 * reached) ... A link that could not be verified (timeout, rate limited,
 * refused by the SSRF policy) is reported as such and does not count as
 * broken." */
static void test_classes_keep_the_exit_status_contract(void **state)
{
	static const char *const broken[] = {"gone", "soft404", "client_error",
	    "server_error", "dns", "connect", "tls"};
	static const char *const reachable[] = {"ok", "redirect", "too_large"};
	static const char *const unverifiable[] = {
	    "timeout", "unverifiable", "blocked", "error", "unverified"};
	size_t n = 0;
	(void)state;
	for (size_t i = 0; i < sizeof(broken) / sizeof(*broken); i++, n++) {
		assert_int_equal(vp_status_class(broken[i]), VP_SC_BROKEN);
		assert_true(vp_status_is_broken(broken[i]));
	}
	for (size_t i = 0; i < sizeof(reachable) / sizeof(*reachable); i++, n++)
		assert_int_equal(
		    vp_status_class(reachable[i]), VP_SC_REACHABLE);
	for (size_t i = 0; i < sizeof(unverifiable) / sizeof(*unverifiable);
	     i++, n++) {
		assert_int_equal(
		    vp_status_class(unverifiable[i]), VP_SC_UNVERIFIABLE);
		assert_false(vp_status_is_broken(unverifiable[i]));
	}
	/* and there is no other status */
	assert_int_equal(n, VP_ST__COUNT);
	assert_int_equal(vp_status_from_name("dead"), -1);
}

static void test_no_status(void **state)
{
	(void)state;
	/* not checked yet */
	assert_int_equal(vp_status_class(NULL), VP_SC_PENDING);
	assert_false(vp_status_is_broken(NULL));
	assert_int_equal(vp_status_from_name(NULL), -1);
	/* a stray name never counts as broken */
	assert_int_equal(vp_status_class("whatever"), VP_SC_UNVERIFIABLE);
	assert_false(vp_status_is_broken("whatever"));
	assert_false(vp_status_is_broken("GONE"));
	assert_string_equal(vp_status_class_name(VP_SC_PENDING), "pending");
}

/* A check.rep with one check of the given status. */
static void check_rep(struct vp_msg *m, const char *status)
{
	struct vp_check_rep *b;
	assert_int_equal(vp_msg_init(m, VP_T_CHECK_REP), VP_OK);
	b = vp_msg_check_rep(m);
	b->checks = calloc(1, sizeof(*b->checks));
	assert_non_null(b->checks);
	b->n_checks = 1;
	b->checks[0].url = strdup("https://example.org/a");
	b->checks[0].status = strdup(status);
}

static void test_codec_takes_only_table_statuses(void **state)
{
	struct vp_msg m, d;
	struct vp_decode_err why;
	uint8_t *buf = NULL;
	size_t len;
	(void)state;
	for (int st = 0; st < VP_ST__COUNT; st++) {
		const char *n = vp_status_name((enum vp_status)st);
		check_rep(&m, n);
		assert_int_equal(vp_msg_encode(&m, &buf, &len), VP_OK);
		assert_int_equal(
		    vp_msg_decode(&d, buf, len, NULL, &why), VP_OK);
		assert_string_equal(vp_msg_check_rep(&d)->checks[0].status, n);
		free(buf);
		vp_msg_clear(&m);
		vp_msg_clear(&d);
	}
	/* the encoder refuses to send a status outside the table */
	check_rep(&m, "dead");
	assert_int_equal(vp_msg_encode(&m, &buf, &len), VP_EINVAL);
	vp_msg_clear(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_status_has_a_class),
	    cmocka_unit_test(test_classes_keep_the_exit_status_contract),
	    cmocka_unit_test(test_no_status),
	    cmocka_unit_test(test_codec_takes_only_table_statuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
