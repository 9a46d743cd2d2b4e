/* disp_core.h - the dispatcher's job core: per-kind queues, leases, parked
 * workers, attempts and re-queueing, as functions over C structs with `now`
 * passed in. No socket, no clock read, no nng: disp.c feeds it events and
 * carries out what it asks through the callbacks of struct disp_core_ops.
 *
 * A job handed to a worker is leased: it records the worker's connection
 * (pipe) and a deadline. When the pipe closes, the lease expires or the
 * worker reports a retryable error, the job goes back to the FRONT of its
 * queue; once it has had max_attempts it fails for good. A result counts
 * only when it comes from the connection that holds the job's lease at that
 * moment: a result for an unknown job, a job leased to another connection,
 * or one queued again after its lease expired (a slow worker finishing late)
 * is rejected and changes nothing, so two runs of one job never both count.
 * Job ids are 128 random bits (getrandom), not guessable from another. */
#ifndef DISP_CORE_H
#define DISP_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vp_proto.h"

/* Worker kinds. split/parse/check results come back as typed arrays in
 * worker.ready; lookup and monitor are pass-through kinds whose workers
 * return a whole encoded reply envelope (ready.reply). */
enum disp_kind {
	DISP_K_SPLIT,
	DISP_K_PARSE,
	DISP_K_CHECK,
	DISP_K_LOOKUP,
	DISP_K_MONITOR,
	DISP_K__N
};

/* Why a job goes back to its queue (passed to ops.requeued). */
enum disp_cause {
	DISP_CAUSE_RETRY,     /* the worker reported a retryable error */
	DISP_CAUSE_PIPE_GONE, /* the worker's connection closed */
	DISP_CAUSE_EXPIRED    /* the lease expired */
};

enum disp_jstate { DISP_JS_QUEUED, DISP_JS_LEASED };

struct disp_job {
	struct disp_job *next, *prev; /* queue or lease list */
	struct disp_job *hnext;       /* id hash chain */
	uint8_t id[16];
	enum disp_kind kind;
	enum disp_jstate state;
	unsigned attempts; /* leases handed out so far */
	uint32_t pipe;     /* leased: the worker connection holding it */
	uint64_t lease_deadline;
	uint64_t deadline; /* its request's; caps every lease */
	uint64_t created;  /* vp_now_ms() at disp_job_new (queue age) */
	void *owner;       /* its request; NULL once the request has ended */
	bool held; /* leased to an in-process worker, which reads msg until it
	            * answers: never queued again nor freed before that */
	struct vp_msg msg; /* the job request, owned */
	/* belong to the request pipeline; freed with the job */
	size_t item0;  /* check jobs: index of the first URL */
	size_t *items; /* resolve lookup jobs: indices into the citations */
	size_t n_items;
};

struct disp_jlist {
	struct disp_job *head, *tail;
	size_t n;
};

/* A worker context as the core sees it. disp.c embeds one in each of its
 * work slots; the core links it into the parked list of its kind. */
struct disp_worker {
	uint32_t pipe;
	enum disp_kind kind;
	bool local; /* in-process (disp_add_local): parked without heartbeats,
	             * its jobs held (struct disp_job.held) */
	uint64_t park_deadline;
	struct disp_worker *pnext, *pprev; /* parked list of its kind */
};

/* What the core asks its owner to do. Every callback may call back into the
 * core (a failed job can end a request, which submits or orphans jobs). */
struct disp_core_ops {
	void *arg;
	/* j was leased to w (j->msg carries attempt and timeout): send it. */
	void (*lease)(void *arg, struct disp_worker *w, struct disp_job *j);
	/* w stayed parked for park_ms: send it an idle heartbeat. */
	void (*idle)(void *arg, struct disp_worker *w);
	/* w's connection is gone: it gets nothing, re-arm its receive. */
	void (*release)(void *arg, struct disp_worker *w);
	/* j failed for good with err/why; the core frees j afterwards. */
	void (*failed)(void *arg, struct disp_job *j, int err, const char *why,
	    uint64_t now);
	/* j went back to its queue (may be NULL). */
	void (*requeued)(
	    void *arg, const struct disp_job *j, enum disp_cause cause);
};

struct disp_core_cfg {
	unsigned queue_max;    /* queued jobs per kind (disp_core_full) */
	uint32_t park_ms;      /* idle heartbeat period for parked workers */
	uint32_t lease_ms;     /* lease of a job (capped by its deadline) */
	unsigned max_attempts; /* attempts before a job fails for good */
	/* check jobs wait on their hosts' politeness and the fetcher answers
	 * within the budget it is told: lease them until the request's
	 * deadline rather than lease_ms (a dead fetcher is still noticed by
	 * its connection closing) */
	bool check_lease_to_deadline;
};

