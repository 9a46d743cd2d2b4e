/* Admin endpoint (healthz, readyz, metrics): a small HTTP/1.1 server of
 * its own on one thread (poll), and a tiny HTTP/1.0 GET used by the
 * binaries' --health-check mode.
 *
 * Why not nng's HTTP server: it has no limit on idle connections (each
 * costs a file descriptor for ever), closes on an oversized header instead
 * of answering 431, and 1.5.2 has known memory-safety bugs (#1594, #1611).
 * This one serves one request per connection and bounds everything: at
 * most ADMIN_CONNS connections (a new one evicts the oldest), a request
 * head of ADMIN_HEAD_MAX bytes (beyond: 431), no body (a declared one over
 * ADMIN_BODY_MAX: 413), and a connection that has not sent its request
 * within the idle limit is closed (408). */
#include "vp_admin.h"

#include "vp_clock.h"
#include "vp_err.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define ADMIN_CONNS    64
#define ADMIN_HEAD_MAX 8192
#define ADMIN_BODY_MAX 1024
#define ADMIN_IDLE_MS  10000

struct admin_conn {
	int fd; /* -1 = free */
	uint64_t since;
	size_t n;
	char head[ADMIN_HEAD_MAX];
};

struct vp_admin {
	int lfd, wake[2];
	pthread_t th;
	struct vp_admin_ops ops;
	uint32_t idle_ms;
	char service[64];
	uint64_t start_ms;
	struct admin_conn conns[ADMIN_CONNS];
	/* counters for /metrics (only the server thread writes them) */
	atomic_uint_fast64_t open, head_too_large, body_too_large, idle_closed,
	    evicted;
};

static void conn_close(struct vp_admin *a, struct admin_conn *c)
{
	close(c->fd);
	c->fd = -1;
	c->n = 0;
	atomic_fetch_sub(&a->open, 1);
}

/* Sends the whole answer (small: headers and at most the metrics) and
 * closes the connection. */
static void answer(struct vp_admin *a, struct admin_conn *c, int status,
    const char *type, const char *body, size_t len)
{
	static const struct {
		int code;
		const char *text;
	} reasons[] = {{200, "OK"}, {404, "Not Found"},
	    {405, "Method Not Allowed"}, {408, "Request Timeout"},
	    {413, "Content Too Large"},
	    {431, "Request Header Fields Too Large"}, {400, "Bad Request"},
	    {503, "Service Unavailable"}};
	const char *reason = "";
	char head[256];
	int hn;
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].code == status)
			reason = reasons[i].text;
	hn = snprintf(head, sizeof(head),
	    "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n\r\n",
	    status, reason, type, len);
	/* the socket is non-blocking: wait a little for room, never long */
	for (size_t off = 0, total = (size_t)hn + len; off < total;) {
		const char *p =
		    off < (size_t)hn ? head + off : body + (off - (size_t)hn);
		size_t k = off < (size_t)hn ? (size_t)hn - off : total - off;
		ssize_t w = send(c->fd, p, k, MSG_NOSIGNAL);
		if (w > 0) {
			off += (size_t)w;
			continue;
		}
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pf = {c->fd, POLLOUT, 0};
			if (poll(&pf, 1, 1000) == 1)
				continue;
		}
		break;
	}
	conn_close(a, c);
}

static void text(
    struct vp_admin *a, struct admin_conn *c, int status, const char *body)
{
	answer(a, c, status, "text/plain", body, strlen(body));
}

