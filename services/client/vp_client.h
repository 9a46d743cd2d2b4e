/* vp_client.h - libvp-client: the C API other services use to talk to a
 * Vindplaats dispatcher (nng REQ/REP + msgpack, see proto/README.md).
 * A client is safe to share between threads: every call uses its own
 * context. */
#ifndef VP_CLIENT_H
#define VP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" { /* vp_proto.h's declarations too */
#endif

#include "vp_proto.h"

struct vp_client;

/* Opens a client dialing url (tcp://host:7100, inproc://..., ipc://...).
 * The dial is non-blocking: a dispatcher that is not up yet is retried in
 * the background. recv_max 0 = VP_MSG_MAX_BYTES (80 MiB). Returns VP_OK
 * or an error with a message in err. *c must be released with vp_client_close.
 */
int vp_client_open(struct vp_client **c, const char *url, size_t recv_max,
    char *err, size_t errlen);

/* A transport inside this process: hands a resolve request (which stays
 * the caller's) to a dispatcher running in the same process and fills rep
 * with its reply, as disp_call does; returns VP_OK when a reply came. */
typedef int (*vp_client_local_fn)(
    void *arg, const struct vp_msg *req, struct vp_msg *rep);

/* Embedded mode: resolve requests of c go to fn instead of the socket - no
 * encoding, no copy of the reply - with the same budget, retries and
 * replies; every other request still goes over the socket. Set once,
 * before c is shared between threads. */
void vp_client_set_local(struct vp_client *c, vp_client_local_fn fn, void *arg);

/* Sends req and waits for the reply, at most timeout_ms in all, reaching the
 * dispatcher included (the budget left is also sent, so the dispatcher
 * answers - possibly partially - before it runs out; 0 = no deadline).
 * resolve, parse, check and stats requests are sent again, with backoff and
 * jitter and a new id, while the deadline allows, when the dispatcher is
 * busy, the connection is lost (VP_ECONNRESET) or no dispatcher could be
 * reached (VP_ECONNREFUSED): after a restart of the dispatcher they are
 * answered. Other requests are sent once. A random id is assigned when
 * req->has_id is false. On return *rep holds the decoded reply when one
 * arrived (release with vp_msg_clear). Returns VP_OK; the reply's error code
 * mapped (rep->err holds code and message); VP_ECONNREFUSED when no
 * dispatcher took the request within the deadline; VP_ETIMEDOUT when it
 * took it but no answer came in time; VP_ECLOSED / a decode error. */
int vp_client_call(struct vp_client *c, struct vp_msg *req, uint32_t timeout_ms,
    struct vp_msg *rep);

/* How to resolve a document (all optional; zero = defaults). */
struct vp_resolve_opts {
	const char *name;   /* file name, echoed in the reply */
	const char *format; /* "text", "word-text", ... NULL = detect */
	bool check;         /* check every cited URL */
	bool lookup;        /* confirm uncertain citations online */
	const char *date;   /* document date YYYY-MM-DD (archived copies) */
};

/* Resolves one document: doc is copied into the request. o may be NULL. */
int vp_client_resolve(struct vp_client *c, const void *doc, size_t len,
    const struct vp_resolve_opts *o, uint32_t timeout_ms, struct vp_msg *rep);

/* Parses one text as a single segment (spans are offsets into text). */
int vp_client_parse(struct vp_client *c, const char *text, size_t len,
    uint32_t timeout_ms, struct vp_msg *rep);

/* Checks urls[0..n). timeout_ms is the whole call's deadline: URLs the
 * fetcher could not check by then come back "unverified". */
int vp_client_check(struct vp_client *c, char *const *urls, size_t n,
    uint32_t timeout_ms, struct vp_msg *rep);

/* How to check URLs (all optional; zero = defaults). */
struct vp_check_opts {
	bool archive;            /* archived copies for dead links */
	const char *date;        /* YYYY-MM-DD: the copy closest to it */
	uint32_t url_timeout_ms; /* per URL from its first request; 0 = the
	                            fetcher's own */
};

/* vp_client_check with options; o may be NULL. */
int vp_client_check_ex(struct vp_client *c, char *const *urls, size_t n,
    const struct vp_check_opts *o, uint32_t timeout_ms, struct vp_msg *rep);

/* Fetches the dispatcher's counters. */
int vp_client_stats(
    struct vp_client *c, uint32_t timeout_ms, struct vp_msg *rep);

/* Closes the socket and frees c (NULL is a no-op). */
void vp_client_close(struct vp_client *c);

/* Fills id with 16 random bytes. */
void vp_random_id(uint8_t id[16]);

#ifdef __cplusplus
}
#endif

#endif
