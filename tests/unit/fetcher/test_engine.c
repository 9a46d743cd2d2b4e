/* test_engine.c - the check engine end to end against the in-process fixture
 * server (tests/fixtures) on 127.0.0.1 and a random port: classification,
 * manual redirects, HEAD->GET fallback, budgets, connection reuse, threads and
 * the SSRF guard (refused addresses are never contacted). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "fetch.h"
#include "httpfix.h"
#include "vp_err.h"

struct env {
	struct httpfix *fx;
	struct fetch_engine *e;
	unsigned port;
	char rebind[64]; /* "rebind.test:PORT:127.0.0.1" */
	const char *resolve[2];
	bool head_always;
};

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static bool next_head_always;

static int env_up(void **state, const char *allow, unsigned max_redirects)
{
	struct env *v = calloc(1, sizeof *v);
	v->head_always = next_head_always;
	assert_non_null(v);
	assert_int_equal(httpfix_start(&v->fx, 0), 0);
	v->port = httpfix_port(v->fx);
	snprintf(
	    v->rebind, sizeof v->rebind, "rebind.test:%u:127.0.0.1", v->port);
	v->resolve[0] = v->rebind;
	struct fetch_opts o;
	fetch_opts_default(&o);
	o.allow = allow;
	o.resolve = v->resolve;
	if (max_redirects)
		o.max_redirects = max_redirects;
	/* Politeness off and short backoffs: the suite must stay fast. */
	o.host_rate = 0;
	o.backoff_ms = 10;
	o.retry_after_max_ms = 3000;
	if (v->head_always)
		o.head_mode = FETCH_HEAD_ALWAYS;
	assert_int_equal(fetch_engine_start(&v->e, &o), VP_OK);
	*state = v;
	return 0;
}

static int setup_allow(void **state)
{
	return env_up(state, "127.0.0.1", 0);
}

static int setup_head(void **state)
{
	next_head_always = true;
	int rv = env_up(state, "127.0.0.1", 0);
	next_head_always = false;
	return rv;
}

static int setup_strict(void **state)
{
	return env_up(state, NULL, 0);
}

static int setup_two_redirects(void **state)
{
	return env_up(state, "127.0.0.1", 2);
}

static int teardown(void **state)
{
	struct env *v = *state;
	fetch_engine_stop(v->e);
	httpfix_stop(v->fx);
	free(v);
	return 0;
}

static char *url_of(const struct env *v, const char *host, const char *path)
{
	char *u = NULL;
	assert_true(asprintf(&u, "http://%s:%u%s", host, v->port, path) > 0);
	return u;
}

/* Checks one URL; the caller clears and frees the result. */
static struct vp_check *check1(struct env *v, const char *url, uint32_t budget)
{
	char *urls[1] = {(char *)url};
	struct vp_check *out = NULL;
	/* budget is the URL's own time; the run's deadline lies beyond it */
	struct fetch_check_opts co = {.url_timeout_ms = budget};
	assert_int_equal(
	    fetch_check_ex(v->e, urls, 1, budget + 5000, &co, &out), VP_OK);
	assert_non_null(out);
	assert_string_equal(out[0].url, url);
	return out;
}

static void release(struct vp_check *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		vp_obj_clear(&vp_desc_check, &c[i]);
	free(c);
}

/* Checks host/path and asserts the status class. */
static void expect(struct env *v, const char *host, const char *path,
    const char *status, unsigned http_status)
{
	char *u = url_of(v, host, path);
	struct vp_check *c = check1(v, u, 5000);
	if (strcmp(c->status, status) != 0)
		fail_msg("%s: status %s (%s), want %s", u, c->status,
		    c->error ? c->error : "-", status);
	assert_int_equal(c->http_status, http_status);
	release(c, 1);
	free(u);
}

static void test_ok(void **state)
{
	struct env *v = *state;
	char *u = url_of(v, "127.0.0.1", "/ok");
	struct vp_check *c = check1(v, u, 5000);
	assert_string_equal(c->status, "ok");
	assert_int_equal(c->http_status, 200);
	assert_null(c->final_url);
	assert_int_equal(c->n_redirects, 0);
	assert_int_equal(c->n_redirect_statuses, 0);
	assert_null(c->redirect_statuses);
	assert_non_null(c->content_type);
	assert_non_null(strstr(c->content_type, "text/html"));
	assert_true(c->content_length > 0);
	assert_null(c->error);
	/* An HTML page: one GET (title, fingerprint, soft-404 rules). */
	assert_int_equal(httpfix_requests_method(v->fx, "GET", "/ok"), 1);
	assert_int_equal(httpfix_requests(v->fx, "/ok"), 1);
	assert_int_equal(c->attempts, 1);
	assert_non_null(c->sha256);
	assert_int_equal(strlen(c->sha256), 64);
	assert_non_null(c->checked_at);
	release(c, 1);
	free(u);
}

