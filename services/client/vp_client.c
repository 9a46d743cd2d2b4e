/* libvp-client: request/reply over one REQ socket, one context per call. */
#include "vp_client.h"

#include "vp_err.h"
#include "vp_limits.h"
#include "vp_nng.h"

#include <nng/protocol/reqrep0/req.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

struct vp_client {
	nng_socket sock;
};

void vp_random_id(uint8_t id[16])
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	static uint64_t counter;
	uint64_t c;
	if (getrandom(id, 16, 0) == 16)
		return;
	/* no entropy source: unique within this process is enough */
	pthread_mutex_lock(&mu);
	c = ++counter;
	pthread_mutex_unlock(&mu);
	memset(id, 0, 16);
	memcpy(id, &c, sizeof(c));
}

int vp_client_open(struct vp_client **cp, const char *url, size_t recv_max,
    char *err, size_t errlen)
{
	struct vp_client *c = calloc(1, sizeof(*c));
	int rv;
	if (c == NULL)
		return VP_ENOMEM;
	if ((rv = nng_req0_open(&c->sock)) != 0) {
		free(c);
		return vp_err_from_nng(rv);
	}
	/* Never resend a request on our own: a resolve is not free, and the
	 * caller decides about retries. */
	nng_socket_set_ms(
	    c->sock, NNG_OPT_REQ_RESENDTIME, NNG_DURATION_INFINITE);
	if ((rv = vp_nng_dial(c->sock, url,
	         recv_max ? recv_max : VP_MSG_MAX_BYTES, err, errlen)) !=
	    VP_OK) {
		nng_close(c->sock);
		free(c);
		return rv;
	}
	*cp = c;
	return VP_OK;
}

int vp_client_call(struct vp_client *c, struct vp_msg *req, uint32_t timeout_ms,
    struct vp_msg *rep)
{
	nng_ctx ctx;
	nng_aio *aio = NULL;
	nng_msg *msg = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	struct vp_decode_err why;
	int rv;

	memset(rep, 0, sizeof(*rep));
	if (!req->has_id) {
		vp_random_id(req->id);
		req->has_id = true;
	}
	req->v = VP_PROTO_VERSION;
	req->timeout_ms = timeout_ms;
	if ((rv = vp_msg_encode(req, &buf, &len)) != VP_OK)
		return rv;
	rv = vp_nng_msg_from(&msg, buf, len);
	free(buf);
	if (rv != VP_OK)
		return rv;
	if ((rv = nng_ctx_open(&ctx, c->sock)) != 0) {
		nng_msg_free(msg);
		return vp_err_from_nng(rv);
	}
	if ((rv = nng_aio_alloc(&aio, NULL, NULL)) != 0) {
		nng_msg_free(msg);
		nng_ctx_close(ctx);
		return vp_err_from_nng(rv);
	}
	if ((rv = vp_nng_ctx_send(ctx, aio, msg)) != VP_OK)
		goto out;
	/* the dispatcher answers within the budget; allow for the trip */
	rv = vp_nng_ctx_recv(ctx, aio, &msg,
	    timeout_ms == 0 ? NNG_DURATION_INFINITE
	                    : (nng_duration)(timeout_ms + 2000));
	if (rv != VP_OK)
		goto out;
	rv =
	    vp_msg_decode(rep, nng_msg_body(msg), nng_msg_len(msg), NULL, &why);
	nng_msg_free(msg);
	if (rv != VP_OK)
		goto out;
	if (rep->err != NULL)
		rv = vp_err_from_code(rep->err->code);
out:
	nng_aio_free(aio);
	nng_ctx_close(ctx);
	return rv;
}

/* Runs a call with a request body the caller only borrowed: the body is
 * detached before the request is cleared. */
static int call_borrowed(struct vp_client *c, struct vp_msg *req,
    uint32_t timeout_ms, struct vp_msg *rep)
{
	int rv = vp_client_call(c, req, timeout_ms, rep);
	memset(req->body, 0, vp_type_body(req->type)->size);
	vp_msg_clear(req);
	return rv;
}

int vp_client_resolve(struct vp_client *c, const void *doc, size_t len,
    const struct vp_resolve_opts *o, uint32_t timeout_ms, struct vp_msg *rep)
{
	static const struct vp_resolve_opts none;
	struct vp_msg req;
	struct vp_resolve_req *b;
	int rv;
	if (o == NULL)
		o = &none;
	memset(rep, 0, sizeof(*rep));
	if ((rv = vp_msg_init(&req, VP_T_RESOLVE_REQ)) != VP_OK)
		return rv;
	b = req.body;
	b->doc = (uint8_t *)doc;
	b->doc_len = len;
	b->name = (char *)o->name;
	b->format = (char *)o->format;
	b->check = o->check;
	b->lookup = o->lookup;
	b->date = (char *)o->date;
	return call_borrowed(c, &req, timeout_ms, rep);
}

int vp_client_parse(struct vp_client *c, const char *text, size_t len,
    uint32_t timeout_ms, struct vp_msg *rep)
{
	struct vp_msg req;
	struct vp_parse_req *b;
	int rv;
	memset(rep, 0, sizeof(*rep));
	if ((rv = vp_msg_init(&req, VP_T_PARSE_REQ)) != VP_OK)
		return rv;
	b = req.body;
	/* the wire needs a NUL-free string: text must not contain NUL */
	if (memchr(text, '\0', len) != NULL) {
		vp_msg_clear(&req);
		return VP_EINVAL;
	}
	if ((b->text = strndup(text, len)) == NULL) {
		vp_msg_clear(&req);
		return VP_ENOMEM;
	}
	rv = vp_client_call(c, &req, timeout_ms, rep);
	vp_msg_clear(&req);
	return rv;
}

int vp_client_check(struct vp_client *c, char *const *urls, size_t n,
    uint32_t timeout_ms, struct vp_msg *rep)
{
	return vp_client_check_ex(c, urls, n, NULL, timeout_ms, rep);
}

int vp_client_check_ex(struct vp_client *c, char *const *urls, size_t n,
    const struct vp_check_opts *o, uint32_t timeout_ms, struct vp_msg *rep)
{
	static const struct vp_check_opts none;
	struct vp_msg req;
	struct vp_check_req *b;
	int rv;
	if (o == NULL)
		o = &none;
	memset(rep, 0, sizeof(*rep));
	if ((rv = vp_msg_init(&req, VP_T_CHECK_REQ)) != VP_OK)
		return rv;
	b = req.body;
	b->urls = (char **)urls;
	b->n_urls = n;
	b->archive = o->archive;
	b->date = (char *)o->date;
	b->url_timeout_ms = o->url_timeout_ms;
	return call_borrowed(c, &req, timeout_ms, rep);
}

int vp_client_stats(
    struct vp_client *c, uint32_t timeout_ms, struct vp_msg *rep)
{
	struct vp_msg req;
	int rv;
	memset(rep, 0, sizeof(*rep));
	if ((rv = vp_msg_init(&req, VP_T_STATS_REQ)) != VP_OK)
		return rv;
	rv = vp_client_call(c, &req, timeout_ms, rep);
	vp_msg_clear(&req);
	return rv;
}

void vp_client_close(struct vp_client *c)
{
	if (c == NULL)
		return;
	nng_close(c->sock);
	free(c);
}