#define DISP_JOB_HASH   4096
#define DISP_DEAD_PIPES 256

struct disp_core {
	struct disp_core_cfg cfg;
	struct disp_core_ops ops;
	struct disp_jlist queue[DISP_K__N];
	struct disp_jlist leased;
	struct disp_job *hash[DISP_JOB_HASH];
	struct disp_worker *parked[DISP_K__N];
	/* Recently closed worker connections. A ready can be processed after
	 * its connection's close event; such a context must get no work. */
	uint32_t dead_pipes[DISP_DEAD_PIPES];
	unsigned n_dead;
	/* counters */
	uint64_t requeued;   /* jobs put back in their queue */
	uint64_t duplicates; /* results dropped: their request has ended */
	uint64_t rejected;   /* results refused: not leased to their sender */
	uint64_t n_parked;   /* workers parked now */
	uint64_t n_parked_kind[DISP_K__N]; /* of each kind */
};

/* Initialises *c (caller-owned memory) with cfg and ops. */
void disp_core_init(struct disp_core *c, const struct disp_core_cfg *cfg,
    const struct disp_core_ops *ops);

/* Frees every job still queued or leased. Parked workers are forgotten. */
void disp_core_clear(struct disp_core *c);

/* The kind's name on the wire ("split", ...), and back: -1 when unknown. */
const char *disp_kind_name(enum disp_kind k);
int disp_kind_parse(const char *name);

/* Creates a job of kind k carrying a message of type t for owner, whose
 * deadline caps its leases, under a new random id. On success the job owns
 * body (a struct of t's body type) and *jp is set; on VP_ENOMEM or VP_EIO
 * (no randomness) the caller still owns body. The job is known by id but not
 * queued until disp_core_submit. */
int disp_job_new(struct disp_job **jp, struct disp_core *c, enum disp_kind k,
    enum vp_type t, void *body, void *owner, uint64_t deadline);

/* Frees a job that is in no list (NULL is a no-op). */
void disp_job_free(struct disp_core *c, struct disp_job *j);

/* True when kind k's queue holds queue_max jobs: new requests get "busy". */
bool disp_core_full(const struct disp_core *c, enum disp_kind k);

/* Hands j to a parked worker of its kind (ops.lease), or queues it last. */
void disp_core_submit(struct disp_core *c, struct disp_job *j, uint64_t now);

/* Puts j (in no list) back at the front of its queue or, once it has had
 * max_attempts, fails it with err/why (ops.failed) and frees it. A job whose
 * request has ended is freed silently. The one place a job is retried. */
void disp_requeue_or_fail(struct disp_core *c, struct disp_job *j, uint64_t now,
    enum disp_cause cause, int err, const char *why);

/* Takes the result a worker of kind k reported for job id over connection
 * pipe. Only the connection holding the job's lease may report it: anything
 * else (no such job, another kind, a queued job, another connection) returns
 * VP_ENOTFOUND, changes nothing and is counted as rejected. Otherwise
 * returns VP_OK with the job out of every list in *jp, which the caller must
 * complete and free with disp_job_free (or pass to disp_requeue_or_fail);
 * *jp is NULL when the job's request has ended (the job is freed and counted
 * as a duplicate). */
int disp_core_take(struct disp_core *c, enum disp_kind k, uint32_t pipe,
    const uint8_t id[16], struct disp_job **jp);

/* Worker w (pipe and kind set) asks for work: it gets the head of its
 * kind's queue (ops.lease) or is parked until now + park_ms. A worker whose
 * connection has closed meanwhile is released (ops.release). */
void disp_core_worker_ready(
    struct disp_core *c, struct disp_worker *w, uint64_t now);

/* A worker connection closed: its parked workers are released, then its
 * leased jobs re-queued or failed (VP_EUPSTREAM). */
void disp_core_pipe_gone(struct disp_core *c, uint32_t pipe, uint64_t now);

/* Time-driven work: parked workers past park_ms get an idle heartbeat, then
 * leases past their deadline are re-queued or failed (VP_ETIMEDOUT). */
void disp_core_tick(struct disp_core *c, uint64_t now);

/* Calls fn for every job of owner: the queues in kind order, then the
 * leases. fn must not free or move jobs. */
void disp_core_each_job(struct disp_core *c, const void *owner,
    void (*fn)(void *arg, struct disp_job *j), void *arg);

/* Detaches every job of owner: queued ones are freed, leased ones stay until
 * their result or lease expiry and are then dropped. */
void disp_core_orphan(struct disp_core *c, const void *owner);

/* Jobs queued over all kinds. */
size_t disp_core_queued(const struct disp_core *c);

#endif
