/* Worker runtime: K REQ contexts pulling jobs from the dispatcher.
 * Each context thread blocks only in its own aio waits (never in an nng
 * callback), so slow jobs never stall nng's threads. */
#include "vp_worker.h"

#include "vp_clock.h"
#include "vp_err.h"
#include "vp_jobutil.h"
#include "vp_limits.h"
#include "vp_log.h"
#include "vp_nng.h"

#include <nng/protocol/reqrep0/req.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct vp_worker {
	struct vp_worker_cfg cfg;
	char name[256];
	nng_socket sock;
	pthread_t *threads;
	unsigned n_threads;
	pthread_mutex_t mu; /* guards aios */
	nng_aio **aios;     /* one per context thread, NULL until allocated */
	atomic_bool stopping;
	atomic_uint_fast64_t jobs;
	atomic_uint abandoned; /* jobs past their limit, still running */
	atomic_uint pipes;     /* live connections, kept by pipe_cb */
};

/* Encodes a worker.ready of kind carrying res (may be NULL) as the result
 * of job_id into *buf; VP_ETOOLARGE when it is over the message limits. */
static int encode_ready(const char *kind, const char *name,
    const uint8_t *job_id, struct vp_ready *res, uint8_t **buf, size_t *len)
{
	struct vp_msg m;
	struct vp_ready *body;
	int rv;

	*buf = NULL;
	*len = 0;
	if ((rv = vp_msg_init(&m, VP_T_WORKER_READY)) != VP_OK)
		return rv;
	body = m.body;
	if (res != NULL) {
		*body = *res; /* borrowed: detached again below */
		m.has_id = true;
		memcpy(m.id, job_id, 16);
		body->done = true;
	}
	body->kind = (char *)kind;
	body->worker = (char *)name;
	rv = vp_msg_encode(&m, buf, len);
	memset(body, 0, sizeof(*body));
	vp_msg_clear(&m);
	if (rv != VP_OK)
		return rv;
	/* the dispatcher decodes with these limits: a result over them would
	 * be refused there, so it is cut here (VP_ETOOLARGE) */
	if (vp_prevalidate(*buf, *len, NULL, NULL) != VP_OK ||
	    *len > VP_MSG_MAX_BYTES) {
		free(*buf);
		*buf = NULL;
		return VP_ETOOLARGE;
	}
	return VP_OK;
}

/* Drops the second half of a's n elements (each of size sz, cleared with
 * desc); returns how many went. */
static size_t cut_half(
    void *a, size_t *n, size_t sz, const struct vp_desc *desc)
{
	size_t keep = *n / 2, gone = *n - keep;
	for (size_t i = keep; i < *n; i++)
		vp_obj_clear(desc, (char *)a + i * sz);
	*n = keep;
	return gone;
}

/* A result over the message limits loses the second half of its largest
 * array; fit_result says what went. Returns false when nothing is left to
 * cut. */
static bool cut_result(struct vp_ready *res, size_t dropped[3])
{
	size_t nc = res->n_citations, ns = res->n_segments, nk = res->n_checks;
	if (nc > 0 && nc >= ns && nc >= nk)
		dropped[0] += cut_half(res->citations, &res->n_citations,
		    sizeof(*res->citations), &vp_desc_citation);
	else if (ns > 0 && ns >= nk)
		dropped[1] += cut_half(res->segments, &res->n_segments,
		    sizeof(*res->segments), &vp_desc_segment);
	else if (nk > 0)
		dropped[2] += cut_half(res->checks, &res->n_checks,
		    sizeof(*res->checks), &vp_desc_check);
	else
		return false;
	return true;
}

/* Appends a per-item error saying how much of the result was cut. */
static void note_cut(struct vp_ready *res, const size_t dropped[3])
{
	static const char *const what[3] = {"citations", "segments", "checks"};
	struct vp_item_err *e;
	char msg[160];
	int k = dropped[0] ? 0 : dropped[1] ? 1 : 2;
	e = realloc(res->errors, (res->n_errors + 1) * sizeof(*e));
	if (e == NULL)
		return;
	res->errors = e;
	e = &res->errors[res->n_errors];
	memset(e, 0, sizeof(*e));
	snprintf(msg, sizeof(msg),
	    "result over the message limits: the last %zu %s were dropped",
	    dropped[k], what[k]);
	e->item = strdup(what[k]);
	e->code = strdup(vp_err_code(VP_ETOOLARGE));
	e->msg = strdup(msg);
	if (e->item == NULL || e->code == NULL) {
		vp_obj_clear(&vp_desc_item_err, e);
		return;
	}
	res->n_errors++;
}

