/* gw.h - vp-gateway: the HTTP/JSON front of a dispatcher's API, on
 * libmicrohttpd. Each request becomes one libvp-client call; the answers are
 * the JSON the CLI prints (services/cli/cli_out.h). */
#ifndef GW_H
#define GW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vp_cfg.h"
#include "vp_client.h"

struct gw_cfg {
	const char *listen;      /* http://HOST:PORT */
	const char *connect;     /* the dispatcher's API URL */
	uint64_t body_max;       /* bytes of a request body */
	unsigned conns;          /* connections at once */
	unsigned threads;        /* requests served at once */
	unsigned idle_s;         /* a connection quiet this long is closed */
	unsigned timeout_ms;     /* budget of a request (resolve, parse) */
	const char *token;       /* bearer token; "" = none */
	int check_open;          /* /v1/check without a token */
	const char *cors_origin; /* Access-Control-Allow-Origin; "" = none */
	/* a dispatcher in this process (vindplaats serve): resolve requests
	 * reach it directly (vp_client_set_local); NULL = over connect */
	vp_client_local_fn local;
	void *local_arg;
};

/* The HTTP options (http-*), shared with `vindplaats serve --http-listen`;
 * http-listen keeps the struct's value (gw_cfg_default: 127.0.0.1:8080 for
 * vp-gateway, none for the CLI). gw_connect_opts: --connect, vp-gateway's
 * own (the CLI has its own --connect). */
extern const struct vp_cfg_opt gw_cfg_opts[];
extern const size_t gw_cfg_n_opts;
extern const struct vp_cfg_opt gw_connect_opts[];
extern const size_t gw_connect_n_opts;

void gw_cfg_default(struct gw_cfg *cfg);

struct gw;

/* Starts the server. On failure err holds a message. */
int gw_start(struct gw **g, const struct gw_cfg *cfg, char *err, size_t errlen);

/* The port it listens on (useful with port 0). */
uint16_t gw_port(const struct gw *g);

/* Prometheus text of its counters into buf; returns the length. */
size_t gw_metrics(void *g, char *buf, size_t cap);

/* True when the dispatcher answers (readiness). */
bool gw_ready(void *g);

void gw_stop(struct gw *g);

#endif
