/* In-process workers: threads of the dispatcher's own process that take jobs
 * of one kind from the core, for the embedded composition (disp_add_local).
 *
 * Each is a struct disp_worker like a work context, with a connection id of
 * its own outside nng's range (nng numbers pipes below 2^31). The core
 * leases it jobs as it would lease them to a worker on the socket; instead
 * of encoding the job, disp_local_lease hands the thread a pointer to the
 * job, and the thread calls the handler on the job's message as the core
 * holds it. The thread then hands its result to the core thread as an event
 * (EV_LOCAL), where it is taken exactly as a worker's ready would be:
 * disp_core_take checks that the job is still leased to this worker, and
 * disp_take_result moves the request on.
 *
 * Why the guarantees still hold: a held job (disp_job.held) is never queued
 * again nor freed while its thread reads it - past its lease it fails as
 * timed out and loses its owner, so its late result is dropped, as a late
 * result of a worker on the socket is refused. The core thread touches a
 * held job's message only after the thread has answered. */
#include "disp_int.h"

#include "vp_clock.h"
#include "vp_err.h"
#include "vp_log.h"
#include "vp_utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct local_slot {
	struct local_slot *next; /* d->locals */
	struct disp *d;
	struct disp_worker w; /* the core's view */
	struct event ev;      /* EV_LOCAL: a result, or ready for work */
	disp_local_fn fn;
	void *arg;
	pthread_t thread;
	bool started;

	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct disp_job *job; /* given by the core, taken by the thread */
	bool stop;

	/* written by the thread before its event, read by the core after */
	bool have_result;
	uint8_t done_id[16];
	struct vp_ready res;
	int rv;
};

static struct local_slot *local_of(struct disp_worker *w)
{
	return (
	    struct local_slot *)((char *)w - offsetof(struct local_slot, w));
}

