/* test_core.c - the dispatcher's job core without sockets: leases expire and
 * re-queue at the front, a closed connection gives its jobs back, attempts
 * run out into a failure, idle workers park and get heartbeats, the first
 * result wins and later ones are counted, and queues are bounded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disp_core.h"
#include "vp_err.h"

/* What the core asked its owner to do, in order. */
enum act { A_LEASE, A_IDLE, A_RELEASE, A_FAILED, A_REQUEUED };

struct call {
	enum act what;
	struct disp_worker *w;
	const struct disp_job *j;
	uint8_t job_id[16];
	int err;
	char why[80];
	enum disp_cause cause;
	uint32_t timeout_ms;
	uint32_t attempt;
};

struct rec {
	struct call calls[64];
	int n;
};

static struct call *add(struct rec *r, enum act what)
{
	struct call *c;
	assert_true(r->n < 64);
	c = &r->calls[r->n++];
	memset(c, 0, sizeof(*c));
	c->what = what;
	return c;
}

static void on_lease(void *arg, struct disp_worker *w, struct disp_job *j)
{
	struct call *c = add(arg, A_LEASE);
	c->w = w;
	c->j = j;
	memcpy(c->job_id, j->id, 16);
	c->timeout_ms = j->msg.timeout_ms;
	c->attempt = j->msg.attempt;
}

static void on_idle(void *arg, struct disp_worker *w)
{
	add(arg, A_IDLE)->w = w;
}

static void on_release(void *arg, struct disp_worker *w)
{
	add(arg, A_RELEASE)->w = w;
}

static void on_failed(
    void *arg, struct disp_job *j, int err, const char *why, uint64_t now)
{
	struct call *c = add(arg, A_FAILED);
	(void)now;
	c->j = j;
	memcpy(c->job_id, j->id, 16);
	c->err = err;
	snprintf(c->why, sizeof(c->why), "%s", why ? why : "");
}

static void on_requeued(
    void *arg, const struct disp_job *j, enum disp_cause cause)
{
	struct call *c = add(arg, A_REQUEUED);
	c->j = j;
	c->cause = cause;
}

struct fix {
	struct disp_core *c;
	struct rec rec;
	int owner; /* stands for a request */
};

#define LEASE_MS 1000
#define PARK_MS  500

static struct fix *setup_fix(unsigned max_attempts, unsigned queue_max)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct disp_core_cfg cfg = {
	    queue_max, PARK_MS, LEASE_MS, max_attempts, false};
	struct disp_core_ops ops = {
	    NULL, on_lease, on_idle, on_release, on_failed, on_requeued};
	assert_non_null(f);
	f->c = calloc(1, sizeof(*f->c));
	assert_non_null(f->c);
	ops.arg = &f->rec;
	disp_core_init(f->c, &cfg, &ops);
	return f;
}

/* The job a result from connection pipe is taken for, or NULL (refused, or
 * its request has ended). */
static struct disp_job *take(
    struct fix *f, enum disp_kind k, uint32_t pipe, const uint8_t *id)
{
	struct disp_job *j = NULL;
	int rv = disp_core_take(f->c, k, pipe, id, &j);
	assert_true(rv == VP_OK || (rv == VP_ENOTFOUND && j == NULL));
	return j;
}

static void teardown_fix(struct fix *f)
{
	disp_core_clear(f->c);
	free(f->c);
	free(f);
}

/* A check job (no body: the core never looks inside) for f's request. */
static struct disp_job *job(struct fix *f, uint64_t deadline)
{
	struct disp_job *j = NULL;
	assert_int_equal(disp_job_new(&j, f->c, DISP_K_CHECK, VP_T_CHECK_REQ,
	                     NULL, &f->owner, deadline),
	    VP_OK);
	return j;
}

static struct disp_worker worker(uint32_t pipe)
{
	struct disp_worker w = {.pipe = pipe, .kind = DISP_K_CHECK};
	return w;
}

static struct call *last(struct fix *f)
{
	assert_true(f->rec.n > 0);
	return &f->rec.calls[f->rec.n - 1];
}