static void test_redirect_kinds(void **state)
{
	struct env *v = *state;
	static const char *const paths[] = {
	    "/r301", "/redirect/1", "/r303", "/r307", "/r308"};
	static const uint64_t codes[] = {301, 302, 303, 307, 308};
	char *ok = url_of(v, "127.0.0.1", "/ok");
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		char *u = url_of(v, "127.0.0.1", paths[i]);
		struct vp_check *c = check1(v, u, 5000);
		assert_string_equal(c->status, "redirect");
		assert_int_equal(c->http_status, 200);
		assert_int_equal(c->n_redirects, 1);
		assert_string_equal(c->redirects[0], ok);
		assert_string_equal(c->final_url, ok);
		/* each hop's status, beside redirects */
		assert_int_equal(c->n_redirect_statuses, 1);
		assert_int_equal(c->redirect_statuses[0], codes[i]);
		release(c, 1);
		free(u);
	}
	free(ok);
}

static void test_redirect_chain(void **state)
{
	struct env *v = *state;
	char *u = url_of(v, "127.0.0.1", "/redirect/3");
	char *h1 = url_of(v, "127.0.0.1", "/redirect/2");
	char *h2 = url_of(v, "127.0.0.1", "/redirect/1");
	char *h3 = url_of(v, "127.0.0.1", "/ok");
	struct vp_check *c = check1(v, u, 5000);
	assert_string_equal(c->status, "redirect");
	assert_int_equal(c->n_redirects, 3);
	assert_string_equal(c->redirects[0], h1);
	assert_string_equal(c->redirects[1], h2);
	assert_string_equal(c->redirects[2], h3);
	assert_string_equal(c->final_url, h3);
	assert_int_equal(c->n_redirect_statuses, 3);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(c->redirect_statuses[i], 302);
	release(c, 1);
	free(u), free(h1), free(h2), free(h3);
}

static void test_redirect_loop(void **state)
{
	struct env *v = *state;
	char *u = url_of(v, "127.0.0.1", "/loop");
	struct vp_check *c = check1(v, u, 5000);
	assert_string_equal(c->status, "error");
	assert_string_equal(c->error, "redirect loop");
	assert_int_equal(c->http_status, 302);
	assert_int_equal(c->n_redirects, 3); /* loop-a, loop-b, loop-a */
	assert_int_equal(c->n_redirect_statuses, 3);
	assert_int_equal(c->redirect_statuses[2], 302);
	assert_int_equal(httpfix_requests(v->fx, "/loop-a"), 1);
	assert_int_equal(httpfix_requests(v->fx, "/loop-b"), 1);
	release(c, 1);
	free(u);
}

static void test_too_many_redirects(void **state)
{
	struct env *v = *state; /* max_redirects 2 */
	char *u = url_of(v, "127.0.0.1", "/redirect/3");
	struct vp_check *c = check1(v, u, 5000);
	assert_string_equal(c->status, "error");
	assert_string_equal(c->error, "more than 2 redirects");
	assert_int_equal(c->n_redirects, 2);
	assert_int_equal(c->n_redirect_statuses, 2);
	assert_int_equal(httpfix_requests(v->fx, "/ok"), 0);
	release(c, 1);
	free(u);
	expect(v, "127.0.0.1", "/redirect/2", "redirect", 200);
}

static void test_status_classes(void **state)
{
	struct env *v = *state;
	expect(v, "127.0.0.1", "/status/404", "gone", 404);
	expect(v, "127.0.0.1", "/gone", "gone", 410);
	expect(v, "127.0.0.1", "/nowhere", "gone", 404);
	expect(v, "127.0.0.1", "/status/500", "server_error", 500);
	expect(v, "127.0.0.1", "/status/502", "server_error", 502);
	expect(v, "127.0.0.1", "/status/400", "client_error", 400);
	expect(v, "127.0.0.1", "/status/429", "unverifiable", 429);
	expect(v, "127.0.0.1", "/status/503", "unverifiable", 503);
	expect(v, "127.0.0.1", "/status/204", "ok", 204);
	/* a 200 whose title says "niet gevonden", on a host whose answer
	 * for a missing page is a real 404: not a soft 404 */
	expect(v, "127.0.0.1", "/soft404", "ok", 200);
	/* An HTML URL is checked with GET (fetch_head auto): one request. */
	expect(v, "127.0.0.1", "/status/403", "client_error", 403);
	assert_int_equal(
	    httpfix_requests_method(v->fx, "HEAD", "/status/403"), 0);
	assert_int_equal(
	    httpfix_requests_method(v->fx, "GET", "/status/403"), 1);
}