void disp_local_lease(struct disp_worker *w, struct disp_job *j)
{
	struct local_slot *s = local_of(w);
	pthread_mutex_lock(&s->mu);
	s->job = j;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

static void *local_main(void *arg)
{
	struct local_slot *s = arg;

	disp_ev_push(s->d, &s->ev); /* ready for a first job */
	for (;;) {
		struct disp_job *j;
		pthread_mutex_lock(&s->mu);
		while (s->job == NULL && !s->stop)
			pthread_cond_wait(&s->cv, &s->mu);
		j = s->stop ? NULL : s->job;
		s->job = NULL;
		pthread_mutex_unlock(&s->mu);
		if (j == NULL)
			break;
		memset(&s->res, 0, sizeof(s->res));
		s->rv = s->fn(s->arg, &j->msg, &s->res);
		memcpy(s->done_id, j->id, 16);
		s->have_result = true;
		disp_ev_push(s->d, &s->ev);
	}
	return NULL;
}

void disp_local_event(struct disp *d, struct local_slot *s, uint64_t now)
{
	if (s->have_result) {
		struct disp_job *j = NULL;
		struct vp_ready *rd = &s->res;
		s->have_result = false;
		if (s->rv != VP_OK && rd->job_err == NULL) {
			/* as the worker runtime builds one from the code */
			struct vp_error *e = calloc(1, sizeof(*e));
			if (e != NULL) {
				e->code = strdup(vp_err_code(s->rv));
				e->msg = strdup(vp_strerror(s->rv));
				e->retryable = vp_err_retryable(s->rv);
				rd->job_err = e;
			}
		}
		/* a job past its lease has lost its owner: take drops it */
		if (disp_core_take(&d->core, s->w.kind, s->w.pipe, s->done_id,
		        &j) == VP_OK &&
		    j != NULL) {
			if (s->rv != VP_OK && rd->job_err == NULL) {
				disp_req_job_failed(
				    d, j, s->rv, vp_strerror(s->rv), now);
				disp_job_free(&d->core, j);
			} else {
				disp_take_result(d, j, rd, now);
			}
		}
		vp_obj_clear(&vp_desc_ready, rd);
		memset(rd, 0, sizeof(*rd));
	}
	disp_core_worker_ready(&d->core, &s->w, now);
}

int disp_add_local(struct disp *d, const char *kind, unsigned n,
    disp_local_fn fn, void *arg, char *err, size_t errlen)
{
	int k = kind != NULL ? disp_kind_parse(kind) : -1;
	if (k < 0 || n == 0 || fn == NULL) {
		snprintf(err, errlen, "in-process worker: bad kind or count");
		return VP_EINVAL;
	}
	for (unsigned i = 0; i < n; i++) {
		struct local_slot *s = calloc(1, sizeof(*s));
		if (s == NULL) {
			snprintf(err, errlen, "in-process worker: no memory");
			return VP_ENOMEM;
		}
		s->d = d;
		s->fn = fn;
		s->arg = arg;
		s->w.kind = (enum disp_kind)k;
		s->w.local = true;
		s->ev.what = EV_LOCAL;
		s->ev.slot = s;
		pthread_mutex_init(&s->mu, NULL);
		pthread_cond_init(&s->cv, NULL);
		pthread_mutex_lock(&d->mu);
		s->w.pipe = 0x80000000u | ++d->n_locals;
		s->next = d->locals;
		d->locals = s;
		pthread_mutex_unlock(&d->mu);
		if (pthread_create(&s->thread, NULL, local_main, s) != 0) {
			snprintf(err, errlen,
			    "in-process worker: cannot start a thread");
			return VP_ENOMEM;
		}
		s->started = true;
	}
	VP_DEBUG("%u in-process %s workers", n, kind);
	return VP_OK;
}

void disp_local_stop_all(struct disp *d)
{
	for (struct local_slot *s = d->locals; s != NULL; s = s->next) {
		pthread_mutex_lock(&s->mu);
		s->stop = true;
		pthread_cond_signal(&s->cv);
		pthread_mutex_unlock(&s->mu);
	}
	for (struct local_slot *s = d->locals; s != NULL; s = s->next)
		if (s->started)
			pthread_join(s->thread, NULL);
}

void disp_local_free_all(struct disp *d)
{
	while (d->locals != NULL) {
		struct local_slot *s = d->locals;
		d->locals = s->next;
		vp_obj_clear(&vp_desc_ready, &s->res);
		pthread_mutex_destroy(&s->mu);
		pthread_cond_destroy(&s->cv);
		free(s);
	}
}

/* ---- calls from this process ----------------------------------------------
 * A call is an API request without the socket: the caller's request is
 * copied (its document once, as the encoder would have) into a slot of its
 * own, handed to the core thread as an event, handled there exactly as a
 * decoded request (disp_api_handle), and the reply is handed back through
 * the slot. A caller that stops waiting leaves the slot to the core, which
 * frees it with the reply. */

struct disp_call {
	struct api_slot slot;
	struct vp_msg req; /* the core takes what it needs */
	size_t bytes;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool done, abandoned;
	struct vp_msg rep;
};

static void call_free(struct disp_call *c)
{
	vp_msg_clear(&c->req);
	vp_msg_clear(&c->rep);
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cv);
	free(c);
}

void disp_call_reply(struct api_slot *s, struct vp_msg *m, bool take)
{
	struct disp_call *c = s->call;
	struct vp_msg rep;
	bool abandoned;

	memset(&rep, 0, sizeof(rep));
	rep.v = VP_PROTO_VERSION;
	rep.type = m->type;
	memcpy(rep.id, m->id, 16);
	rep.has_id = m->has_id;
	if (take) {
		rep.body = m->body;
		rep.err = m->err;
		m->body = NULL;
		m->err = NULL;
	} else {
		const struct vp_desc *bd = vp_type_body(m->type);
		if (m->body != NULL && bd != NULL &&
		    (rep.body = calloc(1, bd->size)) != NULL &&
		    vp_obj_copy(bd, rep.body, m->body) != VP_OK) {
			vp_obj_clear(bd, rep.body);
			free(rep.body);
			rep.body = NULL;
		}
		if (m->err != NULL && (rep.err = calloc(1, sizeof(*rep.err))) &&
		    vp_obj_copy(&vp_desc_error, rep.err, m->err) != VP_OK) {
			vp_obj_clear(&vp_desc_error, rep.err);
			free(rep.err);
			rep.err = NULL;
		}
	}
	pthread_mutex_lock(&c->mu);
	abandoned = c->abandoned;
	c->rep = rep;
	c->done = true;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
	if (abandoned)
		call_free(c);
}

