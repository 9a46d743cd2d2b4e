/* disp.h - the dispatcher: front door, orchestration, job queues and leases.
 *
 * API socket (REP): resolve.req, parse.req, check.req, stats.req from clients.
 * Work socket (REP): workers pull with worker.ready and get jobs (split.req,
 * parse.req, check.req) or idle heartbeats. See docs/DESIGN.md §3 and
 * proto/README.md.
 */
#ifndef DISP_H
#define DISP_H

#include <stddef.h>
#include <stdint.h>

#include "vp_cfg.h"
#include "vp_proto.h"

struct disp_cfg {
	const char *api_url;  /* e.g. tcp://127.0.0.1:7100 */
	const char *work_url; /* e.g. tcp://127.0.0.1:7101 */
	const char
	    *pub_url;    /* events, e.g. tcp://127.0.0.1:7102; NULL = none */
	size_t recv_max; /* NNG_OPT_RECVMAXSZ on both sockets */
	unsigned max_inflight; /* API requests in progress; beyond: busy */
	unsigned work_slots;   /* worker contexts that can be parked at once */
	unsigned queue_max;    /* queued jobs per kind; beyond: busy */
	uint32_t park_ms;      /* idle heartbeat period for parked workers */
	uint32_t lease_ms; /* lease of a job (capped by the request budget) */
	unsigned max_attempts;       /* attempts before a job fails for good */
	uint32_t default_timeout_ms; /* budget of a request that gives none */
	uint32_t max_timeout_ms;     /* cap on any request's budget */
	unsigned check_batch;        /* URLs per check job */
	size_t mem_budget; /* bytes of requests held at once; beyond: busy */
	uint32_t idle_ms;  /* API connections idle this long are closed */
	uint32_t work_idle_ms; /* work connections: after lease + park too */
};

/* Per worker kind (split, parse, check, lookup, monitor; disp_kind_name),
 * for /metrics. */
#define DISP_N_KINDS 5
struct disp_kind_gauges {
	uint64_t workers;   /* contexts connected: parked or holding a lease */
	uint64_t queued;    /* jobs waiting */
	uint64_t oldest_ms; /* age of the oldest waiting job; 0 when none */
};

/* The dispatcher's limits and how close it is to them (/metrics). */
struct disp_limits {
	uint32_t max_timeout_ms, idle_ms, work_idle_ms;
	size_t mem_budget;
	uint64_t buffered_bytes;   /* bytes of requests held now */
	uint64_t api_conns;        /* open API connections */
	uint64_t work_conns;       /* open work connections */
	uint64_t busy_memory;      /* requests refused over the memory budget */
	uint64_t deadlines_capped; /* requests whose budget was cut */
	uint64_t cancelled;        /* requests dropped: their client left */
	uint64_t idle_closed;      /* connections closed for idleness */
	uint64_t results_rejected; /* results not from the lease holder */
	struct disp_kind_gauges kinds[DISP_N_KINDS];
};

/* Fills *c with defaults (no URLs). */
void disp_cfg_default(struct disp_cfg *c);

/* The dispatcher's options, writing into a struct disp_cfg first filled by
 * disp_cfg_default (which holds the numbers); the table adds the service's
 * listen addresses. pub-listen "" means none: the caller turns it into
 * NULL. */
extern const struct vp_cfg_opt disp_cfg_opts[];
extern const size_t disp_cfg_n_opts;

struct disp;

/* Opens both sockets, listens, and starts the core thread. On success *d must
 * be released with disp_stop. Returns VP_OK or an error with a message. */
int disp_start(
    struct disp **d, const struct disp_cfg *cfg, char *err, size_t errlen);

/* Copies the current counters into *st. */
void disp_stats(struct disp *d, struct vp_stats_rep *st);

/* Copies the limits and their gauges into *l. */
void disp_limits(struct disp *d, struct disp_limits *l);

/* An in-process worker: a handler with the signature of vp_job_fn (see
 * services/worker/vp_worker.h) that fills res from job. */
typedef int (*disp_local_fn)(
    void *arg, const struct vp_msg *job, struct vp_ready *res);

/* Adds in-process workers of kind ("split", "parse", ...) to a running
 * dispatcher, for a composition that links the worker libraries into its
 * own process (embedded mode): n threads of their own take jobs of that
 * kind from the core as a worker on the work socket would, and call fn on
 * the job's message as the core holds it - no encoding, no socket, no copy
 * of the document between them. Jobs keep their leases, deadlines and
 * attempts: a job past its lease fails as timed out and is not run twice
 * (its thread still holds it; its late result is dropped). fn must keep its
 * result within the message limits (a worker on the socket is held to
 * them by the decoder; the composition wraps fn with the worker runtime's
 * vp_worker_fit). Returns VP_OK, or an error with a message. */
int disp_add_local(struct disp *d, const char *kind, unsigned n,
    disp_local_fn fn, void *arg, char *err, size_t errlen);

/* Calls the dispatcher from its own process: req (a request as a client
 * sends it; it stays the caller's) is handled as if it had arrived on the API
 * socket - same limits, budget and busy answers - and *rep receives the
 * reply (release with vp_msg_clear), which is never encoded on its way.
 * Waits for the reply, at most req's budget (or max-timeout-ms) plus 2 s.
 * Returns VP_OK (rep may be an error reply: rep->err), VP_ETIMEDOUT, or
 * VP_EINVAL / VP_ETOOLARGE for a request the decoder would refuse. */
int disp_call(struct disp *d, const struct vp_msg *req, struct vp_msg *rep);

/* The parse job that follows split job sq, whose result is res: res's
 * segments, res's doc_id when it is a BWB id (official XML: "artikel 5 van
 * deze wet" is then resolvable) and, for a text format, sq's document (the
 * parser then gives each citation's raw as written). *pq is zeroed and
 * filled with pointers BORROWED from sq and res: the caller moves them out
 * (the dispatcher) or detaches them before clearing (an in-process splitter
 * that parses its segments back to back: its result then carries the
 * citations too - an empty array for none - and the dispatcher skips the
 * parse job). */
void disp_parse_from_split(const struct vp_split_req *sq,
    const struct vp_ready *res, struct vp_parse_req *pq);

/* Closes the sockets, stops the core thread, frees everything. */
void disp_stop(struct disp *d);

/* ---- pure helpers (disp_merge.c) ---------------------------------------- */

/* Merges citations of one document in place: citations with the same family
 * and id become one entry holding all their spans (in document order); the
 * entries are ordered by their first span. Merged-away entries are freed.
 * An official URL (family url with fields points_to and points_family, see
 * prs_url.c) first becomes the source it points at, its URL kept in url and
 * in the field cited_url; merged with the same source cited as text, the
 * text's entry is kept (its fields and official url) and gains cited_url.
 * Returns VP_OK or VP_ENOMEM (then no span has moved; a URL may already
 * read as its source). */
int disp_merge_citations(struct vp_citation *cits, size_t *n);

/* Collects the distinct non-NULL urls of cits, sorted. *urls is a new array
 * of pointers INTO cits (not copies). Returns VP_OK or VP_ENOMEM. */
int disp_distinct_urls(
    const struct vp_citation *cits, size_t n, char ***urls, size_t *n_urls);

/* Attaches to every citation a deep copy of the check of its url, found in
 * checks[0..n_checks) (sorted by url). Returns VP_OK or VP_ENOMEM. */
int disp_attach_checks(struct vp_citation *cits, size_t n,
    const struct vp_check *checks, size_t n_checks);

#endif
