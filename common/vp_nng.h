/* vp_nng.h - the few ways this project opens nng sockets, with the nng 1.5.2
 * rules of docs/DESIGN.md §5 built in: receive size capped on every socket,
 * dials non-blocking with reconnect backoff, timeouts set, messages freed on
 * failed sends. */
#ifndef VP_NNG_H
#define VP_NNG_H

#include <nng/nng.h>
#include <stddef.h>
#include <stdint.h>

/* Sets NNG_OPT_RECVMAXSZ (recv_max bytes) on s and starts a listener on url.
 * Returns VP_OK or a mapped error; on failure err holds a message. */
int vp_nng_listen(
    nng_socket s, const char *url, size_t recv_max, char *err, size_t errlen);

/* Sets NNG_OPT_RECVMAXSZ and reconnect backoff (100 ms .. 2 s) on s and dials
 * url with NNG_FLAG_NONBLOCK, so a peer that is not up yet is retried in the
 * background. Returns VP_OK or a mapped error (bad URL). */
int vp_nng_dial(
    nng_socket s, const char *url, size_t recv_max, char *err, size_t errlen);

/* Allocates an nng message holding a copy of buf[0..len). */
int vp_nng_msg_from(nng_msg **out, const void *buf, size_t len);

/* Sends msg on ctx using the caller's aio (created with a NULL callback) and
 * waits: for service-owned threads only, never in a callback. nng 1.5.2 has
 * no nng_ctx_sendmsg. On failure msg is freed. Returns VP_OK or a mapped
 * error. */
int vp_nng_ctx_send(nng_ctx ctx, nng_aio *aio, nng_msg *msg);

/* Receives on ctx using the caller's aio and waits up to timeout_ms
 * (NNG_DURATION_INFINITE for none). On success *out owns the message.
 * Returns VP_OK, VP_ETIMEDOUT, VP_ECLOSED or another mapped error. */
int vp_nng_ctx_recv(
    nng_ctx ctx, nng_aio *aio, nng_msg **out, nng_duration timeout_ms);

#endif
