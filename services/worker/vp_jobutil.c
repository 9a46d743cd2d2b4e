/* Helpers shared by the job handlers of the worker services. */
#include "vp_jobutil.h"

#include "vp_err.h"

#include <stdlib.h>
#include <string.h>

int vp_job_fail(struct vp_ready *res, int err, const char *msg)
{
	struct vp_error *e = calloc(1, sizeof(*e));
	if (e == NULL)
		return err;
	e->code = strdup(vp_err_code(err));
	e->msg = msg ? strdup(msg) : strdup(vp_strerror(err));
	e->retryable = vp_err_retryable(err);
	if (res->job_err != NULL) {
		vp_obj_clear(&vp_desc_error, res->job_err);
		free(res->job_err);
	}
	res->job_err = e;
	return err;
}

int vp_job_reply(struct vp_ready *res, const struct vp_msg *reply)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int rv = vp_msg_encode(reply, &buf, &len);
	if (rv != VP_OK)
		return rv;
	free(res->reply);
	res->reply = buf;
	res->reply_len = len;
	return VP_OK;
}
