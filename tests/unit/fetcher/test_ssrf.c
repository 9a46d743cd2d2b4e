/* test_ssrf.c - unit tests of the fetcher's pure parts: the SSRF policy
 * (fetch_addr_forbidden, judged on addresses only, nothing is contacted), the
 * allow list, outcome classification, title extraction and UTF-8 cleaning. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "fetch.h"
#include "fetch_int.h"
#include "vp_err.h"

/* A sockaddr for a literal address (v4 or v6). */
static struct sockaddr_storage addr(const char *s)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, s, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
	} else {
		assert_int_equal(inet_pton(AF_INET6, s, &in6->sin6_addr), 1);
		in6->sin6_family = AF_INET6;
	}
	return ss;
}

static bool forbidden(const char *s)
{
	struct sockaddr_storage ss = addr(s);
	return fetch_addr_forbidden((struct sockaddr *)&ss);
}

static void test_forbidden_v4(void **state)
{
	(void)state;
	static const char *const refused[] = {"0.0.0.0", "0.255.255.255",
	    "10.0.0.1", "10.255.255.255", "100.64.0.1", "100.127.255.254",
	    "127.0.0.1", "127.0.0.2", "127.255.255.255", "169.254.169.254",
	    "169.254.0.1", "172.16.0.1", "172.31.255.255", "192.0.0.1",
	    "192.0.0.170", "192.0.2.1", "192.168.0.1", "192.168.255.255",
	    "198.18.0.1", "198.19.255.255", "198.51.100.7", "203.0.113.9",
	    "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.254",
	    "255.255.255.255"};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
		if (!forbidden(refused[i]))
			fail_msg("%s should be refused", refused[i]);
	/* Both sides of every boundary stay public. */
	static const char *const allowed[] = {"8.8.8.8", "1.1.1.1",
	    "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0",
	    "126.255.255.255", "128.0.0.0", "169.253.255.255", "169.255.0.0",
	    "172.15.255.255", "172.32.0.0", "192.0.1.0", "192.0.3.0",
	    "192.167.255.255", "192.169.0.0", "198.17.255.255", "198.20.0.0",
	    "198.51.99.255", "198.51.101.0", "203.0.112.255", "203.0.114.0",
	    "223.255.255.255", "145.21.182.130"};
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		if (forbidden(allowed[i]))
			fail_msg("%s should be allowed", allowed[i]);
}

static void test_forbidden_v6(void **state)
{
	(void)state;
	static const char *const refused[] = {"::", "::1", "fc00::1",
	    "fd12:3456::1", "fdff:ffff::1", "fe80::1", "febf::1", "fec0::1",
	    "ff02::1", "ff05::1:3", "2001:db8::1", "2001:db8:ffff::1",
	    "fd00:ec2::254", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
	    "::ffff:169.254.169.254", "::ffff:0.0.0.0", "::127.0.0.1",
	    "::10.1.2.3", "64:ff9b::127.0.0.1", "64:ff9b::a9fe:a9fe",
	    "64:ff9b::192.168.1.1", "::ffff:0:127.0.0.1", "2002:7f00:1::1",
	    "2002:c0a8:101::1", "100::1"};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
		if (!forbidden(refused[i]))
			fail_msg("%s should be refused", refused[i]);
	static const char *const allowed[] = {"2a00:1450::1",
	    "2a00:1450:400e:80c::200e", "2001:4860:4860::8888",
	    "::ffff:8.8.8.8", "64:ff9b::8.8.8.8", "2001:db9::1", "2001:db7::1",
	    "fbff::1", "fe00::1", "2002:808:808::1"};
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		if (forbidden(allowed[i]))
			fail_msg("%s should be allowed", allowed[i]);
}

static void test_forbidden_other_families(void **state)
{
	(void)state;
	struct sockaddr sa = {.sa_family = AF_UNIX};
	assert_true(fetch_addr_forbidden(&sa));
	assert_true(fetch_addr_forbidden(NULL));
}

static bool permitted(const struct fetch_allow *a, const char *s)
{
	struct sockaddr_storage ss = addr(s);
	return fetch_addr_permitted(a, (struct sockaddr *)&ss);
}

