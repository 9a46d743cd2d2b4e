/* split_svc.h - the splitter's job handler (used by vp-splitter and the
 * embedded mode). */
#ifndef SPLIT_SVC_H
#define SPLIT_SVC_H

#include "vp_proto.h"

/* vp_job_fn for split.req jobs: splits the document into res->segments. */
int split_job(void *arg, const struct vp_msg *job, struct vp_ready *res);

#endif
