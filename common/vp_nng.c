/* nng helpers: socket set-up that every service shares. */
#include "vp_nng.h"

#include "vp_err.h"

#include <nng/supplemental/tls/tls.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *tls_ca, *tls_cert, *tls_name;

void vp_nng_tls_set(
    const char *ca_file, const char *cert_file, const char *server_name)
{
	free(tls_ca);
	free(tls_cert);
	free(tls_name);
	tls_ca = ca_file && *ca_file ? strdup(ca_file) : NULL;
	tls_cert = cert_file && *cert_file ? strdup(cert_file) : NULL;
	tls_name = server_name && *server_name ? strdup(server_name) : NULL;
}

static bool is_tls(const char *url)
{
	return strncmp(url, "tls+tcp://", 10) == 0 ||
	       strncmp(url, "tls+tcp4://", 11) == 0 ||
	       strncmp(url, "tls+tcp6://", 11) == 0;
}

/* The TLS settings of a listener or dialer (one of l, d). */
static int tls_setup(
    nng_listener *l, nng_dialer *d, const char *url, char *err, size_t errlen)
{
	int rv;
	if (tls_ca == NULL || tls_cert == NULL) {
		snprintf(err, errlen,
		    "%s needs a certificate authority and a certificate: "
		    "--tls-ca FILE and --tls-cert FILE (VP_TLS_CA, "
		    "VP_TLS_CERT)",
		    url);
		return NNG_EINVAL;
	}
	if (l != NULL) {
		if ((rv = nng_listener_set_string(
		         *l, NNG_OPT_TLS_CA_FILE, tls_ca)) == 0 &&
		    (rv = nng_listener_set_string(
		         *l, NNG_OPT_TLS_CERT_KEY_FILE, tls_cert)) == 0)
			rv = nng_listener_set_int(*l, NNG_OPT_TLS_AUTH_MODE,
			    NNG_TLS_AUTH_MODE_REQUIRED);
	} else {
		if ((rv = nng_dialer_set_string(
		         *d, NNG_OPT_TLS_CA_FILE, tls_ca)) == 0 &&
		    (rv = nng_dialer_set_string(
		         *d, NNG_OPT_TLS_CERT_KEY_FILE, tls_cert)) == 0 &&
		    (tls_name == NULL ||
		        (rv = nng_dialer_set_string(
		             *d, NNG_OPT_TLS_SERVER_NAME, tls_name)) == 0))
			rv = nng_dialer_set_int(*d, NNG_OPT_TLS_AUTH_MODE,
			    NNG_TLS_AUTH_MODE_REQUIRED);
	}
	if (rv != 0)
		snprintf(err, errlen,
		    "%s: cannot use the certificates (%s, %s): %s", url, tls_ca,
		    tls_cert, nng_strerror(rv));
	return rv;
}

int vp_nng_listen(
    nng_socket s, const char *url, size_t recv_max, char *err, size_t errlen)
{
	nng_listener l;
	int rv;
	if ((rv = nng_socket_set_size(s, NNG_OPT_RECVMAXSZ, recv_max)) != 0 ||
	    (rv = nng_listener_create(&l, s, url)) != 0) {
		snprintf(err, errlen, "cannot listen on %s: %s", url,
		    nng_strerror(rv));
		return vp_err_from_nng(rv);
	}
	if (is_tls(url) && (rv = tls_setup(&l, NULL, url, err, errlen)) != 0) {
		nng_listener_close(l);
		return vp_err_from_nng(rv);
	}
	if ((rv = nng_listener_start(l, 0)) != 0) {
		snprintf(err, errlen, "cannot listen on %s: %s", url,
		    nng_strerror(rv));
		nng_listener_close(l);
		return vp_err_from_nng(rv);
	}
	return VP_OK;
}

int vp_nng_dial(
    nng_socket s, const char *url, size_t recv_max, char *err, size_t errlen)
{
	nng_dialer d;
	int rv;
	if ((rv = nng_socket_set_size(s, NNG_OPT_RECVMAXSZ, recv_max)) != 0 ||
	    (rv = nng_socket_set_ms(s, NNG_OPT_RECONNMINT, 100)) != 0 ||
	    (rv = nng_socket_set_ms(s, NNG_OPT_RECONNMAXT, 2000)) != 0 ||
	    (rv = nng_dialer_create(&d, s, url)) != 0) {
		snprintf(
		    err, errlen, "cannot dial %s: %s", url, nng_strerror(rv));
		return vp_err_from_nng(rv);
	}
	if (is_tls(url) && (rv = tls_setup(NULL, &d, url, err, errlen)) != 0) {
		nng_dialer_close(d);
		return vp_err_from_nng(rv);
	}
	if ((rv = nng_dialer_start(d, NNG_FLAG_NONBLOCK)) != 0) {
		snprintf(
		    err, errlen, "cannot dial %s: %s", url, nng_strerror(rv));
		nng_dialer_close(d);
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
