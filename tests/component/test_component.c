/* Component tests: resolve, parse and check through the real dispatcher and
 * one worker of each kind in this process (inproc://), the pull protocol's
 * failure handling (a worker that vanishes with a job, a duplicate result, a
 * deadline with no worker, busy), and bad input at the API over tcp://. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "comp_rig.h"
#include "disp.h"
#include "fetch.h"
#include "fetch_svc.h"
#include "httpfix.h"
#include "prs_svc.h"
#include "split_svc.h"
#include "vp_client.h"
#include "vp_clock.h"
#include "vp_err.h"
#include "vp_jobutil.h"
#include "vp_nng.h"
#include "vp_worker.h"

#include <nng/protocol/pubsub0/sub.h>
#include <nng/protocol/reqrep0/req.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct vp_citation *find_cit(
    const struct vp_resolve_rep *r, const char *id)
{
	for (size_t i = 0; i < r->n_citations; i++)
		if (strcmp(r->citations[i].id, id) == 0)
			return &r->citations[i];
	return NULL;
}

/* The example document through split -> parse -> check. */
static void test_resolve_example(void **state)
{
	struct disp_cfg dc;
	char api[128], work[128], err[256];
	struct disp *d;
	struct vp_worker *ws, *wp, *wf;
	struct fetch_engine *fe;
	struct fetch_opts fo;
	struct vp_client *c;
	struct vp_msg rep;
	struct vp_resolve_rep *r;
	const struct vp_citation *ah, *zaak, *pol;
	size_t len;
	char *doc = rig_example(&len);
	(void)state;

	disp_cfg_default(&dc);
	d = rig_disp(&dc, api, work, false);
	fetch_opts_default(&fo);
	assert_int_equal(fetch_engine_start(&fe, &fo), VP_OK);
	ws = rig_worker(work, "split", split_job, NULL, 500);
	wp = rig_worker(work, "parse", prs_job, NULL, 500);
	wf = rig_worker(work, "check", fetch_job, fe, 500);
	assert_int_equal(vp_client_open(&c, api, 0, err, sizeof(err)), VP_OK);

	assert_int_equal(
	    vp_client_resolve(c, doc, len,
	        &(struct vp_resolve_opts){.name = "example.txt"}, 10000, &rep),
	    VP_OK);
	r = vp_msg_resolve_rep(&rep);
	assert_non_null(r);
	assert_string_equal(r->name, "example.txt");
	assert_true(r->n_segments > 10);

	/* footnotes 4 and 5 cite the same source: one entry, two spans */
	ah = find_cit(r, "ah-tk-20202021-3011");
	assert_non_null(ah);
	assert_string_equal(ah->family, "aanhangsel");
	assert_int_equal(ah->n_spans, 2);
	assert_true(ah->confidence < 1.0);
	assert_non_null(ah->reason);
	assert_string_equal(ah->spans[0].where, "footnote 4");
	assert_string_equal(ah->spans[1].where, "footnote 5");
	for (size_t i = 0; i < ah->n_spans; i++) {
		const struct vp_span *s = &ah->spans[i];
		assert_true(s->end <= len && s->start < s->end);
		assert_memory_equal(doc + s->start,
		    "Kamerstukken II, 2020-2021, nr. 3011", s->end - s->start);
	}
	zaak = find_cit(r, "2025Z14549");
	assert_non_null(zaak);
	assert_string_equal(zaak->family, "zaak");
	assert_non_null(find_cit(r, "2025Z15031"));
	pol = NULL;
	for (size_t i = 0; i < r->n_citations; i++)
		if (strstr(r->citations[i].id, "politie.nl") != NULL)
			pol = &r->citations[i];
	assert_non_null(pol);
	assert_string_equal(pol->spans[0].where, "footnote 1");
	assert_true(pol->url[strlen(pol->url) - 1] != ')');
	/* every span points at the bytes as written */
	for (size_t i = 0; i < r->n_citations; i++)
		for (size_t k = 0; k < r->citations[i].n_spans; k++) {
			const struct vp_span *s = &r->citations[i].spans[k];
			assert_true(s->end <= len);
			assert_int_equal(strlen(s->raw), s->end - s->start);
			assert_memory_equal(
			    doc + s->start, s->raw, s->end - s->start);
		}
	vp_msg_clear(&rep);

	vp_client_close(c);
	vp_worker_stop(ws);
	vp_worker_stop(wp);
	vp_worker_stop(wf);
	fetch_engine_stop(fe);
	disp_stop(d);
	free(doc);
}

