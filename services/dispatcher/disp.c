/* The dispatcher core.
 *
 * Two REP sockets with bounded pools of contexts. nng callbacks do nothing but
 * hand a completed receive to the core thread's event list (or re-arm a
 * receive after a send); the core thread owns all state - requests, per-kind
 * job queues, leases, parked workers - so it needs no locks beyond the event
 * list. Time-driven work (idle heartbeats, lease expiry, request deadlines)
 * runs on a short tick.
 *
 * Jobs are leased: a job handed to a worker context records the worker's
 * pipe and a deadline. When the pipe closes or the lease expires the job goes
 * back to the front of its queue; after max_attempts it fails with
 * retryable=false. The first result for a job wins; later ones (a slow worker
 * finishing after its lease was given to another) are dropped and counted. */
#include "disp.h"

#include "vp_clock.h"
#include "vp_err.h"
#include "vp_limits.h"
#include "vp_log.h"
#include "vp_nng.h"

#include <nng/protocol/pubsub0/pub.h>
#include <nng/protocol/reqrep0/rep.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Worker kinds. split/parse/check results come back as typed arrays in
 * worker.ready; lookup and monitor are pass-through kinds whose workers
 * return a whole encoded reply envelope (ready.reply). */
enum jkind { JK_SPLIT, JK_PARSE, JK_CHECK, JK_LOOKUP, JK_MONITOR, JK__N };
static const char *kind_names[JK__N] = {
    "split", "parse", "check", "lookup", "monitor"};

/* Where a resolve request is: each stage starts when the previous one has
 * no job pending. */
enum stage { ST_WORK, ST_LOOKUP, ST_CHECK };

enum jstate { JS_QUEUED, JS_LEASED };

struct request;

struct job {
	struct job *next, *prev; /* queue or lease list */
	struct job *hnext;       /* id hash chain */
	uint8_t id[16];
	enum jkind kind;
	enum jstate state;
	unsigned attempts;
	uint32_t pipe;
	uint64_t lease_deadline;
	struct request *req; /* NULL once the request has ended */
	struct vp_msg msg;   /* the job request, owned */
	size_t item0;        /* check jobs: index of the first URL */
	size_t *items;       /* resolve lookup jobs: indices into req->cits */
	size_t n_items;
};

struct jlist {
	struct job *head, *tail;
	size_t n;
};

struct api_slot;

struct request {
	struct request *next, *prev;
	struct api_slot *slot;
	enum vp_type type;
	uint8_t id[16];
	bool has_id;
	uint64_t deadline;
	bool check;
	bool lookup;
	bool archive; /* archived copies for dead links */
	bool parsed;
	enum stage stage;
	char *name;
	char *date;
	uint8_t *reply; /* pass-through: the worker's encoded reply */
	size_t reply_len;
	unsigned pending;
	uint32_t n_segments;
	struct vp_citation *cits;
	size_t n_cits;
	char **urls; /* distinct URLs to check (owned copies) */
	size_t n_urls;
	struct vp_check *checks; /* one per url, filled as results arrive */
	struct vp_item_err *errs;
	size_t n_errs;
	int fail; /* VP_OK, or the error that ends the request */
	char *fail_msg;
};

enum slot_state { SL_RECV, SL_HELD, SL_SEND, SL_DEAD };

struct event {
	struct event *next;
	int what; /* EV_API, EV_WORK, EV_PIPE */
	void *slot;
	uint32_t pipe;
};
enum { EV_API, EV_WORK, EV_PIPE };

/* What every context slot has: one context, its aio, and the event node
 * that hands a completed receive to the core thread. */
struct slot_io {
	struct disp *d;
	nng_ctx ctx;
	nng_aio *aio;
	enum slot_state state;
	struct event ev; /* ev.what and ev.slot are set once at start */
};

struct api_slot {
	struct slot_io io;
};

struct work_slot {
	struct slot_io io;
	uint32_t pipe;
	enum jkind kind;
	uint64_t park_deadline;
	struct work_slot *pnext, *pprev; /* parked list of its kind */
};

#define JOB_HASH 4096

struct disp {
	struct disp_cfg cfg;
	nng_socket api, work, pub;
	bool has_pub;
	struct api_slot *api_slots;
	unsigned n_api;
	struct work_slot *work_slots;
	unsigned n_work;

	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct event *ev_head, *ev_tail;
	bool stopping;
	atomic_bool closing; /* read by callbacks: do not re-arm */
	pthread_t core;

	/* owned by the core thread */
	struct jlist queue[JK__N];
	struct jlist leased;
	struct job *hash[JOB_HASH];
	struct work_slot *parked[JK__N];
	/* Recently closed worker connections. A ready can be processed after
	 * its connection's close event; such a context must get no work. */
	uint32_t dead_pipes[256];
	unsigned n_dead;
	struct request *requests;
	unsigned n_requests;
	uint64_t job_seq;
	uint8_t seed[8];

	struct vp_limits lim; /* applied when decoding */

	/* counters: st is the core thread's; snap its copy for other threads,
	 * taken under mu after every round of events */
	uint64_t start_ms;
	struct vp_stats_rep st, snap;
};

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
	c->check_batch = 32;
}

/* ---- event list (callbacks -> core) ------------------------------------ */

static void ev_push(struct disp *d, struct event *e)
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
	ev_push(s->d, &s->ev);
}

static void pipe_cb(nng_pipe p, nng_pipe_ev ev, void *arg)
{
	struct disp *d = arg;
	struct event *e;
	if (ev != NNG_PIPE_EV_REM_POST)
		return;
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return; /* the lease deadline still recovers the jobs */
	e->what = EV_PIPE;
	e->pipe = (uint32_t)nng_pipe_id(p);
	ev_push(d, e);
}