static void serve_metrics(struct vp_admin *a, struct admin_conn *c)
{
	char buf[16384];
	size_t n;
	bool ready = a->ops.ready == NULL || a->ops.ready(a->ops.arg);
	n = (size_t)snprintf(buf, sizeof(buf),
	    "# TYPE vp_up gauge\nvp_up{service=\"%s\"} 1\n"
	    "# TYPE vp_uptime_seconds counter\n"
	    "vp_uptime_seconds{service=\"%s\"} %.3f\n"
	    "# TYPE vp_ready gauge\nvp_ready{service=\"%s\"} %d\n"
	    "# TYPE vp_admin_connections gauge\n"
	    "vp_admin_connections %llu\n"
	    "# TYPE vp_admin_connections_max gauge\n"
	    "vp_admin_connections_max %d\n"
	    "# TYPE vp_admin_head_max_bytes gauge\n"
	    "vp_admin_head_max_bytes %d\n"
	    "# TYPE vp_admin_idle_ms gauge\n"
	    "vp_admin_idle_ms %u\n"
	    "# TYPE vp_admin_refused_total counter\n"
	    "vp_admin_refused_total{reason=\"head_too_large\"} %llu\n"
	    "vp_admin_refused_total{reason=\"body_too_large\"} %llu\n"
	    "vp_admin_refused_total{reason=\"idle\"} %llu\n"
	    "vp_admin_refused_total{reason=\"evicted\"} %llu\n",
	    a->service, a->service,
	    (double)(vp_now_ms() - a->start_ms) / 1000.0, a->service,
	    ready ? 1 : 0, (unsigned long long)atomic_load(&a->open),
	    ADMIN_CONNS, ADMIN_HEAD_MAX, a->idle_ms,
	    (unsigned long long)atomic_load(&a->head_too_large),
	    (unsigned long long)atomic_load(&a->body_too_large),
	    (unsigned long long)atomic_load(&a->idle_closed),
	    (unsigned long long)atomic_load(&a->evicted));
	if (n < sizeof(buf) && a->ops.metrics != NULL)
		n += a->ops.metrics(a->ops.arg, buf + n, sizeof(buf) - n);
	if (n > sizeof(buf))
		n = sizeof(buf);
	answer(a, c, 200, "text/plain; version=0.0.4", buf, n);
}

/* The value of header name in the head [p, e) (name without the colon),
 * or NULL. */
static const char *header(const char *p, const char *e, const char *name)
{
	size_t nl = strlen(name);
	while (p < e) {
		const char *eol = memchr(p, '\n', (size_t)(e - p));
		if (eol == NULL)
			eol = e;
		if ((size_t)(eol - p) > nl && p[nl] == ':' &&
		    strncasecmp(p, name, nl) == 0) {
			p += nl + 1;
			while (p < eol && (*p == ' ' || *p == '\t'))
				p++;
			return p;
		}
		p = eol + 1;
	}
	return NULL;
}

/* True when the digits at v (up to e) say more than max. Read by hand: the
 * head is not NUL-terminated, and strtoull would skip line breaks into what
 * follows it. */
static bool number_over(const char *v, const char *e, unsigned long long max)
{
	unsigned long long x = 0;
	for (; v < e && *v >= '0' && *v <= '9'; v++) {
		x = x * 10 + (unsigned)(*v - '0');
		if (x > max)
			return true;
	}
	return false;
}

int vp_admin_parse_head(const char *head, size_t n, char *path, size_t cap)
{
	const char *h = head, *e, *sp1, *sp2, *v, *q;
	size_t end, ml, pl;
	if ((e = memmem(head, n, "\r\n\r\n", 4)) != NULL)
		end = (size_t)(e - head) + 2;
	else if ((e = memmem(head, n, "\n\n", 2)) != NULL)
		end = (size_t)(e - head) + 1;
	else
		return n >= ADMIN_HEAD_MAX ? 431 : -1;
	if (end > ADMIN_HEAD_MAX)
		return 431;
	e = head + end;
	if ((sp1 = memchr(h, ' ', end)) == NULL ||
	    (sp2 = memchr(sp1 + 1, ' ', (size_t)(e - sp1 - 1))) == NULL)
		return 400;
	/* a body is never read here: declaring one is refused */
	if (((v = header(h, e, "Content-Length")) != NULL &&
	        number_over(v, e, ADMIN_BODY_MAX)) ||
	    header(h, e, "Transfer-Encoding") != NULL)
		return 413;
	ml = (size_t)(sp1 - h);
	if (!((ml == 3 && memcmp(h, "GET", 3) == 0) ||
	        (ml == 4 && memcmp(h, "HEAD", 4) == 0)))
		return 405;
	pl = (size_t)(sp2 - sp1 - 1);
	if ((q = memchr(sp1 + 1, '?', pl)) != NULL)
		pl = (size_t)(q - sp1 - 1);
	if (cap == 0 || pl >= cap)
		return 404;
	memcpy(path, sp1 + 1, pl);
	path[pl] = '\0';
	return 0;
}