static void test_kind_names(void **st)
{
	(void)st;
	for (int k = 0; k < DISP_K__N; k++)
		assert_int_equal(
		    disp_kind_parse(disp_kind_name((enum disp_kind)k)), k);
	assert_int_equal(disp_kind_parse("fetch"), -1);
}

static void test_lease_expiry_requeues_at_front(void **st)
{
	struct fix *f = setup_fix(3, 100);
	struct disp_worker w1 = worker(1), w2 = worker(2);
	struct disp_job *a = job(f, 100000), *b = job(f, 100000);
	(void)st;
	disp_core_submit(f->c, a, 0);
	disp_core_submit(f->c, b, 0);
	disp_core_worker_ready(f->c, &w1, 0);
	assert_int_equal(last(f)->what, A_LEASE);
	assert_ptr_equal(last(f)->j, a);
	assert_int_equal(last(f)->attempt, 0);
	assert_int_equal(f->c->leased.n, 1);

	/* one millisecond before the lease ends nothing happens */
	disp_core_tick(f->c, LEASE_MS - 1);
	assert_int_equal(f->rec.n, 1);
	disp_core_tick(f->c, LEASE_MS);
	assert_int_equal(last(f)->what, A_REQUEUED);
	assert_int_equal(last(f)->cause, DISP_CAUSE_EXPIRED);
	assert_int_equal(f->c->requeued, 1);
	assert_int_equal(f->c->leased.n, 0);
	assert_int_equal(f->c->queue[DISP_K_CHECK].n, 2);

	/* the expired job goes before the one that never left the queue */
	disp_core_worker_ready(f->c, &w2, LEASE_MS + 1);
	assert_int_equal(last(f)->what, A_LEASE);
	assert_ptr_equal(last(f)->j, a);
	assert_ptr_equal(last(f)->w, &w2);
	assert_int_equal(last(f)->attempt, 1);
	assert_int_equal(a->pipe, 2);
	teardown_fix(f);
}

static void test_lease_capped_by_request_deadline(void **st)
{
	struct fix *f = setup_fix(3, 100);
	struct disp_worker w = worker(1);
	struct disp_job *a = job(f, 300);
	(void)st;
	disp_core_submit(f->c, a, 0);
	disp_core_worker_ready(f->c, &w, 100);
	/* 200 ms left of the request: the lease and the worker's budget */
	assert_int_equal(last(f)->timeout_ms, 200);
	assert_int_equal(a->lease_deadline, 300);
	/* with time to spare the worker's budget is the lease, not the
	 * request's: a result after the lease would be refused */
	a = job(f, 100000);
	w = worker(2);
	disp_core_submit(f->c, a, 0);
	disp_core_worker_ready(f->c, &w, 100);
	assert_int_equal(last(f)->timeout_ms, LEASE_MS);
	teardown_fix(f);
}

static void test_pipe_gone_requeues_its_leases(void **st)
{
	struct fix *f = setup_fix(3, 100);
	struct disp_worker w1 = worker(1), w2 = worker(2), p1 = worker(1);
	struct disp_job *a = job(f, 100000), *b = job(f, 100000);
	(void)st;
	disp_core_submit(f->c, a, 0);
	disp_core_submit(f->c, b, 0);
	disp_core_worker_ready(f->c, &w1, 0); /* a on pipe 1 */
	disp_core_worker_ready(f->c, &w2, 0); /* b on pipe 2 */
	disp_core_worker_ready(f->c, &p1, 0); /* another context of pipe 1 */
	assert_int_equal(f->c->n_parked, 1);
	f->rec.n = 0;

	disp_core_pipe_gone(f->c, 1, 10);
	/* the parked context of the dead pipe is released, not handed a */
	assert_int_equal(f->rec.n, 2);
	assert_int_equal(f->rec.calls[0].what, A_RELEASE);
	assert_ptr_equal(f->rec.calls[0].w, &p1);
	assert_int_equal(f->rec.calls[1].what, A_REQUEUED);
	assert_int_equal(f->rec.calls[1].cause, DISP_CAUSE_PIPE_GONE);
	assert_int_equal(f->c->n_parked, 0);
	assert_int_equal(f->c->queue[DISP_K_CHECK].n, 1);
	assert_ptr_equal(f->c->queue[DISP_K_CHECK].head, a);
	/* b's lease on pipe 2 is untouched */
	assert_int_equal(f->c->leased.n, 1);
	assert_ptr_equal(f->c->leased.head, b);

	/* a ready that arrives after its connection closed gets nothing */
	disp_core_worker_ready(f->c, &w1, 11);
	assert_int_equal(last(f)->what, A_RELEASE);
	assert_int_equal(f->c->queue[DISP_K_CHECK].n, 1);
	teardown_fix(f);
}