/* Encodes the ready carrying res; a result over the message limits is cut
 * in halves until it fits, with a per-item error saying so (a partial
 * result), or, when nothing is left to cut, replaced by a too_large job
 * error: the dispatcher hears at once instead of at the lease's end. */
static int fit_encode(const char *kind, const char *name, const uint8_t *job_id,
    struct vp_ready *res, bool have_res, uint8_t **buf, size_t *len)
{
	size_t dropped[3] = {0, 0, 0};
	bool noted = false, failed = false;
	int rv;
	while ((rv = encode_ready(kind, name, job_id, have_res ? res : NULL,
	            buf, len)) == VP_ETOOLARGE &&
	       have_res && !failed) {
		if (!noted && cut_result(res, dropped))
			continue;
		if (!noted && (dropped[0] || dropped[1] || dropped[2])) {
			note_cut(res, dropped);
			noted = true;
			continue;
		}
		vp_obj_clear(&vp_desc_ready, res);
		vp_job_fail(res, VP_ETOOLARGE,
		    "the job's result is over the message limits");
		if (res->job_err != NULL)
			res->job_err->retryable = false;
		noted = failed = true;
	}
	if (rv == VP_OK && noted)
		VP_WARN("worker %s: a result over the message limits was cut",
		    name);
	return rv;
}

static int fit_ready(struct vp_worker *w, const uint8_t *job_id,
    struct vp_ready *res, bool have_res, nng_msg **out)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int rv =
	    fit_encode(w->cfg.kind, w->name, job_id, res, have_res, &buf, &len);
	if (rv == VP_OK)
		rv = vp_nng_msg_from(out, buf, len);
	free(buf);
	return rv;
}

size_t vp_job_input_bytes(const struct vp_msg *job, size_t stop_at)
{
	const struct vp_split_req *sq = vp_msg_split_req(job);
	const struct vp_parse_req *pq = vp_msg_parse_req(job);
	size_t n;
	if (sq != NULL)
		return sq->doc_len;
	if (pq == NULL)
		return 0;
	n = pq->doc_len + (pq->text ? strlen(pq->text) : 0);
	for (size_t i = 0; i < pq->n_segments && n <= stop_at; i++)
		n += pq->segments[i].text ? strlen(pq->segments[i].text) : 0;
	return n;
}

int vp_worker_fit(const char *kind, struct vp_ready *res)
{
	static const uint8_t no_id[16];
	uint8_t *buf = NULL;
	size_t len = 0;
	int rv = fit_encode(kind, "in-process", no_id, res, true, &buf, &len);
	free(buf);
	return rv;
}

/* ---- the per-job time limit ------------------------------------------
 * A handler is pure code that cannot be interrupted, so each job runs on a
 * thread other than its context's while the context waits for it until the
 * job's budget (its lease) is nearly over. A job past that is reported as a
 * timeout at once - before its lease expires, so the dispatcher does not
 * hand it to another worker while this one still runs it - and its thread
 * is abandoned: it finishes on its own, frees what it has and leaves.
 *
 * That thread is the context's runner, kept from job to job (a thread
 * started per job cost more than a small job itself): it waits for a run,
 * runs it, says it is done, and waits again. Only an abandoned runner
 * leaves; the context starts a new one for its next job. */

struct run {
	bool done, abandoned;
	struct vp_msg job;
	struct vp_ready res;
	int rv;
};

struct runner {
	pthread_mutex_t mu;
	pthread_cond_t cv; /* a run given, a run done, stop */
	struct vp_worker *w;
	struct run *run; /* the run given; NULL when none */
	bool stop;       /* the context ends: leave when idle */
};

static void run_free(struct run *r)
{
	vp_obj_clear(&vp_desc_ready, &r->res);
	vp_msg_clear(&r->job);
	free(r);
}

