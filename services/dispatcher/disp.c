/* The dispatcher's sockets and its event loop.
 *
 * Two REP sockets with bounded pools of contexts. nng callbacks do nothing but
 * hand a completed receive to the core thread's event list (or re-arm a
 * receive after a send); the core thread owns all state - requests, per-kind
 * job queues, leases, parked workers - so it needs no locks beyond the event
 * list. Time-driven work (idle heartbeats, lease expiry, request deadlines)
 * runs on a short tick.
 *
 * The jobs themselves (queues, leases, parking, attempts, re-queueing) are
 * disp_core.c's, pure and driven from here with the time of each round of
 * events; what a request goes through is disp_req.c's. This file decodes what
 * arrives, feeds both, and sends what they ask for. */
#include "disp_int.h"

#include "vp_clock.h"
#include "vp_err.h"
#include "vp_limits.h"
#include "vp_log.h"
#include "vp_nng.h"

#include <nng/protocol/pubsub0/pub.h>
#include <nng/protocol/reqrep0/rep.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void disp_cfg_default(struct disp_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->recv_max = VP_MSG_MAX_BYTES;
	c->max_inflight = 256;
	c->work_slots = 512;
	c->queue_max = 10000;
	c->park_ms = VP_PARK_MS;
	c->lease_ms = 60000;
	c->max_attempts = 3;
	c->default_timeout_ms = 120000;
	c->max_timeout_ms = 600000;
	c->check_batch = 32;
	c->mem_budget = (size_t)1 << 30;
	c->idle_ms = 300000;
	c->work_idle_ms = 60000;
}

/* ---- event list (callbacks -> core) ------------------------------------ */

void disp_ev_push(struct disp *d, struct event *e)
{
	pthread_mutex_lock(&d->mu);
	e->next = NULL;
	if (d->ev_tail)
		d->ev_tail->next = e;
	else
		d->ev_head = e;
	d->ev_tail = e;
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
}

/* Completion of a slot's receive or send (nng's thread: never blocks). A
 * finished send re-arms the receive; a finished receive goes to the core. */
static void slot_cb(void *arg)
{
	struct slot_io *s = arg;
	int rv = nng_aio_result(s->aio);
	if (s->state == SL_SEND) {
		if (rv != 0)
			nng_msg_free(nng_aio_get_msg(s->aio));
		nng_aio_set_msg(s->aio, NULL);
		rv = 0;
	}
	if (atomic_load(&s->d->closing) || rv == NNG_ECLOSED ||
	    rv == NNG_ECANCELED) {
		s->state = SL_DEAD;
		return;
	}
	if (rv != 0 || s->state == SL_SEND) {
		s->state = SL_RECV;
		nng_ctx_recv(s->ctx, s->aio);
		return;
	}
	s->state = SL_HELD;
	disp_ev_push(s->d, &s->ev);
}

/* A work connection opened or closed (nng's thread: never blocks). */
static void pipe_cb(nng_pipe p, nng_pipe_ev ev, void *arg)
{
	struct disp *d = arg;
	struct event *e;
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return; /* the lease deadline still recovers the jobs */
	e->what = ev == NNG_PIPE_EV_REM_POST ? EV_PIPE : EV_CONN_ADD;
	e->work = true;
	e->pipe = (uint32_t)nng_pipe_id(p);
	disp_ev_push(d, e);
}

/* An API connection opened or closed. */
static void api_pipe_cb(nng_pipe p, nng_pipe_ev ev, void *arg)
{
	struct disp *d = arg;
	struct event *e;
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return; /* the idle check misses it; the deadline still ends
		           its requests */
	e->what = ev == NNG_PIPE_EV_REM_POST ? EV_CONN_REM : EV_CONN_ADD;
	e->pipe = (uint32_t)nng_pipe_id(p);
	disp_ev_push(d, e);
}

/* ---- connections (core thread) ----------------------------------------- */