/* check.req through the dispatcher against the local fixture server. */
static void test_check_fixture(void **state)
{
	struct disp_cfg dc;
	char api[128], work[128], err[256], u1[128], u2[128], u3[128];
	struct disp *d;
	struct vp_worker *wf;
	struct fetch_engine *fe, *fe_closed;
	struct fetch_opts fo;
	struct vp_client *c;
	struct httpfix *hf;
	struct vp_msg rep;
	struct vp_check_rep *r;
	char *urls[3] = {u1, u2, u3};
	(void)state;

	assert_int_equal(httpfix_start(&hf, 0), 0);
	snprintf(u1, sizeof(u1), "http://127.0.0.1:%u/ok", httpfix_port(hf));
	snprintf(
	    u2, sizeof(u2), "http://127.0.0.1:%u/status/404", httpfix_port(hf));
	snprintf(
	    u3, sizeof(u3), "http://127.0.0.1:%u/redirect/2", httpfix_port(hf));
	disp_cfg_default(&dc);
	d = rig_disp(&dc, api, work, false);
	fetch_opts_default(&fo);
	fo.allow = "127.0.0.1";
	assert_int_equal(fetch_engine_start(&fe, &fo), VP_OK);
	wf = rig_worker(work, "check", fetch_job, fe, 500);
	assert_int_equal(vp_client_open(&c, api, 0, err, sizeof(err)), VP_OK);

	assert_int_equal(vp_client_check(c, urls, 3, 10000, &rep), VP_OK);
	r = vp_msg_check_rep(&rep);
	assert_non_null(r);
	assert_int_equal(r->n_checks, 3);
	assert_string_equal(r->checks[0].url, u1);
	assert_string_equal(r->checks[0].status, "ok");
	assert_int_equal(r->checks[0].http_status, 200);
	assert_string_equal(r->checks[1].status, "gone");
	assert_string_equal(r->checks[2].status, "redirect");
	assert_int_equal(r->checks[2].n_redirects, 2);
	vp_msg_clear(&rep);
	vp_worker_stop(wf);

	/* the same through a fetcher without the allow list: refused, and the
	 * fixture saw no new connection */
	fetch_opts_default(&fo);
	assert_int_equal(fetch_engine_start(&fe_closed, &fo), VP_OK);
	wf = rig_worker(work, "check", fetch_job, fe_closed, 500);
	{
		unsigned before = httpfix_connections(hf);
		assert_int_equal(
		    vp_client_check(c, urls, 1, 10000, &rep), VP_OK);
		r = vp_msg_check_rep(&rep);
		assert_non_null(r);
		assert_string_equal(r->checks[0].status, "blocked");
		assert_int_equal(httpfix_connections(hf), before);
		vp_msg_clear(&rep);
	}
	vp_client_close(c);
	vp_worker_stop(wf);
	fetch_engine_stop(fe);
	fetch_engine_stop(fe_closed);
	disp_stop(d);
	httpfix_stop(hf);
}

/* ---- a hand-driven worker, to break the protocol on purpose ------------ */

/* Sends a worker.ready of kind (with a parse result for job id when given)
 * and returns the reply decoded. */
static void rogue_ready(
    struct rogue *g, const char *kind, const uint8_t *id, struct vp_msg *reply)
{
	struct vp_msg m;
	struct vp_ready *b;
	struct vp_decode_err why;
	uint8_t *buf;
	size_t len;
	nng_msg *msg;
	assert_int_equal(vp_msg_init(&m, VP_T_WORKER_READY), VP_OK);
	b = m.body;
	b->kind = strdup(kind);
	if (id != NULL) {
		memcpy(m.id, id, 16);
		m.has_id = true;
		b->done = true;
	}
	assert_int_equal(vp_msg_encode(&m, &buf, &len), VP_OK);
	vp_msg_clear(&m);
	assert_int_equal(vp_nng_msg_from(&msg, buf, len), VP_OK);
	free(buf);
	assert_int_equal(vp_nng_ctx_send(g->ctx, g->aio, msg), VP_OK);
	assert_int_equal(vp_nng_ctx_recv(g->ctx, g->aio, &msg, 10000), VP_OK);
	assert_int_equal(vp_msg_decode(reply, nng_msg_body(msg),
	                     nng_msg_len(msg), NULL, &why),
	    VP_OK);
	nng_msg_free(msg);
}

