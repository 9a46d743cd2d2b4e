/* vp-dispatcher: the front door (API socket) and the job queues workers pull
 * from (work socket). */
#include "disp.h"
#include "vp_admin.h"
#include "vp_cfg.h"
#include "vp_err.h"
#include "vp_log.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct main_cfg {
	const char *api;
	const char *work;
	const char *pub;
	uint64_t recv_max, max_inflight, work_slots, queue_max, park_ms,
	    lease_ms, max_attempts, timeout_ms, check_batch;
	const char *log_level;
	const char *admin;
	int health_check;
	int help;
};

#define O(m) offsetof(struct main_cfg, m)
static const struct vp_cfg_opt opts[] = {
    {"api-listen", VP_CFG_URL, "tcp://0.0.0.0:7100", 0, 0, NULL, O(api),
        "API socket (clients)", 0},
    {"work-listen", VP_CFG_URL, "tcp://0.0.0.0:7101", 0, 0, NULL, O(work),
        "work socket (workers dial in and pull)", 0},
    {"pub-listen", VP_CFG_STR, "tcp://0.0.0.0:7102", 0, 0, NULL, O(pub),
        "event socket (PUB: link.changed, ...); empty = none", 0},
    {"recv-max", VP_CFG_UINT, "83886080", 1024, 1073741824, NULL, O(recv_max),
        "largest message accepted, bytes", 0},
    {"max-inflight", VP_CFG_UINT, "256", 1, 100000, NULL, O(max_inflight),
        "requests in progress; beyond: busy", 0},
    {"work-slots", VP_CFG_UINT, "512", 1, 100000, NULL, O(work_slots),
        "worker contexts that can wait for work at once", 0},
    {"queue-max", VP_CFG_UINT, "10000", 1, 10000000, NULL, O(queue_max),
        "queued jobs per kind; beyond: busy", 0},
    {"park-ms", VP_CFG_UINT, "5000", 10, 600000, NULL, O(park_ms),
        "idle heartbeat period for waiting workers", 0},
    {"lease-ms", VP_CFG_UINT, "60000", 10, 86400000, NULL, O(lease_ms),
        "job lease; an unanswered job is re-queued after it", 0},
    {"max-attempts", VP_CFG_UINT, "3", 1, 100, NULL, O(max_attempts),
        "attempts before a job fails for good", 0},
    {"default-timeout-ms", VP_CFG_UINT, "120000", 100, 86400000, NULL,
        O(timeout_ms), "budget of a request that sets none", 0},
    {"check-batch", VP_CFG_UINT, "32", 1, 10000, NULL, O(check_batch),
        "URLs per check job", 0},
    {"log-level", VP_CFG_CHOICE, "info", 0, 0, "debug|info|warn|error|off",
        O(log_level), "log level (JSON lines on stderr)", 0},
    {"admin-listen", VP_CFG_STR, "", 0, 0, NULL, O(admin),
        "internal admin endpoint (/healthz /readyz /metrics), e.g. "
        "http://127.0.0.1:9100; empty = none",
        0},
    {"health-check", VP_CFG_BOOL, "0", 0, 0, NULL, O(health_check),
        "probe the admin endpoint's /readyz and exit 0 (ready) or 1", 0},
    {"help", VP_CFG_BOOL, "0", 0, 0, NULL, O(help), "show this help", 'h'},
};
#define N_OPTS (sizeof(opts) / sizeof(opts[0]))