static struct conn **conn_slot(struct disp *d, uint32_t pipe)
{
	struct conn **pp = &d->conns[(pipe * 2654435761u) % DISP_CONN_HASH];
	while (*pp && (*pp)->pipe != pipe)
		pp = &(*pp)->next;
	return pp;
}

static void conn_add(struct disp *d, uint32_t pipe, bool work, uint64_t now)
{
	struct conn **pp = conn_slot(d, pipe), *c;
	if (*pp != NULL || (c = calloc(1, sizeof(*c))) == NULL)
		return;
	c->pipe = pipe;
	c->work = work;
	c->last = now;
	*pp = c;
	if (work)
		d->lims.work_conns++;
	else
		d->lims.api_conns++;
}

static void conn_del(struct disp *d, uint32_t pipe)
{
	struct conn **pp = conn_slot(d, pipe), *c = *pp;
	if (c == NULL)
		return;
	*pp = c->next;
	if (c->work)
		d->lims.work_conns--;
	else
		d->lims.api_conns--;
	free(c);
}

static void conn_seen(struct disp *d, uint32_t pipe, uint64_t now)
{
	struct conn *c = *conn_slot(d, pipe);
	if (c != NULL)
		c->last = now;
}

/* True when a job is leased to the work connection pipe. */
static bool pipe_leases(const struct disp *d, uint32_t pipe)
{
	for (const struct disp_job *j = d->core.leased.head; j; j = j->next)
		if (j->pipe == pipe)
			return true;
	return false;
}

/* Closes connections idle past their limit: an API connection with no
 * request in progress after idle_ms; a work connection that has sent
 * nothing for work_idle_ms beyond the longest a real worker can be silent
 * (a lease, then a park period) and holds no lease. A connection that has
 * done the handshake and then nothing costs a file descriptor for ever
 * otherwise. */
static void close_idle(struct disp *d, uint64_t now)
{
	uint64_t work_limit =
	    (uint64_t)d->cfg.work_idle_ms + d->cfg.lease_ms + d->cfg.park_ms;
	for (unsigned h = 0; h < DISP_CONN_HASH; h++) {
		for (struct conn *c = d->conns[h]; c; c = c->next) {
			uint64_t limit = c->work ? work_limit : d->cfg.idle_ms;
			nng_pipe p = NNG_PIPE_INITIALIZER;
			if (d->cfg.idle_ms == 0 || now - c->last < limit)
				continue;
			if (c->work ? pipe_leases(d, c->pipe)
			            : disp_req_of_pipe(d, c->pipe)) {
				c->last = now; /* busy, not idle */
				continue;
			}
			p.id = c->pipe;
			c->last = now; /* the close event removes it */
			if (nng_pipe_close(p) == 0)
				d->lims.idle_closed++;
		}
	}
}

_Static_assert(DISP_N_KINDS == DISP_K__N, "disp.h's kind count");

/* Per kind: what the alert rules of deploy/prometheus/ watch. Walks the
 * leased list, so it runs on the tick, not after every event. */
static void fill_kind_gauges(struct disp *d, uint64_t now)
{
	for (int k = 0; k < DISP_K__N && k < DISP_N_KINDS; k++) {
		struct disp_kind_gauges *g = &d->lims.kinds[k];
		const struct disp_job *h = d->core.queue[k].head;
		g->queued = d->core.queue[k].n;
		g->oldest_ms =
		    h != NULL && now > h->created ? now - h->created : 0;
		g->workers = d->core.n_parked_kind[k];
	}
	for (const struct disp_job *j = d->core.leased.head; j != NULL;
	     j = j->next)
		if ((unsigned)j->kind < DISP_N_KINDS)
			d->lims.kinds[j->kind].workers++;
}

