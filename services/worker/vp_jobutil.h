/* vp_jobutil.h - small helpers for job handlers. */
#ifndef VP_JOBUTIL_H
#define VP_JOBUTIL_H

#include "vp_proto.h"

/* Sets res->job_err to {code of err, msg, retryable of err}. Returns err, so
 * a handler can write `return vp_job_fail(res, VP_EINVAL, msg);`. */
int vp_job_fail(struct vp_ready *res, int err, const char *msg);

#endif
