/* disp_core.c - queues, leases, parking, attempts and re-queueing of the
 * dispatcher's jobs, pure: time comes in as `now`, effects go out through
 * the owner's callbacks, so the unit tests drive every path without sockets.
 */
#include "disp_core.h"

#include "vp_clock.h"
#include "vp_err.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

static const char *kind_names[DISP_K__N] = {
    "split", "parse", "check", "lookup", "monitor"};

const char *disp_kind_name(enum disp_kind k)
{
	return (unsigned)k < DISP_K__N ? kind_names[k] : "?";
}

int disp_kind_parse(const char *name)
{
	for (int k = 0; k < DISP_K__N; k++)
		if (strcmp(name, kind_names[k]) == 0)
			return k;
	return -1;
}

void disp_core_init(struct disp_core *c, const struct disp_core_cfg *cfg,
    const struct disp_core_ops *ops)
{
	memset(c, 0, sizeof(*c));
	c->cfg = *cfg;
	c->ops = *ops;
}

/* ---- lists --------------------------------------------------------------- */

static void jl_push_tail(struct disp_jlist *l, struct disp_job *j)
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

static void jl_push_head(struct disp_jlist *l, struct disp_job *j)
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

static void jl_remove(struct disp_jlist *l, struct disp_job *j)
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
	return h % DISP_JOB_HASH;
}

static void hash_add(struct disp_core *c, struct disp_job *j)
{
	unsigned h = id_hash(j->id);
	j->hnext = c->hash[h];
	c->hash[h] = j;
}

static void hash_del(struct disp_core *c, struct disp_job *j)
{
	struct disp_job **pp = &c->hash[id_hash(j->id)];
	while (*pp && *pp != j)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = j->hnext;
}

static struct disp_job *hash_find(struct disp_core *c, const uint8_t *id)
{
	struct disp_job *j = c->hash[id_hash(id)];
	while (j && memcmp(j->id, id, 16) != 0)
		j = j->hnext;
	return j;
}

/* ---- jobs ---------------------------------------------------------------- */

int disp_job_new(struct disp_job **jp, struct disp_core *c, enum disp_kind k,
    enum vp_type t, void *body, void *owner, uint64_t deadline)
{
	struct disp_job *j = calloc(1, sizeof(*j));
	if (j == NULL)
		return VP_ENOMEM;
	/* job id: 128 random bits from the kernel, so that nobody who reaches
	 * the work socket can name a job that was not leased to him */
	do {
		if (getrandom(j->id, sizeof(j->id), 0) != sizeof(j->id)) {
			free(j);
			return VP_EIO;
		}
	} while (hash_find(c, j->id) != NULL);
	j->kind = k;
	j->created = vp_now_ms();
	j->owner = owner;
	j->deadline = deadline;
	j->msg.v = VP_PROTO_VERSION;
	j->msg.type = t;
	j->msg.body = body;
	memcpy(j->msg.id, j->id, 16);
	j->msg.has_id = true;
	hash_add(c, j);
	*jp = j;
	return VP_OK;
}

void disp_job_free(struct disp_core *c, struct disp_job *j)
{
	if (j == NULL)
		return;
	hash_del(c, j);
	free(j->items);
	vp_msg_clear(&j->msg);
	free(j);
}

void disp_core_clear(struct disp_core *c)
{
	for (int k = 0; k <= DISP_K__N; k++) {
		struct disp_jlist *l =
		    k < DISP_K__N ? &c->queue[k] : &c->leased;
		while (l->head) {
			struct disp_job *j = l->head;
			jl_remove(l, j);
			disp_job_free(c, j);
		}
	}
	memset(c->parked, 0, sizeof(c->parked));
	memset(c->n_parked_kind, 0, sizeof(c->n_parked_kind));
	c->n_parked = 0;
}

bool disp_core_full(const struct disp_core *c, enum disp_kind k)
{
	return c->queue[k].n >= c->cfg.queue_max;
}

size_t disp_core_queued(const struct disp_core *c)
{
	size_t n = 0;
	for (int k = 0; k < DISP_K__N; k++)
		n += c->queue[k].n;
	return n;
}