static void fill_counts(struct disp *d, struct vp_stats_rep *st)
{
	d->lims.buffered_bytes = d->buffered;
	d->lims.results_rejected = d->core.rejected;
	st->queued = disp_core_queued(&d->core);
	st->leased = d->core.leased.n;
	st->jobs_requeued = d->core.requeued;
	st->duplicates_dropped = d->core.duplicates + d->core.rejected;
	st->workers_parked = d->core.n_parked;
}

/* ---- sending ------------------------------------------------------------ */

static void send_on(
    nng_ctx ctx, nng_aio *aio, enum slot_state *state, const struct vp_msg *m)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	nng_msg *msg = NULL;
	int rv = vp_msg_encode(m, &buf, &len);

	if (rv != VP_OK) {
		/* A reply we cannot encode becomes a plain internal error. */
		struct vp_msg e;
		VP_ERROR("cannot encode %s: %s", vp_type_name(m->type),
		    vp_strerror(rv));
		if (vp_msg_init(&e, VP_T_ERROR) == VP_OK &&
		    vp_msg_set_error(&e, VP_EINTERNAL,
		        "reply could not be encoded") == VP_OK) {
			memcpy(e.id, m->id, 16);
			e.has_id = m->has_id;
			rv = vp_msg_encode(&e, &buf, &len);
		}
		vp_msg_clear(&e);
	}
	if (rv != VP_OK || vp_nng_msg_from(&msg, buf, len) != VP_OK) {
		free(buf);
		*state = SL_RECV;
		nng_ctx_recv(ctx, aio);
		return;
	}
	free(buf);
	*state = SL_SEND;
	nng_aio_set_msg(aio, msg);
	nng_ctx_send(ctx, aio);
}

void disp_api_reply(struct api_slot *s, const struct vp_msg *m)
{
	if (s->call != NULL) {
		disp_call_reply(s, (struct vp_msg *)m, false);
		return;
	}
	send_on(s->io.ctx, s->io.aio, &s->io.state, m);
}

void disp_api_reply_error(struct disp *d, struct api_slot *s, const uint8_t *id,
    bool has_id, int err, const char *msg)
{
	struct vp_msg e;
	if (err == VP_EBUSY)
		d->st.busy++;
	else if (err == VP_EINVAL || err == VP_ETOOLARGE || err == VP_EVERSION)
		d->st.bad_requests++;
	if (vp_msg_init(&e, VP_T_ERROR) != VP_OK ||
	    vp_msg_set_error(&e, err, msg) != VP_OK) {
		vp_msg_clear(&e);
		if (s->call != NULL) { /* the caller hears of it all the same */
			disp_call_reply(s, &e, true);
			return;
		}
		s->io.state = SL_RECV;
		nng_ctx_recv(s->io.ctx, s->io.aio);
		return;
	}
	if (has_id) {
		memcpy(e.id, id, 16);
		e.has_id = true;
	}
	disp_api_reply(s, &e);
	vp_msg_clear(&e);
}

/* ---- event handling ----------------------------------------------------- */

/* Publishes an event.pub on the PUB socket as "topic\0<envelope>" and
 * acknowledges it with ok. */
static void publish(struct disp *d, struct api_slot *s, struct vp_msg *m)
{
	const struct vp_event *ev = vp_msg_event(m);
	struct vp_msg ok;
	uint8_t *buf = NULL;
	size_t len = 0, tl;
	nng_msg *out;
	int rv;

	if (!d->has_pub) {
		disp_api_reply_error(d, s, m->id, m->has_id, VP_ENOTFOUND,
		    "this dispatcher publishes no events (no pub-listen)");
		return;
	}
	tl = strlen(ev->topic);
	if ((rv = vp_msg_encode(m, &buf, &len)) != VP_OK ||
	    (rv = nng_msg_alloc(&out, tl + 1 + len)) != 0) {
		free(buf);
		disp_api_reply_error(d, s, m->id, m->has_id, VP_ENOMEM, NULL);
		return;
	}
	memcpy(nng_msg_body(out), ev->topic, tl + 1);
	memcpy((char *)nng_msg_body(out) + tl + 1, buf, len);
	free(buf);
	/* PUB never blocks: a slow subscriber loses messages, not us */
	if (nng_sendmsg(d->pub, out, NNG_FLAG_NONBLOCK) != 0)
		nng_msg_free(out);
	d->st.events++;
	if (vp_msg_init(&ok, VP_T_OK) != VP_OK) {
		disp_api_reply_error(d, s, m->id, m->has_id, VP_ENOMEM, NULL);
		return;
	}
	memcpy(ok.id, m->id, 16);
	ok.has_id = m->has_id;
	disp_api_reply(s, &ok);
	vp_msg_clear(&ok);
}