struct call_arg {
	struct vp_client *c;
	struct vp_msg rep;
	int rv;
	uint32_t timeout;
};

static void *parse_call(void *arg)
{
	struct call_arg *a = arg;
	a->rv =
	    vp_client_parse(a->c, "zie 2025Z15031.", 15, a->timeout, &a->rep);
	return NULL;
}

/* A worker takes a job and vanishes: the job is leased to another worker
 * and the request is answered once; the vanished worker's late result would
 * be dropped. */
static void test_vanishing_worker(void **state)
{
	struct disp_cfg dc;
	char api[128], work[128], err[256];
	struct disp *d;
	struct rogue g, g2;
	struct vp_msg job, job2, idle;
	struct vp_client *c;
	struct call_arg a;
	pthread_t th;
	struct vp_stats_rep st;
	struct vp_worker *wp;
	(void)state;

	disp_cfg_default(&dc);
	dc.park_ms = 200;
	d = rig_disp(&dc, api, work, false);
	assert_int_equal(vp_client_open(&c, api, 0, err, sizeof(err)), VP_OK);
	memset(&a, 0, sizeof(a));
	a.c = c;
	a.timeout = 20000;
	assert_int_equal(pthread_create(&th, NULL, parse_call, &a), 0);

	rogue_open(&g, work);
	rogue_ready(&g, "parse", NULL, &job);
	while (job.type == VP_T_IDLE) { /* until the request is queued */
		vp_msg_clear(&job);
		rogue_ready(&g, "parse", NULL, &job);
	}
	assert_int_equal(job.type, VP_T_PARSE_REQ);
	assert_true(job.has_id);
	assert_true(job.timeout_ms > 0);
	rogue_close(&g); /* vanish with the job */

	/* a second rogue gets the same job again (attempt 1) ... */
	rogue_open(&g2, work);
	rogue_ready(&g2, "parse", NULL, &job2);
	while (job2.type == VP_T_IDLE) {
		vp_msg_clear(&job2);
		rogue_ready(&g2, "parse", NULL, &job2);
	}
	assert_int_equal(job2.type, VP_T_PARSE_REQ);
	assert_memory_equal(job2.id, job.id, 16);
	assert_int_equal(job2.attempt, 1);
	/* ... answers with an empty result, then sends the same result again:
	 * the second is a duplicate */
	rogue_ready(&g2, "parse", job2.id, &idle);
	vp_msg_clear(&idle);
	rogue_ready(&g2, "parse", job2.id, &idle);
	vp_msg_clear(&idle);
	pthread_join(th, NULL);
	assert_int_equal(a.rv, VP_OK);
	assert_non_null(vp_msg_parse_rep(&a.rep));
	vp_msg_clear(&a.rep);
	/* the counters are a snapshot taken after each round of events: the
	 * round that refused the duplicate may end after its reply */
	for (int i = 0; i < 50; i++) {
		disp_stats(d, &st);
		if (st.duplicates_dropped >= 1)
			break;
		vp_sleep_ms(20);
	}
	assert_true(st.jobs_requeued >= 1);
	assert_true(st.duplicates_dropped >= 1);
	assert_int_equal(st.jobs_done, 1);
	vp_msg_clear(&job);
	vp_msg_clear(&job2);
	rogue_close(&g2);

	/* a real parser then serves the next request */
	wp = rig_worker(work, "parse", prs_job, NULL, 500);
	memset(&a.rep, 0, sizeof(a.rep));
	parse_call(&a);
	assert_int_equal(a.rv, VP_OK);
	assert_int_equal(vp_msg_parse_rep(&a.rep)->n_citations, 1);
	vp_msg_clear(&a.rep);
	vp_worker_stop(wp);
	vp_client_close(c);
	disp_stop(d);
}

/* No worker for the job: the request is answered with timeout at its
 * deadline; with max_inflight reached, the next request is busy. */