static void test_head405_falls_back_to_get(void **state)
{
	struct env *v = *state;
	char *u = url_of(v, "127.0.0.1", "/head405");
	struct vp_check *c = check1(v, u, 5000);
	assert_string_equal(c->status, "ok");
	assert_int_equal(c->http_status, 200);
	assert_non_null(c->title);
	assert_string_equal(c->title, "Vindplaats fixture & OK");
	assert_int_equal(httpfix_requests_method(v->fx, "HEAD", "/head405"), 1);
	assert_int_equal(httpfix_requests_method(v->fx, "GET", "/head405"), 1);
	release(c, 1);
	free(u);
}

static void test_hang_times_out_within_budget(void **state)
{
	struct env *v = *state;
	char *u = url_of(v, "127.0.0.1", "/hang");
	uint64_t t0 = now_ms();
	struct vp_check *c = check1(v, u, 500);
	uint64_t spent = now_ms() - t0;
	assert_string_equal(c->status, "timeout");
	assert_true(spent >= 450);
	if (spent > 500 + 300)
		fail_msg("took %llu ms for a 500 ms budget",
		    (unsigned long long)spent);
	release(c, 1);
	free(u);
}

static void test_slow_within_budget(void **state)
{
	struct env *v = *state;
	expect(v, "127.0.0.1", "/slow?ms=200", "ok", 200);
}

static void test_reset_is_error(void **state)
{
	struct env *v = *state;
	char *u = url_of(v, "127.0.0.1", "/reset");
	struct vp_check *c = check1(v, u, 5000);
	/* The host was reached and dropped the exchange: "error", not
	 * "connect" (which means the host could not be reached at all). */
	assert_string_equal(c->status, "error");
	assert_non_null(c->error);
	assert_int_equal(c->http_status, 0);
	release(c, 1);
	free(u);
}

static void test_big_not_downloaded(void **state)
{
	struct env *v = *state;
	char *u = url_of(v, "127.0.0.1", "/big");
	uint64_t t0 = now_ms();
	struct vp_check *c = check1(v, u, 10000);
	uint64_t spent = now_ms() - t0;
	assert_string_equal(c->status, "too_large");
	assert_int_equal(c->http_status, 200);
	assert_int_equal(c->content_length, 1024ull * 1024 * 1024);
	assert_true(spent < 2000);
	release(c, 1);
	free(u);
}

/* fetch_get reads at most the max_body it is given (0 = the engine's). */
static void test_get_max_body(void **state)
{
	struct env *v = *state;
	char *u = url_of(v, "127.0.0.1", "/ok");
	struct fetch_resp r;
	assert_int_equal(fetch_get(v->e, u, NULL, 5000, 0, &r), VP_OK);
	assert_int_equal(r.status, 200);
	assert_false(r.capped);
	size_t full = r.len;
	assert_true(full > 16);
	fetch_resp_clear(&r);
	/* declared longer than allowed (Content-Length) */
	assert_int_equal(fetch_get(v->e, u, NULL, 5000, 16, &r), VP_OK);
	assert_true(r.capped);
	assert_true(r.len <= 16);
	fetch_resp_clear(&r);
	free(u);
	/* no Content-Length: cut while reading */
	u = url_of(v, "127.0.0.1", "/nolength?bytes=4096");
	assert_int_equal(fetch_get(v->e, u, NULL, 5000, 1000, &r), VP_OK);
	assert_true(r.capped);
	assert_true(r.len <= 1000);
	fetch_resp_clear(&r);
	free(u);
}

static void test_batch_reuses_connections(void **state)
{
	struct env *v = *state;
	enum { N = 50 };
	char *urls[N];
	for (size_t i = 0; i < N; i++)
		urls[i] = url_of(v, "127.0.0.1", i % 2 ? "/ok" : "/head405");
	struct vp_check *out;
	assert_int_equal(fetch_check(v->e, urls, N, 10000, &out), VP_OK);
	for (size_t i = 0; i < N; i++) {
		assert_string_equal(out[i].url, urls[i]);
		assert_string_equal(out[i].status, "ok");
	}
	unsigned conns = httpfix_connections(v->fx);
	assert_true(conns >= 1);
	/* max_host_conns, and the soft-404 probe's own connection (not
	 * reused: it runs beside the first checks) */
	assert_true(conns <= 8 + 1);
	release(out, N);
	for (size_t i = 0; i < N; i++)
		free(urls[i]);
}

