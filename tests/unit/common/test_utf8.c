/* test_utf8.c - vp_utf8 on both sides of every boundary of RFC 3629: the
 * first and last code point of each length, the overlong forms just below,
 * the surrogates, U+10FFFF and U+110000, cut-off sequences, and the
 * sanitisers' replacement and cutting rules, and the encoder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vp_utf8.h"

/* The bytes of a C string literal, without its NUL. */
#define S(lit) (lit), (sizeof(lit) - 1)

static void expect_valid(const char *s, size_t n)
{
	struct vp_utf8_error e;
	assert_int_equal(vp_utf8_prefix(s, n, 0, &e), n);
	assert_int_equal(e.fault, VP_UTF8_OK);
	assert_true(vp_utf8_valid(s, n, VP_UTF8_NO_NUL));
}

/* s[0..n) is invalid: the valid prefix is `prefix` bytes, the fault is
 * `fault` at byte `at`. */
static void expect_fault(
    const char *s, size_t n, size_t prefix, enum vp_utf8_fault fault, size_t at)
{
	struct vp_utf8_error e;
	assert_int_equal(vp_utf8_prefix(s, n, 0, &e), prefix);
	assert_int_equal(e.fault, fault);
	assert_int_equal(e.at, at);
	assert_false(vp_utf8_valid(s, n, 0));
}

static void test_lengths(void **state)
{
	(void)state;
	expect_valid(S(""));
	expect_valid(S("\x7f"));             /* last one-byte form */
	expect_valid(S("\xc2\x80"));         /* U+0080, first two-byte */
	expect_valid(S("\xdf\xbf"));         /* U+07FF, last two-byte */
	expect_valid(S("\xe0\xa0\x80"));     /* U+0800, first three-byte */
	expect_valid(S("\xef\xbf\xbf"));     /* U+FFFF */
	expect_valid(S("\xf0\x90\x80\x80")); /* U+10000, first four-byte */
	expect_valid(S("\xf4\x8f\xbf\xbf")); /* U+10FFFF, the last */
	expect_valid(S("Tweede Kamer der Staten-Generaal, \xe2\x80\x9c"
	               "financi\xc3\xable\xe2\x80\x9d \xf0\x9f\x93\x84"));
	assert_int_equal(vp_utf8_seq(S("\xc3\xa9")), 2);
	assert_int_equal(vp_utf8_seq(S("\xe2\x80\x94")), 3);
	assert_int_equal(vp_utf8_seq(S("\xf0\x9f\x93\x84")), 4);
	assert_int_equal(vp_utf8_seq(S("a\xff")), 1);
	assert_int_equal(vp_utf8_seq("", 0), 0);
}

static void test_overlongs(void **state)
{
	(void)state;
	/* C0 and C1 only start overlong two-byte forms */
	expect_fault(S("\xc0\xaf"), 0, VP_UTF8_BAD_LEAD, 0);
	expect_fault(S("ab\xc1\xbf"), 2, VP_UTF8_BAD_LEAD, 2);
	/* U+07FF in three bytes; U+FFFF in four */
	expect_fault(S("\xe0\x9f\xbf"), 0, VP_UTF8_BAD_CONT, 1);
	expect_fault(S("\xf0\x8f\xbf\xbf"), 0, VP_UTF8_BAD_CONT, 1);
	expect_fault(S("\xe0\x80\xaf"), 0, VP_UTF8_BAD_CONT, 1);
}

static void test_surrogates_and_top(void **state)
{
	(void)state;
	expect_valid(S("\xed\x9f\xbf")); /* U+D7FF, just below */
	expect_fault(S("\xed\xa0\x80"), 0, VP_UTF8_BAD_CONT, 1);  /* U+D800 */
	expect_fault(S("x\xed\xbf\xbf"), 1, VP_UTF8_BAD_CONT, 2); /* U+DFFF */
	expect_valid(S("\xee\x80\x80")); /* U+E000, just above */
	/* U+110000 and the lead bytes above F4 */
	expect_fault(S("\xf4\x90\x80\x80"), 0, VP_UTF8_BAD_CONT, 1);
	expect_fault(S("\xf5\x80\x80\x80"), 0, VP_UTF8_BAD_LEAD, 0);
	expect_fault(S("\xff"), 0, VP_UTF8_BAD_LEAD, 0);
}