void disp_call_event(struct disp *d, struct api_slot *s, uint64_t now)
{
	struct disp_call *c = s->call;
	d->st.requests++;
	disp_api_handle(d, s, &c->req, 0, c->bytes, now);
	vp_msg_clear(&c->req);
}

/* What the decoder checks of a request that a copy skips: its size against
 * the dispatcher's message limit, and that each text and byte string of
 * the body is within the schema's size (texts UTF-8). Calls carry flat
 * bodies (resolve): a body with arrays or nested structs is refused. */
static int call_check(
    const struct disp *d, const struct vp_msg *req, size_t *bytes)
{
	const struct vp_desc *bd = vp_type_body(req->type);
	const unsigned char *base = req->body;
	*bytes = 256;
	if (bd == NULL || base == NULL)
		return VP_EINVAL;
	for (size_t i = 0; i < bd->n_fields; i++) {
		const struct vp_field *f = &bd->fields[i];
		if (f->kind == VP_K_STR) {
			const char *t = *(char *const *)(base + f->off);
			size_t n = t != NULL ? strlen(t) : 0;
			if (t == NULL && f->required)
				return VP_EINVAL;
			if (n > f->max ||
			    (n > 0 && !vp_utf8_valid(t, n, VP_UTF8_NO_NUL)))
				return VP_EINVAL;
			*bytes += n;
		} else if (f->kind == VP_K_BIN) {
			size_t n = *(const size_t *)(base + f->off_n);
			if (n > f->max)
				return VP_ETOOLARGE;
			*bytes += n;
		} else if (f->kind != VP_K_U32 && f->kind != VP_K_U64 &&
		           f->kind != VP_K_BOOL && f->kind != VP_K_F64) {
			return VP_EINVAL;
		}
	}
	return *bytes > d->lim.max_bytes ? VP_ETOOLARGE : VP_OK;
}

int disp_call(struct disp *d, const struct vp_msg *req, struct vp_msg *rep)
{
	struct disp_call *c;
	const struct vp_desc *bd = vp_type_body(req->type);
	uint32_t budget =
	    req->timeout_ms ? req->timeout_ms : d->cfg.max_timeout_ms;
	struct timespec ts;
	size_t bytes = 0;
	int rv;

	memset(rep, 0, sizeof(*rep));
	if ((rv = call_check(d, req, &bytes)) != VP_OK)
		return rv;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return VP_ENOMEM;
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	c->slot.call = c;
	c->slot.io.d = d;
	c->slot.io.ev.what = EV_CALL;
	c->slot.io.ev.slot = &c->slot;
	c->bytes = bytes;
	c->req = *req;
	c->req.trace = NULL;
	c->req.err = NULL;
	if ((c->req.body = calloc(1, bd->size)) == NULL ||
	    vp_obj_copy(bd, c->req.body, req->body) != VP_OK ||
	    (req->trace != NULL &&
	        (c->req.trace = strdup(req->trace)) == NULL)) {
		call_free(c);
		return VP_ENOMEM;
	}
	disp_ev_push(d, &c->slot.io.ev);

	vp_abstime_in(&ts, budget + 2000);
	pthread_mutex_lock(&c->mu);
	while (!c->done && pthread_cond_timedwait(&c->cv, &c->mu, &ts) == 0)
		;
	if (!c->done) {
		/* the core frees the call with its reply */
		c->abandoned = true;
		pthread_mutex_unlock(&c->mu);
		return VP_ETIMEDOUT;
	}
	pthread_mutex_unlock(&c->mu);
	*rep = c->rep;
	memset(&c->rep, 0, sizeof(c->rep));
	call_free(c);
	if (rep->type == VP_T_ERROR && rep->err == NULL)
		return VP_ENOMEM; /* the error reply itself could not be made */
	return VP_OK;
}
