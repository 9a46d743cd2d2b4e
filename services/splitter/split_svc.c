/* Splitter job handler: split.req in, segments out (and, for official
 * XML, the document's own id and date). */
#include "split_svc.h"

#include "split.h"
#include "vp_err.h"
#include "vp_jobutil.h"

#include <stdlib.h>
#include <string.h>

int split_job(void *arg, const struct vp_msg *job, struct vp_ready *res)
{
	const struct vp_split_req *q = vp_msg_split_req(job);
	const char *used = NULL;
	struct split_meta meta;
	char err[256] = "";
	int rv;

	(void)arg;
	if (q == NULL)
		return vp_job_fail(
		    res, VP_EINVAL, "splitter got a job that is not split.req");
	rv = split_document_meta(q->doc, q->doc_len, q->format, &res->segments,
	    &res->n_segments, &used, &meta, err, sizeof(err));
	if (rv != VP_OK)
		return vp_job_fail(res, rv, err[0] ? err : NULL);
	if (used != NULL && (res->format = strdup(used)) == NULL)
		return VP_ENOMEM;
	if (meta.id[0] && (res->doc_id = strdup(meta.id)) == NULL)
		return VP_ENOMEM;
	if (meta.date[0] && (res->doc_date = strdup(meta.date)) == NULL)
		return VP_ENOMEM;
	return VP_OK;
}
