/* test_behaviour.c - the acceptance list of the fetcher issue against the
 * in-process fixture server on 127.0.0.1: each case classified right with the
 * number of requests the server saw; Retry-After, soft 404s, fingerprints,
 * archives and lookups; and the pure policy functions. */
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
#include "fetch_int.h"
#include "fetch_svc.h"
#include "httpfix.h"
#include "vp_err.h"

struct env {
	struct httpfix *fx;
	struct fetch_engine *e;
	unsigned port;
	char soft[64], wb[128], tg[128], sru[128], odata[128];
	const char *resolve[2];
};

static int setup(void **state)
{
	struct env *v = calloc(1, sizeof *v);
	assert_non_null(v);
	assert_int_equal(httpfix_start(&v->fx, 0), 0);
	v->port = httpfix_port(v->fx);
	snprintf(v->soft, sizeof v->soft, "soft.test:%u:127.0.0.1", v->port);
	v->resolve[0] = v->soft;
	snprintf(v->wb, sizeof v->wb, "http://127.0.0.1:%u/wayback/available",
	    v->port);
	snprintf(v->tg, sizeof v->tg, "http://127.0.0.1:%u/timegate/", v->port);
	snprintf(v->sru, sizeof v->sru, "http://127.0.0.1:%u/sru", v->port);
	snprintf(
	    v->odata, sizeof v->odata, "http://127.0.0.1:%u/odata/", v->port);
	struct fetch_opts o;
	fetch_opts_default(&o);
	o.allow = "127.0.0.1";
	o.resolve = v->resolve;
	o.host_rate = 0;
	o.backoff_ms = 10;
	o.retries = 2;
	o.retry_after_max_ms = 3000;
	o.url_timeout_ms = 8000;
	o.max_body = 1 << 20;
	o.wayback_url = v->wb;
	o.timegate_url = v->tg;
	o.sru_url = v->sru;
	o.odata_url = v->odata;
	assert_int_equal(fetch_engine_start(&v->e, &o), VP_OK);
	*state = v;
	return 0;
}

