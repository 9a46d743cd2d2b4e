/* Unit tests of the configuration table loader: defaults, environment,
 * flags, precedence, and a clear error for every kind of bad value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "vp_cfg.h"
#include "vp_err.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cfg {
	const char *url;
	uint64_t n;
	int flag;
	const char *fmt;
	const char *name;
};

#define O(m) VP_CFG_AT(struct cfg, m)
static const struct vp_cfg_opt opts[] = {
    VP_OPT_URL("api-url", O(url), "tcp://127.0.0.1:7100", "api"),
    {.name = "count",
        .type = VP_CFG_UINT,
        O(n),
        .def = "4",
        .min = 1,
        .max = 100,
        .help = "count",
        .shortopt = 'n'},
    VP_OPT_BOOL("check", O(flag), "0", "flag"),
    {.name = "format",
        .type = VP_CFG_CHOICE,
        O(fmt),
        .def = "table",
        .choices = "table|json",
        .help = "fmt",
        .shortopt = 'f'},
    VP_OPT_STR("name", O(name), NULL, "name"),
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
	    VP_OPT_UINT("count", O(n), "4", 1, 100, "count"),
	    {.name = "help",
	        .type = VP_CFG_BOOL,
	        O(flag),
	        .def = "0",
	        .help = "help",
	        .shortopt = 'h'},
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

/* A library's struct: members of their own widths, defaults set by its
 * *_default() function and kept by options without a default text. */
struct lib {
	unsigned rate;
	uint32_t ms;
	size_t max;
	int64_t gap;
	bool probe;
	int mode;
	const char *url;
};
enum { MODE_AUTO, MODE_ALWAYS, MODE_NEVER };

#define L(m) VP_CFG_AT(struct lib, m)
static const struct vp_cfg_opt lib_opts[] = {
    VP_OPT_UINT("rate", L(rate), NULL, 0, 100000, "rate"),
    VP_OPT_UINT("ms", L(ms), NULL, 1, 4000000000u, "ms"),
    VP_OPT_UINT("max", L(max), "1024", 1, 1u << 30, "max"),
    VP_OPT_UINT("gap", L(gap), NULL, 0, 31536000, "gap"),
    VP_OPT_BOOL("probe", L(probe), NULL, "probe"),
    VP_OPT_ENUM("mode", L(mode), NULL, "auto|always|never", "mode"),
    VP_OPT_STR("lib-url", L(url), "https://example.org/", "url"),
};
#define N_LIB (sizeof(lib_opts) / sizeof(lib_opts[0]))

static void lib_default(struct lib *l)
{
	memset(l, 0, sizeof(*l));
	l->rate = 4;
	l->ms = 30000;
	l->gap = 86400;
	l->probe = true;
	l->mode = MODE_AUTO;
}

/* Two tables loaded at once, each into its own struct, at the members'
 * widths; defaults of the library kept where the table gives none. */
static void test_tables(void **state)
{
	struct cfg c;
	struct lib l;
	char err[256];
	const struct vp_cfg_table t[] = {
	    {opts, N, &c},
	    {lib_opts, N_LIB, &l},
	};
	char *none[] = {"p", NULL};
	char *set[] = {"p", "--rate=7", "--ms", "4000000000", "--no-probe",
	    "--mode=never", "--count=3", "--gap=5", NULL};
	char *bad_mode[] = {"p", "--mode=sometimes", NULL};
	(void)state;
	clear_env();
	memset(&c, 0, sizeof(c));
	lib_default(&l);
	assert_int_equal(
	    vp_cfg_load_tables(t, 2, 1, none, NULL, 0, NULL, err, sizeof(err)),
	    VP_OK);
	assert_int_equal(l.rate, 4);
	assert_int_equal(l.ms, 30000);
	assert_int_equal(l.max, 1024);
	assert_int_equal(l.gap, 86400);
	assert_true(l.probe);
	assert_int_equal(l.mode, MODE_AUTO);
	assert_string_equal(l.url, "https://example.org/");
	assert_int_equal(c.n, 4);

	setenv("VP_RATE", "9", 1);
	assert_int_equal(
	    vp_cfg_load_tables(t, 2, 8, set, NULL, 0, NULL, err, sizeof(err)),
	    VP_OK);
	assert_int_equal(l.rate, 7); /* the flag wins over VP_RATE */
	assert_int_equal(l.ms, 4000000000u);
	assert_int_equal(l.gap, 5);
	assert_false(l.probe);
	assert_int_equal(l.mode, MODE_NEVER);
	assert_int_equal(c.n, 3);
	unsetenv("VP_RATE");

	assert_int_equal(vp_cfg_load_tables(t, 2, 2, bad_mode, NULL, 0, NULL,
	                     err, sizeof(err)),
	    VP_EINVAL);
	assert_non_null(strstr(err, "auto|always|never"));
}

