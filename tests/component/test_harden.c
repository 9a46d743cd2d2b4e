/* Component tests of the dispatcher under attack and on a bad day: a rogue
 * worker on the work socket (over tcp on loopback) reads nothing it was not
 * leased and cannot replace another worker's result; a result over the
 * dispatcher's limits comes back at once as a partial result; the limits of
 * item 4 of the hardening issue (deadline cap, memory budget, idle
 * connections) each met by hostile input while good requests are served. */
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
#include "vp_err.h"
#include "vp_nng.h"
#include "vp_worker.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <nng/protocol/reqrep0/req.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- a hand-driven worker ------------------------------------------------ */

/* Sends a worker.ready of kind parse, with a forged parse result (one
 * citation kst-77777-7) for job id when id is given, and decodes the reply. */
static void rogue_ready(struct rogue *g, const uint8_t *id, struct vp_msg *rep)
{
	struct vp_msg m;
	struct vp_ready *b;
	struct vp_decode_err why;
	uint8_t *buf;
	size_t len;
	nng_msg *msg;
	assert_int_equal(vp_msg_init(&m, VP_T_WORKER_READY), VP_OK);
	b = m.body;
	b->kind = strdup("parse");
	b->worker = strdup("rogue");
	if (id != NULL) {
		struct vp_citation *c = calloc(1, sizeof(*c));
		assert_non_null(c);
		c->id = strdup("kst-77777-7");
		c->family = strdup("kamerstuk");
		b->citations = c;
		b->n_citations = 1;
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
	assert_int_equal(
	    vp_msg_decode(rep, nng_msg_body(msg), nng_msg_len(msg), NULL, &why),
	    VP_OK);
	nng_msg_free(msg);
}

/* The real parser, slowed down, telling the test which job it holds. */
struct slow_parser {
	atomic_int have;
	uint8_t id[16];
	atomic_int release;
};

static int slow_parse(void *arg, const struct vp_msg *job, struct vp_ready *res)
{
	struct slow_parser *p = arg;
	memcpy(p->id, job->id, 16);
	atomic_store(&p->have, 1);
	for (int i = 0; i < 500 && !atomic_load(&p->release); i++)
		vp_sleep_ms(10);
	return prs_job(NULL, job, res);
}

struct call_arg {
	struct vp_client *c;
	const char *text;
	struct vp_msg rep;
	int rv;
	uint32_t timeout;
};

static void *parse_call(void *arg)
{
	struct call_arg *a = arg;
	a->rv = vp_client_parse(
	    a->c, a->text, strlen(a->text), a->timeout, &a->rep);
	return NULL;
}

static bool has_citation(const struct vp_msg *rep, const char *id)
{
	const struct vp_parse_rep *p = vp_msg_parse_rep(rep);
	for (size_t i = 0; p != NULL && i < p->n_citations; i++)
		if (strcmp(p->citations[i].id, id) == 0)
			return true;
	return false;
}

/* A fake worker connects to the work socket while a real parser holds the
 * only job: it is given nothing (an idle heartbeat), and its forged results
 * - for the real job's id, which it should not even know, and for ids next
 * to one it was leased itself - are refused with an error and change
 * nothing: the client gets the real parser's citations. */
static void test_rogue_worker(void **state)
{
	struct disp_cfg dc;
	char api[128], work[128], err[256];
	struct disp *d;
	struct vp_worker *wp;
	struct vp_client *c;
	struct slow_parser sp;
	struct call_arg a;
	struct rogue g;
	struct vp_msg rep, job;
	struct vp_stats_rep st;
	pthread_t th;
	uint8_t guess[16];
	(void)state;

	disp_cfg_default(&dc);
	dc.park_ms = 200;
	d = rig_disp(&dc, api, work, true);
	memset(&sp, 0, sizeof(sp));
	wp = rig_worker(work, "parse", slow_parse, &sp, 300);
	assert_int_equal(vp_client_open(&c, api, 0, err, sizeof(err)), VP_OK);
	memset(&a, 0, sizeof(a));
	a.c = c;
	a.text = "zie Kamerstukken II 2019/20, 35 300, nr. 3.";
	a.timeout = 20000;
	assert_int_equal(pthread_create(&th, NULL, parse_call, &a), 0);
	for (int i = 0; i < 500 && !atomic_load(&sp.have); i++)
		vp_sleep_ms(10);
	assert_true(atomic_load(&sp.have));

	rogue_open(&g, work);
	/* nothing queued: the rogue reads nothing */
	rogue_ready(&g, NULL, &rep);
	assert_int_equal(rep.type, VP_T_IDLE);
	vp_msg_clear(&rep);
	/* a forged result for the job leased to the real parser */
	rogue_ready(&g, sp.id, &rep);
	assert_int_equal(rep.type, VP_T_ERROR);
	assert_string_equal(rep.err->code, "not_found");
	vp_msg_clear(&rep);
	/* and for ids next to it, as a counter would have them */
	memcpy(guess, sp.id, 16);
	guess[15]++;
	rogue_ready(&g, guess, &rep);
	assert_int_equal(rep.type, VP_T_ERROR);
	vp_msg_clear(&rep);

	atomic_store(&sp.release, 1);
	pthread_join(th, NULL);
	assert_int_equal(a.rv, VP_OK);
	assert_true(has_citation(&a.rep, "kst-35300-3"));
	assert_false(has_citation(&a.rep, "kst-77777-7"));
	vp_msg_clear(&a.rep);
	disp_stats(d, &st);
	assert_true(st.duplicates_dropped >= 2);

	/* the rogue is leased a job of its own; it cannot name the next one
	 * from its id: job ids are random, not a counter */
	vp_worker_stop(wp);
	atomic_store(&sp.have, 0);
	memset(&a.rep, 0, sizeof(a.rep));
	assert_int_equal(pthread_create(&th, NULL, parse_call, &a), 0);
	do {
		rogue_ready(&g, NULL, &job);
		if (job.type == VP_T_IDLE)
			vp_msg_clear(&job);
	} while (job.type == VP_T_IDLE);
	assert_int_equal(job.type, VP_T_PARSE_REQ);
	assert_memory_not_equal(job.id, sp.id, 8);
	assert_memory_not_equal(job.id + 8, sp.id + 8, 8);
	/* its own job it may answer: that is what a worker is */
	rogue_ready(&g, job.id, &rep);
	vp_msg_clear(&rep);
	pthread_join(th, NULL);
	assert_int_equal(a.rv, VP_OK);
	vp_msg_clear(&a.rep);
	vp_msg_clear(&job);
	rogue_close(&g);
	vp_client_close(c);
	disp_stop(d);
}

/* A parse result over the dispatcher's message limit is refused with
 * too_large; the worker sends half of it again with a per-item error, so
 * the client has a partial result at once instead of a lease timeout. */
static void test_oversized_result(void **state)
{
	struct disp_cfg dc;
	char api[128], work[128], err[256];
	struct disp *d;
	struct vp_worker *wp;
	struct vp_client *c;
	struct vp_msg rep;
	const struct vp_parse_rep *p;
	char *text;
	size_t n = 1500, len = 0;
	uint64_t t0;
	(void)state;

	disp_cfg_default(&dc);
	dc.recv_max = 65536;
	d = rig_disp(&dc, api, work, false);
	wp = rig_worker(work, "parse", prs_job, NULL, 300);
	assert_int_equal(vp_client_open(&c, api, 0, err, sizeof(err)), VP_OK);
	text = malloc(n * 40);
	assert_non_null(text);
	for (size_t i = 0; i < n; i++)
		len +=
		    (size_t)sprintf(text + len, "zie 2025Z%05zu. ", i + 10000);
	assert_true(len < 65536 - 1024);
	t0 = vp_now_ms();
	assert_int_equal(vp_client_parse(c, text, len, 30000, &rep), VP_OK);
	assert_true(vp_now_ms() - t0 < 5000);
	p = vp_msg_parse_rep(&rep);
	assert_non_null(p);
	assert_true(p->n_citations > 0 && p->n_citations < n);
	assert_true(p->n_errors >= 1);
	assert_string_equal(p->errors[p->n_errors - 1].code, "too_large");
	assert_string_equal(p->errors[p->n_errors - 1].item, "citations");
	vp_msg_clear(&rep);
	free(text);
	vp_client_close(c);
	vp_worker_stop(wp);
	disp_stop(d);
}

/* A client asking for 49 days gets the dispatcher's cap: with no worker
 * the request times out after max_timeout_ms, not in 49 days. */
static void test_deadline_cap(void **state)
{
	struct disp_cfg dc;
	char api[128], work[128], err[256];
	struct disp *d;
	struct vp_client *c;
	struct vp_msg rep;
	struct disp_limits l;
	uint64_t t0;
	(void)state;

	disp_cfg_default(&dc);
	dc.max_timeout_ms = 800;
	d = rig_disp(&dc, api, work, false);
	assert_int_equal(vp_client_open(&c, api, 0, err, sizeof(err)), VP_OK);
	t0 = vp_now_ms();
	assert_int_equal(
	    vp_client_parse(c, "zie 2025Z15031.", 15, 4233600000u, &rep),
	    VP_ETIMEDOUT);
	assert_true(vp_now_ms() - t0 < 5000);
	vp_msg_clear(&rep);
	/* the counters are a snapshot taken after each round of events */
	for (int i = 0; i < 50; i++) {
		disp_limits(d, &l);
		if (l.deadlines_capped == 1)
			break;
		vp_sleep_ms(20);
	}
	assert_int_equal(l.deadlines_capped, 1);
	assert_int_equal(l.max_timeout_ms, 800);
	vp_client_close(c);
	disp_stop(d);
}

/* Sends a parse.req for text on a raw REQ socket and closes it without
 * waiting for the answer. */
static void send_and_leave(const char *url, const char *text)
{
	nng_socket s;
	struct vp_msg m;
	struct vp_parse_req *b;
	uint8_t *buf;
	size_t len;
	char err[256];
	assert_int_equal(nng_req0_open(&s), 0);
	assert_int_equal(vp_nng_dial(s, url, 1 << 20, err, sizeof(err)), VP_OK);
	assert_int_equal(vp_msg_init(&m, VP_T_PARSE_REQ), VP_OK);
	b = m.body;
	b->text = strdup(text);
	m.timeout_ms = 3600000;
	assert_int_equal(vp_msg_encode(&m, &buf, &len), VP_OK);
	vp_msg_clear(&m);
	assert_int_equal(nng_send(s, buf, len, 0), 0);
	free(buf);
	vp_sleep_ms(200);
	nng_close(s);
}

/* A client that sends a request and goes away: the dispatcher drops its
 * request (and the jobs) instead of holding a context for its hour. */
static void test_client_gone(void **state)
{
	struct disp_cfg dc;
	char api[128], work[128];
	struct disp *d;
	struct disp_limits l;
	struct vp_stats_rep st;
	(void)state;

	disp_cfg_default(&dc);
	d = rig_disp(&dc, api, work, true);
	send_and_leave(api, "zie 2025Z15031.");
	for (int i = 0; i < 100; i++) {
		disp_limits(d, &l);
		if (l.cancelled == 1)
			break;
		vp_sleep_ms(20);
	}
	assert_int_equal(l.cancelled, 1);
	assert_int_equal(l.buffered_bytes, 0);
	disp_stats(d, &st);
	assert_int_equal(st.queued, 0);
	disp_stop(d);
}

/* Over the memory budget a request gets busy at once; the requests held
 * are served when a worker comes, and the budget is free again after. */
static void test_memory_budget(void **state)
{
	struct disp_cfg dc;
	char api[128], work[128], err[256];
	struct disp *d;
	struct vp_client *c[3];
	struct call_arg a[2];
	pthread_t th[2];
	struct vp_msg rep;
	struct vp_worker *wp;
	struct disp_limits l;
	char *text = malloc(100001);
	(void)state;

	assert_non_null(text);
	for (size_t i = 0; i < 100000; i++)
		text[i] = "zie de wet. "[i % 12];
	text[100000] = '\0';
	disp_cfg_default(&dc);
	dc.mem_budget = 256 * 1024;
	d = rig_disp(&dc, api, work, false);
	for (int i = 0; i < 3; i++)
		assert_int_equal(
		    vp_client_open(&c[i], api, 0, err, sizeof(err)), VP_OK);
	for (int i = 0; i < 2; i++) {
		memset(&a[i], 0, sizeof(a[i]));
		a[i].c = c[i];
		a[i].text = text;
		a[i].timeout = 20000;
		assert_int_equal(
		    pthread_create(&th[i], NULL, parse_call, &a[i]), 0);
	}
	for (int i = 0; i < 100; i++) {
		disp_limits(d, &l);
		if (l.buffered_bytes >= 200000)
			break;
		vp_sleep_ms(20);
	}
	assert_true(l.buffered_bytes >= 200000);
	/* the third would pass the budget: busy (libvp-client sends it again
	 * within its deadline, and is refused each time) */
	assert_int_equal(
	    vp_client_parse(c[2], text, 100000, 1000, &rep), VP_EBUSY);
	assert_string_equal(rep.err->code, "busy");
	vp_msg_clear(&rep);
	/* a small one still fits */
	wp = rig_worker(work, "parse", prs_job, NULL, 300);
	assert_int_equal(
	    vp_client_parse(c[2], "zie 2025Z15031.", 15, 20000, &rep), VP_OK);
	vp_msg_clear(&rep);
	for (int i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(a[i].rv, VP_OK);
		vp_msg_clear(&a[i].rep);
	}
	/* served: the budget is free again */
	assert_int_equal(
	    vp_client_parse(c[2], text, 100000, 20000, &rep), VP_OK);
	vp_msg_clear(&rep);
	disp_limits(d, &l);
	assert_true(l.busy_memory >= 1);
	for (int i = 0; i < 3; i++)
		vp_client_close(c[i]);
	vp_worker_stop(wp);
	disp_stop(d);
	free(text);
}

/* Opens a TCP connection to the tcp:// url and does the SP handshake of a
 * REQ peer; returns the fd. */
static int sp_connect(const char *url)
{
	static const uint8_t hello[8] = {0, 'S', 'P', 0, 0, 0x30, 0, 0};
	struct sockaddr_in sa;
	uint8_t back[8];
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;
	assert_true(fd >= 0);
	assert_int_equal(sscanf(url, "tcp://127.0.0.1:%d", &port), 1);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(send(fd, hello, 8, 0), 8);
	assert_int_equal(recv(fd, back, 8, MSG_WAITALL), 8);
	return fd;
}

/* 1,000 connections that do the handshake and then nothing: good requests
 * are still served meanwhile, and the idle ones are closed after idle_ms
 * (API) and after the work socket's grace (work). */
static void test_idle_connections(void **state)
{
	enum { N = 1000 };
	struct disp_cfg dc;
	char api[128], work[128], err[256];
	struct disp *d;
	struct vp_worker *wp;
	struct vp_client *c;
	struct vp_msg rep;
	struct disp_limits l;
	static int fds[N], wfd;
	int closed = 0;
	uint64_t t0;
	(void)state;

	disp_cfg_default(&dc);
	dc.idle_ms = 1500;
	dc.work_idle_ms = 500;
	dc.lease_ms = 500;
	dc.park_ms = 200;
	d = rig_disp(&dc, api, work, true);
	wp = rig_worker(work, "parse", prs_job, NULL, 300);
	for (int i = 0; i < N; i++)
		fds[i] = sp_connect(api);
	wfd = sp_connect(work);
	assert_int_equal(vp_client_open(&c, api, 0, err, sizeof(err)), VP_OK);
	t0 = vp_now_ms();
	for (int i = 0; i < 5; i++) {
		assert_int_equal(
		    vp_client_parse(c, "zie 2025Z15031.", 15, 10000, &rep),
		    VP_OK);
		assert_int_equal(vp_msg_parse_rep(&rep)->n_citations, 1);
		vp_msg_clear(&rep);
	}
	assert_true(vp_now_ms() - t0 < 3000);
	disp_limits(d, &l);
	assert_true(l.api_conns >= N); /* counted long before */
	/* every idle connection is closed by the dispatcher: EOF */
	for (int i = 0; i <= N; i++) {
		int fd = i < N ? fds[i] : wfd;
		struct pollfd pf = {fd, POLLIN, 0};
		uint8_t b;
		if (poll(&pf, 1, 6000) == 1 && recv(fd, &b, 1, 0) == 0)
			closed++;
		close(fd);
	}
	assert_int_equal(closed, N + 1);
	for (int i = 0; i < 50; i++) {
		disp_limits(d, &l);
		if (l.idle_closed >= N + 1)
			break;
		vp_sleep_ms(20);
	}
	assert_true(l.idle_closed >= N + 1);
	/* the real worker was never idle: it still serves (a new client: the
	 * first one sat idle meanwhile and was closed too) */
	vp_client_close(c);
	assert_int_equal(vp_client_open(&c, api, 0, err, sizeof(err)), VP_OK);
	assert_int_equal(
	    vp_client_parse(c, "zie 2025Z15031.", 15, 10000, &rep), VP_OK);
	vp_msg_clear(&rep);
	vp_client_close(c);
	vp_worker_stop(wp);
	disp_stop(d);
}

static atomic_int slow_runs;

static int slow_job(void *arg, const struct vp_msg *job, struct vp_ready *res)
{
	(void)arg;
	atomic_fetch_add(&slow_runs, 1);
	vp_sleep_ms(2500);
	return prs_job(NULL, job, res);
}

/* A job slower than its lease: the worker reports a timeout before the
 * lease ends, so the dispatcher fails the request at once instead of
 * leasing the job to the worker's second context while the first still
 * runs it. */
static void test_job_time_limit(void **state)
{
	struct disp_cfg dc;
	char api[128], work[128], err[256];
	struct disp *d;
	struct vp_worker_cfg wc;
	struct vp_worker *w;
	struct vp_client *c;
	struct vp_msg rep;
	uint64_t t0;
	(void)state;

	disp_cfg_default(&dc);
	dc.lease_ms = 1000;
	dc.park_ms = 200;
	d = rig_disp(&dc, api, work, false);
	memset(&wc, 0, sizeof(wc));
	wc.url = work;
	wc.kind = "parse";
	wc.contexts = 2;
	wc.recv_max = 80u << 20;
	wc.park_ms = 200;
	wc.fn = slow_job;
	assert_int_equal(vp_worker_start(&w, &wc, err, sizeof(err)), VP_OK);
	assert_int_equal(vp_client_open(&c, api, 0, err, sizeof(err)), VP_OK);
	atomic_store(&slow_runs, 0);
	t0 = vp_now_ms();
	assert_int_equal(vp_client_parse(c, "zie 2025Z15031.", 15, 20000, &rep),
	    VP_ETIMEDOUT);
	assert_true(vp_now_ms() - t0 < 2000);
	assert_non_null(strstr(rep.err->msg, "time limit"));
	vp_msg_clear(&rep);
	vp_sleep_ms(3000); /* a second run would have started by now */
	assert_int_equal(atomic_load(&slow_runs), 1);
	vp_client_close(c);
	vp_worker_stop(w);
	disp_stop(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rogue_worker),
	    cmocka_unit_test(test_oversized_result),
	    cmocka_unit_test(test_deadline_cap),
	    cmocka_unit_test(test_client_gone),
	    cmocka_unit_test(test_memory_budget),
	    cmocka_unit_test(test_idle_connections),
	    cmocka_unit_test(test_job_time_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
