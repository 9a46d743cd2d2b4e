/* Admin endpoint (healthz, readyz, metrics) on nng's HTTP server, and a tiny
 * HTTP/1.0 GET used by the binaries' --health-check mode. */
#include "vp_admin.h"

#include "vp_clock.h"
#include "vp_err.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <nng/nng.h>
#include <nng/supplemental/http/http.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct vp_admin {
	nng_http_server *srv;
	nng_url *url;
	struct vp_admin_ops ops;
	char service[64];
	uint64_t start_ms;
};

static void reply(nng_aio *aio, uint16_t status, const char *type,
    const char *body, size_t len)
{
	nng_http_res *res;
	int rv;
	if ((rv = nng_http_res_alloc(&res)) != 0) {
		nng_aio_finish(aio, rv);
		return;
	}
	if ((rv = nng_http_res_set_status(res, status)) != 0 ||
	    (rv = nng_http_res_set_header(res, "Content-Type", type)) != 0 ||
	    (rv = nng_http_res_copy_data(res, body, len)) != 0) {
		nng_http_res_free(res);
		nng_aio_finish(aio, rv);
		return;
	}
	nng_aio_set_output(aio, 0, res);
	nng_aio_finish(aio, 0);
}

static struct vp_admin *admin_of(nng_aio *aio)
{
	return nng_http_handler_get_data(nng_aio_get_input(aio, 1));
}

static void on_healthz(nng_aio *aio)
{
	reply(aio, 200, "text/plain", "ok\n", 3);
}

static void on_readyz(nng_aio *aio)
{
	struct vp_admin *a = admin_of(aio);
	if (a->ops.ready == NULL || a->ops.ready(a->ops.arg))
		reply(aio, 200, "text/plain", "ready\n", 6);
	else
		reply(aio, 503, "text/plain", "not ready\n", 10);
}

static void on_metrics(nng_aio *aio)
{
	struct vp_admin *a = admin_of(aio);
	char buf[8192];
	size_t n;
	n = (size_t)snprintf(buf, sizeof(buf),
	    "# TYPE vp_up gauge\nvp_up{service=\"%s\"} 1\n"
	    "# TYPE vp_uptime_seconds counter\n"
	    "vp_uptime_seconds{service=\"%s\"} %.3f\n"
	    "# TYPE vp_ready gauge\nvp_ready{service=\"%s\"} %d\n",
	    a->service, a->service,
	    (double)(vp_now_ms() - a->start_ms) / 1000.0, a->service,
	    a->ops.ready == NULL || a->ops.ready(a->ops.arg) ? 1 : 0);
	if (n < sizeof(buf) && a->ops.metrics != NULL)
		n += a->ops.metrics(a->ops.arg, buf + n, sizeof(buf) - n);
	if (n > sizeof(buf))
		n = sizeof(buf);
	reply(aio, 200, "text/plain; version=0.0.4", buf, n);
}

static int add(struct vp_admin *a, const char *path, void (*fn)(nng_aio *))
{
	nng_http_handler *h;
	int rv;
	if ((rv = nng_http_handler_alloc(&h, path, fn)) != 0)
		return rv;
	if ((rv = nng_http_handler_set_method(h, "GET")) != 0 ||
	    (rv = nng_http_handler_set_data(h, a, NULL)) != 0 ||
	    (rv = nng_http_server_add_handler(a->srv, h)) != 0) {
		nng_http_handler_free(h);
		return rv;
	}
	return 0;
}

int vp_admin_start(struct vp_admin **ap, const char *url, const char *service,
    const struct vp_admin_ops *ops, char *err, size_t errlen)
{
	struct vp_admin *a = calloc(1, sizeof(*a));
	int rv;
	if (a == NULL)
		return VP_ENOMEM;
	if (ops != NULL)
		a->ops = *ops;
	snprintf(a->service, sizeof(a->service), "%s", service);
	a->start_ms = vp_now_ms();
	if (strncmp(url, "http://", 7) != 0 ||
	    (rv = nng_url_parse(&a->url, url)) != 0) {
		snprintf(err, errlen,
		    "admin address '%s' is not an http:// URL", url);
		free(a);
		return VP_EINVAL;
	}
	if ((rv = nng_http_server_hold(&a->srv, a->url)) != 0 ||
	    (rv = add(a, "/healthz", on_healthz)) != 0 ||
	    (rv = add(a, "/readyz", on_readyz)) != 0 ||
	    (rv = add(a, "/metrics", on_metrics)) != 0 ||
	    (rv = nng_http_server_start(a->srv)) != 0) {
		snprintf(err, errlen, "cannot serve admin endpoint on %s: %s",
		    url, nng_strerror(rv));
		if (a->srv != NULL)
			nng_http_server_release(a->srv);
		nng_url_free(a->url);
		free(a);
		return vp_err_from_nng(rv);
	}
	*ap = a;
	return VP_OK;
}

