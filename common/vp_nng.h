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

/* Mutual TLS for every tls+tcp:// URL this process listens on or dials from
 * now on: ca_file (PEM) holds the certificate authorities a peer's
 * certificate must chain to, cert_file (PEM) this process's certificate
 * followed by its private key. Both sides must present a certificate; a
 * dialer also checks that the listener's certificate carries server_name
 * (NULL or "": the URL's host) as a DNS name - mbedTLS, which Debian's nng
 * uses, matches DNS names only, so a dialer that dials an address names the
 * listener's DNS name here. ca_file or cert_file NULL or "" = no TLS (a
 * tls+tcp:// URL is then refused with a message). The strings are copied.
 * Call before the first listen or dial. */
void vp_nng_tls_set(
    const char *ca_file, const char *cert_file, const char *server_name);

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