/* ---- parking ------------------------------------------------------------- */

static void park(struct disp_core *c, struct disp_worker *w, uint64_t now)
{
	/* an in-process worker waits on its own thread: no heartbeat due */
	w->park_deadline = w->local ? UINT64_MAX : now + c->cfg.park_ms;
	w->pprev = NULL;
	w->pnext = c->parked[w->kind];
	if (w->pnext)
		w->pnext->pprev = w;
	c->parked[w->kind] = w;
	c->n_parked++;
	c->n_parked_kind[w->kind]++;
}

static void unpark(struct disp_core *c, struct disp_worker *w)
{
	if (w->pprev)
		w->pprev->pnext = w->pnext;
	else
		c->parked[w->kind] = w->pnext;
	if (w->pnext)
		w->pnext->pprev = w->pprev;
	w->pnext = w->pprev = NULL;
	c->n_parked--;
	c->n_parked_kind[w->kind]--;
}

/* ---- leases -------------------------------------------------------------- */

/* Leases j (in no list) to w: the lease is lease_ms, or less when the
 * request's deadline comes first. The worker is told the lease as its
 * budget: a result after it is refused, so a worker stops (and reports a
 * timeout) before the job is leased again and run twice. */
static void lease(struct disp_core *c, struct disp_job *j,
    struct disp_worker *w, uint64_t now)
{
	uint32_t left = vp_deadline_left(now, j->deadline);
	uint32_t lease_ms = left < c->cfg.lease_ms ? left : c->cfg.lease_ms;
	if (j->kind == DISP_K_CHECK && c->cfg.check_lease_to_deadline)
		lease_ms = left;

	j->state = DISP_JS_LEASED;
	j->pipe = w->pipe;
	j->held = w->local;
	j->lease_deadline = now + lease_ms;
	j->msg.attempt = j->attempts;
	j->msg.timeout_ms = lease_ms == 0 ? 1 : lease_ms;
	j->attempts++;
	jl_push_tail(&c->leased, j);
	c->ops.lease(c->ops.arg, w, j);
}

/* Hands j to a parked worker of its kind, or queues it. */
static void enqueue(
    struct disp_core *c, struct disp_job *j, bool front, uint64_t now)
{
	struct disp_worker *w = c->parked[j->kind];
	if (w != NULL) {
		unpark(c, w);
		lease(c, j, w, now);
		return;
	}
	j->state = DISP_JS_QUEUED;
	if (front)
		jl_push_head(&c->queue[j->kind], j);
	else
		jl_push_tail(&c->queue[j->kind], j);
}

void disp_core_submit(struct disp_core *c, struct disp_job *j, uint64_t now)
{
	enqueue(c, j, false, now);
}

void disp_requeue_or_fail(struct disp_core *c, struct disp_job *j, uint64_t now,
    enum disp_cause cause, int err, const char *why)
{
	if (j->owner == NULL) {
		disp_job_free(c, j);
	} else if (j->attempts >= c->cfg.max_attempts) {
		c->ops.failed(c->ops.arg, j, err, why, now);
		disp_job_free(c, j);
	} else {
		if (c->ops.requeued != NULL)
			c->ops.requeued(c->ops.arg, j, cause);
		c->requeued++;
		enqueue(c, j, true, now);
	}
}

int disp_core_take(struct disp_core *c, enum disp_kind k, uint32_t pipe,
    const uint8_t id[16], struct disp_job **jp)
{
	struct disp_job *j = hash_find(c, id);
	*jp = NULL;
	if (j == NULL || j->kind != k || j->state != DISP_JS_LEASED ||
	    j->pipe != pipe) {
		/* unknown, already done, queued again after its lease expired
		 * or held by another connection: the job stays as it is */
		c->rejected++;
		return VP_ENOTFOUND;
	}
	jl_remove(&c->leased, j);
	if (j->owner == NULL) {
		c->duplicates++;
		disp_job_free(c, j);
		return VP_OK;
	}
	*jp = j;
	return VP_OK;
}