static void test_continuations(void **state)
{
	(void)state;
	/* a lone continuation byte; a continuation where a lead is due */
	expect_fault(S("a\x80"), 1, VP_UTF8_BAD_LEAD, 1);
	expect_fault(S("\xc3\xa9\xa9"), 2, VP_UTF8_BAD_LEAD, 2);
	/* ASCII or a new lead inside a sequence: the byte that broke it */
	expect_fault(S("\xe2\x80"
	               "a"),
	    0, VP_UTF8_BAD_CONT, 2);
	expect_fault(S("\xf0\x9f\x93\xc3\xa9"), 0, VP_UTF8_BAD_CONT, 3);
	expect_fault(S("\xc3\xc3\xa9"), 0, VP_UTF8_BAD_CONT, 1);
}

static void test_truncated(void **state)
{
	(void)state;
	expect_fault(S("\xc3"), 0, VP_UTF8_TRUNCATED, 1);
	expect_fault(S("abc\xe2\x80"), 3, VP_UTF8_TRUNCATED, 5);
	expect_fault(S("\xf0\x9f\x93"), 0, VP_UTF8_TRUNCATED, 3);
	/* a bad second byte is reported before the end */
	expect_fault(S("\xe0\x80"), 0, VP_UTF8_BAD_CONT, 1);
	assert_int_equal(vp_utf8_seq(S("\xf0\x9f\x93")), 0);
}

static void test_long_input(void **state)
{
	(void)state;
	/* the eight-byte ASCII path must still see a fault in any lane */
	char doc[64];
	for (size_t bad = 0; bad < sizeof(doc); bad++) {
		memset(doc, 'a', sizeof(doc));
		doc[bad] = (char)0xff;
		expect_fault(doc, sizeof(doc), bad, VP_UTF8_BAD_LEAD, bad);
		doc[bad] = '\0';
		assert_int_equal(
		    vp_utf8_prefix(doc, sizeof(doc), VP_UTF8_NO_NUL, NULL),
		    bad);
		assert_int_equal(
		    vp_utf8_prefix(doc, sizeof(doc), 0, NULL), sizeof(doc));
		doc[bad] = 0x7f;
		assert_int_equal(
		    vp_utf8_prefix(doc, sizeof(doc), VP_UTF8_NO_CTRL, NULL),
		    bad);
		assert_true(vp_utf8_valid(doc, sizeof(doc), VP_UTF8_NO_NUL));
	}
	/* the 32-byte blocks: every lane of several blocks, from every start
	 * offset, and valid multibyte text between ASCII runs */
	char text[100];
	for (size_t from = 0; from < 8; from++)
		for (size_t bad = from; bad < sizeof(text); bad++) {
			size_t n = sizeof(text) - from;
			memset(text, 'a', sizeof(text));
			text[bad] = 0x1f;
			assert_int_equal(vp_utf8_prefix(text + from, n,
			                     VP_UTF8_NO_CTRL, NULL),
			    bad - from);
			assert_true(
			    vp_utf8_valid(text + from, n, VP_UTF8_NO_NUL));
			text[bad] = (char)0x80;
			expect_fault(text + from, n, bad - from,
			    VP_UTF8_BAD_LEAD, bad - from);
			if (bad + 2 < sizeof(text)) {
				text[bad] = (char)0xc3; /* é */
				text[bad + 1] = (char)0xa9;
				assert_true(vp_utf8_valid(
				    text + from, n, VP_UTF8_NO_CTRL));
				text[sizeof(text) - 1] = '\0';
				assert_int_equal(vp_utf8_prefix(text + from, n,
				                     VP_UTF8_NO_NUL, NULL),
				    n - 1);
			}
		}
}