void vp_admin_stop(struct vp_admin *a)
{
	if (a == NULL)
		return;
	nng_http_server_stop(a->srv);
	nng_http_server_release(a->srv);
	nng_url_free(a->url);
	free(a);
}

/* Waits until fd is ready for events or the deadline passes. */
static int wait_fd(int fd, short events, uint64_t deadline)
{
	struct pollfd p = {fd, events, 0};
	uint32_t left = vp_deadline_left(vp_now_ms(), deadline);
	int rv;
	if (left == 0)
		return VP_ETIMEDOUT;
	rv = poll(&p, 1, (int)left);
	if (rv == 0)
		return VP_ETIMEDOUT;
	return rv < 0 ? VP_EIO : VP_OK;
}

int vp_admin_probe(const char *url, uint32_t timeout_ms)
{
	char host[256], port[16] = "80", req[600], line[256];
	const char *p, *path;
	struct addrinfo hints, *res = NULL;
	uint64_t deadline = vp_deadline_in(vp_now_ms(), timeout_ms);
	size_t hl, n = 0;
	int fd = -1, rv = VP_ECONNREFUSED;

	if (strncmp(url, "http://", 7) != 0)
		return VP_EINVAL;
	p = url + 7;
	path = strchr(p, '/');
	if (path == NULL)
		path = "/";
	hl = (size_t)(strchr(p, '/') ? strchr(p, '/') - p
	                             : (ptrdiff_t)strlen(p));
	if (hl == 0 || hl >= sizeof(host))
		return VP_EINVAL;
	memcpy(host, p, hl);
	host[hl] = '\0';
	if (host[0] != '[' && strchr(host, ':') != NULL) {
		snprintf(port, sizeof(port), "%s", strchr(host, ':') + 1);
		*strchr(host, ':') = '\0';
	}
	if (strcmp(host, "0.0.0.0") ==
	    0) /* the listen address of a container */
		snprintf(host, sizeof(host), "127.0.0.1");
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &res) != 0 || res == NULL)
		return VP_EINVAL;
	fd = socket(
	    res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto out;
	if (connect(fd, res->ai_addr, res->ai_addrlen) != 0 &&
	    errno != EINPROGRESS)
		goto out;
	if ((rv = wait_fd(fd, POLLOUT, deadline)) != VP_OK)
		goto out;
	n = (size_t)snprintf(req, sizeof(req),
	    "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n", path, host);
	if (send(fd, req, n, MSG_NOSIGNAL) != (ssize_t)n) {
		rv = VP_ECONNREFUSED;
		goto out;
	}
	n = 0;
	while (n < 12) {
		ssize_t r;
		if ((rv = wait_fd(fd, POLLIN, deadline)) != VP_OK)
			goto out;
		r = recv(fd, line + n, sizeof(line) - 1 - n, 0);
		if (r <= 0) {
			rv = VP_ECONNREFUSED;
			goto out;
		}
		n += (size_t)r;
	}
	line[n] = '\0';
	rv = strncmp(line + 8, " 200", 4) == 0 ? VP_OK : VP_EUPSTREAM;
out:
	if (fd >= 0)
		close(fd);
	freeaddrinfo(res);
	return rv;
}

int vp_admin_health_check(const char *prog, const char *admin_listen)
{
	char url[512];
	int rv;
	if (admin_listen == NULL || admin_listen[0] == '\0') {
		fprintf(stderr,
		    "%s: --health-check needs --admin-listen "
		    "(VP_ADMIN_LISTEN)\n",
		    prog);
		return 2;
	}
	snprintf(url, sizeof(url), "%s/readyz", admin_listen);
	rv = vp_admin_probe(url, 2000);
	if (rv != VP_OK)
		fprintf(stderr, "%s: not ready: %s\n", prog, vp_strerror(rv));
	return rv == VP_OK ? 0 : 1;
}
