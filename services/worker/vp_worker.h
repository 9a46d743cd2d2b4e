/* vp_worker.h - the pull side of docs/DESIGN.md §3, shared by every worker
 * service.
 *
 * A worker opens one REQ socket dialing the dispatcher's work socket and runs
 * K contexts, each on its own thread: send worker.ready (carrying the previous
 * job's result), wait for a job or an idle heartbeat, run the handler, repeat.
 * A result is sent again until the dispatcher has answered the ready that
 * carried it (the dispatcher drops duplicates), so a lost reply loses no work.
 */
#ifndef VP_WORKER_H
#define VP_WORKER_H

#include <stddef.h>
#include <stdint.h>

#include "vp_cfg.h"
#include "vp_proto.h"

/* Runs one job. job is the decoded request (split.req, parse.req or
 * check.req; job->timeout_ms is the budget: the job's lease). The runtime
 * runs each job on a thread of its own and reports a job still running near
 * the end of its budget as a timeout, abandoning its thread (which frees
 * what it has when it ends), so a slow job is not leased to a second worker
 * while the first still runs it. The handler fills res
 * (segments, citations or checks, errors, format) with memory it allocates;
 * the runtime frees it. Returning an error instead reports job_err: the
 * handler may fill res->job_err itself with a precise message, else the
 * runtime builds one from the code. Called concurrently from the context
 * threads. */
typedef int (*vp_job_fn)(
    void *arg, const struct vp_msg *job, struct vp_ready *res);

struct vp_worker_cfg {
	const char *url;   /* dispatcher work socket */
	const char *kind;  /* "split", "parse" or "check" */
	const char *name;  /* worker name for logs (default kind@pid) */
	unsigned contexts; /* K parallel contexts (threads), >= 1 */
	size_t recv_max;   /* NNG_OPT_RECVMAXSZ */
	uint32_t park_ms;  /* how long the dispatcher may park a ready */
	uint32_t delay_ms; /* fault-injection: sleep before each job (tests) */
	/* jobs whose input (vp_job_input_bytes) is at most this many bytes run
	 * on the context's own thread, without the runner's two hand-offs;
	 * only for handlers that are linear in their input (split, parse), so
	 * that such a job ends far within any lease. 0 = every job on the
	 * runner. */
	size_t inline_bytes;
	vp_job_fn fn;
	void *arg;
};

/* The options of a worker process (dispatcher, contexts, recv-max,
 * park-ms, delay-ms, name), writing into struct vp_worker_cfg; kind, fn and
 * arg are the program's. Defaults: VP_MSG_MAX_BYTES, VP_PARK_MS. */
extern const struct vp_cfg_opt vp_worker_cfg_opts[];
extern const size_t vp_worker_cfg_n_opts;

struct vp_worker;

/* Starts the worker: opens the socket, dials (non-blocking, retried in the
 * background) and starts the context threads. On success *w must be released
 * with vp_worker_stop. Returns VP_OK, VP_EINVAL (bad cfg; message in err) or
 * a mapped nng error. */
int vp_worker_start(struct vp_worker **w, const struct vp_worker_cfg *cfg,
    char *err, size_t errlen);

/* Number of jobs this worker has completed. */
uint64_t vp_worker_jobs(const struct vp_worker *w);

/* Number of live connections to the dispatcher (0 while it is unreachable). */
unsigned vp_worker_connections(const struct vp_worker *w);

/* The bytes of document a job carries: a split job's document, a parse
 * job's text, segment texts and document; 0 for other jobs. Counts at
 * least up to stop_at (it may stop adding there). */
size_t vp_job_input_bytes(const struct vp_msg *job, size_t stop_at);

/* Below this many bytes of input, a split or parse result stays far within
 * the message limits and such a job ends within milliseconds (both are
 * linear in their input): the in-process composition does not measure its
 * result, and the splitter and parser services run it without a runner. */
#define VP_WORKER_SMALL_JOB 65536

/* Holds the result res of a job of kind to the message limits as a worker
 * on the socket is held: a result over them loses the second half of its
 * largest array until it fits, with a per-item too_large error, or becomes
 * a too_large job error. For handlers run in-process (disp_add_local),
 * whose results are never encoded on their way. Costs one encode. Returns
 * VP_OK or an encoding error (a result that breaks the schema). */
int vp_worker_fit(const char *kind, struct vp_ready *res);

/* Closes the socket (in-flight jobs finish but their results are dropped),
 * joins the threads, waits for abandoned jobs to end and frees w. */
void vp_worker_stop(struct vp_worker *w);

#endif
