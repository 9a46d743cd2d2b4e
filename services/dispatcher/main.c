/* vp-dispatcher: the front door (API socket) and the job queues workers pull
 * from (work socket). */
#include "disp.h"
#include "vp_err.h"
#include "vp_log.h"
#include "vp_svc.h"

#include <stdio.h>
#include <string.h>

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
	if (n < 0 || (size_t)n >= cap)
		return n < 0 ? 0 : cap;
	{
		struct disp_limits l;
		size_t k = (size_t)n;
		int m;
		disp_limits(arg, &l);
		m = snprintf(buf + k, cap - k,
		    "# TYPE vp_dispatcher_max_timeout_ms gauge\n"
		    "vp_dispatcher_max_timeout_ms %u\n"
		    "# TYPE vp_dispatcher_memory_budget_bytes gauge\n"
		    "vp_dispatcher_memory_budget_bytes %llu\n"
		    "# TYPE vp_dispatcher_buffered_bytes gauge\n"
		    "vp_dispatcher_buffered_bytes %llu\n"
		    "# TYPE vp_dispatcher_idle_ms gauge\n"
		    "vp_dispatcher_idle_ms %u\n"
		    "# TYPE vp_dispatcher_work_idle_ms gauge\n"
		    "vp_dispatcher_work_idle_ms %u\n"
		    "# TYPE vp_dispatcher_connections gauge\n"
		    "vp_dispatcher_connections{socket=\"api\"} %llu\n"
		    "vp_dispatcher_connections{socket=\"work\"} %llu\n"
		    "# TYPE vp_dispatcher_busy_memory_total counter\n"
		    "vp_dispatcher_busy_memory_total %llu\n"
		    "# TYPE vp_dispatcher_deadlines_capped_total counter\n"
		    "vp_dispatcher_deadlines_capped_total %llu\n"
		    "# TYPE vp_dispatcher_cancelled_total counter\n"
		    "vp_dispatcher_cancelled_total %llu\n"
		    "# TYPE vp_dispatcher_idle_closed_total counter\n"
		    "vp_dispatcher_idle_closed_total %llu\n"
		    "# TYPE vp_dispatcher_results_rejected_total counter\n"
		    "vp_dispatcher_results_rejected_total %llu\n",
		    l.max_timeout_ms, (unsigned long long)l.mem_budget,
		    (unsigned long long)l.buffered_bytes, l.idle_ms,
		    l.work_idle_ms, (unsigned long long)l.api_conns,
		    (unsigned long long)l.work_conns,
		    (unsigned long long)l.busy_memory,
		    (unsigned long long)l.deadlines_capped,
		    (unsigned long long)l.cancelled,
		    (unsigned long long)l.idle_closed,
		    (unsigned long long)l.results_rejected);
		if (m > 0)
			k += (size_t)m < cap - k ? (size_t)m : cap - k;
		static const char *const kinds[DISP_N_KINDS] = {
		    "split", "parse", "check", "lookup", "monitor"};
		static const struct {
			const char *name, *help;
		} g[] = {
		    {"vp_dispatcher_workers",
		        "worker contexts connected (parked or holding a job)"},
		    {"vp_dispatcher_queue_jobs", "jobs waiting for a worker"},
		    {"vp_dispatcher_queue_oldest_seconds",
		        "age of the oldest waiting job"},
		};
		for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
			m = snprintf(buf + k, cap - k,
			    "# HELP %s %s\n# TYPE %s gauge\n", g[i].name,
			    g[i].help, g[i].name);
			if (m > 0)
				k += (size_t)m < cap - k ? (size_t)m : cap - k;
			for (int kd = 0; kd < DISP_N_KINDS; kd++) {
				const struct disp_kind_gauges *kg =
				    &l.kinds[kd];
				if (i == 2)
					m = snprintf(buf + k, cap - k,
					    "%s{kind=\"%s\"} %.3f\n", g[i].name,
					    kinds[kd], kg->oldest_ms / 1000.0);
				else
					m = snprintf(buf + k, cap - k,
					    "%s{kind=\"%s\"} %llu\n", g[i].name,
					    kinds[kd],
					    (unsigned long long)(i == 0
					                             ? kg->workers
					                             : kg->queued));
				if (m > 0)
					k += (size_t)m < cap - k ? (size_t)m
					                         : cap - k;
			}
		}
		return k;
	}
}

int main(int argc, char **argv)
{
	struct vp_svc_cfg svc;
	struct disp_cfg dc;
	struct disp *d;
	struct vp_admin *admin = NULL;
	const struct vp_cfg_table tables[] = {
	    {disp_cfg_opts, disp_cfg_n_opts, &dc},
	};
	char err[256];
	int rv;

	disp_cfg_default(&dc);
	if ((rv = vp_svc_start(&svc, tables, 1, argc, argv, NULL, 0, NULL,
	         "vp-dispatcher", "vp-dispatcher",
	         "Front door of Vindplaats: API requests in, jobs out to the "
	         "workers that pull them.")) >= 0)
		return rv;
	if (dc.pub_url != NULL && dc.pub_url[0] == '\0')
		dc.pub_url = NULL;
	if (disp_start(&d, &dc, err, sizeof(err)) != VP_OK) {
		fprintf(stderr, "vp-dispatcher: %s\n", err);
		return 1;
	}
	struct vp_admin_ops ops = {NULL, disp_metrics, d};
	if (vp_svc_admin_start(&admin, &svc, "vp-dispatcher", &ops) != VP_OK) {
		disp_stop(d);
		return 2;
	}
	VP_INFO("listening: api %s, work %s", dc.api_url, dc.work_url);
	int sig = vp_svc_wait();
	VP_INFO("stopping on signal %d", sig);
	vp_admin_stop(admin);
	disp_stop(d);
	return 0;
}
