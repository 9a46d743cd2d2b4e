/* test_linkmon_component.c - the link monitor against a real dispatcher and
 * fetcher (embedded, inproc) and a switchable HTTP server on 127.0.0.1, with
 * a fake clock the test advances: 200 -> 404 is dead only after the
 * confirmations, 404 -> 200 recovers, 429 stays unverifiable, a changed
 * body is drift, and link.changed is published for each transition only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <nng/nng.h>
#include <nng/protocol/pubsub0/sub.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lm_fixture.h"
#include "mon_svc.h"
#include "vp_client.h"
#include "vp_embed.h"
#include "vp_err.h"

#define DAY 86400

static int64_t fake_now = 1700000000;
static int64_t fake_clock(void *arg)
{
	(void)arg;
	return fake_now;
}

struct env {
	struct lm_fixture *fix;
	struct vp_embed *emb;
	struct mon *mon;
	struct vp_client *cli;
	nng_socket sub;
	char db[64];
	char url_a[128], url_r[128], url_d[128];
};

/* Receives the events published so far: old>new per URL suffix. */
static int drain(struct env *e, char out[][64], int max)
{
	int n = 0;
	for (;;) {
		nng_msg *m;
		struct vp_msg env, lc;
		struct vp_event *ev;
		struct vp_link_changed *c;
		size_t tl;
		if (nng_recvmsg(e->sub, &m, 0) != 0)
			break;
		tl = strlen(nng_msg_body(m)) + 1;
		assert_string_equal(nng_msg_body(m), "link.changed");
		assert_int_equal(
		    vp_msg_decode(&env, (char *)nng_msg_body(m) + tl,
		        nng_msg_len(m) - tl, NULL, NULL),
		    VP_OK);
		ev = vp_msg_event(&env);
		assert_non_null(ev);
		assert_int_equal(vp_msg_decode(&lc, ev->payload,
		                     ev->payload_len, NULL, NULL),
		    VP_OK);
		c = vp_msg_link_changed(&lc);
		assert_non_null(c);
		assert_int_equal(c->n_docs, 1);
		assert_string_equal(c->docs[0], "doc-1.txt");
		assert_true(c->check_id > 0);
		if (n < max)
			snprintf(out[n], 64, "%s %s>%s", strrchr(c->url, '/'),
			    c->old_state, c->new_state);
		n++;
		vp_msg_clear(&lc);
		vp_msg_clear(&env);
		nng_msg_free(m);
	}
	return n;
}

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	struct vp_embed_cfg ec = {0};
	struct mon_cfg mc;
	char err[256], api[64], work[64], pub[64];
	int port;
	assert_int_equal(lm_fixture_start(&e->fix), 0);
	port = lm_fixture_port(e->fix);
	snprintf(e->url_a, sizeof(e->url_a), "http://127.0.0.1:%d/a", port);
	snprintf(e->url_r, sizeof(e->url_r), "http://127.0.0.1:%d/r", port);
	snprintf(e->url_d, sizeof(e->url_d), "http://127.0.0.1:%d/d", port);
	lm_fixture_set(e->fix, "/a", 200, "<title>A</title>hello");
	lm_fixture_set(e->fix, "/r", 429, "slow down");
	lm_fixture_set(e->fix, "/d", 200, "<title>D</title>version one");
	snprintf(api, sizeof(api), "inproc://lm-%d-api", getpid());
	snprintf(work, sizeof(work), "inproc://lm-%d-work", getpid());
	snprintf(pub, sizeof(pub), "inproc://lm-%d-pub", getpid());
	ec.api_url = api;
	ec.work_url = work;
	ec.pub_url = pub;
	ec.allow = "127.0.0.1";
	ec.check_ctx = 4;
	assert_int_equal(vp_embed_start(&e->emb, &ec, err, sizeof(err)), VP_OK);
	snprintf(e->db, sizeof(e->db), "/tmp/vp-lm-comp-%d.db", getpid());
	unlink(e->db);
	mon_cfg_default(&mc);
	mc.db = e->db;
	mc.api_url = api;
	mc.work_url = work;
	mc.clock = fake_clock;
	mc.archive = false; /* no archive service on loopback */
	mc.respread = 0;
	/* the fetcher keeps retrying a 429 within the budget: keep it short */
	mc.check_timeout_ms = 8000;
	mc.policy.min_interval = 3600;
	mc.policy.jitter_pct = 0;
	mc.policy.spread = 0;
	assert_int_equal(mon_start(&e->mon, &mc, err, sizeof(err)), VP_OK);
	assert_int_equal(
	    vp_client_open(&e->cli, api, 0, err, sizeof(err)), VP_OK);
	assert_int_equal(nng_sub0_open(&e->sub), 0);
	assert_int_equal(nng_socket_set(e->sub, NNG_OPT_SUB_SUBSCRIBE,
	                     "link.changed", strlen("link.changed")),
	    0);
	assert_int_equal(nng_socket_set_ms(e->sub, NNG_OPT_RECVTIMEO, 300), 0);
	assert_int_equal(
	    nng_dial(e->sub, vp_embed_pub_url(e->emb), NULL, NNG_FLAG_NONBLOCK),
	    0);
	usleep(100000);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	nng_close(e->sub);
	vp_client_close(e->cli);
	mon_stop(e->mon);
	vp_embed_stop(e->emb);
	lm_fixture_stop(e->fix);
	unlink(e->db);
	free(e);
	return 0;
}

