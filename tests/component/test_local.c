/* Component tests of the embedded bus's short cuts (docs/DESIGN-notes.md
 * note 16): split and parse jobs run on the dispatcher's own threads
 * (disp_add_local) and resolve calls reach the core without the socket
 * (disp_call). The answers must be those of the socket path, and the
 * protocol's guarantees must hold: a job past its lease fails as timed out
 * and is never run twice, a request the decoder would refuse is refused,
 * the dispatcher keeps serving. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "comp_rig.h"
#include "disp.h"
#include "prs_svc.h"
#include "split_svc.h"
#include "vp_client.h"
#include "vp_clock.h"
#include "vp_embed.h"
#include "vp_err.h"
#include "vp_worker.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned url_seq;

struct rig {
	char api[128], work[128];
	struct disp *d;
	struct vp_worker *w[2];
	struct vp_client *c;
};

static int call_disp(void *arg, const struct vp_msg *req, struct vp_msg *rep)
{
	return disp_call(arg, req, rep);
}

/* A dispatcher with split and parse workers either on the work socket
 * (local false) or on its own threads, and a client that calls it through
 * the socket or directly. */
static void rig_start(struct rig *r, bool local, uint32_t lease_ms,
    disp_local_fn split_fn, void *split_arg)
{
	struct disp_cfg dc;
	char err[256];
	unsigned n = ++url_seq;
	memset(r, 0, sizeof(*r));
	snprintf(
	    r->api, sizeof(r->api), "inproc://loc-%d-%u-api", (int)getpid(), n);
	snprintf(r->work, sizeof(r->work), "inproc://loc-%d-%u-work",
	    (int)getpid(), n);
	disp_cfg_default(&dc);
	dc.api_url = r->api;
	dc.work_url = r->work;
	dc.recv_max = 1 << 20; /* a small message limit, to test it */
	if (lease_ms)
		dc.lease_ms = lease_ms;
	assert_int_equal(disp_start(&r->d, &dc, err, sizeof(err)), VP_OK);
	if (local) {
		assert_int_equal(disp_add_local(r->d, "split", 1,
		                     split_fn ? split_fn : split_job, split_arg,
		                     err, sizeof(err)),
		    VP_OK);
		assert_int_equal(disp_add_local(r->d, "parse", 2, prs_job, NULL,
		                     err, sizeof(err)),
		    VP_OK);
	} else {
		struct vp_worker_cfg wc;
		memset(&wc, 0, sizeof(wc));
		wc.url = r->work;
		wc.contexts = 1;
		wc.park_ms = 500;
		wc.kind = "split";
		wc.fn = split_job;
		assert_int_equal(
		    vp_worker_start(&r->w[0], &wc, err, sizeof(err)), VP_OK);
		wc.kind = "parse";
		wc.fn = prs_job;
		assert_int_equal(
		    vp_worker_start(&r->w[1], &wc, err, sizeof(err)), VP_OK);
	}
	assert_int_equal(
	    vp_client_open(&r->c, r->api, 0, err, sizeof(err)), VP_OK);
	if (local)
		vp_client_set_local(r->c, call_disp, r->d);
}

static void rig_stop(struct rig *r)
{
	vp_client_close(r->c);
	vp_worker_stop(r->w[0]);
	vp_worker_stop(r->w[1]);
	disp_stop(r->d);
}

/* The example document resolved both ways gives the same citations, spans
 * and all, and the same errors. */
static void test_same_answer(void **state)
{
	struct rig a, b;
	struct vp_msg ra, rb;
	struct vp_resolve_rep *x, *y;
	struct vp_resolve_opts o = {.name = "kamervragen.txt"};
	size_t len;
	char *doc = rig_example(&len);
	(void)state;

	rig_start(&a, false, 0, NULL, NULL);
	rig_start(&b, true, 0, NULL, NULL);
	assert_int_equal(
	    vp_client_resolve(a.c, doc, len, &o, 10000, &ra), VP_OK);
	assert_int_equal(
	    vp_client_resolve(b.c, doc, len, &o, 10000, &rb), VP_OK);
	x = vp_msg_resolve_rep(&ra);
	y = vp_msg_resolve_rep(&rb);
	assert_non_null(x);
	assert_non_null(y);
	assert_true(x->n_citations > 20);
	assert_int_equal(x->n_citations, y->n_citations);
	assert_int_equal(x->n_segments, y->n_segments);
	assert_int_equal(x->n_errors, y->n_errors);
	assert_string_equal(y->name, "kamervragen.txt");
	for (size_t i = 0; i < x->n_citations; i++) {
		const struct vp_citation *p = &x->citations[i];
		const struct vp_citation *q = &y->citations[i];
		assert_string_equal(p->id, q->id);
		assert_string_equal(p->family, q->family);
		assert_int_equal(p->n_spans, q->n_spans);
		for (size_t k = 0; k < p->n_spans; k++) {
			assert_int_equal(p->spans[k].start, q->spans[k].start);
			assert_int_equal(p->spans[k].end, q->spans[k].end);
		}
	}
	vp_msg_clear(&ra);
	vp_msg_clear(&rb);
	rig_stop(&a);
	rig_stop(&b);
	free(doc);
}