/* ---- lists --------------------------------------------------------------- */

static void jl_push_tail(struct jlist *l, struct job *j)
{
	j->next = NULL;
	j->prev = l->tail;
	if (l->tail)
		l->tail->next = j;
	else
		l->head = j;
	l->tail = j;
	l->n++;
}

static void jl_push_head(struct jlist *l, struct job *j)
{
	j->prev = NULL;
	j->next = l->head;
	if (l->head)
		l->head->prev = j;
	else
		l->tail = j;
	l->head = j;
	l->n++;
}

static void jl_remove(struct jlist *l, struct job *j)
{
	if (j->prev)
		j->prev->next = j->next;
	else
		l->head = j->next;
	if (j->next)
		j->next->prev = j->prev;
	else
		l->tail = j->prev;
	j->next = j->prev = NULL;
	l->n--;
}

static unsigned id_hash(const uint8_t *id)
{
	unsigned h = 2166136261u;
	for (int i = 0; i < 16; i++)
		h = (h ^ id[i]) * 16777619u;
	return h % JOB_HASH;
}

static void hash_add(struct disp *d, struct job *j)
{
	unsigned h = id_hash(j->id);
	j->hnext = d->hash[h];
	d->hash[h] = j;
}

static void hash_del(struct disp *d, struct job *j)
{
	struct job **pp = &d->hash[id_hash(j->id)];
	while (*pp && *pp != j)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = j->hnext;
}

static struct job *hash_find(struct disp *d, const uint8_t *id)
{
	struct job *j = d->hash[id_hash(id)];
	while (j && memcmp(j->id, id, 16) != 0)
		j = j->hnext;
	return j;
}

static void fill_counts(struct disp *d, struct vp_stats_rep *st)
{
	st->queued = 0;
	for (int k = 0; k < JK__N; k++)
		st->queued += d->queue[k].n;
	st->leased = d->leased.n;
}

static void park(struct disp *d, struct work_slot *s, uint64_t now)
{
	s->park_deadline = now + d->cfg.park_ms;
	s->pprev = NULL;
	s->pnext = d->parked[s->kind];
	if (s->pnext)
		s->pnext->pprev = s;
	d->parked[s->kind] = s;
	d->st.workers_parked++;
}