static void *runner_main(void *arg)
{
	struct runner *rn = arg;
	struct vp_worker *w = rn->w;
	pthread_mutex_lock(&rn->mu);
	for (;;) {
		while ((rn->run == NULL || rn->run->done) && !rn->stop)
			pthread_cond_wait(&rn->cv, &rn->mu);
		if (rn->run == NULL || rn->run->done)
			break; /* stopped while idle */
		struct run *r = rn->run;
		pthread_mutex_unlock(&rn->mu);
		int rv = w->cfg.fn(w->cfg.arg, &r->job, &r->res);
		pthread_mutex_lock(&rn->mu);
		r->rv = rv;
		r->done = true;
		pthread_cond_broadcast(&rn->cv);
		if (r->abandoned) {
			/* its context has gone on without it: leave. w may be
			 * freed once the count is down: not touched after */
			rn->run = NULL;
			run_free(r);
			pthread_mutex_unlock(&rn->mu);
			pthread_mutex_destroy(&rn->mu);
			pthread_cond_destroy(&rn->cv);
			free(rn);
			atomic_fetch_sub(&w->abandoned, 1);
			return NULL;
		}
	}
	pthread_mutex_unlock(&rn->mu);
	pthread_mutex_destroy(&rn->mu);
	pthread_cond_destroy(&rn->cv);
	free(rn);
	return NULL;
}

/* A context's runner, started when it has none. NULL when no thread could
 * be started (the job then runs on the context's own thread). */
static struct runner *runner_get(struct vp_worker *w, struct runner **rnp)
{
	struct runner *rn = *rnp;
	pthread_t th;
	pthread_attr_t at;
	if (rn != NULL)
		return rn;
	if ((rn = calloc(1, sizeof(*rn))) == NULL)
		return NULL;
	pthread_mutex_init(&rn->mu, NULL);
	pthread_cond_init(&rn->cv, NULL);
	rn->w = w;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&th, &at, runner_main, rn) != 0) {
		pthread_attr_destroy(&at);
		pthread_mutex_destroy(&rn->mu);
		pthread_cond_destroy(&rn->cv);
		free(rn);
		return NULL;
	}
	pthread_attr_destroy(&at);
	return *rnp = rn;
}

/* The context ends: its runner (idle then) leaves. */
static void runner_stop(struct runner *rn)
{
	if (rn == NULL)
		return;
	pthread_mutex_lock(&rn->mu);
	rn->stop = true;
	pthread_cond_broadcast(&rn->cv);
	pthread_mutex_unlock(&rn->mu);
}

/* How long a job may run: its budget less a margin for the report to reach
 * the dispatcher before the lease ends (0 = no budget given: no limit). */
static uint32_t job_limit(uint32_t budget)
{
	uint32_t margin = budget / 10 < 2000 ? budget / 10 : 2000;
	return budget - margin;
}

/* Runs the handler on job within its limit, on the context's runner
 * (*rnp). On VP_OK *res holds the result; VP_ETIMEDOUT when it ran past
 * the limit (res->job_err says so; *rnp is then NULL, the runner being
 * abandoned); any other code is the handler's. The job's body moves to the
 * run (which may outlive this call); *job keeps its envelope (id, type). */
static int run_job(struct vp_worker *w, struct runner **rnp, struct vp_msg *job,
    struct vp_ready *res)
{
	struct run *r;
	struct runner *rn;
	uint32_t limit = job_limit(job->timeout_ms);
	struct timespec ts;
	int rv;

