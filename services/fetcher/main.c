/* vp-fetcher: the fetcher service. One fetch engine (a libcurl multi thread)
 * shared by two workers in one process: kind "check" (URL checks) and kind
 * "lookup" (KOOP SRU / Tweede Kamer OData lookups). Own main rather than
 * vp_worker_main, which runs one worker per process; the same option tables
 * (worker, fetch engine, service) all the same. */
#include "fetch.h"
#include "fetch_svc.h"
#include "vp_err.h"
#include "vp_log.h"
#include "vp_svc.h"
#include "vp_worker.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* What only this program has: the lookup worker's size (the worker table's
 * "contexts" is the check worker's). */
struct fetcher_cfg {
	unsigned lookup_contexts;
};

static const struct vp_cfg_opt fetcher_opts[] = {
    VP_OPT_UINT("lookup-contexts",
        VP_CFG_AT(struct fetcher_cfg, lookup_contexts), "2", 1, 1024,
        "lookup jobs this process works on at once"),
};

struct workers {
	struct vp_worker *check, *lookup;
	unsigned contexts;
};

/* Ready = both workers reach the dispatcher. */
static bool fetcher_ready(void *arg)
{
	const struct workers *w = arg;
	return vp_worker_connections(w->check) > 0 &&
	       vp_worker_connections(w->lookup) > 0;
}

static size_t fetcher_metrics(void *arg, char *buf, size_t cap)
{
	const struct workers *w = arg;
	int n = snprintf(buf, cap,
	    "# TYPE vp_worker_jobs_total counter\n"
	    "vp_worker_jobs_total{kind=\"check\"} %llu\n"
	    "vp_worker_jobs_total{kind=\"lookup\"} %llu\n"
	    "# TYPE vp_worker_contexts gauge\n"
	    "vp_worker_contexts{kind=\"check\"} %u\n"
	    "# TYPE vp_worker_connections gauge\n"
	    "vp_worker_connections{kind=\"check\"} %u\n"
	    "vp_worker_connections{kind=\"lookup\"} %u\n",
	    (unsigned long long)vp_worker_jobs(w->check),
	    (unsigned long long)vp_worker_jobs(w->lookup), w->contexts,
	    vp_worker_connections(w->check), vp_worker_connections(w->lookup));
	if (n < 0)
		return 0;
	if ((size_t)n >= cap)
		return cap;
	return (size_t)n + fetch_svc_metrics(buf + n, cap - (size_t)n);
}

static int start_worker(struct vp_worker **w, const struct vp_worker_cfg *wc)
{
	char err[256];
	int rv = vp_worker_start(w, wc, err, sizeof(err));
	if (rv != VP_OK)
		fprintf(stderr, "vp-fetcher: %s worker: %s\n", wc->kind, err);
	return rv;
}

int main(int argc, char **argv)
{
	struct vp_svc_cfg svc;
	struct vp_worker_cfg wc, lc;
	struct fetcher_cfg fc;
	struct fetch_opts o;
	struct fetch_engine *e = NULL;
	struct workers ws = {NULL, NULL, 0};
	struct vp_admin *admin = NULL;
	const struct vp_cfg_table tables[] = {
	    {vp_worker_cfg_opts, vp_worker_cfg_n_opts, &wc},
	    {fetcher_opts, sizeof(fetcher_opts) / sizeof(fetcher_opts[0]), &fc},
	    {fetch_cfg_opts, fetch_cfg_n_opts, &o},
	};
	int rv;

	memset(&wc, 0, sizeof(wc));
	memset(&fc, 0, sizeof(fc));
	fetch_opts_default(&o);
	if ((rv = vp_svc_start(&svc, tables, sizeof(tables) / sizeof(tables[0]),
	         argc, argv, NULL, 0, NULL, "vp-fetcher", "vp-fetcher",
	         "Checks cited URLs (http/https only, SSRF guard on) and looks "
	         "citations up online; pulls check and lookup jobs from the "
	         "dispatcher.")) >= 0)
		return rv;

	if ((rv = fetch_engine_start(&e, &o)) != VP_OK) {
		fprintf(stderr,
		    "vp-fetcher: cannot start the fetch engine: %s%s\n",
		    vp_strerror(rv),
		    rv == VP_EINVAL ? " (check VP_FETCH_ALLOW)" : "");
		return rv == VP_EINVAL ? 2 : 1;
	}
	wc.kind = "check";
	wc.fn = fetch_job;
	wc.arg = e;
	lc = wc;
	lc.kind = "lookup";
	lc.contexts = fc.lookup_contexts;
	lc.fn = fetch_lookup_job;
	if ((rv = start_worker(&ws.check, &wc)) != VP_OK ||
	    (rv = start_worker(&ws.lookup, &lc)) != VP_OK) {
		vp_worker_stop(ws.check);
		fetch_engine_stop(e);
		return rv == VP_EINVAL ? 2 : 1;
	}
	ws.contexts = wc.contexts;
	struct vp_admin_ops ops = {fetcher_ready, fetcher_metrics, &ws};
	if (vp_svc_admin_start(&admin, &svc, "vp-fetcher", &ops) != VP_OK) {
		vp_worker_stop(ws.check);
		vp_worker_stop(ws.lookup);
		fetch_engine_stop(e);
		return 2;
	}
	VP_INFO("check and lookup workers started: %u + %u contexts dialing %s",
	    wc.contexts, lc.contexts, wc.url);
	int sig = vp_svc_wait();
	VP_INFO("stopping on signal %d after %llu check and %llu lookup jobs",
	    sig, (unsigned long long)vp_worker_jobs(ws.check),
	    (unsigned long long)vp_worker_jobs(ws.lookup));
	vp_admin_stop(admin);
	vp_worker_stop(ws.check);
	vp_worker_stop(ws.lookup);
	fetch_engine_stop(e);
	return 0;
}
