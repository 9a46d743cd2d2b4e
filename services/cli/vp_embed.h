/* vp_embed.h - every service in one process: the dispatcher and K contexts
 * of each worker type, each loop on its own threads, over inproc:// (or tcp://
 * for `vindplaats serve`). The same code and messages as the deployment. */
#ifndef VP_EMBED_H
#define VP_EMBED_H

#include <stddef.h>

#include "fetch.h"
#include "vp_proto.h"

struct prs_laws;
#include <stdint.h>

struct vp_embed_cfg {
	const char *api_url;  /* NULL = a fresh inproc:// URL */
	const char *work_url; /* NULL = a fresh inproc:// URL */
	const char *pub_url;  /* NULL = a fresh inproc:// URL */
	unsigned split_ctx, parse_ctx, check_ctx; /* contexts per worker type */
	const char *allow; /* fetcher SSRF allow list (NULL = none) */
	/* fetcher settings (NULL = the library defaults with allow above);
	 * when given, its own allow field is used */
	const struct fetch_opts *fetch;
	/* the parser's law index (NULL = the built-in one); not owned */
	const struct prs_laws *laws;
	size_t recv_max;       /* 0 = VP_MSG_MAX_BYTES */
	unsigned max_inflight; /* 0 = dispatcher default */
	/* link monitor store (SQLite file or PostgreSQL conninfo); NULL = no
	 * monitor (a program that only parses, resolves or checks starts
	 * none). linkmon_tick_ms > 0 also runs its re-check loop. */
	const char *linkmon_db;
	unsigned linkmon_tick_ms;
};

struct vp_embed;

/* Starts the dispatcher, the fetch engine and the workers. Returns VP_OK or
 * an error with a message in err. */
int vp_embed_start(struct vp_embed **e, const struct vp_embed_cfg *cfg,
    char *err, size_t errlen);

/* The URL clients dial to reach the embedded dispatcher's API. */
const char *vp_embed_api_url(const struct vp_embed *e);

struct vp_client;

/* Opens a client of the embedded dispatcher (vp_client_open on its API URL)
 * whose resolve requests go to the dispatcher directly (vp_client_set_local,
 * disp_call): same budget, limits and replies, no encoding on the way.
 * Release with vp_client_close before vp_embed_stop. */
int vp_embed_client_open(
    struct vp_embed *e, struct vp_client **c, char *err, size_t errlen);

/* The direct transport vp_embed_client_open installs, for a client opened
 * elsewhere (the gateway of `vindplaats serve`). */
int vp_embed_call(void *e, const struct vp_msg *req, struct vp_msg *rep);

/* The URL of the embedded dispatcher's event (PUB) socket. */
const char *vp_embed_pub_url(const struct vp_embed *e);

/* URL requests of the embedded fetcher waiting for their host's turn, and
 * the hosts they wait on (0 and 0 when e is NULL). */
void vp_embed_fetch_waiting(
    const struct vp_embed *e, size_t *requests, size_t *hosts);

/* Stops workers, engine and dispatcher; frees e (NULL is a no-op). */
void vp_embed_stop(struct vp_embed *e);

#endif