static void test_flags(void **state)
{
	struct vp_utf8_error e;
	(void)state;
	assert_int_equal(vp_utf8_prefix(S("ab\0c"), VP_UTF8_NO_NUL, &e), 2);
	assert_int_equal(e.fault, VP_UTF8_CTRL);
	assert_int_equal(e.at, 2);
	assert_true(vp_utf8_valid(S("a\tb\x1f"), VP_UTF8_NO_NUL));
	assert_int_equal(vp_utf8_prefix(S("a\tb"), VP_UTF8_NO_CTRL, &e), 1);
	assert_int_equal(e.fault, VP_UTF8_CTRL);
	assert_false(vp_utf8_valid(S("\x7f"), VP_UTF8_NO_CTRL));
	assert_true(vp_utf8_valid(S(" ~\xc2\xa0"), VP_UTF8_NO_CTRL));
}

static void test_sanitize(void **state)
{
	char out[16];
	(void)state;
	/* each bad byte one '?'; controls kept without VP_UTF8_NO_CTRL */
	assert_int_equal(
	    vp_utf8_sanitize(out, sizeof(out), S("a\x01\xc3\xa9\xe2\x82"), 0),
	    6);
	assert_string_equal(out, "a\x01\xc3\xa9??");
	assert_int_equal(vp_utf8_sanitize(out, sizeof(out),
	                     S("a\x01\xc3\xa9\xe2\x82"), VP_UTF8_NO_CTRL),
	    6);
	assert_string_equal(out, "a?\xc3\xa9??");
	/* whitespace controls become spaces, NUL and DEL '?' */
	vp_utf8_sanitize(
	    out, sizeof(out), S("a\tb\r\nc\0d\x7f"), VP_UTF8_NO_CTRL);
	assert_string_equal(out, "a b  c?d?");
	/* an overlong, a surrogate, U+110000: one '?' per byte */
	vp_utf8_sanitize(out, sizeof(out), S("\xc0\xaf\xed\xa0\x80"), 0);
	assert_string_equal(out, "?????");
	vp_utf8_sanitize(out, sizeof(out), S("\xf4\x90\x80\x80"), 0);
	assert_string_equal(out, "????");
	/* cut at a character boundary, never inside */
	assert_int_equal(vp_utf8_sanitize(out, 4, S("\xc3\xa9\xc3\xa9"), 0), 2);
	assert_string_equal(out, "\xc3\xa9");
	assert_int_equal(vp_utf8_sanitize(out, 5, S("\xc3\xa9\xc3\xa9"), 0), 4);
	assert_int_equal(vp_utf8_sanitize(out, 1, S("abc"), 0), 0);
	assert_string_equal(out, "");
	assert_true(vp_utf8_valid(out, 0, 0));
}

static void test_dup(void **state)
{
	(void)state;
	char *s = vp_utf8_dup(S("\xc3\xa9\xc3\xa9"), 3, 0);
	assert_string_equal(s, "\xc3\xa9");
	free(s);
	s = vp_utf8_dup(S("ok\xff"), 1024, 0);
	assert_string_equal(s, "ok?");
	free(s);
	s = vp_utf8_dup("", 0, 10, 0);
	assert_string_equal(s, "");
	free(s);
}

static void test_encode(void **state)
{
	static const struct {
		uint32_t cp;
		const char *bytes;
	} cases[] = {{0x24, "$"}, {0x7f, "\x7f"}, {0x80, "\xc2\x80"},
	    {0xe9, "\xc3\xa9"}, {0x7ff, "\xdf\xbf"}, {0x800, "\xe0\xa0\x80"},
	    {0x20ac, "\xe2\x82\xac"}, {0xffff, "\xef\xbf\xbf"},
	    {0x10000, "\xf0\x90\x80\x80"}, {0x10ffff, "\xf4\x8f\xbf\xbf"}};
	uint8_t out[4];
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = vp_utf8_encode(out, cases[i].cp);
		assert_int_equal(n, strlen(cases[i].bytes));
		assert_memory_equal(out, cases[i].bytes, n);
		assert_int_equal(vp_utf8_seq(out, n), n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lengths),
	    cmocka_unit_test(test_overlongs),
	    cmocka_unit_test(test_surrogates_and_top),
	    cmocka_unit_test(test_continuations),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_long_input),
	    cmocka_unit_test(test_flags),
	    cmocka_unit_test(test_sanitize),
	    cmocka_unit_test(test_dup),
	    cmocka_unit_test(test_encode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