static void test_deadline_and_busy(void **state)
{
	struct disp_cfg dc;
	char api[128], work[128], err[256];
	struct disp *d;
	struct vp_client *c;
	struct call_arg a;
	pthread_t th;
	struct vp_msg rep;
	uint64_t t0;
	(void)state;

	disp_cfg_default(&dc);
	dc.max_inflight = 1;
	d = rig_disp(&dc, api, work, false);
	assert_int_equal(vp_client_open(&c, api, 0, err, sizeof(err)), VP_OK);
	memset(&a, 0, sizeof(a));
	a.c = c;
	a.timeout = 1500;
	t0 = vp_now_ms();
	assert_int_equal(pthread_create(&th, NULL, parse_call, &a), 0);
	vp_sleep_ms(300);
	assert_int_equal(vp_client_parse(c, "x", 1, 1000, &rep), VP_EBUSY);
	assert_non_null(rep.err);
	assert_string_equal(rep.err->code, "busy");
	assert_true(rep.err->retryable);
	vp_msg_clear(&rep);
	pthread_join(th, NULL);
	assert_int_equal(a.rv, VP_ETIMEDOUT);
	assert_string_equal(a.rep.err->code, "timeout");
	assert_true(vp_now_ms() - t0 < 3000);
	vp_msg_clear(&a.rep);
	vp_client_close(c);
	disp_stop(d);
}

/* Sends raw bytes to the API and returns the decoded reply. */
static void raw_call(
    nng_socket s, const void *buf, size_t len, struct vp_msg *rep)
{
	nng_ctx ctx;
	nng_aio *aio;
	nng_msg *msg;
	struct vp_decode_err why;
	assert_int_equal(nng_ctx_open(&ctx, s), 0);
	assert_int_equal(nng_aio_alloc(&aio, NULL, NULL), 0);
	assert_int_equal(vp_nng_msg_from(&msg, buf, len), VP_OK);
	assert_int_equal(vp_nng_ctx_send(ctx, aio, msg), VP_OK);
	assert_int_equal(vp_nng_ctx_recv(ctx, aio, &msg, 10000), VP_OK);
	assert_int_equal(
	    vp_msg_decode(rep, nng_msg_body(msg), nng_msg_len(msg), NULL, &why),
	    VP_OK);
	nng_msg_free(msg);
	nng_aio_free(aio);
	nng_ctx_close(ctx);
}

/* Malformed msgpack, wrong types, wrong version and an oversized message at
 * the API over tcp each get an error reply with its code, and the next good
 * request is served. */
static void test_bad_input(void **state)
{
	struct disp_cfg dc;
	char api[128], work[128], err[256];
	struct disp *d = NULL;
	struct vp_worker *wp;
	nng_socket s;
	struct vp_msg rep;
	/* {"v":1,"type":"parse.req","body":{"text":7}} */
	static const uint8_t wrong_type[] = {0x83, 0xa1, 'v', 0x01, 0xa4, 't',
	    'y', 'p', 'e', 0xa9, 'p', 'a', 'r', 's', 'e', '.', 'r', 'e', 'q',
	    0xa4, 'b', 'o', 'd', 'y', 0x81, 0xa4, 't', 'e', 'x', 't', 0x07};
	/* {"v":9,"type":"stats.req"} */
	static const uint8_t wrong_v[] = {0x82, 0xa1, 'v', 0x09, 0xa4, 't', 'y',
	    'p', 'e', 0xa9, 's', 't', 'a', 't', 's', '.', 'r', 'e', 'q'};
	static const uint8_t garbage[] = {0xdd, 0x04, 0x00, 0x00, 0x00, 0xc1};
	uint8_t *big;
	size_t big_len = 100000;
	(void)state;

	disp_cfg_default(&dc);
	dc.recv_max = 65536;
	for (int tries = 0; d == NULL && tries < 20; tries++) {
		int port = 20000 + (int)((getpid() * 7 + tries * 131) % 30000);
		snprintf(api, sizeof(api), "tcp://127.0.0.1:%d", port);
		snprintf(
		    work, sizeof(work), "inproc://comp-bad-%d", (int)getpid());
		dc.api_url = api;
		dc.work_url = work;
		if (disp_start(&d, &dc, err, sizeof(err)) != VP_OK)
			d = NULL;
	}
	assert_non_null(d);
	wp = rig_worker(work, "parse", prs_job, NULL, 500);
	assert_int_equal(nng_req0_open(&s), 0);
	assert_int_equal(vp_nng_dial(s, api, 1 << 20, err, sizeof(err)), VP_OK);

	raw_call(s, garbage, sizeof(garbage), &rep);
	assert_int_equal(rep.type, VP_T_ERROR);
	assert_string_equal(rep.err->code, "bad_request");
	vp_msg_clear(&rep);

	raw_call(s, wrong_type, sizeof(wrong_type), &rep);
	assert_string_equal(rep.err->code, "bad_request");
	assert_non_null(strstr(rep.err->msg, "text"));
	vp_msg_clear(&rep);

	raw_call(s, wrong_v, sizeof(wrong_v), &rep);
	assert_string_equal(rep.err->code, "unsupported_version");
	vp_msg_clear(&rep);

	/* a parse.req larger than the 64 KiB limit: str of 100000 'a' */
	big = malloc(big_len + 64);
	{
		size_t n = 0;
		static const uint8_t head[] = {0x83, 0xa1, 'v', 0x01, 0xa4, 't',
		    'y', 'p', 'e', 0xa9, 'p', 'a', 'r', 's', 'e', '.', 'r', 'e',
		    'q', 0xa4, 'b', 'o', 'd', 'y', 0x81, 0xa4, 't', 'e', 'x',
		    't', 0xdb};
		memcpy(big, head, sizeof(head));
		n = sizeof(head);
		big[n++] = (uint8_t)(big_len >> 24);
		big[n++] = (uint8_t)(big_len >> 16);
		big[n++] = (uint8_t)(big_len >> 8);
		big[n++] = (uint8_t)big_len;
		memset(big + n, 'a', big_len);
		raw_call(s, big, n + big_len, &rep);
	}
	assert_string_equal(rep.err->code, "too_large");
	vp_msg_clear(&rep);
	free(big);

	/* the next good request is served */
	{
		struct vp_client *c;
		assert_int_equal(
		    vp_client_open(&c, api, 0, err, sizeof(err)), VP_OK);
		assert_int_equal(
		    vp_client_parse(c, "ECLI:NL:HR:2020:123", 19, 5000, &rep),
		    VP_OK);
		assert_int_equal(vp_msg_parse_rep(&rep)->n_citations, 1);
		vp_msg_clear(&rep);
		vp_client_close(c);
	}
	nng_close(s);
	vp_worker_stop(wp);
	disp_stop(d);
}