/* Answers c once its head is complete (or too large). */
static void on_readable(struct vp_admin *a, struct admin_conn *c)
{
	ssize_t r = recv(c->fd, c->head + c->n, sizeof(c->head) - c->n, 0);
	char path[64];
	bool ready;
	int st;
	if (r <= 0) {
		if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			conn_close(a, c);
		return;
	}
	c->n += (size_t)r;
	switch ((st = vp_admin_parse_head(c->head, c->n, path, sizeof(path)))) {
	case -1: return; /* more to come */
	case 0: break;
	case 431:
		atomic_fetch_add(&a->head_too_large, 1);
		text(a, c, 431, "request header fields too large\n");
		return;
	case 413:
		atomic_fetch_add(&a->body_too_large, 1);
		text(a, c, 413, "no request body here\n");
		return;
	case 405: text(a, c, 405, "only GET\n"); return;
	case 404: text(a, c, 404, "not found\n"); return;
	default: text(a, c, st, "bad request\n"); return;
	}
	if (strcmp(path, "/healthz") == 0) {
		text(a, c, 200, "ok\n");
	} else if (strcmp(path, "/readyz") == 0) {
		ready = a->ops.ready == NULL || a->ops.ready(a->ops.arg);
		text(
		    a, c, ready ? 200 : 503, ready ? "ready\n" : "not ready\n");
	} else if (strcmp(path, "/metrics") == 0) {
		serve_metrics(a, c);
	} else {
		text(a, c, 404, "not found\n");
	}
}