/* The citations of two answers are the same, spans and all. */
static void same_citations(
    const struct vp_resolve_rep *x, const struct vp_resolve_rep *y)
{
	assert_int_equal(x->n_citations, y->n_citations);
	assert_int_equal(x->n_segments, y->n_segments);
	assert_int_equal(x->n_errors, y->n_errors);
	for (size_t i = 0; i < x->n_citations; i++) {
		const struct vp_citation *p = &x->citations[i];
		const struct vp_citation *q = &y->citations[i];
		assert_string_equal(p->id, q->id);
		assert_true(p->confidence == q->confidence);
		assert_int_equal(p->n_spans, q->n_spans);
		for (size_t k = 0; k < p->n_spans; k++) {
			assert_int_equal(p->spans[k].start, q->spans[k].start);
			assert_int_equal(p->spans[k].end, q->spans[k].end);
			assert_string_equal(
			    p->spans[k].raw ? p->spans[k].raw : "",
			    q->spans[k].raw ? q->spans[k].raw : "");
		}
	}
}

/* The embedded composition (a small document split and parsed back to back
 * on one thread; a larger one through a parse job) answers as workers on
 * the socket do. */
static void test_embedded_same_answer(void **state)
{
	struct rig a;
	struct vp_embed *e;
	struct vp_embed_cfg ec;
	struct vp_client *c;
	char err[256];
	size_t len;
	char *doc = rig_example(&len);
	char *big = malloc(len * 6);
	(void)state;

	for (int i = 0; i < 6; i++) /* over 64 KiB: no back to back */
		memcpy(big + (size_t)i * len, doc, len);
	rig_start(&a, false, 0, NULL, NULL);
	memset(&ec, 0, sizeof(ec));
	assert_int_equal(vp_embed_start(&e, &ec, err, sizeof(err)), VP_OK);
	assert_int_equal(vp_embed_client_open(e, &c, err, sizeof(err)), VP_OK);
	for (int round = 0; round < 2; round++) {
		struct vp_msg ra, rb;
		size_t n = round == 0 ? len : len * 6;
		const char *d = round == 0 ? doc : big;
		assert_int_equal(
		    vp_client_resolve(a.c, d, n, NULL, 20000, &ra), VP_OK);
		assert_int_equal(
		    vp_client_resolve(c, d, n, NULL, 20000, &rb), VP_OK);
		assert_true(vp_msg_resolve_rep(&ra)->n_citations > 10);
		same_citations(
		    vp_msg_resolve_rep(&ra), vp_msg_resolve_rep(&rb));
		vp_msg_clear(&ra);
		vp_msg_clear(&rb);
		/* the small document took one job (split and parse back to
		 * back), the large one two */
		assert_int_equal(vp_client_stats(c, 5000, &ra), VP_OK);
		assert_int_equal(
		    vp_msg_stats_rep(&ra)->jobs_done, round == 0 ? 1 : 3);
		vp_msg_clear(&ra);
	}
	vp_client_close(c);
	vp_embed_stop(e);
	rig_stop(&a);
	free(big);
	free(doc);
}

/* A split handler that sleeps through its lease the first time. */
static atomic_uint slow_calls;

static int slow_split(void *arg, const struct vp_msg *job, struct vp_ready *res)
{
	if (atomic_fetch_add(&slow_calls, 1) == 0)
		vp_sleep_ms(1500);
	return split_job(arg, job, res);
}