/* Programming errors in tables show at the first start. */
static void test_bad_tables(void **state)
{
	struct lib l, l2;
	char err[256];
	char *none[] = {"p", NULL};
	const struct vp_cfg_table twice[] = {
	    {lib_opts, N_LIB, &l},
	    {lib_opts, N_LIB, &l2},
	};
	static const struct vp_cfg_opt too_wide[] = {
	    VP_OPT_UINT("ms", L(ms), NULL, 0, 5000000000u, "ms"),
	};
	(void)state;
	clear_env();
	lib_default(&l);
	lib_default(&l2);
	assert_int_equal(vp_cfg_load_tables(twice, 2, 1, none, NULL, 0, NULL,
	                     err, sizeof(err)),
	    VP_EINVAL);
	assert_non_null(strstr(err, "defined twice"));
	assert_int_equal(vp_cfg_load(too_wide, 1, &l, 1, none, NULL, 0, NULL,
	                     err, sizeof(err)),
	    VP_EINVAL);
	assert_non_null(strstr(err, "--ms"));
}

/* Unknown VP_* variables are named; known ones and the scripts' are not. */
static void test_warn_env(void **state)
{
	struct lib l;
	const struct vp_cfg_table t = {lib_opts, N_LIB, &l};
	char buf[1024] = "";
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	(void)state;
	assert_non_null(f);
	clear_env();
	setenv("VP_RATE", "3", 1);
	setenv("VP_RAET", "3", 1);
	setenv("VP_BIN", "build/bin", 1);
	assert_int_equal(vp_cfg_warn_env(f, &t, 1, "prog"), 1);
	fclose(f);
	assert_non_null(strstr(buf, "prog: warning"));
	assert_non_null(strstr(buf, "VP_RAET"));
	assert_null(strstr(buf, "VP_RATE "));
	assert_null(strstr(buf, "VP_BIN"));
	unsetenv("VP_RATE");
	unsetenv("VP_RAET");
	unsetenv("VP_BIN");
}

/* --help shows the value a library default left in the struct. */
static void test_usage_defaults(void **state)
{
	struct lib l;
	char buf[4096] = "";
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	(void)state;
	assert_non_null(f);
	lib_default(&l);
	vp_cfg_usage(f, lib_opts, N_LIB, &l);
	fclose(f);
	assert_non_null(strstr(buf, "env VP_RATE; 0..100000; default 4\n"));
	assert_non_null(strstr(buf, "env VP_MODE; one of auto|always|never; "
	                            "default auto\n"));
	assert_non_null(strstr(buf, "env VP_PROBE; default 1\n"));
	assert_non_null(strstr(buf, "default https://example.org/\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults_env_flags),
	    cmocka_unit_test(test_bad_values),
	    cmocka_unit_test(test_positionals),
	    cmocka_unit_test(test_cfg_main),
	    cmocka_unit_test(test_tables),
	    cmocka_unit_test(test_bad_tables),
	    cmocka_unit_test(test_warn_env),
	    cmocka_unit_test(test_usage_defaults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