/* The same, but polite: 20 requests per second per host, no bursts. */
static int setup_polite(void **state)
{
	struct env *v = calloc(1, sizeof *v);
	assert_non_null(v);
	assert_int_equal(httpfix_start(&v->fx, 0), 0);
	v->port = httpfix_port(v->fx);
	struct fetch_opts o;
	fetch_opts_default(&o);
	o.allow = "127.0.0.1";
	o.host_rate = 20;
	o.host_burst = 1;
	o.retry_after_max_ms = 10000;
	assert_int_equal(fetch_engine_start(&v->e, &o), VP_OK);
	*state = v;
	return 0;
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

static struct vp_check *check_opts(struct env *v, const char *host,
    const char *path, uint32_t budget, const struct fetch_check_opts *co)
{
	char *u = url_of(v, host, path);
	char *urls[1] = {u};
	struct vp_check *out = NULL;
	/* budget is the URL's own time; the run's deadline lies beyond it */
	struct fetch_check_opts o = {0};
	if (co != NULL)
		o = *co;
	if (o.url_timeout_ms == 0)
		o.url_timeout_ms = budget;
	assert_int_equal(
	    fetch_check_ex(v->e, urls, 1, budget + 5000, &o, &out), VP_OK);
	free(u);
	return out;
}

static void release(struct vp_check *c)
{
	vp_obj_clear(&vp_desc_check, c);
	free(c);
}

/* Checks path on 127.0.0.1 and asserts class, HTTP status and the number
 * of requests the server saw for the path. */
static void expect(struct env *v, const char *path, const char *status,
    unsigned http, unsigned requests)
{
	struct vp_check *c = check_opts(v, "127.0.0.1", path, 10000, NULL);
	if (strcmp(c->status, status) != 0)
		fail_msg("%s: %s (%s), want %s", path, c->status,
		    c->error ? c->error : "-", status);
	assert_int_equal(c->http_status, http);
	char bare[256];
	snprintf(bare, sizeof bare, "%.*s", (int)strcspn(path, "?"), path);
	unsigned seen = httpfix_requests(v->fx, bare);
	if (seen != requests)
		fail_msg("%s: server saw %u requests, want %u", path, seen,
		    requests);
	assert_int_equal(c->attempts, requests);
	release(c);
}

static void test_classes_and_requests(void **state)
{
	struct env *v = *state;
	expect(v, "/ok", "ok", 200, 1);
	expect(v, "/status/404", "gone", 404, 1);
	expect(v, "/gone", "gone", 410, 1);
	expect(v, "/status/500", "server_error", 500, 1);
	/* 502 is transient: first try and two retries */
	expect(v, "/status/502", "server_error", 502, 3);
	/* HEAD first for a document; HEAD 405 falls back to GET */
	expect(v, "/doc.pdf", "ok", 200, 1);
	/* a bot wall is not a broken link */
	expect(v, "/botwall", "unverifiable", 403, 1);
}

static void test_reset(void **state)
{
	/* A reset is transient: retried, then an error (not "broken"). Alone
	 * on a fresh server: curl itself retries a request once when a
	 * reused keep-alive connection dies, which would blur the count. */
	expect(*state, "/reset", "error", 0, 3);
}

static void test_redirects(void **state)
{
	struct env *v = *state;
	static const char *const kinds[] = {"/r301", "/r302", "/r307", "/r308"};
	for (size_t i = 0; i < 4; i++) {
		struct vp_check *c =
		    check_opts(v, "127.0.0.1", kinds[i], 5000, NULL);
		assert_string_equal(c->status, "redirect");
		assert_int_equal(c->n_redirects, 1);
		assert_int_equal(httpfix_requests(v->fx, kinds[i]), 1);
		/* only permanent redirects suggest the new URL */
		bool perm = i == 0 || i == 3;
		if (perm) {
			assert_non_null(c->suggested_url);
			assert_non_null(strstr(c->suggested_url, "/ok"));
		} else {
			assert_null(c->suggested_url);
		}
		release(c);
	}
	struct vp_check *c =
	    check_opts(v, "127.0.0.1", "/redirect/3", 5000, NULL);
	assert_string_equal(c->status, "redirect");
	assert_int_equal(c->n_redirects, 3);
	assert_int_equal(c->attempts, 4);
	release(c);
	c = check_opts(v, "127.0.0.1", "/loop", 5000, NULL);
	assert_string_equal(c->status, "error");
	assert_string_equal(c->error, "redirect loop");
	assert_int_equal(httpfix_requests(v->fx, "/loop"), 1);
	assert_int_equal(httpfix_requests(v->fx, "/loop-a"), 1);
	assert_int_equal(httpfix_requests(v->fx, "/loop-b"), 1);
	release(c);
}

static void test_retry_after(void **state)
{
	struct env *v = *state;
	/* 429 then 200: honoured Retry-After: 1, then ok */
	struct vp_check *c =
	    check_opts(v, "127.0.0.1", "/429-once", 10000, NULL);
	assert_string_equal(c->status, "ok");
	assert_int_equal(httpfix_requests(v->fx, "/429-once"), 2);
	assert_int_equal(c->attempts, 2);
	assert_true(c->elapsed_ms >= 900);
	release(c);
	/* 503 with Retry-After in seconds, refusing every time: retried
	 * twice, then unverifiable - never broken */
	c = check_opts(v, "127.0.0.1", "/ra-seconds", 10000, NULL);
	assert_string_equal(c->status, "unverifiable");
	assert_int_equal(c->http_status, 503);
	assert_int_equal(httpfix_requests(v->fx, "/ra-seconds"), 3);
	release(c);
	/* Retry-After as an HTTP-date */
	c = check_opts(v, "127.0.0.1", "/ra-date", 10000, NULL);
	assert_string_equal(c->status, "unverifiable");
	assert_int_equal(httpfix_requests(v->fx, "/ra-date"), 3);
	release(c);
	/* longer than the Retry-After budget: no wait, one request */
	c = check_opts(v, "127.0.0.1", "/ra-long", 10000, NULL);
	assert_string_equal(c->status, "unverifiable");
	assert_int_equal(httpfix_requests(v->fx, "/ra-long"), 1);
	release(c);
}

static void test_head_modes(void **state)
{
	struct env *v = *state;
	/* a host that answers HEAD 404 but GET 200: confirmed with GET,
	 * then HEAD is skipped on that host */
	struct vp_check *c =
	    check_opts(v, "127.0.0.1", "/head404.pdf", 5000, NULL);
	assert_string_equal(c->status, "ok");
	assert_int_equal(
	    httpfix_requests_method(v->fx, "HEAD", "/head404.pdf"), 1);
	assert_int_equal(
	    httpfix_requests_method(v->fx, "GET", "/head404.pdf"), 1);
	release(c);
	c = check_opts(v, "127.0.0.1", "/head404.pdf", 5000, NULL);
	assert_string_equal(c->status, "ok");
	assert_int_equal(
	    httpfix_requests_method(v->fx, "HEAD", "/head404.pdf"), 1);
	assert_int_equal(
	    httpfix_requests_method(v->fx, "GET", "/head404.pdf"), 2);
	release(c);
}

static void test_soft404(void **state)
{
	struct env *v = *state;
	/* a 200 whose title says "niet gevonden" on a host that answers a
	 * missing page with a real 404: the page is something else */
	expect(v, "/soft404", "ok", 200, 1);
	/* a live document numbered 404 */
	expect(v, "/doc404", "ok", 200, 1);
	/* redirect to the home page */
	struct vp_check *c =
	    check_opts(v, "127.0.0.1", "/home-redirect", 5000, NULL);
	assert_string_equal(c->status, "soft404");
	assert_non_null(strstr(c->error, "home page"));
	release(c);
	/* a site that answers 200 for everything: the random sibling */
	c = check_opts(v, "soft.test", "/besluit/2024", 5000, NULL);
	assert_string_equal(c->status, "ok");
	release(c);
	/* identical to the host's answer for a random URL */
	c = check_opts(v, "soft.test", "/besluit/2023-weg", 5000, NULL);
	assert_string_equal(c->status, "soft404");
	assert_non_null(strstr(c->error, "random URL"));
	release(c);
	c = check_opts(v, "soft.test", "/oud-besluit", 5000, NULL);
	assert_string_equal(c->status, "soft404");
	release(c);
}

/* n URLs on 127.0.0.1: paths[0] first, then /ok?i=1.. */
static char **list_of(struct env *v, const char *first, size_t n)
{
	char **u = calloc(n, sizeof *u);
	assert_non_null(u);
	u[0] = url_of(v, "127.0.0.1", first);
	for (size_t i = 1; i < n; i++) {
		char p[32];
		snprintf(p, sizeof p, "/ok?i=%zu", i);
		u[i] = url_of(v, "127.0.0.1", p);
	}
	return u;
}

static void free_list(char **u, struct vp_check *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(u[i]);
		if (out != NULL)
			vp_obj_clear(&vp_desc_check, &out[i]);
	}
	free(u);
	free(out);
}