static void test_allow_list(void **state)
{
	(void)state;
	struct fetch_allow *a;
	assert_int_equal(
	    fetch_allow_parse(&a, " 127.0.0.1, 10.0.0.0/8 ,fd00::/8"), VP_OK);
	assert_true(permitted(a, "127.0.0.1"));
	assert_false(permitted(a, "127.0.0.2"));
	assert_true(permitted(a, "10.9.8.7"));
	assert_true(permitted(a, "fd00::5"));
	assert_false(permitted(a, "fd00:ec3::1") && false);
	assert_false(permitted(a, "::1"));
	/* Families match exactly: a v4 entry does not open the mapped form. */
	assert_false(permitted(a, "::ffff:127.0.0.1"));
	assert_false(permitted(a, "169.254.169.254"));
	assert_true(permitted(a, "8.8.8.8")); /* public: never needs a list */
	fetch_allow_free(a);

	assert_int_equal(fetch_allow_parse(&a, NULL), VP_OK);
	assert_false(permitted(a, "127.0.0.1"));
	fetch_allow_free(a);
	assert_int_equal(fetch_allow_parse(&a, ""), VP_OK);
	fetch_allow_free(a);

	static const char *const bad[] = {"bogus", "127.0.0.1/33", "::1/129",
	    "127.0.0.1,", ",127.0.0.1", "127.0.0.1,,::1", "127.0.0.1/",
	    "127.0.0.1/x", "localhost", "1.2.3.4/-1", "256.0.0.1"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		a = (struct fetch_allow *)1;
		if (fetch_allow_parse(&a, bad[i]) != VP_EINVAL)
			fail_msg("allow \"%s\" should be rejected", bad[i]);
		assert_null(a);
	}
}

static void test_engine_rejects_bad_allow(void **state)
{
	(void)state;
	struct fetch_opts o;
	fetch_opts_default(&o);
	o.allow = "127.0.0.1,nonsense";
	struct fetch_engine *e = (struct fetch_engine *)1;
	assert_int_equal(fetch_engine_start(&e, &o), VP_EINVAL);
	assert_null(e);
}

static const char *cls(int rc, long st, size_t hops, bool blocked)
{
	struct fetch_outcome o = {.curl_code = rc,
	    .http_status = st,
	    .redirects = hops,
	    .blocked = blocked,
	    .max_body = 1000};
	return fetch_classify(&o);
}

/* Whatever the transfer's outcome, the class is a status of the table in
 * proto/messages.def, and a page that says "not found" is broken. */
static void test_classify_speaks_the_table(void **state)
{
	static const long http[] = {0, 100, 200, 204, 299, 300, 301, 304, 399,
	    400, 401, 403, 404, 410, 418, 429, 499, 500, 502, 503, 504, 599,
	    600, 999};
	(void)state;
	for (int rc = 0; rc < CURL_LAST; rc++)
		for (size_t h = 0; h < sizeof(http) / sizeof(*http); h++)
			for (unsigned bits = 0; bits < 64; bits++) {
				struct fetch_outcome o = {.curl_code = rc,
				    .http_status = http[h],
				    .redirects = bits & 1,
				    .blocked = (bits & 2) != 0,
				    .body_exceeded = (bits & 4) != 0,
				    .bot_wall = (bits & 8) != 0,
				    .soft404 = (bits & 16) != 0,
				    .refused = (bits & 32) != 0,
				    .max_body = 1000};
				const char *s = fetch_classify(&o);
				if (vp_status_from_name(s) < 0)
					fail_msg(
					    "curl %d, HTTP %ld: '%s' is no "
					    "check status",
					    rc, http[h], s);
			}
	struct fetch_outcome o = {
	    .curl_code = CURLE_OK, .http_status = 200, .soft404 = true};
	assert_true(vp_status_is_broken(fetch_classify(&o)));
}

