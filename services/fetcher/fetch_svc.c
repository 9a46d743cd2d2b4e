/* Fetcher job handler: check.req in, one check result per URL out. The
 * handler only waits; the transfers run on the engine's curl thread. */
#include "fetch_svc.h"

#include "fetch.h"
#include "vp_err.h"
#include "vp_jobutil.h"

#include <stdatomic.h>
#include <stdio.h>

/* URL checks answered, by status (the process's, for /metrics) */
static atomic_ullong checks_by_status[VP_ST__COUNT];

size_t fetch_svc_metrics(char *buf, size_t cap)
{
	size_t k = 0;
	int m = snprintf(buf, cap,
	    "# HELP vp_fetcher_checks_total URL checks answered, by status\n"
	    "# TYPE vp_fetcher_checks_total counter\n");
	if (m < 0 || (size_t)m >= cap)
		return 0;
	k = (size_t)m;
	for (int st = 0; st < VP_ST__COUNT; st++) {
		m = snprintf(buf + k, cap - k,
		    "vp_fetcher_checks_total{status=\"%s\"} %llu\n",
		    vp_status_name((enum vp_status)st),
		    (unsigned long long)atomic_load(&checks_by_status[st]));
		if (m < 0 || (size_t)m >= cap - k)
			return k;
		k += (size_t)m;
	}
	return k;
}

int fetch_job(void *arg, const struct vp_msg *job, struct vp_ready *res)
{
	const struct vp_check_req *q = vp_msg_check_req(job);
	uint32_t budget;
	int rv;

	if (q == NULL)
		return vp_job_fail(
		    res, VP_EINVAL, "fetcher got a job that is not check.req");
	/* answer within 85% of the job's budget: the worker runtime reports a
	 * job still running at 90% of it as a timeout (and the reply has to
	 * travel back), while the URLs the deadline cut short come back as
	 * "unverified" with the reason */
	budget = job->timeout_ms == 0 ? 30000
	         : job->timeout_ms > 1000
	             ? (uint32_t)((uint64_t)job->timeout_ms * 85 / 100)
	             : job->timeout_ms * 8 / 10;
	struct fetch_check_opts co = {.archive = q->archive,
	    .date = q->date,
	    .url_timeout_ms = q->url_timeout_ms};
	rv = fetch_check_ex(arg, q->urls, q->n_urls, budget, &co, &res->checks);
	if (rv != VP_OK)
		return vp_job_fail(res, rv, NULL);
	res->n_checks = q->n_urls;
	for (size_t i = 0; i < res->n_checks; i++) {
		int st = res->checks[i].status
		             ? vp_status_from_name(res->checks[i].status)
		             : -1;
		if (st >= 0 && st < VP_ST__COUNT)
			atomic_fetch_add(&checks_by_status[st], 1);
	}
	return VP_OK;
}