	if (limit == 0 ||
	    (w->cfg.inline_bytes > 0 &&
	        vp_job_input_bytes(job, w->cfg.inline_bytes) <=
	            w->cfg.inline_bytes) ||
	    (rn = runner_get(w, rnp)) == NULL)
		return w->cfg.fn(w->cfg.arg, job, res);
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return VP_ENOMEM;
	r->job = *job; /* the run owns the body from here on */
	memset(job, 0, sizeof(*job));
	memcpy(job->id, r->job.id, 16);
	job->has_id = r->job.has_id;
	job->type = r->job.type;
	vp_abstime_in(&ts, limit);
	pthread_mutex_lock(&rn->mu);
	rn->run = r;
	pthread_cond_broadcast(&rn->cv);
	while (!r->done && !atomic_load(&w->stopping) &&
	       pthread_cond_timedwait(&rn->cv, &rn->mu, &ts) == 0)
		;
	if (!r->done) {
		char msg[128];
		/* the runner keeps the run, frees it and leaves */
		r->abandoned = true;
		atomic_fetch_add(&w->abandoned, 1);
		pthread_mutex_unlock(&rn->mu);
		*rnp = NULL;
		snprintf(msg, sizeof(msg),
		    "the job ran past its time limit of %u ms", limit);
		VP_WARN("worker %s: %s", w->name, msg);
		rv = vp_job_fail(res, VP_ETIMEDOUT, msg);
		if (res->job_err != NULL)
			res->job_err->retryable = false;
		return rv;
	}
	rn->run = NULL;
	pthread_mutex_unlock(&rn->mu);
	*res = r->res;
	rv = r->rv;
	memset(&r->res, 0, sizeof(r->res));
	run_free(r);
	return rv;
}

/* True when the context loop must end: the worker is stopping or its
 * socket is closed. Every other error is a reason to ask again. */
static bool gone(struct vp_worker *w, int rv)
{
	return atomic_load(&w->stopping) || rv == VP_ECLOSED;
}