/* A redirect hop on a host with a long queue goes ahead of the URLs that
 * have not started: the URL's own time (1 s) is not spent behind 40 others
 * (2 s at 20/s). */
static void test_redirect_hop_on_busy_host(void **state)
{
	struct env *v = *state;
	size_t n = 41;
	char **u = list_of(v, "/r301", n);
	struct vp_check *out = NULL;
	struct fetch_check_opts co = {.url_timeout_ms = 1000};
	assert_int_equal(fetch_check_ex(v->e, u, n, 20000, &co, &out), VP_OK);
	if (strcmp(out[0].status, "redirect") != 0)
		fail_msg("301 on a busy host: %s (%s)", out[0].status,
		    out[0].error ? out[0].error : "-");
	for (size_t i = 1; i < n; i++)
		assert_string_equal(out[i].status, "ok");
	free_list(u, out, n);
}

/* A Retry-After holds the URL that got it, not its host: the other URLs go
 * on (at half the rate) and are checked long before the 5 s are over; the
 * held URL, whose wait reaches past the run's deadline, says so. */
static void test_retry_after_holds_one_url(void **state)
{
	struct env *v = *state;
	size_t n = 6;
	char **u = list_of(v, "/ra/5/held", n);
	struct vp_check *out = NULL;
	assert_int_equal(fetch_check_ex(v->e, u, n, 3000, NULL, &out), VP_OK);
	assert_string_equal(out[0].status, "unverifiable");
	assert_int_equal(out[0].http_status, 429);
	assert_non_null(strstr(out[0].error, "past the run's deadline"));
	for (size_t i = 1; i < n; i++)
		if (strcmp(out[i].status, "ok") != 0)
			fail_msg(
			    "%s behind a Retry-After of another URL: %s (%s)",
			    u[i], out[i].status,
			    out[i].error ? out[i].error : "-");
	free_list(u, out, n);
	/* with time enough, the held URL is checked after its wait */
	u = list_of(v, "/ra/1/later", 2);
	assert_int_equal(fetch_check_ex(v->e, u, 2, 10000, NULL, &out), VP_OK);
	assert_string_equal(out[0].status, "ok");
	assert_int_equal(out[0].attempts, 2);
	free_list(u, out, 2);
}

/* URLs that never got their turn before the run's deadline are unverified
 * (with the reason), never "timeout": 60 URLs at 20/s need 3 s. */