static void unpark(struct disp *d, struct work_slot *s)
{
	if (s->pprev)
		s->pprev->pnext = s->pnext;
	else
		d->parked[s->kind] = s->pnext;
	if (s->pnext)
		s->pnext->pprev = s->pprev;
	s->pnext = s->pprev = NULL;
	d->st.workers_parked--;
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

static void api_reply(struct api_slot *s, const struct vp_msg *m)
{
	send_on(s->io.ctx, s->io.aio, &s->io.state, m);
}

static void api_reply_error(struct disp *d, struct api_slot *s,
    const uint8_t *id, bool has_id, int err, const char *msg)
{
	struct vp_msg e;
	if (err == VP_EBUSY)
		d->st.busy++;
	else if (err == VP_EINVAL || err == VP_ETOOLARGE || err == VP_EVERSION)
		d->st.bad_requests++;
	if (vp_msg_init(&e, VP_T_ERROR) != VP_OK ||
	    vp_msg_set_error(&e, err, msg) != VP_OK) {
		vp_msg_clear(&e);
		s->io.state = SL_RECV;
		nng_ctx_recv(s->io.ctx, s->io.aio);
		return;
	}
	if (has_id) {
		memcpy(e.id, id, 16);
		e.has_id = true;
	}
	api_reply(s, &e);
	vp_msg_clear(&e);
}

/* ---- jobs ------------------------------------------------------------- */

static void free_job(struct disp *d, struct job *j)
{
	hash_del(d, j);
	free(j->items);
	vp_msg_clear(&j->msg);
	free(j);
}

static void lease(
    struct disp *d, struct job *j, struct work_slot *s, uint64_t now)
{
	uint32_t left = vp_deadline_left(now, j->req->deadline);
	uint32_t lease_ms = left < d->cfg.lease_ms ? left : d->cfg.lease_ms;

	j->state = JS_LEASED;
	j->pipe = s->pipe;
	j->lease_deadline = now + lease_ms;
	j->msg.attempt = j->attempts;
	j->msg.timeout_ms = left == 0 ? 1 : left;
	j->attempts++;
	jl_push_tail(&d->leased, j);
	send_on(s->io.ctx, s->io.aio, &s->io.state, &j->msg);
}

/* Hands j to a parked worker of its kind, or queues it. */
static void enqueue(struct disp *d, struct job *j, bool front, uint64_t now)
{
	struct work_slot *s = d->parked[j->kind];
	if (s != NULL) {
		unpark(d, s);
		lease(d, j, s, now);
		return;
	}
	j->state = JS_QUEUED;
	if (front)
		jl_push_head(&d->queue[j->kind], j);
	else
		jl_push_tail(&d->queue[j->kind], j);
}

/* Creates a job of kind k and request type t for r; takes ownership of body
 * (a struct of t's body type). */
static struct job *new_job(
    struct disp *d, struct request *r, enum jkind k, enum vp_type t, void *body)
{
	struct job *j = calloc(1, sizeof(*j));
	uint64_t seq = ++d->job_seq;
	if (j == NULL)
		return NULL;
	j->kind = k;
	j->req = r;
	j->msg.v = VP_PROTO_VERSION;
	j->msg.type = t;
	j->msg.body = body;
	/* job id: 8 bytes of per-process seed, 8 bytes of sequence */
	memcpy(j->id, d->seed, 8);
	memcpy(j->id + 8, &seq, 8);
	memcpy(j->msg.id, j->id, 16);
	j->msg.has_id = true;
	hash_add(d, j);
	r->pending++;
	return j;
}

/* ---- requests ----------------------------------------------------------- */

static void add_item_err(struct request *r, const char *item, int err,
    const char *msg, bool retryable)
{
	struct vp_item_err *e = realloc(r->errs, (r->n_errs + 1) * sizeof(*e));
	if (e == NULL)
		return;
	r->errs = e;
	e = &r->errs[r->n_errs];
	memset(e, 0, sizeof(*e));
	e->item = strdup(item);
	e->code = strdup(vp_err_code(err));
	e->msg = msg ? strdup(msg) : NULL;
	e->retryable = retryable;
	if (e->item == NULL || e->code == NULL) {
		vp_obj_clear(&vp_desc_item_err, e);
		return;
	}
	r->n_errs++;
}

static void free_request(struct disp *d, struct request *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else
		d->requests = r->next;
	if (r->next)
		r->next->prev = r->prev;
	d->n_requests--;
	for (size_t i = 0; i < r->n_cits; i++)
		vp_obj_clear(&vp_desc_citation, &r->cits[i]);
	free(r->cits);
	for (size_t i = 0; i < r->n_urls; i++) {
		free(r->urls[i]);
		if (r->checks)
			vp_obj_clear(&vp_desc_check, &r->checks[i]);
	}
	free(r->urls);
	free(r->checks);
	for (size_t i = 0; i < r->n_errs; i++)
		vp_obj_clear(&vp_desc_item_err, &r->errs[i]);
	free(r->errs);
	free(r->name);
	free(r->date);
	free(r->reply);
	free(r->fail_msg);
	free(r);
}

/* Detaches every job still belonging to r: queued ones are freed, leased ones
 * stay until their result or lease expiry and are then dropped. */
static void orphan_jobs(struct disp *d, struct request *r)
{
	for (int k = 0; k < JK__N; k++) {
		struct job *j = d->queue[k].head;
		while (j) {
			struct job *nx = j->next;
			if (j->req == r) {
				jl_remove(&d->queue[k], j);
				free_job(d, j);
			}
			j = nx;
		}
	}
	for (struct job *j = d->leased.head; j; j = j->next)
		if (j->req == r)
			j->req = NULL;
}

/* Sends the reply of r (complete, partial or failed) and frees it. */
static void finish(struct disp *d, struct request *r)
{
	struct vp_msg m;
	int rv;

	orphan_jobs(d, r);
	if (r->fail != VP_OK) {
		api_reply_error(d, r->slot, r->id, r->has_id, r->fail,
		    r->fail_msg ? r->fail_msg : vp_strerror(r->fail));
		free_request(d, r);
		return;
	}
	if (r->reply != NULL) {
		/* pass-through: validate the worker's reply, relay it with the
		 * client's id */
		struct vp_decode_err why;
		if (vp_msg_decode(&m, r->reply, r->reply_len, &d->lim, &why) !=
		    VP_OK) {
			VP_WARN("undecodable reply from a %s worker: %s",
			    vp_type_name(r->type), why.msg);
			rv = VP_EUPSTREAM;
			goto fail;
		}
		memcpy(m.id, r->id, 16);
		m.has_id = r->has_id;
		api_reply(r->slot, &m);
		vp_msg_clear(&m);
		free_request(d, r);
		return;
	}
	if (r->type == VP_T_RESOLVE_REQ) {
		struct vp_resolve_rep *b;
		if ((rv = vp_msg_init(&m, VP_T_RESOLVE_REP)) != VP_OK)
			goto fail;
		b = m.body;
		if (r->checks != NULL && disp_attach_checks(r->cits, r->n_cits,
		                             r->checks, r->n_urls) != VP_OK) {
			vp_msg_clear(&m);
			rv = VP_ENOMEM;
			goto fail;
		}
		b->name = r->name;
		b->n_segments = r->n_segments;
		b->citations = r->cits;
		b->n_citations = r->n_cits;
		b->errors = r->errs;
		b->n_errors = r->n_errs;
	} else if (r->type == VP_T_PARSE_REQ) {
		struct vp_parse_rep *b;
		if ((rv = vp_msg_init(&m, VP_T_PARSE_REP)) != VP_OK)
			goto fail;
		b = m.body;
		b->citations = r->cits;
		b->n_citations = r->n_cits;
	} else if (r->type == VP_T_CHECK_REQ) {
		struct vp_check_rep *b;
		if ((rv = vp_msg_init(&m, VP_T_CHECK_REP)) != VP_OK)
			goto fail;
		b = m.body;
		b->checks = r->checks;
		b->n_checks = r->checks ? r->n_urls : 0;
		b->errors = r->errs;
		b->n_errors = r->n_errs;
	} else {
		/* a pass-through request whose worker never answered */
		rv = VP_EUPSTREAM;
		goto fail;
	}
	memcpy(m.id, r->id, 16);
	m.has_id = r->has_id;
	api_reply(r->slot, &m);
	/* the body borrowed r's arrays: detach before clearing */
	memset(m.body, 0, vp_type_body(m.type)->size);
	vp_msg_clear(&m);
	free_request(d, r);
	return;
fail:
	api_reply_error(d, r->slot, r->id, r->has_id, rv, vp_strerror(rv));
	free_request(d, r);
}

static void fail_request(
    struct disp *d, struct request *r, int err, const char *msg)
{
	r->fail = err;
	free(r->fail_msg);
	r->fail_msg = msg ? strdup(msg) : NULL;
	finish(d, r);
}

static struct request *new_request(
    struct disp *d, struct api_slot *s, const struct vp_msg *m, uint64_t now)
{
	struct request *r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NULL;
	r->slot = s;
	r->type = m->type;
	memcpy(r->id, m->id, 16);
	r->has_id = m->has_id;
	r->deadline = vp_deadline_in(
	    now, m->timeout_ms ? m->timeout_ms : d->cfg.default_timeout_ms);
	r->next = d->requests;
	if (r->next)
		r->next->prev = r;
	d->requests = r;
	d->n_requests++;
	return r;
}

/* Creates the check jobs for r->urls, check_batch URLs each. */
/* Copies the distinct citation URLs of r into r->urls. */
static int collect_urls(struct request *r)
{
	char **urls = NULL;
	size_t n = 0;
	int rv = disp_distinct_urls(r->cits, r->n_cits, &urls, &n);
	if (rv != VP_OK)
		return rv;
	if (n > 0 && (r->urls = calloc(n, sizeof(char *))) == NULL) {
		free(urls);
		return VP_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		if ((r->urls[i] = strdup(urls[i])) == NULL) {
			rv = VP_ENOMEM;
			break;
		}
		r->n_urls = i + 1;
	}
	free(urls);
	return rv;
}

/* Creates the check jobs for r->urls, check_batch URLs each. */
static int start_checks(struct disp *d, struct request *r, uint64_t now)
{
	r->stage = ST_CHECK;
	if ((r->checks = calloc(
	         r->n_urls ? r->n_urls : 1, sizeof(*r->checks))) == NULL)
		return VP_ENOMEM;
	for (size_t i = 0; i < r->n_urls; i += d->cfg.check_batch) {
		size_t n = r->n_urls - i < d->cfg.check_batch
		               ? r->n_urls - i
		               : d->cfg.check_batch;
		struct vp_check_req *b = calloc(1, sizeof(*b));
		struct job *j;
		if (b == NULL ||
		    (b->urls = calloc(n, sizeof(char *))) == NULL) {
			free(b);
			return VP_ENOMEM;
		}
		b->archive = r->archive;
		for (size_t k = 0; k < n; k++) {
			if ((b->urls[k] = strdup(r->urls[i + k])) == NULL)
				break;
			b->n_urls = k + 1;
		}
		if (r->date != NULL)
			b->date = strdup(r->date);
		if (b->n_urls != n || (r->date != NULL && b->date == NULL) ||
		    (j = new_job(d, r, JK_CHECK, VP_T_CHECK_REQ, b)) == NULL) {
			vp_obj_clear(&vp_desc_check_req, b);
			free(b);
			return VP_ENOMEM;
		}
		j->item0 = i;
		enqueue(d, j, false, now);
	}
	return VP_OK;
}

static bool needs_lookup(const struct vp_citation *c)
{
	for (size_t i = 0; i < c->n_fields; i++)
		if (strcmp(c->fields[i].key, "lookup") == 0)
			return true;
	return false;
}

/* Creates lookup jobs for the citations of r marked with field "lookup";
 * each job remembers which citations it carries. */
static int start_lookups(struct disp *d, struct request *r, uint64_t now)
{
	size_t *idx, n = 0;
	int rv = VP_OK;

	if (r->n_cits == 0)
		return VP_OK;
	if ((idx = malloc(r->n_cits * sizeof(*idx))) == NULL)
		return VP_ENOMEM;
	for (size_t i = 0; i < r->n_cits; i++)
		if (needs_lookup(&r->cits[i]))
			idx[n++] = i;
	if (n > 0)
		r->stage = ST_LOOKUP;
	for (size_t i = 0; i < n && rv == VP_OK; i += d->cfg.check_batch) {
		size_t m =
		    n - i < d->cfg.check_batch ? n - i : d->cfg.check_batch;
		struct vp_lookup_req *b = calloc(1, sizeof(*b));
		struct job *j;
		if (b == NULL ||
		    (b->citations = calloc(m, sizeof(*b->citations))) == NULL) {
			free(b);
			rv = VP_ENOMEM;
			break;
		}
		for (size_t k = 0; k < m && rv == VP_OK; k++) {
			rv = vp_obj_copy(&vp_desc_citation, &b->citations[k],
			    &r->cits[idx[i + k]]);
			if (rv == VP_OK)
				b->n_citations = k + 1;
		}
		if (rv != VP_OK || (j = new_job(d, r, JK_LOOKUP,
		                        VP_T_LOOKUP_REQ, b)) == NULL) {
			vp_obj_clear(&vp_desc_lookup_req, b);
			free(b);
			rv = VP_ENOMEM;
			break;
		}
		if ((j->items = malloc(m * sizeof(*j->items))) == NULL) {
			rv = VP_ENOMEM; /* the job is queued; the request fails
			                 */
			break;
		}
		memcpy(j->items, idx + i, m * sizeof(*j->items));
		j->n_items = m;
		enqueue(d, j, false, now);
	}
	free(idx);
	return rv;
}

/* Moves the citations of a resolve lookup job's reply into place. A
 * citation that comes back without spans keeps the spans it had. */
static void apply_lookup(
    struct disp *d, struct request *r, struct job *j, struct vp_ready *res)
{
	struct vp_msg m;
	struct vp_decode_err why;
	struct vp_lookup_rep *lr;

	int drv = res->reply == NULL ? VP_EINVAL
	                             : vp_msg_decode(&m, res->reply,
	                                   res->reply_len, &d->lim, &why);
	if (drv != VP_OK || (lr = vp_msg_lookup_rep(&m)) == NULL) {
		if (drv == VP_OK)
			vp_msg_clear(&m);
		for (size_t k = 0; k < j->n_items; k++) {
			char item[1100];
			snprintf(item, sizeof(item), "lookup %s",
			    r->cits[j->items[k]].id);
			add_item_err(r, item, VP_EUPSTREAM,
			    "the lookup worker sent no usable reply", true);
		}
		return;
	}
	for (size_t k = 0; k < j->n_items && k < lr->n_citations; k++) {
		struct vp_citation *old = &r->cits[j->items[k]];
		struct vp_citation *nw = &lr->citations[k];
		if (nw->family == NULL || nw->id == NULL)
			continue;
		if (nw->n_spans == 0) {
			nw->spans = old->spans;
			nw->n_spans = old->n_spans;
			old->spans = NULL;
			old->n_spans = 0;
		}
		vp_obj_clear(&vp_desc_citation, old);
		*old = *nw;
		memset(nw, 0, sizeof(*nw));
	}
	for (size_t k = 0; k < lr->n_errors; k++)
		add_item_err(r, lr->errors[k].item,
		    vp_err_from_code(lr->errors[k].code), lr->errors[k].msg,
		    lr->errors[k].retryable);
	vp_msg_clear(&m);
}

/* Starts the next stage of a resolve request whose parse is done and which
 * has nothing pending: lookups (when asked), then link checks (when asked). */
static int next_stage(struct disp *d, struct request *r, uint64_t now)
{
	int rv = VP_OK;
	if (r->type != VP_T_RESOLVE_REQ || !r->parsed)
		return VP_OK;
	if (r->stage == ST_WORK && r->lookup) {
		if ((rv = start_lookups(d, r, now)) != VP_OK || r->pending > 0)
			return rv;
	}
	if (r->stage == ST_LOOKUP) {
		/* lookups may have turned two readings into the same source */
		if ((rv = disp_merge_citations(r->cits, &r->n_cits)) != VP_OK)
			return rv;
	}
	if (r->stage != ST_CHECK && r->check) {
		r->stage = ST_CHECK;
		if ((rv = collect_urls(r)) == VP_OK && r->n_urls > 0)
			rv = start_checks(d, r, now);
	}
	return rv;
}

/* Fills the check slots of a failed check job so every URL has an answer. */
static void checks_unverified(struct request *r, struct job *j, const char *why)
{
	const struct vp_check_req *b = j->msg.body;
	for (size_t k = 0; k < b->n_urls && j->item0 + k < r->n_urls; k++) {
		struct vp_check *c = &r->checks[j->item0 + k];
		char item[8300];
		if (c->url != NULL)
			continue;
		c->url = strdup(r->urls[j->item0 + k]);
		c->status = strdup("unverified");
		c->error = why ? strdup(why) : NULL;
		snprintf(item, sizeof(item), "check %s", r->urls[j->item0 + k]);
		add_item_err(r, item, VP_ETIMEDOUT, why, true);
	}
}

/* The citations of a resolve lookup job that did not complete keep their
 * parsed reading; each gets a per-item error. */
static void lookups_failed(
    struct request *r, struct job *j, int err, const char *why)
{
	for (size_t k = 0; k < j->n_items; k++) {
		char item[1100];
		snprintf(
		    item, sizeof(item), "lookup %s", r->cits[j->items[k]].id);
		add_item_err(r, item, err, why, vp_err_retryable(err));
	}
}

static bool is_partial_kind(const struct request *r, const struct job *j)
{
	return j->kind == JK_CHECK ||
	       (j->kind == JK_LOOKUP && r->type == VP_T_RESOLVE_REQ);
}

/* A job of r failed for good (attempts exhausted or a non-retryable error):
 * checks and lookups make a partial result, anything else fails r. */
static void job_failed(struct disp *d, struct job *j, int err, const char *why)
{
	struct request *r = j->req;
	d->st.jobs_failed++;
	r->pending--;
	if (is_partial_kind(r, j)) {
		if (j->kind == JK_CHECK)
			checks_unverified(r, j, why);
		else
			lookups_failed(r, j, err, why);
		if (r->pending == 0 && next_stage(d, r, vp_now_ms()) != VP_OK) {
			fail_request(d, r, VP_ENOMEM, NULL);
			return;
		}
		if (r->pending == 0)
			finish(d, r);
		return;
	}
	fail_request(d, r, err, why);
}

/* Takes the result of job j from a worker's ready (moving arrays out of it). */
static void job_done(
    struct disp *d, struct job *j, struct vp_ready *res, uint64_t now)
{
	struct request *r = j->req;
	int rv = VP_OK;

	r->pending--;
	switch (j->kind) {
	case JK_SPLIT: {
		struct vp_parse_req *b = calloc(1, sizeof(*b));
		struct job *pj;
		r->n_segments = (uint32_t)res->n_segments;
		if (b == NULL) {
			rv = VP_ENOMEM;
			break;
		}
		b->segments = res->segments;
		b->n_segments = res->n_segments;
		res->segments = NULL;
		res->n_segments = 0;
		if ((pj = new_job(d, r, JK_PARSE, VP_T_PARSE_REQ, b)) == NULL) {
			vp_obj_clear(&vp_desc_parse_req, b);
			free(b);
			rv = VP_ENOMEM;
			break;
		}
		enqueue(d, pj, false, now);
		break;
	}
	case JK_PARSE:
		r->cits = res->citations;
		r->n_cits = res->n_citations;
		res->citations = NULL;
		res->n_citations = 0;
		r->parsed = true;
		if (r->type == VP_T_RESOLVE_REQ)
			rv = disp_merge_citations(r->cits, &r->n_cits);
		break;
	case JK_CHECK:
		for (size_t k = 0;
		     k < res->n_checks && j->item0 + k < r->n_urls; k++) {
			vp_obj_clear(&vp_desc_check, &r->checks[j->item0 + k]);
			r->checks[j->item0 + k] = res->checks[k];
			memset(&res->checks[k], 0, sizeof(res->checks[k]));
		}
		checks_unverified(r, j, "no result for this URL");
		break;
	case JK_LOOKUP:
	case JK_MONITOR:
		if (r->type == VP_T_RESOLVE_REQ) {
			apply_lookup(d, r, j, res);
			break;
		}
		/* pass-through: finish() validates and relays it */
		free(r->reply);
		r->reply = res->reply;
		r->reply_len = res->reply_len;
		res->reply = NULL;
		res->reply_len = 0;
		break;
	default: break;
	}
	d->st.jobs_done++;
	if (rv == VP_OK && r->pending == 0)
		rv = next_stage(d, r, now);
	if (rv != VP_OK) {
		fail_request(d, r, rv, vp_strerror(rv));
		return;
	}
	if (r->pending == 0)
		finish(d, r);
}

/* ---- event handling ----------------------------------------------------- */

/* The worker kind a pass-through request type goes to, or -1: requests
 * (".req") named lookup.*, or watch.* / report.* / history.* (the link
 * monitor). Routing by name lets the monitor add request types without a
 * change here. */
static int route_kind(enum vp_type t)
{
	const char *n = vp_type_name(t);
	size_t len = strlen(n);
	if (len < 4 || strcmp(n + len - 4, ".req") != 0)
		return -1;
	if (strncmp(n, "lookup.", 7) == 0)
		return JK_LOOKUP;
	if (strncmp(n, "watch.", 6) == 0 || strncmp(n, "report.", 7) == 0 ||
	    strncmp(n, "history.", 8) == 0)
		return JK_MONITOR;
	return -1;
}

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
		api_reply_error(d, s, m->id, m->has_id, VP_ENOTFOUND,
		    "this dispatcher publishes no events (no pub-listen)");
		return;
	}
	tl = strlen(ev->topic);
	if ((rv = vp_msg_encode(m, &buf, &len)) != VP_OK ||
	    (rv = nng_msg_alloc(&out, tl + 1 + len)) != 0) {
		free(buf);
		api_reply_error(d, s, m->id, m->has_id, VP_ENOMEM, NULL);
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
		api_reply_error(d, s, m->id, m->has_id, VP_ENOMEM, NULL);
		return;
	}
	memcpy(ok.id, m->id, 16);
	ok.has_id = m->has_id;
	api_reply(s, &ok);
	vp_msg_clear(&ok);
}