struct worker {
	struct env *v;
	const char *path;
	int rv;
	size_t ok;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	enum { N = 20 };
	char *urls[N];
	for (size_t i = 0; i < N; i++)
		urls[i] = url_of(w->v, "127.0.0.1", w->path);
	struct vp_check *out = NULL;
	w->rv = fetch_check(w->v->e, urls, N, 10000, &out);
	for (size_t i = 0; w->rv == VP_OK && i < N; i++)
		w->ok += strcmp(out[i].status,
		             w->path[1] == 'o' ? "ok" : "redirect") == 0;
	if (out)
		release(out, N);
	for (size_t i = 0; i < N; i++)
		free(urls[i]);
	return NULL;
}

static void test_two_threads(void **state)
{
	struct env *v = *state;
	struct worker w[2] = {{v, "/ok", -1, 0}, {v, "/redirect/2", -1, 0}};
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(
		    pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(w[i].rv, VP_OK);
		assert_int_equal(w[i].ok, 20);
	}
}

static void test_budget_cuts_queue(void **state)
{
	struct env *v = *state;
	/* A mix: finished checks keep their result; the run's deadline cuts
	 * the unfinished one short, which is no verdict ("unverified", not
	 * "timeout": the URL's own time has not run out); every slot is
	 * filled and in order. */
	char *urls[3] = {url_of(v, "127.0.0.1", "/ok"),
	    url_of(v, "127.0.0.1", "/hang"),
	    url_of(v, "127.0.0.1", "/status/404")};
	struct vp_check *out;
	assert_int_equal(fetch_check(v->e, urls, 3, 400, &out), VP_OK);
	assert_string_equal(out[0].status, "ok");
	assert_string_equal(out[1].status, "unverified");
	assert_non_null(strstr(out[1].error, "deadline"));
	assert_string_equal(out[2].status, "gone");
	release(out, 3);
	for (int i = 0; i < 3; i++)
		free(urls[i]);
}

struct stopper {
	struct env *v;
	int rv;
};

static void *hang_caller(void *arg)
{
	struct stopper *s = arg;
	char *u = url_of(s->v, "127.0.0.1", "/hang");
	char *urls[1] = {u};
	struct vp_check *out = NULL;
	s->rv = fetch_check(s->v->e, urls, 1, 20000, &out);
	if (out)
		release(out, 1);
	free(u);
	return NULL;
}

static void test_stop_releases_waiting_caller(void **state)
{
	struct env *v = *state;
	struct stopper s = {v, 1};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, hang_caller, &s), 0);
	while (httpfix_requests(v->fx, "/hang") == 0) {
		struct timespec nap = {0, 5000000};
		nanosleep(&nap, NULL);
	}
	uint64_t t0 = now_ms();
	fetch_engine_stop(v->e);
	pthread_join(t, NULL);
	assert_int_equal(s.rv, VP_ECLOSED);
	assert_true(now_ms() - t0 < 2000);
	/* teardown stops it again: start a fresh one for it */
	struct fetch_opts o;
	fetch_opts_default(&o);
	assert_int_equal(fetch_engine_start(&v->e, &o), VP_OK);
}

/* ---- scheme and SSRF ---------------------------------------------------- */

static void expect_blocked(struct env *v, const char *url)
{
	unsigned before = httpfix_connections(v->fx);
	struct vp_check *c = check1(v, url, 3000);
	if (strcmp(c->status, "blocked") != 0)
		fail_msg("%s: status %s (%s), want blocked", url, c->status,
		    c->error ? c->error : "-");
	assert_non_null(c->error);
	assert_int_equal(httpfix_connections(v->fx), before);
	release(c, 1);
}

static void test_schemes_blocked(void **state)
{
	struct env *v = *state;
	expect_blocked(v, "file:///etc/passwd");
	expect_blocked(v, "gopher://127.0.0.1/");
	expect_blocked(v, "dict://127.0.0.1/");
	expect_blocked(v, "ftp://127.0.0.1/");
	expect_blocked(v, "FILE:///etc/passwd");
	expect_blocked(v, "127.0.0.1/ok"); /* no scheme: not guessed */
	assert_int_equal(httpfix_connections(v->fx), 0);
}