static void test_run_deadline_is_not_a_timeout(void **state)
{
	struct env *v = *state;
	size_t n = 60, ok = 0, unverified = 0;
	char **u = list_of(v, "/ok?i=0", n);
	struct vp_check *out = NULL;
	assert_int_equal(fetch_check_ex(v->e, u, n, 1000, NULL, &out), VP_OK);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(out[i].status, "ok") == 0)
			ok++;
		else if (strcmp(out[i].status, "unverified") == 0 &&
		         strstr(out[i].error, "deadline") != NULL)
			unverified++;
		else
			fail_msg("%s: %s (%s)", u[i], out[i].status,
			    out[i].error ? out[i].error : "-");
	}
	assert_true(ok > 0);
	assert_true(unverified > 0);
	free_list(u, out, n);
}

/* One request per host in turn: 200 slow URLs on one host do not keep the
 * few URLs of another host (b.test, the same server) waiting behind them,
 * although they take every transfer slot the engine has. */
static void test_hosts_take_turns(void **state)
{
	struct env *v = calloc(1, sizeof *v);
	(void)state;
	assert_non_null(v);
	assert_int_equal(httpfix_start(&v->fx, 0), 0);
	v->port = httpfix_port(v->fx);
	snprintf(v->soft, sizeof v->soft, "b.test:%u:127.0.0.1", v->port);
	v->resolve[0] = v->soft;
	struct fetch_opts o;
	fetch_opts_default(&o);
	o.allow = "127.0.0.1";
	o.resolve = v->resolve;
	o.host_rate = 0;
	o.max_parallel = 8;
	o.max_host_conns = 8;
	o.soft404_probe = false;
	assert_int_equal(fetch_engine_start(&v->e, &o), VP_OK);

	size_t nb = 4, n = nb + 200;
	char **u = calloc(n, sizeof *u);
	assert_non_null(u);
	/* b.test's URLs come first, so its host is the older one in line */
	for (size_t i = 0; i < nb; i++) {
		char p[32];
		snprintf(p, sizeof p, "/slow?ms=100&b=%zu", i);
		u[i] = url_of(v, "b.test", p);
	}
	for (size_t i = nb; i < n; i++) {
		char p[48];
		snprintf(p, sizeof p, "/slow?ms=300&i=%zu", i);
		u[i] = url_of(v, "127.0.0.1", p);
	}
	struct vp_check *out = NULL;
	/* 200 x 300 ms over 8 slots is 7.5 s: the run ends long before */
	assert_int_equal(fetch_check_ex(v->e, u, n, 1500, NULL, &out), VP_OK);
	for (size_t i = 0; i < nb; i++)
		if (strcmp(out[i].status, "ok") != 0)
			fail_msg("%s behind another host's list: %s (%s)", u[i],
			    out[i].status, out[i].error ? out[i].error : "-");
	size_t cut = 0;
	for (size_t i = nb; i < n; i++)
		cut += strcmp(out[i].status, "unverified") == 0;
	assert_true(cut > 0); /* the long list did fill the slots */
	free_list(u, out, n);
	fetch_engine_stop(v->e);
	httpfix_stop(v->fx);
	free(v);
}

static void test_fingerprint_drift(void **state)
{
	struct env *v = *state;
	struct vp_check *a =
	    check_opts(v, "127.0.0.1", "/changing", 5000, NULL);
	struct vp_check *b =
	    check_opts(v, "127.0.0.1", "/changing", 5000, NULL);
	assert_string_equal(a->status, "ok");
	assert_string_equal(b->status, "ok");
	assert_non_null(a->sha256);
	assert_non_null(b->sha256);
	assert_string_not_equal(a->sha256, b->sha256);
	assert_string_equal(a->title, b->title);
	assert_string_equal(a->etag, "\"v1\"");
	assert_string_equal(b->etag, "\"v2\"");
	assert_non_null(a->last_modified);
	assert_non_null(a->checked_at);
	assert_int_equal(strlen(a->checked_at), 20);
	assert_int_equal(httpfix_requests(v->fx, "/changing"), 2);
	release(a);
	release(b);
}

static void test_hang_big_drip(void **state)
{
	struct env *v = *state;
	struct vp_check *c = check_opts(v, "127.0.0.1", "/hang", 1000, NULL);
	assert_string_equal(c->status, "timeout");
	assert_int_equal(httpfix_requests(v->fx, "/hang"), 1);
	release(c);
	c = check_opts(v, "127.0.0.1", "/big", 5000, NULL);
	assert_string_equal(c->status, "too_large");
	assert_int_equal(c->http_status, 200);
	assert_null(c->sha256); /* a prefix is no fingerprint */
	assert_int_equal(httpfix_requests(v->fx, "/big"), 1);
	release(c);
	/* a drip: 64 bytes, 16 every 100 ms, within the budget */
	c = check_opts(v, "127.0.0.1", "/drip?ms=100&bytes=64", 5000, NULL);
	assert_string_equal(c->status, "ok");
	release(c);
	/* a drip slower than the budget: timeout, not retried */
	c = check_opts(v, "127.0.0.1", "/drip?ms=1000&bytes=4096", 1000, NULL);
	assert_string_equal(c->status, "timeout");
	assert_int_equal(httpfix_requests(v->fx, "/drip"), 2);
	release(c);
}

