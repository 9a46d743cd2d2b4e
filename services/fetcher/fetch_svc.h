/* fetch_svc.h - the fetcher's job handler (used by vp-fetcher and the
 * embedded mode). */
#ifndef FETCH_SVC_H
#define FETCH_SVC_H

#include "vp_proto.h"

/* vp_job_fn for check.req jobs; arg is the struct fetch_engine *. Checks the
 * URLs within the job's remaining budget into res->checks. */
int fetch_job(void *arg, const struct vp_msg *job, struct vp_ready *res);

#endif
