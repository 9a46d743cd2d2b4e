/* lm_fixture.c - the switchable HTTP server of the link monitor's tests:
 * one accept thread, one request per connection (Connection: close). */
#include "lm_fixture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_ROUTES 32

struct route {
	char path[128];
	int status;
	char *body;
};

struct lm_fixture {
	int fd;
	uint16_t port;
	pthread_t th;
	pthread_mutex_t lock;
	struct route routes[MAX_ROUTES];
	int n;
	volatile int stop;
};

static const char *reason(int s)
{
	return s == 200   ? "OK"
	       : s == 404 ? "Not Found"
	       : s == 429 ? "Too Many Requests"
	                  : "Status";
}

static void serve(struct lm_fixture *f, int c)
{
	char req[4096], method[16], path[256], head[512];
	ssize_t n = recv(c, req, sizeof(req) - 1, 0);
	int status = 404;
	char *body = NULL;
	size_t blen;
	if (n <= 0)
		return;
	req[n] = '\0';
	if (sscanf(req, "%15s %255s", method, path) != 2)
		return;
	path[strcspn(path, "?")] = '\0';
	pthread_mutex_lock(&f->lock);
	for (int i = 0; i < f->n; i++)
		if (strcmp(f->routes[i].path, path) == 0) {
			status = f->routes[i].status;
			body = f->routes[i].body ? strdup(f->routes[i].body)
			                         : NULL;
		}
	pthread_mutex_unlock(&f->lock);
	if (body == NULL)
		body = strdup(status == 404
		                  ? "<html><title>niet gevonden</title>pagina "
		                    "niet gevonden</html>"
		                  : "");
	blen = strlen(body);
	snprintf(head, sizeof(head),
	    "HTTP/1.1 %d %s\r\nContent-Type: text/html\r\nContent-Length: "
	    "%zu\r\n%sConnection: close\r\n\r\n",
	    status, reason(status), blen,
	    status == 429 ? "Retry-After: 1\r\n" : "");
	if (send(c, head, strlen(head), MSG_NOSIGNAL) > 0 &&
	    strcmp(method, "HEAD") != 0)
		send(c, body, blen, MSG_NOSIGNAL);
	free(body);
}

static void *accept_main(void *arg)
{
	struct lm_fixture *f = arg;
	while (!f->stop) {
		int c = accept(f->fd, NULL, NULL);
		if (c < 0) {
			if (f->stop)
				break;
			continue;
		}
		serve(f, c);
		close(c);
	}
	return NULL;
}

int lm_fixture_start(struct lm_fixture **out)
{
	struct lm_fixture *f = calloc(1, sizeof(*f));
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof(a);
	int one = 1;
	if (f == NULL)
		return -ENOMEM;
	pthread_mutex_init(&f->lock, NULL);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	f->fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(f->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (f->fd < 0 || bind(f->fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(f->fd, 64) != 0 ||
	    getsockname(f->fd, (struct sockaddr *)&a, &len) != 0) {
		int e = errno;
		if (f->fd >= 0)
			close(f->fd);
		free(f);
		return -e;
	}
	f->port = ntohs(a.sin_port);
	pthread_create(&f->th, NULL, accept_main, f);
	*out = f;
	return 0;
}

uint16_t lm_fixture_port(const struct lm_fixture *f)
{
	return f->port;
}

void lm_fixture_set(
    struct lm_fixture *f, const char *path, int status, const char *body)
{
	int i;
	pthread_mutex_lock(&f->lock);
	for (i = 0; i < f->n; i++)
		if (strcmp(f->routes[i].path, path) == 0)
			break;
	if (i == f->n && f->n < MAX_ROUTES)
		f->n++;
	if (i < MAX_ROUTES) {
		snprintf(
		    f->routes[i].path, sizeof(f->routes[i].path), "%s", path);
		f->routes[i].status = status;
		free(f->routes[i].body);
		f->routes[i].body = body ? strdup(body) : NULL;
	}
	pthread_mutex_unlock(&f->lock);
}

void lm_fixture_stop(struct lm_fixture *f)
{
	if (f == NULL)
		return;
	f->stop = 1;
	shutdown(f->fd, SHUT_RDWR);
	close(f->fd);
	pthread_join(f->th, NULL);
	for (int i = 0; i < f->n; i++)
		free(f->routes[i].body);
	pthread_mutex_destroy(&f->lock);
	free(f);
}