static void test_archives(void **state)
{
	struct env *v = *state;
	struct fetch_check_opts co = {.archive = true, .date = "2016-03-01"};
	struct vp_check *c =
	    check_opts(v, "127.0.0.1", "/status/404", 5000, &co);
	assert_string_equal(c->status, "gone");
	assert_non_null(c->archived_url);
	assert_non_null(strstr(c->archived_url, "/web/20160301120000/"));
	assert_string_equal(c->archived_at, "2016-03-01T12:00:00Z");
	release(c);
	/* not in Wayback: the Memento TimeGate answers */
	c = check_opts(v, "127.0.0.1", "/never-archived", 5000, &co);
	assert_string_equal(c->status, "gone");
	assert_non_null(c->archived_url);
	assert_non_null(strstr(c->archived_url, "/web/20150101120000/"));
	assert_string_equal(c->archived_at, "2015-01-01T12:00:00Z");
	release(c);
	/* a gate that answers 200 names the memento in Link */
	c = check_opts(v, "127.0.0.1", "/memento-200", 5000, &co);
	assert_string_equal(c->status, "gone");
	assert_non_null(c->archived_url);
	assert_non_null(strstr(c->archived_url, "/web/20110101120000/"));
	assert_string_equal(c->archived_at, "2011-01-01T12:00:00Z");
	release(c);
	/* a live link gets no archive query */
	unsigned before = httpfix_requests(v->fx, "/wayback/available");
	c = check_opts(v, "127.0.0.1", "/ok", 5000, &co);
	assert_null(c->archived_url);
	assert_int_equal(httpfix_requests(v->fx, "/wayback/available"), before);
	release(c);
	/* nor does one that could not be verified: a cut-off exchange is an
	 * error, not a dead link */
	c = check_opts(v, "127.0.0.1", "/reset", 5000, &co);
	assert_string_equal(c->status, "error");
	assert_null(c->archived_url);
	assert_int_equal(httpfix_requests(v->fx, "/wayback/available"), before);
	release(c);
}

/* ---- lookups ----------------------------------------------------------- */

static void add_field(struct vp_citation *c, const char *k, const char *val)
{
	c->fields = realloc(c->fields, (c->n_fields + 1) * sizeof *c->fields);
	c->fields[c->n_fields].key = strdup(k);
	c->fields[c->n_fields].val = strdup(val);
	c->n_fields++;
}

static const char *get_field(const struct vp_citation *c, const char *k)
{
	for (size_t i = 0; i < c->n_fields; i++)
		if (strcmp(c->fields[i].key, k) == 0)
			return c->fields[i].val;
	return NULL;
}

static void test_lookups(void **state)
{
	struct env *v = *state;
	struct vp_msg job;
	assert_int_equal(vp_msg_init(&job, VP_T_LOOKUP_REQ), VP_OK);
	job.timeout_ms = 10000;
	struct vp_lookup_req *q = job.body;
	q->n_citations = 5;
	q->citations = calloc(5, sizeof *q->citations);
	struct vp_citation *c = q->citations;
	c[0].family = strdup("aanhangsel");
	c[0].id = strdup("ah-tk-20252026-12");
	c[0].confidence = 0.6;
	add_field(&c[0], "lookup", "aanhangsel");
	add_field(&c[0], "chamber", "tk");
	add_field(&c[0], "vergaderjaar", "2025-2026");
	add_field(&c[0], "aanhangselnummer", "12");
	c[1].family = strdup("zaaknummer");
	c[1].id = strdup("2025Z14549");
	c[1].confidence = 0.8;
	add_field(&c[1], "lookup", "zaak");
	c[2].family = strdup("kamerstuk");
	c[2].id = strdup("kst-36606-3");
	c[2].confidence = 0.8;
	add_field(&c[2], "lookup", "toevoeging");
	c[3].family = strdup("kamerstuk");
	c[3].id = strdup("kst-99999-1");
	c[3].confidence = 0.8;
	add_field(&c[3], "lookup", "toevoeging");
	c[4].family = strdup("wet-artikel");
	c[4].id = strdup("Wpg");
	c[4].confidence = 0.5;
	add_field(&c[4], "lookup", "law");
	for (int round = 0; round < 2; round++) {
		struct vp_ready res;
		memset(&res, 0, sizeof res);
		assert_int_equal(fetch_lookup_job(v->e, &job, &res), VP_OK);
		assert_non_null(res.reply);
		struct vp_msg m;
		assert_int_equal(
		    vp_msg_decode(&m, res.reply, res.reply_len, NULL, NULL),
		    VP_OK);
		struct vp_lookup_rep *r = vp_msg_lookup_rep(&m);
		assert_non_null(r);
		assert_int_equal(r->n_citations, 5);
		assert_string_equal(r->citations[0].id, "ah-1000012");
		assert_true(r->citations[0].confidence >= 0.95);
		assert_non_null(strstr(get_field(&r->citations[0], "title"),
		    "digitale toegankelijkheid"));
		assert_string_equal(
		    get_field(&r->citations[0], "date"), "2025-10-14");
		assert_string_equal(get_field(&r->citations[1], "documents"),
		    "2025D31234,2025D40001");
		assert_string_equal(
		    get_field(&r->citations[1], "date"), "2025-07-08");
		assert_non_null(r->citations[2].url);
		assert_true(r->citations[2].confidence >= 0.95);
		assert_true(r->citations[3].confidence < 0.8);
		assert_non_null(strstr(r->citations[3].reason, "not found"));
		assert_int_equal(r->n_errors, 1); /* law: no online lookup */
		vp_msg_clear(&m);
		vp_obj_clear(&vp_desc_ready, &res);
	}
	/* the second round came from the cache */
	assert_int_equal(httpfix_requests(v->fx, "/sru"), 3);
	assert_int_equal(httpfix_requests(v->fx, "/odata/Zaak"), 1);
	vp_msg_clear(&job);
}

