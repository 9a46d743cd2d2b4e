/* Shared main() of the worker services. */
#include "vp_worker_main.h"

#include "vp_admin.h"
#include "vp_cfg.h"
#include "vp_err.h"
#include "vp_log.h"

#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define O(m) offsetof(struct vp_wmain_cfg, m)
static const struct vp_cfg_opt common_opts[] = {
    {"dispatcher", VP_CFG_URL, "tcp://127.0.0.1:7101", 0, 0, NULL,
        O(dispatcher), "dispatcher work socket to dial", 0},
    {"contexts", VP_CFG_UINT, "4", 1, 1024, NULL, O(contexts),
        "jobs this process works on at once", 0},
    {"recv-max", VP_CFG_UINT, "83886080", 1024, 1073741824, NULL, O(recv_max),
        "largest message accepted, bytes", 0},
    {"delay-ms", VP_CFG_UINT, "0", 0, 600000, NULL, O(delay_ms),
        "fault injection for tests: sleep before every job", 0},
    {"park-ms", VP_CFG_UINT, "5000", 10, 600000, NULL, O(park_ms),
        "the dispatcher's idle heartbeat period (same VP_PARK_MS)", 0},
    {"log-level", VP_CFG_CHOICE, "info", 0, 0, "debug|info|warn|error|off",
        O(log_level), "log level (JSON lines on stderr)", 0},
    {"name", VP_CFG_STR, NULL, 0, 0, NULL, O(name),
        "worker name in logs (default kind@pid)", 0},
    {"admin-listen", VP_CFG_STR, "", 0, 0, NULL, O(admin_listen),
        "internal admin endpoint (/healthz /readyz /metrics), e.g. "
        "http://127.0.0.1:9101; empty = none",
        0},
    {"health-check", VP_CFG_BOOL, "0", 0, 0, NULL, O(health_check),
        "probe the admin endpoint's /readyz and exit 0 (ready) or 1", 0},
    {"help", VP_CFG_BOOL, "0", 0, 0, NULL, O(help), "show this help", 'h'},
};
static const struct vp_cfg_opt fetch_opts[] = {
    {"fetch-allow", VP_CFG_STR, NULL, 0, 0, NULL, O(fetch_allow),
        "SSRF allow list: addresses/CIDRs the fetcher may reach although "
        "private (tests only)",
        0},
    {"fetch-max-parallel", VP_CFG_UINT, "256", 1, 100000, NULL,
        O(fetch_max_parallel), "transfers in flight", 0},
    {"fetch-host-conns", VP_CFG_UINT, "8", 1, 1000, NULL, O(fetch_host_conns),
        "connections per host", 0},
};
#define N_COMMON (sizeof(common_opts) / sizeof(common_opts[0]))
#define N_FETCH  (sizeof(fetch_opts) / sizeof(fetch_opts[0]))

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

static volatile sig_atomic_t stop_signal;
static void on_signal(int sig)
{
	stop_signal = sig;
}

int vp_worker_main(const struct vp_wmain *w, int argc, char **argv)
{
	struct vp_cfg_opt opts[N_COMMON + N_FETCH];
	size_t n = N_COMMON;
	struct vp_wmain_cfg cfg;
	struct vp_worker_cfg wc;
	struct vp_worker *worker = NULL;
	struct vp_admin *admin = NULL;
	void *arg = NULL;
	char err[256];
	int rv;

	memcpy(opts, common_opts, sizeof(common_opts));
	if (w->with_fetch_opts) {
		memcpy(opts + n, fetch_opts, sizeof(fetch_opts));
		n += N_FETCH;
	}
	memset(&cfg, 0, sizeof(cfg));
	if ((rv = vp_cfg_main(opts, n, &cfg, argc, argv, NULL, 0, NULL, w->prog,
	         w->about)) >= 0)
		return rv;
	if (cfg.health_check)
		return vp_admin_health_check(w->prog, cfg.admin_listen);
	vp_log_init(w->prog, vp_log_level_parse(cfg.log_level));
	/* A worker handles document after document: keep freed memory in the
	 * heap rather than giving it back to the kernel and faulting it in
	 * again for the next job (glibc unmaps blocks over 128 KiB and trims
	 * the heap top by default). Bounded: at most 256 MiB kept. */
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (w->setup != NULL &&
	    (rv = w->setup(&cfg, &arg, err, sizeof(err))) != VP_OK) {
		fprintf(stderr, "%s: %s\n", w->prog, err);
		return rv == VP_EINVAL ? 2 : 1;
	}
	memset(&wc, 0, sizeof(wc));
	wc.url = cfg.dispatcher;
	wc.kind = w->kind;
	wc.name = cfg.name;
	wc.contexts = (unsigned)cfg.contexts;
	wc.recv_max = (size_t)cfg.recv_max;
	wc.park_ms = (uint32_t)cfg.park_ms;
	wc.delay_ms = (uint32_t)cfg.delay_ms;
	wc.fn = w->fn;
	wc.arg = arg;
	if ((rv = vp_worker_start(&worker, &wc, err, sizeof(err))) != VP_OK) {
		fprintf(stderr, "%s: %s\n", w->prog, err);
		if (w->teardown)
			w->teardown(arg);
		return rv == VP_EINVAL ? 2 : 1;
	}
	if (cfg.admin_listen != NULL && cfg.admin_listen[0] != '\0') {
		static struct admin_arg aa;
		struct vp_admin_ops ops = {worker_ready, worker_metrics, &aa};
		aa.worker = worker;
		aa.kind = w->kind;
		aa.contexts = wc.contexts;
		if (vp_admin_start(&admin, cfg.admin_listen, w->prog, &ops, err,
		        sizeof(err)) != VP_OK) {
			fprintf(stderr, "%s: %s\n", w->prog, err);
			vp_worker_stop(worker);
			if (w->teardown)
				w->teardown(arg);
			return 2;
		}
	}
	VP_INFO("%s worker started: %u contexts dialing %s", w->kind,
	    wc.contexts, wc.url);
	while (!stop_signal)
		pause();
	VP_INFO("stopping on signal %d after %llu jobs", (int)stop_signal,
	    (unsigned long long)vp_worker_jobs(worker));
	vp_admin_stop(admin);
	vp_worker_stop(worker);
	if (w->teardown)
		w->teardown(arg);
	return 0;
}
