/* Unit tests of the configuration table loader: defaults, environment,
 * flags, precedence, and a clear error for every kind of bad value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "vp_cfg.h"
#include "vp_err.h"

#include <stdlib.h>
#include <string.h>

struct cfg {
	const char *url;
	uint64_t n;
	int flag;
	const char *fmt;
	const char *name;
};

#define O(m) offsetof(struct cfg, m)
static const struct vp_cfg_opt opts[] = {
    {"api-url", VP_CFG_URL, "tcp://127.0.0.1:7100", 0, 0, NULL, O(url), "api",
        0},
    {"count", VP_CFG_UINT, "4", 1, 100, NULL, O(n), "count", 'n'},
    {"check", VP_CFG_BOOL, "0", 0, 0, NULL, O(flag), "flag", 0},
    {"format", VP_CFG_CHOICE, "table", 0, 0, "table|json", O(fmt), "fmt", 'f'},
    {"name", VP_CFG_STR, NULL, 0, 0, NULL, O(name), "name", 0},
};
#define N (sizeof(opts) / sizeof(opts[0]))

static int load(struct cfg *c, int argc, char **argv, char *err)
{
	const char *pos[4];
	size_t npos;
	memset(c, 0, sizeof(*c));
	return vp_cfg_load(opts, N, c, argc, argv, pos, 4, &npos, err, 256);
}

static void clear_env(void)
{
	unsetenv("VP_API_URL");
	unsetenv("VP_COUNT");
	unsetenv("VP_CHECK");
	unsetenv("VP_FORMAT");
	unsetenv("VP_NAME");
}

static void test_defaults_env_flags(void **state)
{
	struct cfg c;
	char err[256];
	char *argv1[] = {"p", NULL};
	char *argv2[] = {
	    "p", "--count=9", "-f", "json", "--check", "--name", "x", NULL};
	char *argv3[] = {"p", "--no-check", NULL};
	(void)state;
	clear_env();
	assert_int_equal(load(&c, 1, argv1, err), VP_OK);
	assert_string_equal(c.url, "tcp://127.0.0.1:7100");
	assert_int_equal(c.n, 4);
	assert_int_equal(c.flag, 0);
	assert_string_equal(c.fmt, "table");
	assert_null(c.name);

	setenv("VP_COUNT", "7", 1);
	setenv("VP_CHECK", "yes", 1);
	setenv("VP_API_URL", "inproc://x", 1);
	assert_int_equal(load(&c, 1, argv1, err), VP_OK);
	assert_int_equal(c.n, 7);
	assert_int_equal(c.flag, 1);
	assert_string_equal(c.url, "inproc://x");
	/* flags win over the environment */
	assert_int_equal(load(&c, 7, argv2, err), VP_OK);
	assert_int_equal(c.n, 9);
	assert_string_equal(c.fmt, "json");
	assert_string_equal(c.name, "x");
	assert_int_equal(load(&c, 2, argv3, err), VP_OK);
	assert_int_equal(c.flag, 0);
	clear_env();
}

static void expect_bad(
    int argc, char **argv, const char *env, const char *val, const char *needle)
{
	struct cfg c;
	char err[256] = "";
	clear_env();
	if (env != NULL)
		setenv(env, val, 1);
	assert_int_equal(load(&c, argc, argv, err), VP_EINVAL);
	if (strstr(err, needle) == NULL)
		fail_msg("message '%s' does not mention '%s'", err, needle);
	clear_env();
}

static void test_bad_values(void **state)
{
	char *p[] = {"p", NULL};
	char *a1[] = {"p", "--count=0", NULL};
	char *a2[] = {"p", "--count", "101", NULL};
	char *a3[] = {"p", "--count=12abc", NULL};
	char *a4[] = {"p", "--format=xml", NULL};
	char *a5[] = {"p", "--bogus", NULL};
	char *a6[] = {"p", "--count", NULL};
	char *a7[] = {"p", "--no-count", NULL};
	char *a8[] = {"p", "--count=-1", NULL};
	(void)state;
	expect_bad(2, a1, NULL, NULL, "out of range");
	expect_bad(3, a2, NULL, NULL, "out of range");
	expect_bad(2, a3, NULL, NULL, "not a number");
	expect_bad(2, a4, NULL, NULL, "table|json");
	expect_bad(2, a5, NULL, NULL, "unknown option");
	expect_bad(2, a6, NULL, NULL, "needs a value");
	expect_bad(2, a7, NULL, NULL, "unknown option");
	expect_bad(2, a8, NULL, NULL, "not a number");
	expect_bad(1, p, "VP_API_URL", "http://x", "VP_API_URL");
	expect_bad(1, p, "VP_CHECK", "maybe", "not a boolean");
	expect_bad(1, p, "VP_COUNT", "", "not a number");
	expect_bad(1, p, "VP_COUNT", "99999999999999999999999", "not a number");
}

static void test_positionals(void **state)
{
	struct cfg c;
	char err[256];
	const char *pos[2];
	size_t npos;
	char *argv[] = {
	    "p", "a.txt", "--count=2", "-", "--", "--not-a-flag", NULL};
	(void)state;
	clear_env();
	memset(&c, 0, sizeof(c));
	assert_int_equal(
	    vp_cfg_load(opts, N, &c, 6, argv, pos, 2, &npos, err, sizeof(err)),
	    VP_EINVAL); /* three positionals, room for two */
	{
		const char *pos3[3];
		assert_int_equal(vp_cfg_load(opts, N, &c, 6, argv, pos3, 3,
		                     &npos, err, sizeof(err)),
		    VP_OK);
		assert_int_equal(npos, 3);
		assert_string_equal(pos3[0], "a.txt");
		assert_string_equal(pos3[1], "-");
		assert_string_equal(pos3[2], "--not-a-flag");
		assert_int_equal(c.n, 2);
	}
	(void)pos;
}

/* vp_cfg_main: 2 on a bad value, 0 after --help, -1 to go on. */
static void test_cfg_main(void **state)
{
	static const struct vp_cfg_opt hopts[] = {
	    {"count", VP_CFG_UINT, "4", 1, 100, NULL, O(n), "count", 0},
	    {"help", VP_CFG_BOOL, "0", 0, 0, NULL, O(flag), "help", 'h'},
	};
	struct cfg c;
	char *ok[] = {"p", "--count=5", NULL};
	char *bad[] = {"p", "--count=500", NULL};
	char *help[] = {"p", "-h", NULL};
	(void)state;
	clear_env();
	memset(&c, 0, sizeof(c));
	assert_int_equal(
	    vp_cfg_main(hopts, 2, &c, 2, ok, NULL, 0, NULL, "p", "about"), -1);
	assert_int_equal(c.n, 5);
	assert_int_equal(
	    vp_cfg_main(hopts, 2, &c, 2, bad, NULL, 0, NULL, "p", "about"), 2);
	assert_int_equal(
	    vp_cfg_main(hopts, 2, &c, 2, help, NULL, 0, NULL, "p", "about"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults_env_flags),
	    cmocka_unit_test(test_bad_values),
	    cmocka_unit_test(test_positionals),
	    cmocka_unit_test(test_cfg_main),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
