/* vp_jobutil.h - small helpers for job handlers. */
#ifndef VP_JOBUTIL_H
#define VP_JOBUTIL_H

#include "vp_proto.h"

/* Sets res->job_err to {code of err, msg, retryable of err}. Returns err, so
 * a handler can write `return vp_job_fail(res, VP_EINVAL, msg);`. */
int vp_job_fail(struct vp_ready *res, int err, const char *msg);

/* For pass-through kinds (lookup, monitor): encodes reply (a whole reply
 * envelope, e.g. a lookup.rep or a report.rep; its id is ignored - the
 * dispatcher sets the client's) into res->reply. reply stays the caller's.
 * Returns VP_OK, VP_ENOMEM or VP_EINVAL (reply breaks the schema). */
int vp_job_reply(struct vp_ready *res, const struct vp_msg *reply);

#endif
