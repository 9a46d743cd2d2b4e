/* disp_int.h - what the dispatcher's own files share: the dispatcher struct
 * (sockets in disp.c, jobs in disp_core.c, requests in disp_req.c) and the
 * calls between disp.c and the request pipeline. Not installed, not for
 * other modules. */
#ifndef DISP_INT_H
#define DISP_INT_H

#include "disp.h"
#include "disp_core.h"

#include <nng/nng.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

/* Where a resolve request is: each stage starts when the previous one has
 * no job pending. */
enum stage { ST_WORK, ST_LOOKUP, ST_CHECK };

struct api_slot;

struct request {
	struct request *next, *prev;
	struct api_slot *slot;
	enum vp_type type;
	uint8_t id[16];
	bool has_id;
	uint32_t pipe; /* the client's connection */
	size_t bytes;  /* of the request message, held against mem_budget */
	uint64_t deadline;
	bool check;
	bool lookup;
	bool archive;            /* archived copies for dead links */
	uint32_t url_timeout_ms; /* per URL of a check (0 = the fetcher's) */
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
	int what; /* EV_API, EV_WORK, EV_PIPE, EV_CONN_* */
	void *slot;
	uint32_t pipe;
	bool work; /* EV_CONN_*: a work connection */
};
/* EV_PIPE: a work connection closed; EV_CONN_*: a connection of either
 * socket opened or (API) closed, for the idle and client-gone checks */
enum { EV_API, EV_WORK, EV_PIPE, EV_CONN_ADD, EV_CONN_REM, EV_LOCAL, EV_CALL };

/* An open connection as the core thread sees it. */
struct conn {
	struct conn *next; /* hash chain */
	uint32_t pipe;
	bool work;
	uint64_t last; /* last message from it, or its opening */
};

#define DISP_CONN_HASH 1024

/* What every context slot has: one context, its aio, and the event node
 * that hands a completed receive to the core thread. */
struct slot_io {
	struct disp *d;
	nng_ctx ctx;
	nng_aio *aio;
	enum slot_state state;
	struct event ev; /* ev.what and ev.slot are set once at start */
};

struct disp_call;

struct api_slot {
	struct slot_io io;
	struct disp_call *call; /* a call from this process (disp_call): the
	                         * reply goes to it, io is unused */
};

struct work_slot {
	struct slot_io io;
	struct disp_worker w; /* pipe, kind, parking: the core's view */
};

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
	pthread_t core_thread;

	/* in-process workers (disp_local.c), a list grown by disp_add_local */
	struct local_slot *locals;
	unsigned n_locals;

	/* owned by the core thread */
	struct disp_core core;
	struct request *requests;
	unsigned n_requests;

	struct vp_limits lim; /* applied when decoding */

	/* owned by the core thread: open connections, bytes held */
	struct conn *conns[DISP_CONN_HASH];
	uint64_t buffered;
	struct disp_limits lims; /* gauges and counters; snapshot in snap_l */
	struct disp_limits snap_l;

	/* counters: st is the core thread's; snap its copy for other threads,
	 * taken under mu after every round of events */
	uint64_t start_ms;
	struct vp_stats_rep st, snap;
};

/* ---- disp.c ------------------------------------------------------------- */

/* Hands e to the core thread (any thread). */
void disp_ev_push(struct disp *d, struct event *e);

/* Answers or starts the request m (decoded, or a call from this process)
 * that came on s from connection pipe (0 for a call), bytes long. Takes
 * what it needs out of m; the caller still clears m. */
void disp_api_handle(struct disp *d, struct api_slot *s, struct vp_msg *m,
    uint32_t pipe, size_t bytes, uint64_t now);

/* Takes the result rd of job j, which a worker held under its lease: a
 * retryable job error queues j again (or fails it after its last attempt),
 * any other error fails it, a result moves its request on. Frees or keeps
 * j. Core thread. */
void disp_take_result(
    struct disp *d, struct disp_job *j, struct vp_ready *rd, uint64_t now);

/* ---- disp_local.c: in-process workers ----------------------------------- */

/* The core leased j to the in-process worker w: its thread runs it. */
void disp_local_lease(struct disp_worker *w, struct disp_job *j);

/* The in-process worker of event e (EV_LOCAL) has a result or is ready. */
void disp_local_event(struct disp *d, struct local_slot *s, uint64_t now);

/* A call from this process (EV_CALL on slot s) has arrived. */
void disp_call_event(struct disp *d, struct api_slot *s, uint64_t now);

/* Hands the reply m to the caller of the local slot s: with take, m's body
 * and err move (m is left empty); without, they are copied. */
void disp_call_reply(struct api_slot *s, struct vp_msg *m, bool take);

/* Stops the in-process workers' threads (after the core thread), each after
 * the job it runs; then frees them (after the core's jobs are freed). */
void disp_local_stop_all(struct disp *d);
void disp_local_free_all(struct disp *d);

/* ---- disp.c: replies on the API socket ---------------------------------- */

/* Sends m on s's context (m stays the caller's). */
void disp_api_reply(struct api_slot *s, const struct vp_msg *m);

/* Sends an error reply with the client's id, counting busy and bad
 * requests. */
void disp_api_reply_error(struct disp *d, struct api_slot *s, const uint8_t *id,
    bool has_id, int err, const char *msg);

/* ---- disp_req.c: the request pipeline ----------------------------------- */

/* Starts the request m received on s from connection pipe (resolve, parse,
 * check or a request routed to the lookup or monitor workers) by queueing
 * its first job, or answers at once (busy - also when bytes more would pass
 * the memory budget -, invalid, an empty check). Its budget is capped at
 * max_timeout_ms. Takes what it needs out of m; the caller still clears m. */
void disp_req_submit(struct disp *d, struct api_slot *s, struct vp_msg *m,
    uint32_t pipe, size_t bytes, uint64_t now);

/* The client on connection pipe has gone: its requests are dropped (their
 * jobs orphaned) without an answer anyone could read. */
void disp_req_client_gone(struct disp *d, uint32_t pipe);

/* True when a request of connection pipe is in progress. */
bool disp_req_of_pipe(const struct disp *d, uint32_t pipe);

/* Takes the result of job j (out of every list) from a worker's ready,
 * moving arrays out of res, and moves its request on. The caller frees j. */
void disp_req_job_done(
    struct disp *d, struct disp_job *j, struct vp_ready *res, uint64_t now);

/* Job j failed for good: checks and lookups make a partial result, anything
 * else fails its request. arg is the struct disp (a disp_core_ops.failed).
 * The caller frees j. */
void disp_req_job_failed(
    void *arg, struct disp_job *j, int err, const char *why, uint64_t now);

/* Answers every request whose deadline has passed: with what it has when it
 * has partial results, with a timeout otherwise. */
void disp_req_expire_due(struct disp *d, uint64_t now);

/* Frees every request without answering (at stop). */
void disp_req_free_all(struct disp *d);

#endif
