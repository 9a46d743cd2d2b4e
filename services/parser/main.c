/* vp-parser: the parser service (segments -> citations). */
#include "prs_laws.h"
#include "prs_svc.h"
#include "vp_err.h"
#include "vp_worker_main.h"

static struct prs_cfg cfg;

/* A law table given with --parser-laws / VP_PARSER_LAWS is loaded once, at
 * start: a bad file stops the service with the file's name and the fault. */
static int setup(
    const struct vp_worker_cfg *wc, void **arg, char *err, size_t errlen)
{
	struct prs_laws *laws = NULL;
	int rv = prs_cfg_laws(&cfg, &laws, err, errlen);
	(void)wc;
	*arg = laws;
	return rv == VP_OK ? VP_OK : VP_EINVAL;
}

static void teardown(void *arg)
{
	prs_laws_free(arg);
}

int main(int argc, char **argv)
{
	const struct vp_wmain w = {
	    .prog = "vp-parser",
	    .kind = "parse",
	    .about = "Finds and parses citations; pulls parse jobs from the "
	             "dispatcher.",
	    .opts = prs_cfg_opts,
	    .n_opts = prs_cfg_n_opts,
	    .cfg = &cfg,
	    .setup = setup,
	    .teardown = teardown,
	    .fn = prs_job,
	    .inline_bytes = VP_WORKER_SMALL_JOB,
	};
	return vp_worker_main(&w, argc, argv);
}