/* A lookup worker for the tests (a stand-in for the fetcher's online
 * lookups): confirms every citation marked "lookup" by giving it a new id and
 * confidence 1, and returns it without spans (the dispatcher keeps them). */
static int fake_lookup(
    void *arg, const struct vp_msg *job, struct vp_ready *res)
{
	const struct vp_lookup_req *q = vp_msg_lookup_req(job);
	struct vp_msg rep;
	struct vp_lookup_rep *b;
	int rv;
	(void)arg;
	if (q == NULL)
		return vp_job_fail(res, VP_EINVAL, "not lookup.req");
	if ((rv = vp_msg_init(&rep, VP_T_LOOKUP_REP)) != VP_OK)
		return rv;
	b = rep.body;
	b->citations = calloc(q->n_citations, sizeof(*b->citations));
	for (size_t i = 0; i < q->n_citations; i++) {
		char id[1100];
		assert_int_equal(vp_obj_copy(&vp_desc_citation,
		                     &b->citations[i], &q->citations[i]),
		    VP_OK);
		b->n_citations = i + 1;
		snprintf(id, sizeof(id), "confirmed:%s", q->citations[i].id);
		free(b->citations[i].id);
		b->citations[i].id = strdup(id);
		b->citations[i].confidence = 1.0;
		for (size_t k = 0; k < b->citations[i].n_spans; k++)
			vp_obj_clear(&vp_desc_span, &b->citations[i].spans[k]);
		free(b->citations[i].spans);
		b->citations[i].spans = NULL;
		b->citations[i].n_spans = 0;
	}
	rv = vp_job_reply(res, &rep);
	vp_msg_clear(&rep);
	return rv;
}

/* The real parser, with every citation marked for lookup, so that the
 * dispatcher's lookup stage is tested whatever the parser marks itself. */
