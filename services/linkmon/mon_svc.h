/* mon_svc.h - the link monitor service: a worker of kind "monitor" that
 * answers watch.* / report.* / history.* requests from its store, and a
 * client of the same dispatcher that re-checks due sources (mon_tick) and
 * publishes link.changed events. Time comes from a clock function it is
 * given, so tests drive it with a fake clock. */
#ifndef MON_SVC_H
#define MON_SVC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mon.h"
#include "vp_cfg.h"

/* Current time in Unix seconds. */
typedef int64_t (*mon_clock_fn)(void *arg);

/* Called after each check is committed (crash tests log the row ids). */
typedef void (*mon_commit_fn)(void *arg, int64_t check_id, const char *url);

struct mon_cfg {
	const char *db;       /* store: SQLite file or PostgreSQL conninfo */
	const char *api_url;  /* dispatcher API (checks, events) */
	const char *work_url; /* dispatcher work socket; NULL = no worker */
	unsigned contexts;    /* worker contexts (default 2) */
	size_t recv_max;      /* 0 = 80 MiB */
	uint32_t park_ms;     /* dispatcher park time (0 = default) */
	struct mon_policy policy;
	size_t batch;              /* sources checked per tick (64) */
	size_t per_host;           /* at most this many per host per tick (4) */
	uint32_t check_timeout_ms; /* budget of one batch (120000) */
	bool archive;              /* fetch archived copies of dead sources */
	int64_t respread;          /* at start, spread overdue sources over
	                              this many seconds (0 = no) */
	uint32_t tick_ms;          /* background loop period; 0 = no loop */
	mon_clock_fn clock;        /* NULL = the system clock */
	void *clock_arg;
	mon_commit_fn on_commit;
	mon_commit_fn on_publish; /* after each link.changed is published,
	                             before it leaves the outbox (tests) */
	void *commit_arg;         /* for both */
};

struct mon;

/* Fills cfg with the defaults (policy from mon_policy_default). */
void mon_cfg_default(struct mon_cfg *cfg);

/* The link monitor's options, writing into a struct mon_cfg first filled by
 * mon_cfg_default (which holds the numbers); the table adds the service's
 * store, addresses and loop period. */
extern const struct vp_cfg_opt mon_cfg_opts[];
extern const size_t mon_cfg_n_opts;

/* Opens (and migrates) the store, the dispatcher client, the worker (when
 * work_url is set) and the loop thread (when tick_ms > 0). Returns VP_OK or
 * an error with a message in err; *m is released with mon_stop. */
int mon_start(
    struct mon **m, const struct mon_cfg *cfg, char *err, size_t errlen);

/* One round: claims the sources due now, checks them through the
 * dispatcher, stores each result with its outcome and publishes an event
 * per transition. *checked = results stored (may be NULL). Safe alongside
 * the worker threads; not re-entrant with itself. */
int mon_tick(struct mon *m, size_t *checked);

/* The worker handler (kind "monitor"): answers watch.add.req,
 * watch.list.req, watch.remove.req, report.req, history.req. */
int mon_handle(void *arg, const struct vp_msg *job, struct vp_ready *res);

/* For the admin endpoint (any thread): connections of the worker to the
 * dispatcher (0 without a worker), requests answered, checks stored since
 * the start. */
unsigned mon_connections(const struct mon *m);
uint64_t mon_requests(const struct mon *m);
uint64_t mon_checks_stored(const struct mon *m);
/* Seconds the most overdue source of the last batch waited past its due
 * time (0: nothing was late), and batches whose check failed. */
int64_t mon_due_lag(const struct mon *m);
uint64_t mon_tick_failures(const struct mon *m);

/* The store, for tests (use under no concurrent tick). */
struct mon_store *mon_store_of(struct mon *m);

/* Stops the loop and the worker, closes client and store, frees m. */
void mon_stop(struct mon *m);

#endif