static void *ctx_main(void *arg)
{
	struct vp_worker *w = arg;
	nng_ctx ctx;
	nng_aio *aio = NULL;
	struct vp_ready res;
	uint8_t res_id[16];
	bool have_res = false, cut_noted = false;
	struct runner *runner = NULL; /* runs the jobs (run_job) */
	size_t cut[3] = {0, 0, 0};    /* what the dispatcher made us drop */
	int rv;

	memset(&res, 0, sizeof(res));
	if ((rv = nng_ctx_open(&ctx, w->sock)) != 0 ||
	    (rv = nng_aio_alloc(&aio, NULL, NULL)) != 0) {
		VP_ERROR("worker %s: cannot open context: %s", w->name,
		    nng_strerror(rv));
		return NULL;
	}
	/* Register the aio so that vp_worker_stop can stop it: a stopped aio
	 * fails every later operation at once, which ends this loop. */
	pthread_mutex_lock(&w->mu);
	for (unsigned i = 0; i < w->cfg.contexts; i++)
		if (w->aios[i] == NULL) {
			w->aios[i] = aio;
			break;
		}
	if (atomic_load(&w->stopping))
		nng_aio_stop(aio);
	pthread_mutex_unlock(&w->mu);
	while (!atomic_load(&w->stopping)) {
		nng_msg *msg = NULL;
		struct vp_msg job;
		struct vp_decode_err why;

		if ((rv = fit_ready(w, res_id, &res, have_res, &msg)) !=
		    VP_OK) {
			VP_ERROR("worker %s: cannot encode result: %s", w->name,
			    vp_strerror(rv));
			vp_obj_clear(&vp_desc_ready, &res);
			if (!have_res || rv == VP_ENOMEM) {
				have_res = false;
				vp_sleep_ms(100);
				continue;
			}
			/* A result that breaks the schema (a handler bug):
			 * report it as the job's error at once, instead of
			 * leaving the job to wait out its lease. */
			vp_job_fail(&res, VP_EINTERNAL,
			    "the worker's result breaks the wire schema");
			res.job_err->retryable = false;
			continue;
		}
		if ((rv = vp_nng_ctx_send(ctx, aio, msg)) != VP_OK) {
			if (gone(w, rv))
				break;
			vp_sleep_ms(50); /* and try again */
			continue;
		}
		/* The dispatcher answers within park_ms (idle heartbeat); a
		 * much longer silence means it is gone: ask again (the result,
		 * if any, goes with the next ready). */
		rv = vp_nng_ctx_recv(
		    ctx, aio, &msg, (nng_duration)(w->cfg.park_ms + 10000));
		if (rv != VP_OK) {
			/* A dropped connection fails the wait at once (nng
			 * 1.5.2 REQ: ECONNSHUT) and a silent dispatcher times
			 * out: either way ask again - with the result, if any;
			 * REQ holds the ready until a connection is up. */
			if (gone(w, rv))
				break;
			if (rv != VP_ETIMEDOUT)
				vp_sleep_ms(
				    20); /* no busy loop while it is down */
			continue;
		}
		rv = vp_msg_decode(
		    &job, nng_msg_body(msg), nng_msg_len(msg), NULL, &why);
		nng_msg_free(msg);
		if (rv == VP_OK && job.type == VP_T_ERROR && have_res &&
		    job.err != NULL &&
		    strcmp(job.err->code, vp_err_code(VP_ETOOLARGE)) == 0) {
			/* the dispatcher refused the result for its size (its
			 * limits are tighter than ours): half of it goes again
			 * with a per-item error, until it fits or nothing is
			 * left, then a too_large job error - at once, not at
			 * the lease's end */
			VP_WARN("worker %s: result refused: %s", w->name,
			    job.err->msg ? job.err->msg : "too large");
			if (res.job_err == NULL && cut_result(&res, cut)) {
				if (cut_noted) {
					res.n_errors--;
					vp_obj_clear(&vp_desc_item_err,
					    &res.errors[res.n_errors]);
				}
				note_cut(&res, cut);
				cut_noted = true;
			} else {
				vp_obj_clear(&vp_desc_ready, &res);
				vp_job_fail(&res, VP_ETOOLARGE,
				    "the job's result is over the "
				    "dispatcher's limits");
				if (res.job_err != NULL)
					res.job_err->retryable = false;
			}
			vp_msg_clear(&job);
			continue;
		}
		/* The ready carrying the result has been answered. */
		if (have_res) {
			vp_obj_clear(&vp_desc_ready, &res);
			have_res = false;
		}
		if (rv != VP_OK) {
			VP_WARN(
			    "worker %s: undecodable job: %s", w->name, why.msg);
			continue;
		}
		if (job.type == VP_T_ERROR) {
			/* the result was refused (the job is not, or no
			 * longer, leased to this connection): ask again */
			VP_INFO("worker %s: dispatcher: %s", w->name,
			    job.err && job.err->msg ? job.err->msg : "error");
			vp_msg_clear(&job);
			continue;
		}
		if (job.type == VP_T_IDLE) {
			vp_msg_clear(&job);
			continue;
		}
		if (w->cfg.delay_ms > 0)
			vp_sleep_ms(w->cfg.delay_ms);
		/* abandoned runs still take CPU: at most one per context */
		while (atomic_load(&w->abandoned) >= w->cfg.contexts &&
		       !atomic_load(&w->stopping))
			vp_sleep_ms(20);
		memset(&res, 0, sizeof(res));
		rv = run_job(w, &runner, &job, &res);
		if (rv != VP_OK) {
			/* keep only the error; the handler may have set one
			 * with a precise message */
			struct vp_error *je = res.job_err;
			res.job_err = NULL;
			vp_obj_clear(&vp_desc_ready, &res);
			res.job_err = je;
			if (res.job_err == NULL)
				res.job_err = calloc(1, sizeof(*res.job_err));
			if (res.job_err != NULL && res.job_err->code == NULL) {
				res.job_err->code = strdup(vp_err_code(rv));
				res.job_err->msg = strdup(vp_strerror(rv));
				res.job_err->retryable = vp_err_retryable(rv);
			}
		}
		memcpy(res_id, job.id, 16);
		have_res = true;
		memset(cut, 0, sizeof(cut));
		cut_noted = false;
		atomic_fetch_add(&w->jobs, 1);
		vp_msg_clear(&job);
	}
	if (have_res)
		vp_obj_clear(&vp_desc_ready, &res);
	runner_stop(runner);
	pthread_mutex_lock(&w->mu);
	for (unsigned i = 0; i < w->cfg.contexts; i++)
		if (w->aios[i] == aio)
			w->aios[i] = NULL;
	pthread_mutex_unlock(&w->mu);
	nng_aio_free(aio);
	/* the socket is still open here: vp_worker_stop closes it only after
	 * every thread has left */
	nng_ctx_close(ctx);
	return NULL;
}