static void tick(struct env *e, size_t want)
{
	size_t n = 0;
	assert_int_equal(mon_tick(e->mon, &n), VP_OK);
	assert_int_equal(n, want);
}

static void history_of(struct env *e, const char *url, struct vp_msg *rep)
{
	struct vp_msg req;
	assert_int_equal(vp_msg_init(&req, VP_T_HISTORY_REQ), VP_OK);
	vp_msg_history_req(&req)->url = strdup(url);
	assert_int_equal(vp_client_call(e->cli, &req, 30000, rep), VP_OK);
	vp_msg_clear(&req);
}

static void watch(struct env *e, const char *const *urls, size_t n)
{
	struct vp_msg req, rep;
	struct vp_watch_add_req *wa;
	assert_int_equal(vp_msg_init(&req, VP_T_WATCH_ADD_REQ), VP_OK);
	wa = vp_msg_watch_add_req(&req);
	wa->items = calloc(n, sizeof(*wa->items));
	wa->n_items = n;
	for (size_t i = 0; i < n; i++) {
		wa->items[i].url = strdup(urls[i]);
		wa->items[i].doc = strdup("doc-1.txt");
		wa->items[i].doc_date = strdup("2021-03-04");
	}
	assert_int_equal(vp_client_call(e->cli, &req, 30000, &rep), VP_OK);
	assert_int_equal(vp_msg_watch_add_rep(&rep)->sources, n);
	vp_msg_clear(&req);
	vp_msg_clear(&rep);
}

/* 429 on every check: never a failure, never an event (its own fetcher:
 * the host's slow-down after a 429 must not touch the other test) */
static void test_rate_limited(void **state)
{
	struct env *e = *state;
	const char *urls[1] = {e->url_r};
	struct vp_msg rep;
	char ev[16][64];
	watch(e, urls, 1);
	for (int i = 0; i < 4; i++) {
		tick(e, 1);
		fake_now += DAY + 3600;
	}
	assert_int_equal(drain(e, ev, 16), 0);
	history_of(e, e->url_r, &rep);
	{
		struct vp_history_rep *h = vp_msg_history_rep(&rep);
		assert_non_null(h);
		assert_string_equal(h->source->state, "new");
		assert_int_equal(h->n_checks, 4);
		for (size_t i = 0; i < h->n_checks; i++) {
			/* unverifiable, or timeout when the budget ran out
			 * first: neutral either way */
			assert_int_equal(
			    mon_classify(h->checks[i].status), MON_C_NEUTRAL);
			assert_null(h->checks[i].transition);
		}
	}
	vp_msg_clear(&rep);
}

static void test_lifecycle(void **state)
{
	struct env *e = *state;
	struct vp_msg req, rep;
	char ev[16][64];
	int n;

	const char *urls[2] = {e->url_a, e->url_d};
	watch(e, urls, 2);

	/* t0: a and d reachable (new>ok) */
	tick(e, 2);
	n = drain(e, ev, 16);
	assert_int_equal(n, 2);
	tick(e, 0); /* nothing due at the same moment */

	/* a goes 404, d's body changes */
	lm_fixture_set(e->fix, "/a", 404, NULL);
	lm_fixture_set(
	    e->fix, "/d", 200, "<title>D2</title>version two, longer");
	fake_now += DAY + 3600;
	tick(e, 2);
	n = drain(e, ev, 16);
	assert_int_equal(n, 2);
	assert_true(strcmp(ev[0], "/a ok>failing") == 0 ||
	            strcmp(ev[1], "/a ok>failing") == 0);
	assert_true(strcmp(ev[0], "/d ok>drifted") == 0 ||
	            strcmp(ev[1], "/d ok>drifted") == 0);

	/* second failure a day later: still failing, no event */
	fake_now += DAY + 3600;
	tick(e, 2);
	assert_int_equal(drain(e, ev, 16), 0);

	/* third: dead */
	fake_now += DAY + 3600;
	tick(e, 2);
	n = drain(e, ev, 16);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0], "/a failing>dead");

	/* the report names the document with a dead and a drifted source */
	assert_int_equal(vp_msg_init(&req, VP_T_REPORT_REQ), VP_OK);
	assert_int_equal(vp_client_call(e->cli, &req, 30000, &rep), VP_OK);
	{
		struct vp_report_rep *r = vp_msg_report_rep(&rep);
		assert_non_null(r);
		assert_int_equal(r->n_docs, 1);
		assert_int_equal(r->docs[0].bad, 2);
		assert_int_equal(r->docs[0].n_sources, 2);
	}
	vp_msg_clear(&req);
	vp_msg_clear(&rep);

	/* recovery */
	lm_fixture_set(e->fix, "/a", 200, "<title>A</title>hello");
	fake_now += DAY + 3600;
	tick(e, 2);
	n = drain(e, ev, 16);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0], "/a dead>ok");
	history_of(e, e->url_a, &rep);
	{
		struct vp_history_rep *h = vp_msg_history_rep(&rep);
		assert_int_equal(h->n_checks, 5);
		assert_string_equal(h->checks[0].transition, "dead>ok");
		assert_string_equal(h->checks[1].transition, "failing>dead");
		assert_null(h->checks[2].transition);
		assert_string_equal(h->checks[3].transition, "ok>failing");
		assert_string_equal(h->checks[4].transition, "new>ok");
		assert_string_equal(h->source->state, "ok");
	}
	vp_msg_clear(&rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_lifecycle, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rate_limited, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