static void test_attempts_exhausted_fail_the_job(void **st)
{
	struct fix *f = setup_fix(2, 100);
	struct disp_worker w = worker(1);
	struct disp_job *a = job(f, 100000);
	uint8_t id[16];
	uint64_t t = 0;
	(void)st;
	memcpy(id, a->id, 16);
	disp_core_submit(f->c, a, t);
	disp_core_worker_ready(f->c, &w, t);
	disp_core_tick(f->c, t += LEASE_MS);
	assert_int_equal(last(f)->what, A_REQUEUED);
	w = worker(2);
	disp_core_worker_ready(f->c, &w, t);
	assert_int_equal(last(f)->attempt, 1);
	disp_core_tick(f->c, t += LEASE_MS);
	assert_int_equal(last(f)->what, A_FAILED);
	assert_int_equal(last(f)->err, VP_ETIMEDOUT);
	assert_string_equal(last(f)->why, "job lease expired on every attempt");
	assert_int_equal(f->c->requeued, 1);
	assert_int_equal(f->c->leased.n, 0);
	assert_int_equal(disp_core_queued(f->c), 0);
	/* the job is gone: a late result for it is refused */
	assert_null(take(f, DISP_K_CHECK, 2, id));
	assert_int_equal(f->c->rejected, 1);
	teardown_fix(f);
}

static void test_pipe_gone_on_last_attempt_fails(void **st)
{
	struct fix *f = setup_fix(1, 100);
	struct disp_worker w = worker(7);
	struct disp_job *a = job(f, 100000);
	(void)st;
	disp_core_submit(f->c, a, 0);
	disp_core_worker_ready(f->c, &w, 0);
	disp_core_pipe_gone(f->c, 7, 5);
	assert_int_equal(last(f)->what, A_FAILED);
	assert_int_equal(last(f)->err, VP_EUPSTREAM);
	assert_string_equal(
	    last(f)->why, "worker connection lost on every attempt");
	assert_int_equal(f->c->requeued, 0);
	teardown_fix(f);
}

static void test_retryable_error_requeues_then_fails(void **st)
{
	struct fix *f = setup_fix(2, 100);
	struct disp_worker w = worker(1);
	struct disp_job *a = job(f, 100000), *got;
	uint8_t id[16];
	(void)st;
	memcpy(id, a->id, 16);
	disp_core_submit(f->c, a, 0);
	disp_core_worker_ready(f->c, &w, 0);
	got = take(f, DISP_K_CHECK, 1, id);
	assert_ptr_equal(got, a);
	disp_requeue_or_fail(f->c, got, 1, DISP_CAUSE_RETRY, VP_EUPSTREAM, "x");
	assert_int_equal(last(f)->what, A_REQUEUED);
	assert_int_equal(last(f)->cause, DISP_CAUSE_RETRY);
	disp_core_worker_ready(f->c, &w, 2);
	got = take(f, DISP_K_CHECK, 1, id);
	assert_ptr_equal(got, a);
	disp_requeue_or_fail(
	    f->c, got, 3, DISP_CAUSE_RETRY, VP_EUPSTREAM, "boom");
	assert_int_equal(last(f)->what, A_FAILED);
	assert_int_equal(last(f)->err, VP_EUPSTREAM);
	assert_string_equal(last(f)->why, "boom");
	teardown_fix(f);
}

