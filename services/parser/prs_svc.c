/* Parser job handler: parse.req in, citations out; and the parser's option
 * table. */
#include "prs_svc.h"

#include "prs.h"
#include "prs_laws.h"
#include "vp_err.h"
#include "vp_jobutil.h"

#include <stdio.h>
#include <string.h>

const struct vp_cfg_opt prs_cfg_opts[] = {
    VP_OPT_STR("parser-laws", VP_CFG_AT(struct prs_cfg, laws), "",
        "law table (TSV, e.g. from `vindplaats laws import`) to use instead "
        "of the built-in one"),
};
const size_t prs_cfg_n_opts = sizeof prs_cfg_opts / sizeof *prs_cfg_opts;

int prs_cfg_laws(
    const struct prs_cfg *cfg, struct prs_laws **out, char *err, size_t errlen)
{
	int rv;
	*out = NULL;
	if (!cfg->laws || !*cfg->laws)
		return VP_OK;
	if ((rv = prs_laws_load_merged(cfg->laws, out, err, errlen)) != VP_OK &&
	    err && errlen && !*err)
		snprintf(err, errlen, "law table %s: %s", cfg->laws,
		    vp_strerror(rv));
	return rv;
}

int prs_job(void *arg, const struct vp_msg *job, struct vp_ready *res)
{
	const struct vp_parse_req *q = vp_msg_parse_req(job);
	const struct prs_laws *laws = arg;
	int rv;

	if (q == NULL)
		return vp_job_fail(
		    res, VP_EINVAL, "parser got a job that is not parse.req");
	if (q->n_segments > 0) {
		rv = prs_parse_segments_doc(laws, q->doc_bwb, q->segments,
		    q->n_segments, (const char *)q->doc,
		    q->doc ? q->doc_len : 0, &res->citations,
		    &res->n_citations);
		/* the job holds the whole document: internal references
		 * can find their parts */
		if (rv == VP_OK)
			rv = prs_link_targets(q->segments, q->n_segments,
			    res->citations, &res->n_citations);
	} else
		rv = prs_parse_text_with(laws, q->text ? q->text : "",
		    q->text ? strlen(q->text) : 0, &res->citations,
		    &res->n_citations);
	if (rv != VP_OK)
		return vp_job_fail(res, rv, NULL);
	return VP_OK;
}
