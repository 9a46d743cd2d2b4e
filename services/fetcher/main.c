/* vp-fetcher: the fetcher service (URL checks on a libcurl multi thread). */
#include "fetch.h"
#include "fetch_svc.h"
#include "vp_err.h"
#include "vp_worker_main.h"

#include <stdio.h>

static int setup(
    const struct vp_wmain_cfg *cfg, void **arg, char *err, size_t errlen)
{
	struct fetch_opts o;
	struct fetch_engine *e;
	int rv;
	fetch_opts_default(&o);
	o.allow = cfg->fetch_allow;
	o.max_parallel = (unsigned)cfg->fetch_max_parallel;
	o.max_host_conns = (unsigned)cfg->fetch_host_conns;
	if ((rv = fetch_engine_start(&e, &o)) != VP_OK) {
		snprintf(err, errlen, "cannot start the fetch engine: %s%s",
		    vp_strerror(rv),
		    rv == VP_EINVAL ? " (check VP_FETCH_ALLOW)" : "");
		return rv;
	}
	*arg = e;
	return VP_OK;
}

static void teardown(void *arg)
{
	fetch_engine_stop(arg);
}

int main(int argc, char **argv)
{
	static const struct vp_wmain w = {"vp-fetcher", "check",
	    "Checks cited URLs (http/https only, SSRF guard on); pulls check "
	    "jobs from the dispatcher.",
	    1, setup, teardown, fetch_job};
	return vp_worker_main(&w, argc, argv);
}