static int parse_mark_all(
    void *arg, const struct vp_msg *job, struct vp_ready *res)
{
	int rv = prs_job(arg, job, res);
	for (size_t i = 0; rv == VP_OK && i < res->n_citations; i++) {
		struct vp_citation *c = &res->citations[i];
		struct vp_kv *f;
		bool marked = false;
		for (size_t k = 0; k < c->n_fields; k++)
			if (!strcmp(c->fields[k].key, "lookup"))
				marked = true;
		if (marked) /* the parser marked it already */
			continue;
		f = realloc(c->fields, (c->n_fields + 1) * sizeof(*f));
		if (f == NULL)
			return VP_ENOMEM;
		c->fields = f;
		f[c->n_fields].key = strdup("lookup");
		f[c->n_fields].val = strdup("test");
		c->n_fields++;
	}
	return rv;
}

/* lookup.req passes through to a lookup worker; resolve with lookup=true
 * sends the citations marked "lookup" there and keeps their spans. */
static void test_lookup_paths(void **state)
{
	struct disp_cfg dc;
	char api[128], work[128], err[256];
	struct disp *d;
	struct vp_worker *ws, *wp, *wl;
	struct vp_client *c;
	struct vp_msg req, rep;
	struct vp_lookup_req *lq;
	struct vp_resolve_rep *r;
	size_t len, n_confirmed = 0;
	char *doc = rig_example(&len);
	(void)state;

	disp_cfg_default(&dc);
	d = rig_disp(&dc, api, work, false);
	ws = rig_worker(work, "split", split_job, NULL, 500);
	wp = rig_worker(work, "parse", parse_mark_all, NULL, 500);
	wl = rig_worker(work, "lookup", fake_lookup, NULL, 500);
	assert_int_equal(vp_client_open(&c, api, 0, err, sizeof(err)), VP_OK);

	/* direct lookup.req: the worker's lookup.rep comes back with our id */
	assert_int_equal(vp_msg_init(&req, VP_T_LOOKUP_REQ), VP_OK);
	lq = req.body;
	lq->citations = calloc(1, sizeof(*lq->citations));
	lq->n_citations = 1;
	lq->citations[0].family = strdup("zaak");
	lq->citations[0].id = strdup("2025Z15031");
	lq->citations[0].confidence = 0.5;
	lq->citations[0].spans = calloc(1, sizeof(struct vp_span));
	lq->citations[0].n_spans = 1;
	vp_random_id(req.id);
	req.has_id = true;
	assert_int_equal(vp_client_call(c, &req, 5000, &rep), VP_OK);
	assert_int_equal(rep.type, VP_T_LOOKUP_REP);
	assert_memory_equal(rep.id, req.id, 16);
	assert_string_equal(
	    vp_msg_lookup_rep(&rep)->citations[0].id, "confirmed:2025Z15031");
	vp_msg_clear(&rep);
	vp_msg_clear(&req);

	/* resolve with lookup: marked citations are confirmed, spans kept */
	assert_int_equal(
	    vp_client_resolve(c, doc, len,
	        &(struct vp_resolve_opts){.lookup = true}, 10000, &rep),
	    VP_OK);
	r = vp_msg_resolve_rep(&rep);
	assert_non_null(r);
	for (size_t i = 0; i < r->n_citations; i++) {
		const struct vp_citation *ci = &r->citations[i];
		assert_true(ci->n_spans >= 1);
		if (strncmp(ci->id, "confirmed:", 10) == 0) {
			n_confirmed++;
			assert_true(ci->confidence == 1.0);
			assert_memory_equal(doc + ci->spans[0].start,
			    ci->spans[0].raw,
			    ci->spans[0].end - ci->spans[0].start);
		}
	}
	/* every citation went through the lookup worker and kept its spans;
	 * footnotes 4 and 5 are still one source */
	assert_int_equal(n_confirmed, r->n_citations);
	assert_non_null(find_cit(r, "confirmed:ah-tk-20202021-3011"));
	assert_int_equal(
	    find_cit(r, "confirmed:ah-tk-20202021-3011")->n_spans, 2);
	assert_int_equal(r->n_errors, 0);
	vp_msg_clear(&rep);

	vp_client_close(c);
	vp_worker_stop(ws);
	vp_worker_stop(wp);
	vp_worker_stop(wl);
	disp_stop(d);
	free(doc);
}