static void on_api(struct disp *d, struct api_slot *s, uint64_t now)
{
	nng_msg *msg = nng_aio_get_msg(s->io.aio);
	struct vp_msg m;
	struct vp_decode_err why;
	int rv;

	uint32_t pipe = (uint32_t)nng_pipe_id(nng_msg_get_pipe(msg));
	size_t bytes = nng_msg_len(msg);

	nng_aio_set_msg(s->io.aio, NULL);
	d->st.requests++;
	conn_seen(d, pipe, now);
	rv = vp_msg_decode(
	    &m, nng_msg_body(msg), nng_msg_len(msg), &d->lim, &why);
	nng_msg_free(msg);
	if (rv != VP_OK) {
		VP_INFO("bad request: %s", why.msg);
		disp_api_reply_error(d, s, m.id, m.has_id, rv, why.msg);
		return;
	}
	disp_api_handle(d, s, &m, pipe, bytes, now);
	vp_msg_clear(&m);
}

void disp_api_handle(struct disp *d, struct api_slot *s, struct vp_msg *m,
    uint32_t pipe, size_t bytes, uint64_t now)
{
	if (m->err != NULL) {
		disp_api_reply_error(d, s, m->id, m->has_id, VP_EINVAL,
		    "a request must not carry err");
		return;
	}
	switch (m->type) {
	case VP_T_STATS_REQ: {
		struct vp_msg rep;
		if (vp_msg_init(&rep, VP_T_STATS_REP) != VP_OK) {
			disp_api_reply_error(
			    d, s, m->id, m->has_id, VP_ENOMEM, NULL);
			break;
		}
		*(struct vp_stats_rep *)rep.body = d->st;
		fill_counts(d, rep.body);
		((struct vp_stats_rep *)rep.body)->uptime_ms =
		    vp_now_ms() - d->start_ms;
		memcpy(rep.id, m->id, 16);
		rep.has_id = m->has_id;
		disp_api_reply(s, &rep);
		vp_msg_clear(&rep);
		break;
	}
	case VP_T_EVENT_PUB: publish(d, s, m); break;
	default: disp_req_submit(d, s, m, pipe, bytes, now); break;
	}
}

static void send_idle(struct work_slot *s)
{
	struct vp_msg m;
	if (vp_msg_init(&m, VP_T_IDLE) != VP_OK) {
		s->io.state = SL_RECV;
		nng_ctx_recv(s->io.ctx, s->io.aio);
		return;
	}
	send_on(s->io.ctx, s->io.aio, &s->io.state, &m);
	vp_msg_clear(&m);
}

/* Answers a worker's ready with an error: its result was not taken. The
 * worker drops the result (or, for too_large, reports the job as failed)
 * and asks again. */
static void send_work_error(
    struct work_slot *s, const struct vp_msg *m, int err, const char *msg)
{
	struct vp_msg e;
	if (vp_msg_init(&e, VP_T_ERROR) != VP_OK ||
	    vp_msg_set_error(&e, err, msg) != VP_OK) {
		vp_msg_clear(&e);
		send_idle(s);
		return;
	}
	if (m != NULL && m->has_id) {
		memcpy(e.id, m->id, 16);
		e.has_id = true;
	}
	send_on(s->io.ctx, s->io.aio, &s->io.state, &e);
	vp_msg_clear(&e);
}