/* nng's thread: only counts */
static void pipe_cb(nng_pipe p, nng_pipe_ev ev, void *arg)
{
	struct vp_worker *w = arg;
	(void)p;
	if (ev == NNG_PIPE_EV_ADD_POST)
		atomic_fetch_add(&w->pipes, 1);
	else if (ev == NNG_PIPE_EV_REM_POST)
		atomic_fetch_sub(&w->pipes, 1);
}

int vp_worker_start(struct vp_worker **wp, const struct vp_worker_cfg *cfg,
    char *err, size_t errlen)
{
	struct vp_worker *w;
	int rv;

	if (cfg->contexts == 0 || cfg->fn == NULL || cfg->kind == NULL ||
	    cfg->url == NULL) {
		snprintf(err, errlen,
		    "worker: contexts, kind, url and handler are required");
		return VP_EINVAL;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return VP_ENOMEM;
	w->cfg = *cfg;
	if (w->cfg.park_ms == 0)
		w->cfg.park_ms = VP_PARK_MS;
	if (cfg->name != NULL)
		snprintf(w->name, sizeof(w->name), "%s", cfg->name);
	else
		snprintf(w->name, sizeof(w->name), "%s@%ld", cfg->kind,
		    (long)getpid());
	if ((rv = nng_req0_open(&w->sock)) != 0) {
		free(w);
		snprintf(err, errlen, "cannot open REQ socket: %s",
		    nng_strerror(rv));
		return vp_err_from_nng(rv);
	}
	/* A ready is resent by REQ if its pipe dies before the reply; beyond
	 * that the context thread re-sends on its own timeout. */
	nng_socket_set_ms(
	    w->sock, NNG_OPT_REQ_RESENDTIME, NNG_DURATION_INFINITE);
	nng_pipe_notify(w->sock, NNG_PIPE_EV_ADD_POST, pipe_cb, w);
	nng_pipe_notify(w->sock, NNG_PIPE_EV_REM_POST, pipe_cb, w);
	if ((rv = vp_nng_dial(w->sock, cfg->url, cfg->recv_max, err, errlen)) !=
	    VP_OK) {
		nng_close(w->sock);
		free(w);
		return rv;
	}
	pthread_mutex_init(&w->mu, NULL);
	w->threads = calloc(cfg->contexts, sizeof(pthread_t));
	w->aios = calloc(cfg->contexts, sizeof(nng_aio *));
	if (w->threads == NULL || w->aios == NULL) {
		free(w->threads);
		free(w->aios);
		pthread_mutex_destroy(&w->mu);
		nng_close(w->sock);
		free(w);
		return VP_ENOMEM;
	}
	for (unsigned i = 0; i < cfg->contexts; i++) {
		if (pthread_create(&w->threads[i], NULL, ctx_main, w) != 0)
			break;
		w->n_threads++;
	}
	if (w->n_threads == 0) {
		vp_worker_stop(w);
		snprintf(err, errlen, "cannot start worker threads");
		return VP_ENOMEM;
	}
	*wp = w;
	return VP_OK;
}

unsigned vp_worker_connections(const struct vp_worker *w)
{
	return atomic_load(&((struct vp_worker *)w)->pipes);
}

uint64_t vp_worker_jobs(const struct vp_worker *w)
{
	return atomic_load(&((struct vp_worker *)w)->jobs);
}

void vp_worker_stop(struct vp_worker *w)
{
	if (w == NULL)
		return;
	/* nng 1.5.2 is not safe against nng_close racing with nng_ctx_send on
	 * another thread (use after free in nni_ctx_rele): stop every aio, let
	 * the threads leave and close their contexts, then close the socket. */
	pthread_mutex_lock(&w->mu);
	atomic_store(&w->stopping, true);
	for (unsigned i = 0; i < w->cfg.contexts; i++)
		if (w->aios[i] != NULL)
			nng_aio_stop(w->aios[i]);
	pthread_mutex_unlock(&w->mu);
	for (unsigned i = 0; i < w->n_threads; i++)
		pthread_join(w->threads[i], NULL);
	/* abandoned jobs still use w and the handler's arg */
	while (atomic_load(&w->abandoned) > 0)
		vp_sleep_ms(10);
	nng_close(w->sock);
	pthread_mutex_destroy(&w->mu);
	free(w->aios);
	free(w->threads);
	free(w);
}
