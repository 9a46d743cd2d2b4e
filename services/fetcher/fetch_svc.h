/* fetch_svc.h - the fetcher's job handler (used by vp-fetcher and the
 * embedded mode). */
#ifndef FETCH_SVC_H
#define FETCH_SVC_H

#include "vp_proto.h"

/* vp_job_fn for check.req jobs; arg is the struct fetch_engine *. Checks the
 * URLs within the job's remaining budget into res->checks. */
int fetch_job(void *arg, const struct vp_msg *job, struct vp_ready *res);

/* vp_job_fn for lookup.req jobs (a pass-through kind); arg is the struct
 * fetch_engine *. Answers with a whole lookup.rep in res->reply: the
 * citations in order, each confirmed/completed from KOOP SRU or Tweede
 * Kamer OData, or with lowered confidence and a reason; failures of a
 * service as errors (retryable when it could not be reached). */
int fetch_lookup_job(void *arg, const struct vp_msg *job, struct vp_ready *res);

/* Prometheus text of the URL checks answered so far, by status
 * (vp_fetcher_checks_total{status=...}); returns the length written. */
size_t fetch_svc_metrics(char *buf, size_t cap);

#endif
