/* vp_admin.h - the internal admin endpoint every service runs
 * (docs/DESIGN.md §8):
 * GET /healthz (alive), /readyz (connected, not draining) and /metrics
 * (Prometheus text), served by a small bounded HTTP server of its own: at
 * most 64 connections (a new one evicts the oldest), 8 KiB of request head
 * (beyond: 431), no request body (413), connections idle past a limit
 * closed (408); the limits and what they refused are in /metrics. Still an
 * internal endpoint: bind it to an internal address. */
#ifndef VP_ADMIN_H
#define VP_ADMIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a service reports. Called on the endpoint's thread: quick, no
 * blocking, thread-safe. */
struct vp_admin_ops {
	/* true when the service can do its work (NULL = always) */
	bool (*ready)(void *arg);
	/* appends Prometheus text lines to buf (at most cap bytes); returns the
	 * number of bytes written (NULL = none beyond the standard ones) */
	size_t (*metrics)(void *arg, char *buf, size_t cap);
	void *arg;
};

struct vp_admin;

/* Starts the admin endpoint on url ("http://127.0.0.1:9100"). service
 * names the process in the metrics. On success *a must be released with
 * vp_admin_stop. Returns VP_OK, or VP_EINVAL / a mapped error with a message
 * in err. */
int vp_admin_start(struct vp_admin **a, const char *url, const char *service,
    const struct vp_admin_ops *ops, char *err, size_t errlen);

/* vp_admin_start with the idle limit: a connection that has not sent its
 * request within idle_ms is closed (0 = the default, 10 s). */
int vp_admin_start_idle(struct vp_admin **a, const char *url,
    const char *service, const struct vp_admin_ops *ops, uint32_t idle_ms,
    char *err, size_t errlen);

/* The endpoint's reading of a request head head[0, n) (outside input; pure,
 * for tests and the fuzzer): 0 with the path (query cut) in path[0, cap)
 * for a complete GET or HEAD; -1 when the head is not complete yet; else
 * the HTTP status to answer: 400 (no request line), 405 (another method),
 * 404 (path longer than cap), 413 (a body declared), 431 (head over 8 KiB).
 */
int vp_admin_parse_head(const char *head, size_t n, char *path, size_t cap);

/* Stops the endpoint and frees a (NULL is a no-op). */
void vp_admin_stop(struct vp_admin *a);

/* The health-check mode of the binaries: GETs url (e.g.
 * "http://127.0.0.1:9100/readyz") and returns VP_OK when it answers 200
 * within timeout_ms, else VP_EUPSTREAM / VP_ETIMEDOUT / VP_ECONNREFUSED /
 * VP_EINVAL (bad URL). Plain TCP, no nng: usable from a fresh process. */
int vp_admin_probe(const char *url, uint32_t timeout_ms);

/* The --health-check mode of the service binaries: probes admin_listen +
 * "/readyz" and returns the exit status (0 ready, 1 not ready, 2 no admin
 * endpoint configured), with a message on stderr naming prog. */
int vp_admin_health_check(const char *prog, const char *admin_listen);

#endif