/* event.pub is acknowledged with ok and published as "topic\0envelope". */
static void test_events(void **state)
{
	struct disp_cfg dc;
	char api[128], work[128], pub[128], err[256];
	struct disp *d;
	struct vp_client *c;
	struct vp_msg req, rep, got;
	struct vp_event *ev;
	struct vp_decode_err why;
	nng_socket sub;
	nng_msg *msg;
	(void)state;

	disp_cfg_default(&dc);
	snprintf(pub, sizeof(pub), "inproc://comp-%d-pub", (int)getpid());
	dc.pub_url = pub;
	d = rig_disp(&dc, api, work, false);
	assert_int_equal(nng_sub0_open(&sub), 0);
	assert_int_equal(
	    nng_socket_set(sub, NNG_OPT_SUB_SUBSCRIBE, "link.changed", 13), 0);
	assert_int_equal(nng_socket_set_ms(sub, NNG_OPT_RECVTIMEO, 5000), 0);
	assert_int_equal(
	    vp_nng_dial(sub, pub, 1 << 20, err, sizeof(err)), VP_OK);
	vp_sleep_ms(100); /* let the subscription reach the publisher */
	assert_int_equal(vp_client_open(&c, api, 0, err, sizeof(err)), VP_OK);

	for (int topic = 0; topic < 2; topic++) {
		assert_int_equal(vp_msg_init(&req, VP_T_EVENT_PUB), VP_OK);
		ev = req.body;
		ev->topic = strdup(topic == 0 ? "job.done" : "link.changed");
		ev->payload = (uint8_t *)strdup("\x81\xa3url\xa1x");
		ev->payload_len = 7;
		assert_int_equal(vp_client_call(c, &req, 5000, &rep), VP_OK);
		assert_int_equal(rep.type, VP_T_OK);
		vp_msg_clear(&rep);
		vp_msg_clear(&req);
	}
	/* only the subscribed topic arrives */
	assert_int_equal(nng_recvmsg(sub, &msg, 0), 0);
	assert_string_equal((char *)nng_msg_body(msg), "link.changed");
	assert_int_equal(vp_msg_decode(&got, (char *)nng_msg_body(msg) + 13,
	                     nng_msg_len(msg) - 13, NULL, &why),
	    VP_OK);
	assert_int_equal(vp_msg_event(&got)->payload_len, 7);
	vp_msg_clear(&got);
	nng_msg_free(msg);
	nng_close(sub);
	vp_client_close(c);
	disp_stop(d);
}

/* A parse handler with a bug: its result has a duplicate field key, which
 * the wire schema refuses. */
static int parse_broken(
    void *arg, const struct vp_msg *job, struct vp_ready *res)
{
	int rv = prs_job(arg, job, res);
	for (size_t i = 0; rv == VP_OK && i < res->n_citations; i++) {
		struct vp_citation *c = &res->citations[i];
		struct vp_kv *f =
		    realloc(c->fields, (c->n_fields + 2) * sizeof(*f));
		if (f == NULL)
			return VP_ENOMEM;
		c->fields = f;
		for (int k = 0; k < 2; k++) {
			f[c->n_fields].key = strdup("same");
			f[c->n_fields].val = strdup("key");
			c->n_fields++;
		}
	}
	return rv;
}

/* A result the worker cannot encode fails the request at once with a clear
 * error, instead of leaving the job to wait out its lease. */
static void test_unencodable_result(void **state)
{
	struct disp_cfg dc;
	char api[128], work[128], err[256];
	struct disp *d;
	struct vp_worker *wp;
	struct vp_client *c;
	struct vp_msg rep;
	uint64_t t0;
	(void)state;

	disp_cfg_default(&dc);
	d = rig_disp(&dc, api, work, false);
	wp = rig_worker(work, "parse", parse_broken, NULL, 500);
	assert_int_equal(vp_client_open(&c, api, 0, err, sizeof(err)), VP_OK);
	t0 = vp_now_ms();
	assert_int_equal(vp_client_parse(c, "zie 2025Z15031.", 15, 20000, &rep),
	    VP_EINTERNAL);
	assert_string_equal(rep.err->code, "internal");
	assert_non_null(strstr(rep.err->msg, "schema"));
	assert_true(vp_now_ms() - t0 < 5000);
	vp_msg_clear(&rep);
	vp_client_close(c);
	vp_worker_stop(wp);
	disp_stop(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_resolve_example),
	    cmocka_unit_test(test_check_fixture),
	    cmocka_unit_test(test_vanishing_worker),
	    cmocka_unit_test(test_deadline_and_busy),
	    cmocka_unit_test(test_bad_input),
	    cmocka_unit_test(test_lookup_paths),
	    cmocka_unit_test(test_events),
	    cmocka_unit_test(test_unencodable_result),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