static void test_loopback_refused_without_allow(void **state)
{
	struct env *v = *state; /* no allow list */
	static const char *const hosts[] = {"127.0.0.1", "2130706433", "0x7f.1",
	    "017700000001", "127.1", "[::1]", "[::ffff:127.0.0.1]",
	    "[::ffff:7f00:1]", "localhost", "rebind.test",
	    /* refused before connect(): no packet leaves for any of these */
	    "10.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.169.254",
	    "100.64.0.1", "0.0.0.0", "[fc00::1]", "[fe80::1]"};
	for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
		char *u = url_of(v, hosts[i], "/ok");
		expect_blocked(v, u);
		free(u);
	}
	assert_int_equal(httpfix_connections(v->fx), 0);
	assert_int_equal(httpfix_requests(v->fx, "/ok"), 0);
}

static void test_allow_opens_exactly_one_address(void **state)
{
	struct env *v = *state; /* allow "127.0.0.1" */
	expect(v, "127.0.0.1", "/ok", "ok", 200);
	/* A made-up name pinned to 127.0.0.1: the guard judges the resolved
	 * address, so it is as allowed as 127.0.0.1 is. */
	expect(v, "rebind.test", "/ok", "ok", 200);
	unsigned conns = httpfix_connections(v->fx);
	char *u = url_of(v, "127.0.0.2", "/ok");
	expect_blocked(v, u);
	free(u);
	u = url_of(v, "[::1]", "/ok");
	expect_blocked(v, u);
	free(u);
	u = url_of(v, "[::ffff:127.0.0.1]", "/ok");
	expect_blocked(v, u);
	free(u);
	assert_int_equal(httpfix_connections(v->fx), conns);
}

static void test_redirect_to_forbidden_blocked(void **state)
{
	struct env *v = *state; /* allow "127.0.0.1" */
	char target[128];
	/* Only loopback targets: should the guard ever fail, nothing
	 * outside this machine is contacted. */
	static const char *const hosts[] = {
	    "127.0.0.2", "[::1]", "[::ffff:127.0.0.2]"};
	for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
		snprintf(target, sizeof target, "http://%s:%u/ok", hosts[i],
		    v->port);
		char path[256];
		char enc[200];
		size_t o = 0;
		for (const char *p = target; *p && o + 4 < sizeof enc; p++) {
			if (*p == ':' || *p == '/' || *p == '[' || *p == ']')
				o += (size_t)snprintf(enc + o, sizeof enc - o,
				    "%%%02X", (unsigned char)*p);
			else
				enc[o++] = *p;
		}
		enc[o] = '\0';
		snprintf(path, sizeof path, "/redirect-to?url=%s", enc);
		char *u = url_of(v, "127.0.0.1", path);
		struct vp_check *c = check1(v, u, 3000);
		if (strcmp(c->status, "blocked") != 0)
			fail_msg("%s: status %s (%s)", target, c->status,
			    c->error ? c->error : "-");
		assert_int_equal(c->n_redirects, 1);
		assert_string_equal(c->redirects[0], target);
		release(c, 1);
		free(u);
	}
	/* One connection to the allowed fixture, reused; none elsewhere. */
	assert_int_equal(httpfix_requests(v->fx, "/ok"), 0);
}

static void test_redirect_to_other_scheme_blocked(void **state)
{
	struct env *v = *state;
	char *u = url_of(
	    v, "127.0.0.1", "/redirect-to?url=file%3A%2F%2F%2Fetc%2Fpasswd");
	struct vp_check *c = check1(v, u, 3000);
	assert_string_equal(c->status, "blocked");
	assert_int_equal(c->n_redirects, 1);
	assert_string_equal(c->redirects[0], "file:///etc/passwd");
	release(c, 1);
	free(u);
}

#define T(f, s) cmocka_unit_test_setup_teardown(f, s, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_ok, setup_allow),
	    T(test_redirect_kinds, setup_allow),
	    T(test_redirect_chain, setup_allow),
	    T(test_redirect_loop, setup_allow),
	    T(test_too_many_redirects, setup_two_redirects),
	    T(test_status_classes, setup_allow),
	    T(test_head405_falls_back_to_get, setup_head),
	    T(test_hang_times_out_within_budget, setup_allow),
	    T(test_slow_within_budget, setup_allow),
	    T(test_reset_is_error, setup_allow),
	    T(test_big_not_downloaded, setup_allow),
	    T(test_get_max_body, setup_allow),
	    T(test_batch_reuses_connections, setup_allow),
	    T(test_two_threads, setup_allow),
	    T(test_budget_cuts_queue, setup_allow),
	    T(test_stop_releases_waiting_caller, setup_allow),
	    T(test_schemes_blocked, setup_allow),
	    T(test_loopback_refused_without_allow, setup_strict),
	    T(test_allow_opens_exactly_one_address, setup_allow),
	    T(test_redirect_to_forbidden_blocked, setup_allow),
	    T(test_redirect_to_other_scheme_blocked, setup_allow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