static void test_parking_and_heartbeat(void **st)
{
	struct fix *f = setup_fix(3, 100);
	struct disp_worker w = worker(1);
	struct disp_job *a;
	(void)st;
	disp_core_worker_ready(f->c, &w, 1000);
	assert_int_equal(f->rec.n, 0);
	assert_int_equal(f->c->n_parked, 1);
	assert_int_equal(w.park_deadline, 1000 + PARK_MS);

	/* a parked worker that gets no work is sent an idle heartbeat */
	disp_core_tick(f->c, 1000 + PARK_MS - 1);
	assert_int_equal(f->rec.n, 0);
	disp_core_tick(f->c, 1000 + PARK_MS);
	assert_int_equal(last(f)->what, A_IDLE);
	assert_ptr_equal(last(f)->w, &w);
	assert_int_equal(f->c->n_parked, 0);

	/* a job submitted while a worker waits goes straight to it */
	disp_core_worker_ready(f->c, &w, 2000);
	a = job(f, 100000);
	disp_core_submit(f->c, a, 2001);
	assert_int_equal(last(f)->what, A_LEASE);
	assert_ptr_equal(last(f)->j, a);
	assert_int_equal(f->c->n_parked, 0);
	assert_int_equal(disp_core_queued(f->c), 0);
	assert_int_equal(a->lease_deadline, 2001 + LEASE_MS);

	/* a worker of another kind is not handed a check job */
	w.kind = DISP_K_PARSE;
	disp_core_worker_ready(f->c, &w, 2002);
	disp_core_submit(f->c, job(f, 100000), 2003);
	assert_int_equal(f->c->n_parked, 1);
	assert_int_equal(disp_core_queued(f->c), 1);
	teardown_fix(f);
}

/* Only the connection holding the lease may report a job: a slow worker
 * whose lease expired, a rogue connection and a result naming a job of
 * another kind are refused and change nothing, so two runs of one job never
 * both count. */
static void test_only_the_lease_holder_counts(void **st)
{
	struct fix *f = setup_fix(3, 100);
	struct disp_worker slow = worker(1), fast = worker(2);
	struct disp_job *a = job(f, 100000), *b, *got;
	uint8_t id[16];
	(void)st;
	memcpy(id, a->id, 16);
	disp_core_submit(f->c, a, 0);
	disp_core_worker_ready(f->c, &slow, 0);
	/* a connection that does not hold the lease is refused */
	assert_null(take(f, DISP_K_CHECK, 9, id));
	assert_int_equal(f->c->leased.n, 1);
	disp_core_tick(f->c, LEASE_MS); /* slow loses its lease */
	/* its late result for the re-queued job is refused: still queued */
	assert_null(take(f, DISP_K_CHECK, 1, id));
	assert_int_equal(disp_core_queued(f->c), 1);
	disp_core_worker_ready(f->c, &fast, LEASE_MS);
	assert_ptr_equal(last(f)->w, &fast);
	/* and again once it is leased to the fast worker */
	assert_null(take(f, DISP_K_CHECK, 1, id));
	assert_int_equal(f->c->leased.n, 1);
	/* the lease holder's result is taken */
	got = take(f, DISP_K_CHECK, 2, id);
	assert_ptr_equal(got, a);
	assert_int_equal(f->c->leased.n, 0);
	disp_job_free(f->c, got);
	/* the same result again is refused */
	assert_null(take(f, DISP_K_CHECK, 2, id));
	assert_int_equal(f->c->rejected, 4);
	/* so is an answer that names a job of another kind */
	b = job(f, 100000);
	disp_core_submit(f->c, b, 0);
	disp_core_worker_ready(f->c, &fast, 0);
	assert_null(take(f, DISP_K_PARSE, 2, b->id));
	assert_int_equal(f->c->rejected, 5);
	assert_int_equal(f->c->duplicates, 0);
	/* ids are random, not a counter: two differ */
	assert_memory_not_equal(id, b->id, 16);
	got = take(f, DISP_K_CHECK, 2, b->id);
	assert_ptr_equal(got, b);
	disp_job_free(f->c, got);
	teardown_fix(f);
}

