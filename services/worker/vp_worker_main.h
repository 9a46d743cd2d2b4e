/* vp_worker_main.h - the main() of a worker service: configuration from the
 * environment and flags (validated; exit 2 on a bad value), signals, the pull
 * loop, clean shutdown. Each worker binary passes its kind and handler. */
#ifndef VP_WORKER_MAIN_H
#define VP_WORKER_MAIN_H

#include <stdint.h>

#include "vp_worker.h"

/* Settings of every worker service; the fetch_* ones only for vp-fetcher. */
struct vp_wmain_cfg {
	const char *dispatcher;
	uint64_t contexts;
	uint64_t recv_max;
	uint64_t delay_ms;
	uint64_t park_ms;
	const char *log_level;
	const char *name;
	const char *admin_listen;
	int health_check;
	int help;
	const char *fetch_allow;
	uint64_t fetch_max_parallel;
	uint64_t fetch_host_conns;
};

struct vp_wmain {
	const char *prog;  /* "vp-parser" */
	const char *kind;  /* "parse" */
	const char *about; /* one line for --help */
	int with_fetch_opts;
	/* optional: called after configuration, before the loop; sets *arg
	 * for the handler. Returns VP_OK or an error with a message. */
	int (*setup)(const struct vp_wmain_cfg *cfg, void **arg, char *err,
	    size_t errlen);
	void (*teardown)(void *arg);
	vp_job_fn fn;
};

/* Runs the worker until SIGINT/SIGTERM. Returns the process exit status. */
int vp_worker_main(const struct vp_wmain *w, int argc, char **argv);

#endif