static void test_sru_diagnostics_is_error(void **state)
{
	(void)state;
	static const char diag[] =
	    "<sru:searchRetrieveResponse xmlns:sru=\"x\"><sru:diagnostics>"
	    "<d:diagnostic xmlns:d=\"y\"><d:message>Query syntax error"
	    "</d:message></d:diagnostic></sru:diagnostics>"
	    "</sru:searchRetrieveResponse>";
	struct fetch_sru s;
	assert_int_equal(fetch_sru_parse(diag, sizeof diag - 1, &s), VP_OK);
	assert_non_null(s.diagnostic);
	assert_int_equal(s.count, -1);
	fetch_sru_free(&s);
	/* an entity bomb is not expanded */
	static const char bomb[] =
	    "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\">"
	    "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
	    "<searchRetrieveResponse><numberOfRecords>&b;</numberOfRecords>"
	    "</searchRetrieveResponse>";
	assert_int_not_equal(
	    fetch_sru_parse(bomb, sizeof bomb - 1, &s), VP_ENOMEM);
	fetch_sru_free(&s);
}

/* ---- pure policy ------------------------------------------------------- */

static void test_policy(void **state)
{
	(void)state;
	int64_t now = 784111777000; /* Sun, 06 Nov 1994 08:49:37 GMT */
	assert_int_equal(fetch_retry_after_ms("120", now), 120000);
	assert_int_equal(fetch_retry_after_ms(" 0 ", now), 0);
	assert_int_equal(fetch_retry_after_ms("-1", now), -1);
	assert_int_equal(fetch_retry_after_ms("1.5", now), -1);
	assert_int_equal(
	    fetch_retry_after_ms("Sun, 06 Nov 1994 08:49:47 GMT", now), 10000);
	assert_int_equal(
	    fetch_retry_after_ms("Sunday, 06-Nov-94 08:49:40 GMT", now), 3000);
	assert_int_equal(
	    fetch_retry_after_ms("Sun Nov  6 08:49:39 1994", now), 2000);
	assert_int_equal(
	    fetch_retry_after_ms("Sun, 06 Nov 1994 08:00:00 GMT", now), 0);
	assert_int_equal(fetch_retry_after_ms("tomorrow", now), -1);
	assert_int_equal(
	    fetch_retry_after_ms("Sun, 06 Nov 1994 08:49:47 CET", now), -1);

	/* backoff: doubling, capped, half fixed + jitter */
	assert_int_equal(fetch_backoff_ms(0, 500, 30000, 0), 250);
	assert_int_equal(fetch_backoff_ms(0, 500, 30000, 250), 500);
	assert_int_equal(fetch_backoff_ms(2, 500, 30000, 0), 1000);
	assert_int_equal(fetch_backoff_ms(20, 500, 30000, 0), 15000);
	for (uint32_t r = 0; r < 1000; r += 7) {
		uint64_t b = fetch_backoff_ms(1, 500, 30000, r);
		assert_true(b >= 500 && b <= 1000);
	}

	/* rate: 4/s, burst 1 */
	struct fetch_hostpol h = {0};
	assert_int_equal(fetch_host_wait(&h, 1000, 4, 1), 0);
	fetch_host_take(&h, 1000, 4, 1);
	assert_int_equal(fetch_host_wait(&h, 1000, 4, 1), 250);
	assert_int_equal(fetch_host_wait(&h, 1250, 4, 1), 0);
	/* burst 3: three at once, then the rate */
	struct fetch_hostpol b3 = {0};
	for (int i = 0; i < 3; i++) {
		assert_int_equal(fetch_host_wait(&b3, 1000, 4, 3), 0);
		fetch_host_take(&b3, 1000, 4, 3);
	}
	assert_true(fetch_host_wait(&b3, 1000, 4, 3) > 0);
	/* no limit */
	struct fetch_hostpol u = {0};
	fetch_host_take(&u, 1000, 0, 1);
	assert_int_equal(fetch_host_wait(&u, 1000, 0, 1), 0);
	/* A Retry-After never holds the host: other URLs go on at half the
	 * rate (at least the slowed minimum) until it has passed, and more
	 * answers of the kind do not slow it further */
	fetch_host_slowdown(&u, 1000, 2000);
	assert_int_equal(fetch_host_wait(&u, 1000, 0, 1), 0);
	fetch_host_take(&u, 1000, 0, 1);
	assert_int_equal(fetch_host_wait(&u, 1000, 0, 1), 200);
	fetch_host_slowdown(&u, 1000, 2000);
	fetch_host_slowdown(&u, 1000, 2000);
	assert_int_equal(fetch_host_wait(&u, 1000, 0, 1), 200);
	fetch_host_take(&u, 3000, 0, 1); /* the window has passed */
	assert_int_equal(fetch_host_wait(&u, 3000, 0, 1), 0);
	/* without a Retry-After each push-back slows it one step more, for a
	 * minute */
	struct fetch_hostpol nr = {0};
	fetch_host_slowdown(&nr, 1000, 0);
	fetch_host_slowdown(&nr, 1000, 0);
	fetch_host_take(&nr, 1000, 4, 1);
	assert_int_equal(fetch_host_wait(&nr, 1000, 4, 1), 1000);
	assert_int_equal(fetch_host_wait(&nr, 1000000, 4, 1), 0);

	/* soft 404 rules */
	struct fetch_soft404_in in = {.http_status = 200,
	    .url = "http://a.nl/x/y",
	    .final_url = "http://a.nl/",
	    .redirects = 1};
	assert_non_null(fetch_soft404(&in));
	in.redirects = 0;
	in.final_url = NULL;
	assert_null(fetch_soft404(&in));
	/* the words count only without the host's not-found answer to
	 * compare with, and then only as a suspicion */
	in.title = "Pagina niet gevonden | Rijksoverheid";
	assert_non_null(strstr(fetch_soft404(&in), "suspected"));
	in.probe_known = true;
	in.probe_status = 404; /* the host says 404 for a missing page */
	assert_null(fetch_soft404(&in));
	in.probe_status = 0; /* the probe failed: nothing to compare */
	assert_non_null(fetch_soft404(&in));
	in.probe_known = false;
	/* a number in a title is no status */
	in.title = "Document 404";
	assert_null(fetch_soft404(&in));
	in.title = "Fout 404 - pagina niet gevonden";
	assert_non_null(fetch_soft404(&in));
	in.title = "Besluit";
	in.body = "<p>Page not found</p>";
	in.body_len = strlen(in.body);
	assert_non_null(fetch_soft404(&in));
	in.body = NULL;
	in.sha256 = "ab";
	in.length = 1000;
	in.probe_known = true;
	in.probe_status = 404;
	in.probe_sha256 = "ab";
	assert_null(fetch_soft404(&in)); /* the host says 404 honestly */
	in.probe_status = 200;
	assert_non_null(fetch_soft404(&in));
	in.probe_sha256 = "cd";
	in.probe_title = "Besluit";
	in.probe_length = 1005;
	assert_non_null(fetch_soft404(&in));
	in.probe_length = 1500;
	assert_null(fetch_soft404(&in));
	/* words plus the title of the host's not-found answer */
	in.title = "Pagina niet gevonden";
	in.probe_title = "Pagina niet gevonden";
	assert_non_null(fetch_soft404(&in));
	in.probe_title = "Welkom";
	assert_null(fetch_soft404(&in));
	in.http_status = 404;
	assert_null(fetch_soft404(&in));

	assert_true(fetch_bot_wall(403, true, NULL));
	assert_true(fetch_bot_wall(503, false, "Just a moment..."));
	assert_false(fetch_bot_wall(403, false, "Forbidden"));
	assert_false(fetch_bot_wall(200, true, NULL));

	uint16_t hops[] = {301, 308, 302, 301};
	assert_int_equal(fetch_permanent_prefix(hops, 4), 2);
	assert_int_equal(fetch_permanent_prefix(hops + 2, 2), 0);

	struct fetch_outcome o = {.curl_code = 0, .http_status = 502};
	assert_true(fetch_transient(&o));
	o.http_status = 500;
	assert_false(fetch_transient(&o));
	o.http_status = 404;
	assert_false(fetch_transient(&o));

	char *url, *at;
	static const char wb[] =
	    "{\"archived_snapshots\":{\"closest\":{\"available\":true,"
	    "\"url\":\"http://web.archive.org/web/20150101000000/x\","
	    "\"timestamp\":\"20150101000000\",\"status\":\"200\"}}}";
	assert_int_equal(fetch_wayback_parse(wb, sizeof wb - 1, &url, &at), 0);
	assert_string_equal(at, "2015-01-01T00:00:00Z");
	free(url);
	free(at);
	assert_int_equal(fetch_wayback_parse("{}", 2, &url, &at), -1);
	assert_int_equal(fetch_memento_parse("http://m/1",
	                     "Thu, 01 Jan 2015 12:00:00 GMT", &url, &at),
	    0);
	assert_string_equal(at, "2015-01-01T12:00:00Z");
	free(url);
	free(at);
	char hd[80];
	assert_int_equal(fetch_accept_datetime("2016-03-01", hd, sizeof hd), 0);
	assert_string_equal(
	    hd, "Accept-Datetime: Tue, 01 Mar 2016 00:00:00 GMT");

	/* TimeGate answers: a redirect names the memento in Location; a 200
	 * is the memento, named by the Link rel=memento with its datetime. */
	static const char link[] =
	    "<http://example.nl/a>; rel=\"original\", "
	    "<http://wb/web/2010/http://example.nl/a>; rel=\"first memento\"; "
	    "datetime=\"Fri, 01 Jan 2010 00:00:00 GMT\", "
	    "<http://wb/web/2015/http://example.nl/a>; rel=memento; "
	    "datetime=\"Thu, 01 Jan 2015 12:00:00 GMT\"";
	assert_int_equal(fetch_memento_answer(302, "http://gate/x",
	                     "http://wb/web/2016/x", NULL, link, &url, &at),
	    0);
	assert_string_equal(url, "http://wb/web/2016/x");
	assert_null(at);
	free(url);
	assert_int_equal(fetch_memento_answer(200, "http://gate/x", NULL,
	                     "Thu, 01 Jan 2015 12:00:00 GMT", link, &url, &at),
	    0);
	assert_string_equal(url, "http://wb/web/2015/http://example.nl/a");
	assert_string_equal(at, "2015-01-01T12:00:00Z");
	free(url);
	free(at);
	/* no Memento-Datetime: the first memento listed, with its datetime */
	assert_int_equal(fetch_memento_answer(
	                     200, "http://gate/x", NULL, NULL, link, &url, &at),
	    0);
	assert_string_equal(url, "http://wb/web/2010/http://example.nl/a");
	assert_string_equal(at, "2010-01-01T00:00:00Z");
	free(url);
	free(at);
	/* no Link: the gate is the memento */
	assert_int_equal(fetch_memento_answer(
	                     200, "http://gate/x", NULL, NULL, NULL, &url, &at),
	    0);
	assert_string_equal(url, "http://gate/x");
	free(url);
	assert_int_equal(fetch_memento_answer(
	                     404, "http://gate/x", NULL, NULL, link, &url, &at),
	    -1);
	assert_int_equal(
	    fetch_link_memento("<ftp://x>; rel=memento", NULL, &url, &at), -1);
	assert_int_equal(
	    fetch_link_memento("<http://x; rel=memento", NULL, &url, &at), -1);
	assert_int_equal(
	    fetch_link_memento("<http://x/>; rel=\"memento", NULL, &url, &at),
	    -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_policy),
	    cmocka_unit_test(test_sru_diagnostics_is_error),
	    cmocka_unit_test_setup_teardown(
	        test_classes_and_requests, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_redirects, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_retry_after, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_head_modes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_soft404, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_redirect_hop_on_busy_host, setup_polite, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_retry_after_holds_one_url, setup_polite, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_run_deadline_is_not_a_timeout, setup_polite, teardown),
	    cmocka_unit_test(test_hosts_take_turns),
	    cmocka_unit_test_setup_teardown(
	        test_fingerprint_drift, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_hang_big_drip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_archives, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lookups, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