static void on_api(struct disp *d, struct api_slot *s, uint64_t now)
{
	nng_msg *msg = nng_aio_get_msg(s->io.aio);
	struct vp_msg m;
	struct vp_decode_err why;
	struct request *r;
	struct job *j = NULL;
	int rv;

	nng_aio_set_msg(s->io.aio, NULL);
	d->st.requests++;
	rv = vp_msg_decode(
	    &m, nng_msg_body(msg), nng_msg_len(msg), &d->lim, &why);
	nng_msg_free(msg);
	if (rv != VP_OK) {
		VP_INFO("bad request: %s", why.msg);
		api_reply_error(d, s, m.id, m.has_id, rv, why.msg);
		return;
	}
	if (m.err != NULL) {
		api_reply_error(d, s, m.id, m.has_id, VP_EINVAL,
		    "a request must not carry err");
		vp_msg_clear(&m);
		return;
	}
	switch (m.type) {
	case VP_T_STATS_REQ: {
		struct vp_msg rep;
		if (vp_msg_init(&rep, VP_T_STATS_REP) != VP_OK) {
			api_reply_error(d, s, m.id, m.has_id, VP_ENOMEM, NULL);
			break;
		}
		*(struct vp_stats_rep *)rep.body = d->st;
		fill_counts(d, rep.body);
		((struct vp_stats_rep *)rep.body)->uptime_ms =
		    vp_now_ms() - d->start_ms;
		memcpy(rep.id, m.id, 16);
		rep.has_id = m.has_id;
		api_reply(s, &rep);
		vp_msg_clear(&rep);
		break;
	}
	case VP_T_RESOLVE_REQ:
	case VP_T_PARSE_REQ:
	case VP_T_CHECK_REQ: {
		enum jkind k = m.type == VP_T_RESOLVE_REQ ? JK_SPLIT
		               : m.type == VP_T_PARSE_REQ ? JK_PARSE
		                                          : JK_CHECK;
		if (d->n_requests >= d->cfg.max_inflight ||
		    d->queue[k].n >= d->cfg.queue_max) {
			api_reply_error(d, s, m.id, m.has_id, VP_EBUSY,
			    "too many requests in progress; retry later");
			break;
		}
		if ((r = new_request(d, s, &m, now)) == NULL) {
			api_reply_error(d, s, m.id, m.has_id, VP_ENOMEM, NULL);
			break;
		}
		if (m.type == VP_T_RESOLVE_REQ) {
			struct vp_resolve_req *q = m.body;
			struct vp_split_req *b = calloc(1, sizeof(*b));
			r->check = q->check;
			r->archive =
			    q->check; /* dead links get archived copies */
			r->lookup = q->lookup;
			r->name = q->name;
			r->date = q->date;
			q->name = NULL;
			q->date = NULL;
			if (b != NULL) {
				/* move the document into the split job */
				b->doc = q->doc;
				b->doc_len = q->doc_len;
				b->format = q->format;
				q->doc = NULL;
				q->doc_len = 0;
				q->format = NULL;
				j = new_job(d, r, JK_SPLIT, VP_T_SPLIT_REQ, b);
				if (j == NULL) {
					vp_obj_clear(&vp_desc_split_req, b);
					free(b);
				}
			}
		} else if (m.type == VP_T_PARSE_REQ) {
			j = new_job(d, r, JK_PARSE, VP_T_PARSE_REQ, m.body);
			if (j != NULL)
				m.body = NULL;
		} else {
			struct vp_check_req *q = m.body;
			r->urls = q->urls;
			r->n_urls = q->n_urls;
			r->archive = q->archive;
			r->date = q->date;
			q->urls = NULL;
			q->n_urls = 0;
			q->date = NULL;
			if (r->n_urls == 0) {
				finish(d, r);
				break;
			}
			if (start_checks(d, r, now) != VP_OK)
				fail_request(d, r, VP_ENOMEM, NULL);
			break;
		}
		if (j == NULL) {
			fail_request(d, r, VP_ENOMEM, NULL);
			break;
		}
		enqueue(d, j, false, now);
		break;
	}
	case VP_T_EVENT_PUB: publish(d, s, &m); break;
	default: {
		int k = route_kind(m.type);
		if (k < 0) {
			api_reply_error(d, s, m.id, m.has_id, VP_EINVAL,
			    "this message type is not a request of the API");
			break;
		}
		if (d->n_requests >= d->cfg.max_inflight ||
		    d->queue[k].n >= d->cfg.queue_max) {
			api_reply_error(d, s, m.id, m.has_id, VP_EBUSY,
			    "too many requests in progress; retry later");
			break;
		}
		if ((r = new_request(d, s, &m, now)) == NULL) {
			api_reply_error(d, s, m.id, m.has_id, VP_ENOMEM, NULL);
			break;
		}
		/* the request itself is the job */
		if ((j = new_job(d, r, (enum jkind)k, m.type, m.body)) ==
		    NULL) {
			fail_request(d, r, VP_ENOMEM, NULL);
			break;
		}
		m.body = NULL;
		enqueue(d, j, false, now);
		break;
	}
	}
	vp_msg_clear(&m);
}

