/* libvp-client: request/reply over one REQ socket, one context per call. */
#include "vp_client.h"

#include "vp_clock.h"
#include "vp_err.h"
#include "vp_limits.h"
#include "vp_nng.h"

#include <nng/protocol/reqrep0/req.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

struct vp_client {
	nng_socket sock;
	vp_client_local_fn local; /* resolve inside this process, or NULL */
	void *local_arg;
};

void vp_client_set_local(struct vp_client *c, vp_client_local_fn fn, void *arg)
{
	c->local = fn;
	c->local_arg = arg;
}

/* n random bytes for jitter (no secrecy needed). */
static void vp_random_id_bytes(uint8_t *b, size_t n)
{
	uint8_t id[16];
	vp_random_id(id);
	memcpy(b, id, n < sizeof(id) ? n : sizeof(id));
}

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

/* One exchange: req sent with the budget left, the reply awaited until the
 * deadline (plus the trip back). Every step has the deadline, the send
 * included: REQ holds a request until a dispatcher is connected, so an
 * unreachable one would otherwise wait for ever. left_ms 0 = no deadline. */
static int call_once(struct vp_client *c, struct vp_msg *req, uint32_t left_ms,
    struct vp_msg *rep)
{
	nng_ctx ctx;
	nng_aio *aio = NULL;
	nng_msg *msg = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	struct vp_decode_err why;
	uint64_t t0 = vp_now_ms();
	int rv;

	req->v = VP_PROTO_VERSION;
	req->timeout_ms = left_ms;
	if (c->local != NULL && req->type == VP_T_RESOLVE_REQ) {
		rv = c->local(c->local_arg, req, rep);
		if (rv == VP_OK && rep->err != NULL)
			rv = vp_err_from_code(rep->err->code);
		return rv;
	}
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
	nng_aio_set_msg(aio, msg);
	nng_aio_set_timeout(
	    aio, left_ms == 0 ? NNG_DURATION_INFINITE : (nng_duration)left_ms);
	nng_ctx_send(ctx, aio);
	nng_aio_wait(aio);
	if ((rv = nng_aio_result(aio)) != 0) {
		nng_msg_free(nng_aio_get_msg(aio));
		nng_aio_set_msg(aio, NULL);
		/* never handed to a dispatcher within the budget */
		rv =
		    rv == NNG_ETIMEDOUT ? VP_ECONNREFUSED : vp_err_from_nng(rv);
		goto out;
	}
	nng_aio_set_msg(aio, NULL);
	/* the dispatcher answers within the budget; allow for the trip */
	uint64_t spent = vp_now_ms() - t0;
	uint32_t wait = left_ms == 0       ? 0
	                : spent >= left_ms ? 1
	                                   : left_ms - (uint32_t)spent;
	rv = vp_nng_ctx_recv(ctx, aio, &msg,
	    left_ms == 0 ? NNG_DURATION_INFINITE : (nng_duration)(wait + 2000));
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

/* Requests that may be sent again: answering one twice changes nothing. */
static bool idempotent(enum vp_type t)
{
	return t == VP_T_RESOLVE_REQ || t == VP_T_PARSE_REQ ||
	       t == VP_T_CHECK_REQ || t == VP_T_STATS_REQ;
}

/* Failures after which the same request may well succeed: the dispatcher
 * was busy, or the connection was lost or not there (a restart). */
static bool retry_on(int rv)
{
	return rv == VP_EBUSY || rv == VP_ECONNRESET || rv == VP_ECONNREFUSED ||
	       rv == VP_ECLOSED;
}

int vp_client_call(struct vp_client *c, struct vp_msg *req, uint32_t timeout_ms,
    struct vp_msg *rep)
{
	uint64_t deadline = timeout_ms ? vp_now_ms() + timeout_ms : 0;
	uint64_t step = 50; /* ms, doubled per retry up to 2 s */
	int rv;

	memset(rep, 0, sizeof(*rep));
	for (unsigned attempt = 0;; attempt++) {
		uint64_t now = vp_now_ms();
		uint32_t left = 0;
		if (deadline != 0) {
			if (now >= deadline)
				return attempt == 0 ? VP_ETIMEDOUT : rv;
			left = (uint32_t)(deadline - now);
		}
		/* a fresh id per attempt: the dispatcher may still hold the
		 * one before (a lost reply) */
		if (!req->has_id || attempt > 0) {
			vp_random_id(req->id);
			req->has_id = true;
		}
		rv = call_once(c, req, left, rep);
		if (rv == VP_OK || !idempotent(req->type) || !retry_on(rv))
			return rv;
		/* backoff with equal jitter, within the deadline */
		uint8_t r[2];
		vp_random_id_bytes(r, sizeof(r));
		uint64_t pause =
		    step / 2 + (((unsigned)r[0] << 8 | r[1]) % (step / 2 + 1));
		if (step < 2000)
			step *= 2;
		now = vp_now_ms();
		if (deadline != 0 && now + pause >= deadline)
			return rv;
		vp_msg_clear(rep);
		memset(rep, 0, sizeof(*rep));
		struct timespec ts = {
		    (time_t)(pause / 1000), (long)(pause % 1000) * 1000000L};
		nanosleep(&ts, NULL);
	}
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
