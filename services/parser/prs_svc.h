/* prs_svc.h - the parser's job handler (used by vp-parser and the embedded
 * mode). */
#ifndef PRS_SVC_H
#define PRS_SVC_H

#include "vp_proto.h"

/* vp_job_fn for parse.req jobs: segments (or text) in, res->citations out. */
int prs_job(void *arg, const struct vp_msg *job, struct vp_ready *res);

#endif