static void on_work(struct disp *d, struct work_slot *s, uint64_t now)
{
	nng_msg *msg = nng_aio_get_msg(s->io.aio);
	struct vp_msg m;
	struct vp_decode_err why;
	struct vp_ready *rd;
	int k, rv;

	nng_aio_set_msg(s->io.aio, NULL);
	s->w.pipe = (uint32_t)nng_pipe_id(nng_msg_get_pipe(msg));
	conn_seen(d, s->w.pipe, now);
	rv = vp_msg_decode(
	    &m, nng_msg_body(msg), nng_msg_len(msg), &d->lim, &why);
	nng_msg_free(msg);
	if (rv != VP_OK || (rd = vp_msg_ready(&m)) == NULL) {
		VP_WARN("bad message on work socket: %s",
		    rv != VP_OK ? why.msg : "not worker.ready");
		vp_msg_clear(&m);
		/* an error, not an idle heartbeat: a worker whose result broke
		 * a limit learns it at once instead of waiting out the lease */
		send_work_error(s, NULL, rv != VP_OK ? rv : VP_EPROTO,
		    rv != VP_OK ? why.msg : "not worker.ready");
		return;
	}
	if ((k = disp_kind_parse(rd->kind)) < 0) {
		VP_WARN("worker %s announced unknown kind '%s'",
		    rd->worker ? rd->worker : "?", rd->kind);
		vp_msg_clear(&m);
		send_idle(s);
		return;
	}
	s->w.kind = (enum disp_kind)k;
	if (rd->done && m.has_id) {
		struct disp_job *j = NULL;
		if (disp_core_take(&d->core, s->w.kind, s->w.pipe, m.id, &j) !=
		    VP_OK) {
			VP_INFO("result from %s refused: no %s job of that id "
			        "is leased to its connection",
			    rd->worker ? rd->worker : "?", rd->kind);
			vp_msg_clear(&m);
			send_work_error(s, NULL, VP_ENOTFOUND,
			    "no job of this id is leased to this connection");
			return;
		}
		if (j != NULL)
			disp_take_result(d, j, rd, now);
	}
	vp_msg_clear(&m);
	disp_core_worker_ready(&d->core, &s->w, now);
}

void disp_take_result(
    struct disp *d, struct disp_job *j, struct vp_ready *rd, uint64_t now)
{
	if (rd->job_err != NULL) {
		int err = vp_err_from_code(rd->job_err->code);
		if (rd->job_err->retryable) {
			/* frees j or keeps it queued */
			disp_requeue_or_fail(&d->core, j, now, DISP_CAUSE_RETRY,
			    err, rd->job_err->msg);
			return;
		}
		disp_req_job_failed(d, j, err, rd->job_err->msg, now);
	} else {
		disp_req_job_done(d, j, rd, now);
	}
	disp_job_free(&d->core, j);
}

/* ---- what the job core asks for ---------------------------------------- */

static struct work_slot *slot_of(struct disp_worker *w)
{
	return (struct work_slot *)((char *)w - offsetof(struct work_slot, w));
}

static void core_lease(void *arg, struct disp_worker *w, struct disp_job *j)
{
	struct work_slot *s;
	(void)arg;
	if (w->local) {
		disp_local_lease(w, j);
		return;
	}
	s = slot_of(w);
	send_on(s->io.ctx, s->io.aio, &s->io.state, &j->msg);
}

static void core_idle(void *arg, struct disp_worker *w)
{
	(void)arg;
	if (!w->local) /* in-process workers are never idled */
		send_idle(slot_of(w));
}