/* A job held past its lease fails the request as timed out at the lease's
 * end - not at the handler's - and is not handed to another thread; its
 * late result is dropped, and the dispatcher then serves the next request. */
static void test_lease_expiry(void **state)
{
	struct rig r;
	struct vp_msg rep;
	struct vp_stats_rep st;
	const char *text = "Zie Kamerstukken II 2020/21, 35570, nr. 2.";
	uint64_t t0;
	int rv;
	(void)state;

	atomic_store(&slow_calls, 0);
	rig_start(&r, true, 300, slow_split, NULL);
	t0 = vp_now_ms();
	rv = vp_client_resolve(r.c, text, strlen(text), NULL, 10000, &rep);
	assert_int_equal(rv, VP_ETIMEDOUT);
	assert_non_null(rep.err);
	assert_non_null(strstr(rep.err->msg, "lease"));
	assert_true(vp_now_ms() - t0 < 1400); /* the lease, not the sleep */
	vp_msg_clear(&rep);
	assert_int_equal(atomic_load(&slow_calls), 1); /* never run twice */

	vp_sleep_ms(1500); /* the sleeper answers late: dropped */
	assert_int_equal(atomic_load(&slow_calls), 1);
	assert_int_equal(
	    vp_client_resolve(r.c, text, strlen(text), NULL, 10000, &rep),
	    VP_OK);
	assert_int_equal(vp_msg_resolve_rep(&rep)->n_citations, 1);
	vp_msg_clear(&rep);
	disp_stats(r.d, &st);
	assert_true(st.duplicates_dropped >= 1);
	rig_stop(&r);
}

/* What the decoder would refuse, a direct call refuses too: a document
 * over the message limit, a name that is not UTF-8. */
static void test_call_limits(void **state)
{
	struct rig r;
	struct vp_msg rep;
	struct vp_resolve_opts o = {.name = "bad\xff.txt"};
	size_t big = (1 << 20) + 1;
	char *doc = malloc(big);
	(void)state;

	memset(doc, 'a', big);
	rig_start(&r, true, 0, NULL, NULL);
	assert_int_equal(
	    vp_client_resolve(r.c, doc, big, NULL, 5000, &rep), VP_ETOOLARGE);
	vp_msg_clear(&rep);
	assert_int_equal(
	    vp_client_resolve(r.c, "artikel 5 Awb", 13, &o, 5000, &rep),
	    VP_EINVAL);
	vp_msg_clear(&rep);
	o.name = "ok.txt";
	assert_int_equal(
	    vp_client_resolve(r.c, "artikel 5 Awb", 13, &o, 5000, &rep), VP_OK);
	vp_msg_clear(&rep);
	rig_stop(&r);
	free(doc);
}

/* Many callers at once: every one gets its own answer. */
struct many {
	struct rig *r;
	atomic_uint ok;
};

static void *caller(void *arg)
{
	struct many *m = arg;
	for (int i = 0; i < 50; i++) {
		char text[96];
		struct vp_msg rep;
		int n = snprintf(text, sizeof(text),
		    "Stb. 2019, %d en Stcrt. 2020, 7.", i + 1);
		if (vp_client_resolve(
		        m->r->c, text, (size_t)n, NULL, 10000, &rep) == VP_OK) {
			struct vp_resolve_rep *b = vp_msg_resolve_rep(&rep);
			char want[32];
			snprintf(want, sizeof(want), "stb-2019-%d", i + 1);
			if (b != NULL && b->n_citations == 2 &&
			    strcmp(b->citations[0].id, want) == 0)
				atomic_fetch_add(&m->ok, 1);
		}
		vp_msg_clear(&rep);
	}
	return NULL;
}

static void test_many_callers(void **state)
{
	struct rig r;
	struct many m = {.r = &r};
	pthread_t th[6];
	(void)state;
	rig_start(&r, true, 0, NULL, NULL);
	for (int i = 0; i < 6; i++)
		assert_int_equal(pthread_create(&th[i], NULL, caller, &m), 0);
	for (int i = 0; i < 6; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(atomic_load(&m.ok), 300);
	rig_stop(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_answer),
	    cmocka_unit_test(test_embedded_same_answer),
	    cmocka_unit_test(test_lease_expiry),
	    cmocka_unit_test(test_call_limits),
	    cmocka_unit_test(test_many_callers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
