/* nng helpers: socket set-up that every service shares. */
#include "vp_nng.h"

#include "vp_err.h"

#include <stdio.h>
#include <string.h>

int vp_nng_listen(
    nng_socket s, const char *url, size_t recv_max, char *err, size_t errlen)
{
	int rv;
	if ((rv = nng_socket_set_size(s, NNG_OPT_RECVMAXSZ, recv_max)) != 0 ||
	    (rv = nng_listen(s, url, NULL, 0)) != 0) {
		snprintf(err, errlen, "cannot listen on %s: %s", url,
		    nng_strerror(rv));
		return vp_err_from_nng(rv);
	}
	return VP_OK;
}

int vp_nng_dial(
    nng_socket s, const char *url, size_t recv_max, char *err, size_t errlen)
{
	int rv;
	if ((rv = nng_socket_set_size(s, NNG_OPT_RECVMAXSZ, recv_max)) != 0 ||
	    (rv = nng_socket_set_ms(s, NNG_OPT_RECONNMINT, 100)) != 0 ||
	    (rv = nng_socket_set_ms(s, NNG_OPT_RECONNMAXT, 2000)) != 0 ||
	    (rv = nng_dial(s, url, NULL, NNG_FLAG_NONBLOCK)) != 0) {
		snprintf(
		    err, errlen, "cannot dial %s: %s", url, nng_strerror(rv));
		return vp_err_from_nng(rv);
	}
	return VP_OK;
}

int vp_nng_msg_from(nng_msg **out, const void *buf, size_t len)
{
	nng_msg *m;
	int rv;
	if ((rv = nng_msg_alloc(&m, len)) != 0)
		return vp_err_from_nng(rv);
	if (len > 0)
		memcpy(nng_msg_body(m), buf, len);
	*out = m;
	return VP_OK;
}

int vp_nng_ctx_send(nng_ctx ctx, nng_aio *aio, nng_msg *msg)
{
	int rv;
	nng_aio_set_msg(aio, msg);
	nng_aio_set_timeout(aio, NNG_DURATION_DEFAULT);
	nng_ctx_send(ctx, aio);
	nng_aio_wait(aio);
	if ((rv = nng_aio_result(aio)) != 0)
		nng_msg_free(nng_aio_get_msg(aio));
	nng_aio_set_msg(aio, NULL);
	return vp_err_from_nng(rv);
}

int vp_nng_ctx_recv(
    nng_ctx ctx, nng_aio *aio, nng_msg **out, nng_duration timeout_ms)
{
	int rv;
	nng_aio_set_timeout(aio, timeout_ms);
	nng_ctx_recv(ctx, aio);
	nng_aio_wait(aio);
	if ((rv = nng_aio_result(aio)) != 0)
		return vp_err_from_nng(rv);
	*out = nng_aio_get_msg(aio);
	nng_aio_set_msg(aio, NULL);
	return VP_OK;
}