static void core_release(void *arg, struct disp_worker *w)
{
	struct work_slot *s;
	(void)arg;
	if (w->local) /* their "connection" never closes */
		return;
	s = slot_of(w);
	s->io.state = SL_RECV;
	nng_ctx_recv(s->io.ctx, s->io.aio);
}

static void core_requeued(
    void *arg, const struct disp_job *j, enum disp_cause cause)
{
	(void)arg;
	if (cause == DISP_CAUSE_PIPE_GONE)
		VP_INFO("worker connection lost: %s job requeued",
		    disp_kind_name(j->kind));
	else if (cause == DISP_CAUSE_EXPIRED)
		VP_INFO(
		    "lease expired: %s job requeued", disp_kind_name(j->kind));
}

static void on_tick(struct disp *d, uint64_t now)
{
	disp_core_tick(&d->core, now);
	disp_req_expire_due(d, now);
	close_idle(d, now);
}

static void *core_main(void *arg)
{
	struct disp *d = arg;
	uint64_t last_tick = 0;

	for (;;) {
		struct event *e;
		uint64_t now;

		pthread_mutex_lock(&d->mu);
		if (d->ev_head == NULL && !d->stopping) {
			struct timespec ts;
			vp_abstime_in(&ts, 50);
			pthread_cond_timedwait(&d->cv, &d->mu, &ts);
		}
		if (d->stopping) {
			pthread_mutex_unlock(&d->mu);
			break;
		}
		e = d->ev_head;
		d->ev_head = d->ev_tail = NULL;
		pthread_mutex_unlock(&d->mu);

		now = vp_now_ms();
		while (e) {
			struct event *nx = e->next;
			if (e->what == EV_API)
				on_api(d, e->slot, now);
			else if (e->what == EV_WORK)
				on_work(d, e->slot, now);
			else if (e->what == EV_LOCAL)
				disp_local_event(d, e->slot, now);
			else if (e->what == EV_CALL)
				disp_call_event(d, e->slot, now);
			else {
				if (e->what == EV_CONN_ADD)
					conn_add(d, e->pipe, e->work, now);
				else
					conn_del(d, e->pipe);
				if (e->what == EV_PIPE)
					disp_core_pipe_gone(
					    &d->core, e->pipe, now);
				else if (e->what == EV_CONN_REM)
					disp_req_client_gone(d, e->pipe);
				free(e);
			}
			e = nx;
		}
		if (now - last_tick >= 50) {
			on_tick(d, now);
			fill_kind_gauges(d, now);
			last_tick = now;
		}
		/* counters for other threads (admin endpoint) */
		fill_counts(d, &d->st);
		pthread_mutex_lock(&d->mu);
		d->snap = d->st;
		d->snap_l = d->lims;
		pthread_mutex_unlock(&d->mu);
	}
	return NULL;
}

void disp_stats(struct disp *d, struct vp_stats_rep *st)
{
	pthread_mutex_lock(&d->mu);
	*st = d->snap;
	pthread_mutex_unlock(&d->mu);
	st->uptime_ms = vp_now_ms() - d->start_ms;
}

void disp_limits(struct disp *d, struct disp_limits *l)
{
	pthread_mutex_lock(&d->mu);
	*l = d->snap_l;
	pthread_mutex_unlock(&d->mu);
	l->max_timeout_ms = d->cfg.max_timeout_ms;
	l->idle_ms = d->cfg.idle_ms;
	l->work_idle_ms = d->cfg.work_idle_ms;
	l->mem_budget = d->cfg.mem_budget;
}

int disp_start(
    struct disp **dp, const struct disp_cfg *cfg, char *err, size_t errlen)
{
	struct disp *d = calloc(1, sizeof(*d));
	struct disp_core_cfg ccfg;
	static const struct disp_core_ops ops = {
	    .lease = core_lease,
	    .idle = core_idle,
	    .release = core_release,
	    .failed = disp_req_job_failed,
	    .requeued = core_requeued,
	};
	struct disp_core_ops o = ops;
	int rv;

