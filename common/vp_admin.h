/* vp_admin.h - the internal admin endpoint every service runs
 * (docs/DESIGN.md §8):
 * GET /healthz (alive), /readyz (connected, not draining) and /metrics
 * (Prometheus text), served by nng's HTTP server. nng 1.5.2's HTTP server
 * has known memory-safety bugs (#1594, #1611): bind it to an internal
 * address only, never to an untrusted network. */
#ifndef VP_ADMIN_H
#define VP_ADMIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a service reports. Called on nng's HTTP threads: quick, no blocking,
 * thread-safe. */
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