static bool pipe_dead(const struct disp_core *c, uint32_t pipe)
{
	/* the ring is full once n_dead has gone past its size */
	for (unsigned i = 0; i < DISP_DEAD_PIPES && i < c->n_dead; i++)
		if (c->dead_pipes[i] == pipe)
			return true;
	return false;
}

void disp_core_worker_ready(
    struct disp_core *c, struct disp_worker *w, uint64_t now)
{
	struct disp_job *j = c->queue[w->kind].head;
	if (pipe_dead(c, w->pipe)) {
		/* its connection closed meanwhile: nobody to give work to */
		c->ops.release(c->ops.arg, w);
		return;
	}
	if (j != NULL) {
		jl_remove(&c->queue[w->kind], j);
		lease(c, j, w, now);
	} else {
		park(c, w, now);
	}
}

void disp_core_pipe_gone(struct disp_core *c, uint32_t pipe, uint64_t now)
{
	struct disp_job *j;

	c->dead_pipes[c->n_dead++ % DISP_DEAD_PIPES] = pipe;
	/* Release the parked workers of the dead connection first, so that
	 * re-queued jobs cannot be handed straight back to one of them. */
	for (int k = 0; k < DISP_K__N; k++) {
		struct disp_worker *w = c->parked[k];
		while (w) {
			struct disp_worker *nx = w->pnext;
			if (w->pipe == pipe) {
				unpark(c, w);
				c->ops.release(c->ops.arg, w);
			}
			w = nx;
		}
	}
	/* A failed job may end its request, which only detaches leased jobs
	 * (never frees them), so the saved next pointer stays valid. */
	j = c->leased.head;
	while (j) {
		struct disp_job *nx = j->next;
		if (j->pipe == pipe) {
			jl_remove(&c->leased, j);
			disp_requeue_or_fail(c, j, now, DISP_CAUSE_PIPE_GONE,
			    VP_EUPSTREAM,
			    "worker connection lost on every attempt");
		}
		j = nx;
	}
}

void disp_core_tick(struct disp_core *c, uint64_t now)
{
	struct disp_job *j;

	for (int k = 0; k < DISP_K__N; k++) {
		struct disp_worker *w = c->parked[k];
		while (w) {
			struct disp_worker *nx = w->pnext;
			if (w->park_deadline <= now) {
				unpark(c, w);
				c->ops.idle(c->ops.arg, w);
			}
			w = nx;
		}
	}
	j = c->leased.head;
	while (j) {
		struct disp_job *nx = j->next;
		if (j->lease_deadline <= now && j->held) {
			/* its in-process worker still runs it and reads its
			 * message: it fails as timed out (as a worker reports
			 * a job past its budget), its late result will find
			 * no owner and be dropped */
			j->lease_deadline = UINT64_MAX;
			if (j->owner != NULL)
				c->ops.failed(c->ops.arg, j, VP_ETIMEDOUT,
				    "the job ran past its lease", now);
			j->owner = NULL;
		} else if (j->lease_deadline <= now) {
			jl_remove(&c->leased, j);
			disp_requeue_or_fail(c, j, now, DISP_CAUSE_EXPIRED,
			    VP_ETIMEDOUT, "job lease expired on every attempt");
		}
		j = nx;
	}
}

void disp_core_each_job(struct disp_core *c, const void *owner,
    void (*fn)(void *arg, struct disp_job *j), void *arg)
{
	for (int k = 0; k <= DISP_K__N; k++) {
		struct disp_jlist *l =
		    k < DISP_K__N ? &c->queue[k] : &c->leased;
		for (struct disp_job *j = l->head; j; j = j->next)
			if (j->owner == owner)
				fn(arg, j);
	}
}

void disp_core_orphan(struct disp_core *c, const void *owner)
{
	for (int k = 0; k < DISP_K__N; k++) {
		struct disp_job *j = c->queue[k].head;
		while (j) {
			struct disp_job *nx = j->next;
			if (j->owner == owner) {
				jl_remove(&c->queue[k], j);
				disp_job_free(c, j);
			}
			j = nx;
		}
	}
	for (struct disp_job *j = c->leased.head; j; j = j->next)
		if (j->owner == owner)
			j->owner = NULL;
}