static void test_orphaned_jobs(void **st)
{
	struct fix *f = setup_fix(3, 100);
	struct disp_worker w = worker(1);
	struct disp_job *a = job(f, 100000), *b = job(f, 100000);
	uint8_t ida[16], idb[16];
	int other = 0;
	struct disp_job *c;
	(void)st;
	memcpy(ida, a->id, 16);
	memcpy(idb, b->id, 16);
	assert_int_equal(disp_job_new(&c, f->c, DISP_K_CHECK, VP_T_CHECK_REQ,
	                     NULL, &other, 100000),
	    VP_OK);
	disp_core_submit(f->c, a, 0);
	disp_core_submit(f->c, b, 0);
	disp_core_submit(f->c, c, 0);
	disp_core_worker_ready(f->c, &w, 0); /* a leased */
	disp_core_orphan(f->c, &f->owner);
	/* b (queued) is freed; c of another request stays */
	assert_int_equal(disp_core_queued(f->c), 1);
	assert_ptr_equal(f->c->queue[DISP_K_CHECK].head, c);
	assert_null(take(f, DISP_K_CHECK, 1, idb));
	assert_int_equal(f->c->rejected, 1);
	/* a stays leased until its result, which is then dropped */
	assert_int_equal(f->c->leased.n, 1);
	assert_null(take(f, DISP_K_CHECK, 1, ida));
	assert_int_equal(f->c->duplicates, 1);
	assert_int_equal(f->c->leased.n, 0);
	/* an orphaned lease that expires is freed without a retry */
	a = job(f, 100000);
	w = worker(2);
	disp_core_orphan(f->c, &other);
	disp_core_submit(f->c, a, 0);
	disp_core_worker_ready(f->c, &w, 0);
	disp_core_orphan(f->c, &f->owner);
	f->rec.n = 0;
	disp_core_tick(f->c, LEASE_MS);
	assert_int_equal(f->rec.n, 0);
	assert_int_equal(f->c->leased.n, 0);
	assert_int_equal(f->c->requeued, 0);
	teardown_fix(f);
}

static void test_queue_bound(void **st)
{
	struct fix *f = setup_fix(3, 2);
	(void)st;
	assert_false(disp_core_full(f->c, DISP_K_CHECK));
	disp_core_submit(f->c, job(f, 100000), 0);
	assert_false(disp_core_full(f->c, DISP_K_CHECK));
	disp_core_submit(f->c, job(f, 100000), 0);
	assert_true(disp_core_full(f->c, DISP_K_CHECK));
	/* per kind: the parse queue is still open */
	assert_false(disp_core_full(f->c, DISP_K_PARSE));
	teardown_fix(f);
}

struct visits {
	const struct disp_job *seen[8];
	int n;
};

static void visit(void *arg, struct disp_job *j)
{
	struct visits *v = arg;
	assert_true(v->n < 8);
	v->seen[v->n++] = j;
}

static void test_each_job_visits_queues_then_leases(void **st)
{
	struct fix *f = setup_fix(3, 100);
	struct disp_worker w = worker(1);
	struct disp_job *a = job(f, 100000), *b = job(f, 100000);
	struct visits v = {{0}, 0};
	int other = 0;
	struct disp_job *c;
	(void)st;
	disp_core_submit(f->c, a, 0);
	disp_core_worker_ready(f->c, &w, 0); /* a leased */
	disp_core_submit(f->c, b, 0);
	assert_int_equal(disp_job_new(&c, f->c, DISP_K_CHECK, VP_T_CHECK_REQ,
	                     NULL, &other, 100000),
	    VP_OK);
	disp_core_submit(f->c, c, 0);
	disp_core_each_job(f->c, &f->owner, visit, &v);
	assert_int_equal(v.n, 2);
	assert_ptr_equal(v.seen[0], b);
	assert_ptr_equal(v.seen[1], a);
	teardown_fix(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_kind_names),
	    cmocka_unit_test(test_lease_expiry_requeues_at_front),
	    cmocka_unit_test(test_lease_capped_by_request_deadline),
	    cmocka_unit_test(test_pipe_gone_requeues_its_leases),
	    cmocka_unit_test(test_attempts_exhausted_fail_the_job),
	    cmocka_unit_test(test_pipe_gone_on_last_attempt_fails),
	    cmocka_unit_test(test_retryable_error_requeues_then_fails),
	    cmocka_unit_test(test_parking_and_heartbeat),
	    cmocka_unit_test(test_only_the_lease_holder_counts),
	    cmocka_unit_test(test_orphaned_jobs),
	    cmocka_unit_test(test_queue_bound),
	    cmocka_unit_test(test_each_job_visits_queues_then_leases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