static size_t disp_metrics(void *arg, char *buf, size_t cap)
{
	struct vp_stats_rep st;
	int n;
	disp_stats(arg, &st);
	n = snprintf(buf, cap,
	    "# TYPE vp_dispatcher_requests_total counter\n"
	    "vp_dispatcher_requests_total %llu\n"
	    "# TYPE vp_dispatcher_bad_requests_total counter\n"
	    "vp_dispatcher_bad_requests_total %llu\n"
	    "# TYPE vp_dispatcher_busy_total counter\n"
	    "vp_dispatcher_busy_total %llu\n"
	    "# TYPE vp_dispatcher_jobs_done_total counter\n"
	    "vp_dispatcher_jobs_done_total %llu\n"
	    "# TYPE vp_dispatcher_jobs_requeued_total counter\n"
	    "vp_dispatcher_jobs_requeued_total %llu\n"
	    "# TYPE vp_dispatcher_jobs_failed_total counter\n"
	    "vp_dispatcher_jobs_failed_total %llu\n"
	    "# TYPE vp_dispatcher_duplicates_dropped_total counter\n"
	    "vp_dispatcher_duplicates_dropped_total %llu\n"
	    "# TYPE vp_dispatcher_events_total counter\n"
	    "vp_dispatcher_events_total %llu\n"
	    "# TYPE vp_dispatcher_jobs_queued gauge\n"
	    "vp_dispatcher_jobs_queued %llu\n"
	    "# TYPE vp_dispatcher_jobs_leased gauge\n"
	    "vp_dispatcher_jobs_leased %llu\n"
	    "# TYPE vp_dispatcher_workers_parked gauge\n"
	    "vp_dispatcher_workers_parked %llu\n",
	    (unsigned long long)st.requests,
	    (unsigned long long)st.bad_requests, (unsigned long long)st.busy,
	    (unsigned long long)st.jobs_done,
	    (unsigned long long)st.jobs_requeued,
	    (unsigned long long)st.jobs_failed,
	    (unsigned long long)st.duplicates_dropped,
	    (unsigned long long)st.events, (unsigned long long)st.queued,
	    (unsigned long long)st.leased,
	    (unsigned long long)st.workers_parked);
	return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap;
}

static volatile sig_atomic_t stop_signal;
static void on_signal(int sig)
{
	stop_signal = sig;
}

int main(int argc, char **argv)
{
	struct main_cfg c;
	struct disp_cfg dc;
	struct disp *d;
	struct vp_admin *admin = NULL;
	char err[256];
	int rv;

	memset(&c, 0, sizeof(c));
	if ((rv = vp_cfg_main(opts, N_OPTS, &c, argc, argv, NULL, 0, NULL,
	         "vp-dispatcher",
	         "Front door of Vindplaats: API requests in, jobs out to the "
	         "workers that pull them.")) >= 0)
		return rv;
	if (c.health_check)
		return vp_admin_health_check("vp-dispatcher", c.admin);
	vp_log_init("vp-dispatcher", vp_log_level_parse(c.log_level));
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	disp_cfg_default(&dc);
	dc.api_url = c.api;
	dc.work_url = c.work;
	dc.pub_url = c.pub != NULL && c.pub[0] != '\0' ? c.pub : NULL;
	dc.recv_max = (size_t)c.recv_max;
	dc.max_inflight = (unsigned)c.max_inflight;
	dc.work_slots = (unsigned)c.work_slots;
	dc.queue_max = (unsigned)c.queue_max;
	dc.park_ms = (uint32_t)c.park_ms;
	dc.lease_ms = (uint32_t)c.lease_ms;
	dc.max_attempts = (unsigned)c.max_attempts;
	dc.default_timeout_ms = (uint32_t)c.timeout_ms;
	dc.check_batch = (unsigned)c.check_batch;
	if (disp_start(&d, &dc, err, sizeof(err)) != VP_OK) {
		fprintf(stderr, "vp-dispatcher: %s\n", err);
		return 1;
	}
	if (c.admin != NULL && c.admin[0] != '\0') {
		struct vp_admin_ops ops = {NULL, disp_metrics, d};
		if (vp_admin_start(&admin, c.admin, "vp-dispatcher", &ops, err,
		        sizeof(err)) != VP_OK) {
			fprintf(stderr, "vp-dispatcher: %s\n", err);
			disp_stop(d);
			return 2;
		}
	}
	VP_INFO("listening: api %s, work %s", c.api, c.work);
	while (!stop_signal)
		pause();
	VP_INFO("stopping on signal %d", (int)stop_signal);
	vp_admin_stop(admin);
	disp_stop(d);
	return 0;
}
