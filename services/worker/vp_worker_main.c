/* Shared main() of the worker services. */
#include "vp_worker_main.h"

#include "vp_admin.h"
#include "vp_err.h"
#include "vp_log.h"
#include "vp_svc.h"

#include <malloc.h>
#include <stdio.h>
#include <string.h>

struct admin_arg {
	struct vp_worker *worker;
	const char *kind;
	unsigned contexts;
};

static bool worker_ready(void *arg)
{
	struct admin_arg *a = arg;
	return a->worker != NULL && vp_worker_connections(a->worker) > 0;
}

static size_t worker_metrics(void *arg, char *buf, size_t cap)
{
	struct admin_arg *a = arg;
	int n = snprintf(buf, cap,
	    "# TYPE vp_worker_jobs_total counter\n"
	    "vp_worker_jobs_total{kind=\"%s\"} %llu\n"
	    "# TYPE vp_worker_contexts gauge\n"
	    "vp_worker_contexts{kind=\"%s\"} %u\n"
	    "# TYPE vp_worker_connections gauge\n"
	    "vp_worker_connections{kind=\"%s\"} %u\n",
	    a->kind,
	    (unsigned long long)(a->worker ? vp_worker_jobs(a->worker) : 0),
	    a->kind, a->contexts, a->kind,
	    a->worker ? vp_worker_connections(a->worker) : 0);
	return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap;
}

int vp_worker_main(const struct vp_wmain *w, int argc, char **argv)
{
	struct vp_svc_cfg svc;
	struct vp_worker_cfg wc;
	struct vp_worker *worker = NULL;
	struct vp_admin *admin = NULL;
	const struct vp_cfg_table tables[] = {
	    {vp_worker_cfg_opts, vp_worker_cfg_n_opts, &wc},
	    {w->opts, w->n_opts, w->cfg},
	};
	void *arg = NULL;
	char err[256];
	int rv;

	memset(&wc, 0, sizeof(wc));
	if ((rv = vp_svc_start(&svc, tables, w->n_opts ? 2 : 1, argc, argv,
	         NULL, 0, NULL, w->prog, w->prog, w->about)) >= 0)
		return rv;
	/* A worker handles document after document: keep freed memory in the
	 * heap rather than giving it back to the kernel and faulting it in
	 * again for the next job (glibc unmaps blocks over 128 KiB and trims
	 * the heap top by default). Bounded: at most 256 MiB kept. */
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	wc.kind = w->kind;
	wc.fn = w->fn;
	wc.inline_bytes = w->inline_bytes;
	if (w->setup != NULL &&
	    (rv = w->setup(&wc, &arg, err, sizeof(err))) != VP_OK) {
		fprintf(stderr, "%s: %s\n", w->prog, err);
		return rv == VP_EINVAL ? 2 : 1;
	}
	wc.arg = arg;
	if ((rv = vp_worker_start(&worker, &wc, err, sizeof(err))) != VP_OK) {
		fprintf(stderr, "%s: %s\n", w->prog, err);
		if (w->teardown)
			w->teardown(arg);
		return rv == VP_EINVAL ? 2 : 1;
	}
	static struct admin_arg aa;
	struct vp_admin_ops ops = {worker_ready, worker_metrics, &aa};
	aa.worker = worker;
	aa.kind = w->kind;
	aa.contexts = wc.contexts;
	if (vp_svc_admin_start(&admin, &svc, w->prog, &ops) != VP_OK) {
		vp_worker_stop(worker);
		if (w->teardown)
			w->teardown(arg);
		return 2;
	}
	VP_INFO("%s worker started: %u contexts dialing %s", w->kind,
	    wc.contexts, wc.url);
	int sig = vp_svc_wait();
	VP_INFO("stopping on signal %d after %llu jobs", sig,
	    (unsigned long long)vp_worker_jobs(worker));
	vp_admin_stop(admin);
	vp_worker_stop(worker);
	if (w->teardown)
		w->teardown(arg);
	return 0;
}
