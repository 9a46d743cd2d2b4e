/* vp_worker_main.h - the main() of a worker service: configuration from the
 * environment and flags (validated; exit 2 on a bad value), signals, the pull
 * loop, the admin endpoint, clean shutdown. Each worker binary passes its
 * kind and handler. */
#ifndef VP_WORKER_MAIN_H
#define VP_WORKER_MAIN_H

#include <stdint.h>

#include "vp_cfg.h"
#include "vp_worker.h"

struct vp_wmain {
	const char *prog;  /* "vp-parser" */
	const char *kind;  /* "parse" */
	const char *about; /* one line for --help */
	/* optional: the program's own option table and the struct it fills
	 * (read by setup) */
	const struct vp_cfg_opt *opts;
	size_t n_opts;
	void *cfg;
	/* optional: called after configuration, before the loop; sets *arg
	 * for the handler. Returns VP_OK or an error with a message. */
	int (*setup)(const struct vp_worker_cfg *cfg, void **arg, char *err,
	    size_t errlen);
	void (*teardown)(void *arg);
	vp_job_fn fn;
	size_t inline_bytes; /* struct vp_worker_cfg's */
};

/* Runs the worker until SIGINT/SIGTERM. Returns the process exit status. */
int vp_worker_main(const struct vp_wmain *w, int argc, char **argv);

#endif