	if (d == NULL)
		return VP_ENOMEM;
	d->cfg = *cfg;
	d->start_ms = vp_now_ms();
	ccfg.queue_max = cfg->queue_max;
	ccfg.park_ms = cfg->park_ms;
	ccfg.lease_ms = cfg->lease_ms;
	ccfg.check_lease_to_deadline = true;
	ccfg.max_attempts = cfg->max_attempts;
	o.arg = d;
	disp_core_init(&d->core, &ccfg, &o);
	pthread_mutex_init(&d->mu, NULL);
	pthread_cond_init(&d->cv, NULL);
	vp_limits_default(&d->lim);
	d->lim.max_bytes = cfg->recv_max;

	if ((rv = nng_rep0_open(&d->api)) != 0 ||
	    (rv = nng_rep0_open(&d->work)) != 0) {
		snprintf(err, errlen, "cannot open REP socket: %s",
		    nng_strerror(rv));
		rv = vp_err_from_nng(rv);
		goto fail;
	}
	nng_pipe_notify(d->work, NNG_PIPE_EV_ADD_POST, pipe_cb, d);
	nng_pipe_notify(d->work, NNG_PIPE_EV_REM_POST, pipe_cb, d);
	nng_pipe_notify(d->api, NNG_PIPE_EV_ADD_POST, api_pipe_cb, d);
	nng_pipe_notify(d->api, NNG_PIPE_EV_REM_POST, api_pipe_cb, d);
	if (cfg->pub_url != NULL) {
		if ((rv = nng_pub0_open(&d->pub)) != 0) {
			snprintf(err, errlen, "cannot open PUB socket: %s",
			    nng_strerror(rv));
			rv = vp_err_from_nng(rv);
			goto fail;
		}
		d->has_pub = true;
		if ((rv = vp_nng_listen(
		         d->pub, cfg->pub_url, 1 << 16, err, errlen)) != VP_OK)
			goto fail;
	}
	d->n_api = cfg->max_inflight + 16; /* spares answer "busy" */
	d->n_work = cfg->work_slots;
	d->api_slots = calloc(d->n_api, sizeof(*d->api_slots));
	d->work_slots = calloc(d->n_work, sizeof(*d->work_slots));
	if (d->api_slots == NULL || d->work_slots == NULL) {
		rv = VP_ENOMEM;
		goto fail;
	}
	for (unsigned i = 0; i < d->n_api; i++) {
		struct api_slot *s = &d->api_slots[i];
		s->io.d = d;
		s->io.state = SL_DEAD;
		s->io.ev.what = EV_API;
		s->io.ev.slot = s;
		if ((rv = nng_aio_alloc(&s->io.aio, slot_cb, &s->io)) != 0 ||
		    (rv = nng_ctx_open(&s->io.ctx, d->api)) != 0) {
			rv = vp_err_from_nng(rv);
			snprintf(err, errlen, "cannot allocate API contexts");
			goto fail;
		}
	}
	for (unsigned i = 0; i < d->n_work; i++) {
		struct work_slot *s = &d->work_slots[i];
		s->io.d = d;
		s->io.state = SL_DEAD;
		s->io.ev.what = EV_WORK;
		s->io.ev.slot = s;
		if ((rv = nng_aio_alloc(&s->io.aio, slot_cb, &s->io)) != 0 ||
		    (rv = nng_ctx_open(&s->io.ctx, d->work)) != 0) {
			rv = vp_err_from_nng(rv);
			snprintf(err, errlen, "cannot allocate work contexts");
			goto fail;
		}
	}
	/* The socket cap is twice the message limit: nng drops the connection
	 * of a message over the cap without a word, while a message between
	 * the limit and the cap gets a too_large error reply from the decoder.
	 * The cap still bounds the memory one message can take. */
	if ((rv = vp_nng_listen(d->work, cfg->work_url, cfg->recv_max * 2, err,
	         errlen)) != VP_OK ||
	    (rv = vp_nng_listen(d->api, cfg->api_url, cfg->recv_max * 2, err,
	         errlen)) != VP_OK)
		goto fail;
	if (pthread_create(&d->core_thread, NULL, core_main, d) != 0) {
		rv = VP_ENOMEM;
		snprintf(err, errlen, "cannot start the core thread");
		goto fail;
	}
	for (unsigned i = 0; i < d->n_work; i++) {
		d->work_slots[i].io.state = SL_RECV;
		nng_ctx_recv(d->work_slots[i].io.ctx, d->work_slots[i].io.aio);
	}
	for (unsigned i = 0; i < d->n_api; i++) {
		d->api_slots[i].io.state = SL_RECV;
		nng_ctx_recv(d->api_slots[i].io.ctx, d->api_slots[i].io.aio);
	}
	*dp = d;
	return VP_OK;
fail:
	nng_close(d->api);
	nng_close(d->work);
	if (d->has_pub)
		nng_close(d->pub);
	for (unsigned i = 0; d->api_slots && i < d->n_api; i++)
		if (d->api_slots[i].io.aio)
			nng_aio_free(d->api_slots[i].io.aio);
	for (unsigned i = 0; d->work_slots && i < d->n_work; i++)
		if (d->work_slots[i].io.aio)
			nng_aio_free(d->work_slots[i].io.aio);
	free(d->api_slots);
	free(d->work_slots);
	pthread_mutex_destroy(&d->mu);
	pthread_cond_destroy(&d->cv);
	free(d);
	return rv;
}

