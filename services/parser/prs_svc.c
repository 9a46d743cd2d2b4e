/* Parser job handler: parse.req in, citations out. */
#include "prs_svc.h"

#include "prs.h"
#include "vp_err.h"
#include "vp_jobutil.h"

#include <string.h>

int prs_job(void *arg, const struct vp_msg *job, struct vp_ready *res)
{
	const struct vp_parse_req *q = vp_msg_parse_req(job);
	int rv;

	(void)arg;
	if (q == NULL)
		return vp_job_fail(
		    res, VP_EINVAL, "parser got a job that is not parse.req");
	if (q->n_segments > 0)
		rv = prs_parse_segments(q->segments, q->n_segments,
		    &res->citations, &res->n_citations);
	else
		rv = prs_parse_text(q->text ? q->text : "",
		    q->text ? strlen(q->text) : 0, &res->citations,
		    &res->n_citations);
	if (rv != VP_OK)
		return vp_job_fail(res, rv, NULL);
	return VP_OK;
}