static bool pipe_dead(const struct disp *d, uint32_t pipe)
{
	unsigned n = d->n_dead < 256 ? d->n_dead : 256;
	for (unsigned i = 0; i < n; i++)
		if (d->dead_pipes[i] == pipe)
			return true;
	return false;
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

static void on_work(struct disp *d, struct work_slot *s, uint64_t now)
{
	nng_msg *msg = nng_aio_get_msg(s->io.aio);
	struct vp_msg m;
	struct vp_decode_err why;
	struct vp_ready *rd;
	int k, rv;

	nng_aio_set_msg(s->io.aio, NULL);
	s->pipe = (uint32_t)nng_pipe_id(nng_msg_get_pipe(msg));
	rv = vp_msg_decode(
	    &m, nng_msg_body(msg), nng_msg_len(msg), &d->lim, &why);
	nng_msg_free(msg);
	if (rv != VP_OK || (rd = vp_msg_ready(&m)) == NULL) {
		VP_WARN("bad message on work socket: %s",
		    rv != VP_OK ? why.msg : "not worker.ready");
		vp_msg_clear(&m);
		send_idle(s);
		return;
	}
	for (k = 0; k < JK__N; k++)
		if (strcmp(rd->kind, kind_names[k]) == 0)
			break;
	if (k == JK__N) {
		VP_WARN("worker %s announced unknown kind '%s'",
		    rd->worker ? rd->worker : "?", rd->kind);
		vp_msg_clear(&m);
		send_idle(s);
		return;
	}
	s->kind = (enum jkind)k;
	if (rd->done && m.has_id) {
		struct job *j = hash_find(d, m.id);
		if (j == NULL || j->kind != s->kind) {
			d->st.duplicates_dropped++;
		} else {
			if (j->state == JS_LEASED)
				jl_remove(&d->leased, j);
			else
				jl_remove(&d->queue[j->kind], j);
			if (j->req == NULL) {
				d->st.duplicates_dropped++;
			} else if (rd->job_err != NULL) {
				int err = vp_err_from_code(rd->job_err->code);
				if (rd->job_err->retryable &&
				    j->attempts < d->cfg.max_attempts) {
					d->st.jobs_requeued++;
					enqueue(d, j, true, now);
					j = NULL;
				} else {
					job_failed(d, j, err, rd->job_err->msg);
				}
			} else {
				job_done(d, j, rd, now);
			}
			if (j != NULL)
				free_job(d, j);
		}
	}
	vp_msg_clear(&m);
	if (pipe_dead(d, s->pipe)) {
		/* its connection closed meanwhile: nobody to give work to */
		s->io.state = SL_RECV;
		nng_ctx_recv(s->io.ctx, s->io.aio);
		return;
	}
	if (d->queue[s->kind].head != NULL) {
		struct job *j = d->queue[s->kind].head;
		jl_remove(&d->queue[s->kind], j);
		lease(d, j, s, now);
	} else {
		park(d, s, now);
	}
}

/* A worker connection closed: its leases go back to the queues and its
 * parked contexts are released. */
static void on_pipe_gone(struct disp *d, uint32_t pipe, uint64_t now)
{
	struct job *j;

	d->dead_pipes[d->n_dead++ % 256] = pipe;
	/* Release the parked contexts of the dead connection first, so that
	 * re-queued jobs cannot be handed straight back to one of them. */
	for (int k = 0; k < JK__N; k++) {
		struct work_slot *s = d->parked[k];
		while (s) {
			struct work_slot *nx = s->pnext;
			if (s->pipe == pipe) {
				unpark(d, s);
				s->io.state = SL_RECV;
				nng_ctx_recv(s->io.ctx, s->io.aio);
			}
			s = nx;
		}
	}
	j = d->leased.head;
	while (j) {
		struct job *nx = j->next;
		if (j->pipe == pipe) {
			jl_remove(&d->leased, j);
			if (j->req == NULL) {
				free_job(d, j);
			} else if (j->attempts >= d->cfg.max_attempts) {
				job_failed(d, j, VP_EUPSTREAM,
				    "worker connection lost on every attempt");
				free_job(d, j);
			} else {
				VP_INFO(
				    "worker connection lost: %s job requeued",
				    kind_names[j->kind]);
				d->st.jobs_requeued++;
				enqueue(d, j, true, now);
			}
		}
		j = nx;
	}
}

/* r's deadline passed. A request with partial results (a resolve past its
 * parse, a check) is answered with what it has and a per-item error for
 * every unfinished check or lookup; anything else fails with timeout. */
static void expire(struct disp *d, struct request *r)
{
	struct jlist *lists[JK__N + 1];
	bool partial = r->type == VP_T_CHECK_REQ ||
	               (r->type == VP_T_RESOLVE_REQ && r->parsed);

	if (!partial) {
		fail_request(d, r, VP_ETIMEDOUT,
		    r->type == VP_T_RESOLVE_REQ
		        ? "request deadline passed before the document was "
		          "parsed"
		        : "request deadline passed");
		return;
	}
	for (int k = 0; k < JK__N; k++)
		lists[k] = &d->queue[k];
	lists[JK__N] = &d->leased;
	for (int l = 0; l <= JK__N; l++)
		for (struct job *q = lists[l]->head; q; q = q->next) {
			if (q->req != r)
				continue;
			if (q->kind == JK_CHECK)
				checks_unverified(r, q, "check timed out");
			else if (q->kind == JK_LOOKUP)
				lookups_failed(
				    r, q, VP_ETIMEDOUT, "lookup timed out");
		}
	finish(d, r);
}

static void on_tick(struct disp *d, uint64_t now)
{
	struct job *j;
	struct request *r;

	for (int k = 0; k < JK__N; k++) {
		struct work_slot *s = d->parked[k];
		while (s) {
			struct work_slot *nx = s->pnext;
			if (s->park_deadline <= now) {
				unpark(d, s);
				send_idle(s);
			}
			s = nx;
		}
	}
	j = d->leased.head;
	while (j) {
		struct job *nx = j->next;
		if (j->lease_deadline <= now) {
			jl_remove(&d->leased, j);
			if (j->req == NULL) {
				free_job(d, j);
			} else if (j->attempts >= d->cfg.max_attempts) {
				job_failed(d, j, VP_ETIMEDOUT,
				    "job lease expired on every attempt");
				free_job(d, j);
			} else {
				VP_INFO("lease expired: %s job requeued",
				    kind_names[j->kind]);
				d->st.jobs_requeued++;
				enqueue(d, j, true, now);
			}
		}
		j = nx;
	}
	r = d->requests;
	while (r) {
		struct request *nx = r->next;
		if (r->deadline <= now)
			expire(d, r);
		r = nx;
	}
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
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 50 * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
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
			else {
				on_pipe_gone(d, e->pipe, now);
				free(e);
			}
			e = nx;
		}
		if (now - last_tick >= 50) {
			on_tick(d, now);
			last_tick = now;
		}
		/* counters for other threads (admin endpoint) */
		fill_counts(d, &d->st);
		pthread_mutex_lock(&d->mu);
		d->snap = d->st;
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

int disp_start(
    struct disp **dp, const struct disp_cfg *cfg, char *err, size_t errlen)
{
	struct disp *d = calloc(1, sizeof(*d));
	int rv;
	uint64_t t;

	if (d == NULL)
		return VP_ENOMEM;
	d->cfg = *cfg;
	d->start_ms = vp_now_ms();
	t = d->start_ms ^ ((uint64_t)(uintptr_t)d << 16) ^ (uint64_t)getpid();
	memcpy(d->seed, &t, 8);
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
	nng_pipe_notify(d->work, NNG_PIPE_EV_REM_POST, pipe_cb, d);
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
	if (pthread_create(&d->core, NULL, core_main, d) != 0) {
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
	pthread_join(d->core, NULL);
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
		if (e->what == EV_PIPE)
			free(e);
	}
	while (d->requests) {
		orphan_jobs(d, d->requests);
		free_request(d, d->requests);
	}
	while (d->leased.head) {
		struct job *j = d->leased.head;
		jl_remove(&d->leased, j);
		free_job(d, j);
	}
	free(d->api_slots);
	free(d->work_slots);
	pthread_mutex_destroy(&d->mu);
	pthread_cond_destroy(&d->cv);
	free(d);
}