static void test_classify(void **state)
{
	(void)state;
	assert_string_equal(cls(CURLE_OK, 200, 0, false), "ok");
	assert_string_equal(cls(CURLE_OK, 204, 0, false), "ok");
	assert_string_equal(cls(CURLE_OK, 200, 2, false), "redirect");
	assert_string_equal(cls(CURLE_OK, 404, 0, false), "gone");
	assert_string_equal(cls(CURLE_OK, 410, 1, false), "gone");
	assert_string_equal(cls(CURLE_OK, 403, 0, false), "client_error");
	assert_string_equal(cls(CURLE_OK, 429, 0, false), "unverifiable");
	assert_string_equal(cls(CURLE_OK, 503, 0, false), "unverifiable");
	assert_string_equal(cls(CURLE_OK, 500, 0, false), "server_error");
	assert_string_equal(cls(CURLE_OK, 300, 0, false), "error");
	assert_string_equal(
	    cls(CURLE_OPERATION_TIMEDOUT, 0, 0, false), "timeout");
	assert_string_equal(
	    cls(CURLE_COULDNT_RESOLVE_HOST, 0, 0, false), "dns");
	assert_string_equal(cls(CURLE_COULDNT_CONNECT, 0, 0, false), "connect");
	assert_string_equal(cls(CURLE_COULDNT_CONNECT, 0, 1, true), "blocked");
	assert_string_equal(
	    cls(CURLE_PEER_FAILED_VERIFICATION, 0, 0, false), "tls");
	assert_string_equal(cls(CURLE_SSL_CONNECT_ERROR, 0, 0, false), "tls");
	assert_string_equal(
	    cls(CURLE_FILESIZE_EXCEEDED, 200, 0, false), "too_large");
	assert_string_equal(cls(CURLE_GOT_NOTHING, 0, 0, false), "error");
	assert_string_equal(cls(CURLE_RECV_ERROR, 0, 0, false), "error");

	struct fetch_outcome o = {.curl_code = CURLE_OK,
	    .http_status = 200,
	    .has_length = true,
	    .content_length = 1001,
	    .max_body = 1000};
	assert_string_equal(fetch_classify(&o), "too_large");
	o.content_length = 1000;
	assert_string_equal(fetch_classify(&o), "ok");
	o.body_exceeded = true;
	assert_string_equal(fetch_classify(&o), "too_large");
	o.http_status = 404; /* a big error page is still an error page */
	assert_string_equal(fetch_classify(&o), "gone");
}

static void expect_title(const char *html, const char *want)
{
	char *t = fetch_html_title(html, strlen(html), 1024);
	if (want == NULL) {
		assert_null(t);
		return;
	}
	assert_non_null(t);
	assert_string_equal(t, want);
	free(t);
}

static void test_title(void **state)
{
	(void)state;
	expect_title("<html><head><title>Kamerstuk 36 200 <body>",
	    NULL); /* unterminated */
	expect_title(
	    "<TITLE lang=nl>\n  Wet  &amp;\tregels </TITLE>", "Wet & regels");
	expect_title("<title>Caf\xc3\xa9 \xff</title>", "Caf\xc3\xa9 ?");
	expect_title("<titlebar>x</titlebar>", NULL);
	expect_title("<p>no title</p>", NULL);
	expect_title("<title>   </title>", NULL);
	char *t = fetch_html_title("<title>abcdef</title>", 21, 3);
	assert_string_equal(t, "abc");
	free(t);
}

static void test_utf8_dup(void **state)
{
	(void)state;
	char *s = vp_utf8_dup("a\x01\xc3\xa9\xe2\x82", 6, 100, VP_UTF8_NO_CTRL);
	assert_string_equal(s, "a?\xc3\xa9??");
	free(s);
	s = vp_utf8_dup(
	    "\xc3\xa9\xc3\xa9", 4, 3, VP_UTF8_NO_CTRL); /* cut on a boundary */
	assert_string_equal(s, "\xc3\xa9");
	free(s);
	s = vp_utf8_dup(
	    "\xed\xa0\x80", 3, 10, VP_UTF8_NO_CTRL); /* a surrogate */
	assert_string_equal(s, "???");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_forbidden_v4),
	    cmocka_unit_test(test_forbidden_v6),
	    cmocka_unit_test(test_forbidden_other_families),
	    cmocka_unit_test(test_allow_list),
	    cmocka_unit_test(test_engine_rejects_bad_allow),
	    cmocka_unit_test(test_classify),
	    cmocka_unit_test(test_classify_speaks_the_table),
	    cmocka_unit_test(test_title),
	    cmocka_unit_test(test_utf8_dup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