static void on_accept(struct vp_admin *a, uint64_t now)
{
	struct admin_conn *c = NULL, *oldest = NULL;
	int fd = accept4(a->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	for (int i = 0; i < ADMIN_CONNS && c == NULL; i++) {
		if (a->conns[i].fd < 0)
			c = &a->conns[i];
		else if (oldest == NULL || a->conns[i].since < oldest->since)
			oldest = &a->conns[i];
	}
	if (c == NULL) {
		/* full: the oldest makes room, so that idle connections
		 * cannot lock a health check out */
		atomic_fetch_add(&a->evicted, 1);
		conn_close(a, oldest);
		c = oldest;
	}
	c->fd = fd;
	c->since = now;
	c->n = 0;
	atomic_fetch_add(&a->open, 1);
}

static void *admin_main(void *arg)
{
	struct vp_admin *a = arg;
	struct pollfd pf[ADMIN_CONNS + 2];
	struct admin_conn *of[ADMIN_CONNS + 2];
	for (;;) {
		uint64_t now = vp_now_ms(), next = now + a->idle_ms;
		int n = 2, wait;
		pf[0] = (struct pollfd){a->wake[0], POLLIN, 0};
		pf[1] = (struct pollfd){a->lfd, POLLIN, 0};
		for (int i = 0; i < ADMIN_CONNS; i++) {
			struct admin_conn *c = &a->conns[i];
			if (c->fd < 0)
				continue;
			if (now - c->since >= a->idle_ms) {
				atomic_fetch_add(&a->idle_closed, 1);
				text(a, c, 408, "request timeout\n");
				continue;
			}
			if (c->since + a->idle_ms < next)
				next = c->since + a->idle_ms;
			pf[n] = (struct pollfd){c->fd, POLLIN, 0};
			of[n++] = c;
		}
		wait = (int)(next - now) + 1;
		if (poll(pf, (nfds_t)n, wait) < 0 && errno != EINTR)
			break;
		if (pf[0].revents)
			break;
		for (int i = 2; i < n; i++)
			if (pf[i].revents && of[i]->fd == pf[i].fd)
				on_readable(a, of[i]);
		if (pf[1].revents & POLLIN)
			on_accept(a, vp_now_ms());
	}
	return NULL;
}

int vp_admin_start(struct vp_admin **ap, const char *url, const char *service,
    const struct vp_admin_ops *ops, char *err, size_t errlen)
{
	return vp_admin_start_idle(ap, url, service, ops, 0, err, errlen);
}

int vp_admin_start_idle(struct vp_admin **ap, const char *url,
    const char *service, const struct vp_admin_ops *ops, uint32_t idle_ms,
    char *err, size_t errlen)
{
	struct vp_admin *a;
	char host[256], port[16];
	const char *p, *colon;
	struct addrinfo hints, *res = NULL;
	int one = 1, rv;
	size_t hl;

	if (strncmp(url, "http://", 7) != 0) {
		snprintf(err, errlen,
		    "admin address '%s' is not an http:// URL", url);
		return VP_EINVAL;
	}
	p = url + 7;
	hl = strcspn(p, "/");
	if (p[0] == '[') {
		const char *rb = memchr(p, ']', hl);
		colon = rb != NULL && rb + 1 < p + hl && rb[1] == ':' ? rb + 1
		                                                      : NULL;
	} else {
		colon = memchr(p, ':', hl);
	}
	if (colon == NULL || (size_t)(colon - p) >= sizeof(host) ||
	    (size_t)(p + hl - colon - 1) >= sizeof(port) ||
	    p + hl - colon - 1 == 0) {
		snprintf(err, errlen,
		    "admin address '%s' needs a host and a port", url);
		return VP_EINVAL;
	}
	if (p[0] == '[') {
		memcpy(host, p + 1, (size_t)(colon - p) - 2);
		host[colon - p - 2] = '\0';
	} else {
		memcpy(host, p, (size_t)(colon - p));
		host[colon - p] = '\0';
	}
	memcpy(port, colon + 1, (size_t)(p + hl - colon - 1));
	port[p + hl - colon - 1] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if ((rv = getaddrinfo(host[0] ? host : NULL, port, &hints, &res)) !=
	        0 ||
	    res == NULL) {
		snprintf(err, errlen, "admin address '%s': %s", url,
		    gai_strerror(rv));
		return VP_EINVAL;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		freeaddrinfo(res);
		return VP_ENOMEM;
	}
	if (ops != NULL)
		a->ops = *ops;
	a->idle_ms = idle_ms ? idle_ms : ADMIN_IDLE_MS;
	snprintf(a->service, sizeof(a->service), "%s", service);
	a->start_ms = vp_now_ms();
	for (int i = 0; i < ADMIN_CONNS; i++)
		a->conns[i].fd = -1;
	a->wake[0] = a->wake[1] = -1;
	/* non-blocking: a connection reset between poll and accept must not
	 * stop the endpoint in accept */
	a->lfd = socket(
	    res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (a->lfd < 0 ||
	    setsockopt(a->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) !=
	        0 ||
	    bind(a->lfd, res->ai_addr, res->ai_addrlen) != 0 ||
	    listen(a->lfd, 64) != 0 || pipe2(a->wake, O_CLOEXEC) != 0 ||
	    pthread_create(&a->th, NULL, admin_main, a) != 0) {
		snprintf(err, errlen, "cannot serve admin endpoint on %s: %s",
		    url, strerror(errno));
		rv = errno == EADDRINUSE ? VP_EBUSY : VP_EIO;
		if (a->lfd >= 0)
			close(a->lfd);
		if (a->wake[0] >= 0) {
			close(a->wake[0]);
			close(a->wake[1]);
		}
		freeaddrinfo(res);
		free(a);
		return rv;
	}
	freeaddrinfo(res);
	*ap = a;
	return VP_OK;
}

void vp_admin_stop(struct vp_admin *a)
{
	if (a == NULL)
		return;
	if (write(a->wake[1], "x", 1) < 0) {
		/* the pipe is ours and empty: cannot fail */
	}
	pthread_join(a->th, NULL);
	for (int i = 0; i < ADMIN_CONNS; i++)
		if (a->conns[i].fd >= 0)
			close(a->conns[i].fd);
	close(a->lfd);
	close(a->wake[0]);
	close(a->wake[1]);
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