void disp_stop(struct disp *d)
{
	struct event *e;
	if (d == NULL)
		return;
	pthread_mutex_lock(&d->mu);
	d->stopping = true;
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
	pthread_join(d->core_thread, NULL);
	disp_local_stop_all(d);
	/* Stop every aio before closing the sockets: a stopped aio fails later
	 * operations at once, so no callback re-arms, and nng 1.5.2 is not safe
	 * against nng_close racing with context operations on other threads. */
	atomic_store(&d->closing, true);
	for (unsigned i = 0; i < d->n_api; i++)
		nng_aio_stop(d->api_slots[i].io.aio);
	for (unsigned i = 0; i < d->n_work; i++)
		nng_aio_stop(d->work_slots[i].io.aio);
	nng_close(d->api);
	nng_close(d->work);
	if (d->has_pub)
		nng_close(d->pub);
	for (unsigned i = 0; i < d->n_api; i++) {
		nng_msg *m = nng_aio_get_msg(d->api_slots[i].io.aio);
		if (m != NULL && d->api_slots[i].io.state == SL_HELD)
			nng_msg_free(m);
		nng_aio_free(d->api_slots[i].io.aio);
	}
	for (unsigned i = 0; i < d->n_work; i++) {
		nng_msg *m = nng_aio_get_msg(d->work_slots[i].io.aio);
		if (m != NULL && d->work_slots[i].io.state == SL_HELD)
			nng_msg_free(m);
		nng_aio_free(d->work_slots[i].io.aio);
	}
	/* pending pipe events were allocated; slot events are embedded */
	while ((e = d->ev_head) != NULL) {
		d->ev_head = e->next;
		if (e->what != EV_API && e->what != EV_WORK &&
		    e->what != EV_LOCAL && e->what != EV_CALL)
			free(e);
	}
	for (unsigned h = 0; h < DISP_CONN_HASH; h++)
		while (d->conns[h] != NULL)
			conn_del(d, d->conns[h]->pipe);
	disp_req_free_all(d);
	disp_core_clear(&d->core);
	disp_local_free_all(d);
	free(d->api_slots);
	free(d->work_slots);
	pthread_mutex_destroy(&d->mu);
	pthread_cond_destroy(&d->cv);
	free(d);
}
