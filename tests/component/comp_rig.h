/* comp_rig.h - what the component tests share: a dispatcher on fresh
 * inproc URLs or loopback ports, a worker of one kind, the example
 * document, and a hand-driven worker socket for breaking the protocol. */
#ifndef COMP_RIG_H
#define COMP_RIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nng/nng.h>

#include "disp.h"
#include "vp_worker.h"

/* Starts a dispatcher with dc (api_url and work_url are set to api and
 * work, 128 bytes each): on fresh inproc:// URLs, or on loopback tcp ports
 * (tried again on other ports while taken). Fails the test otherwise. */
struct disp *rig_disp(struct disp_cfg *dc, char *api, char *work, bool tcp);

/* Starts a worker of kind with one context dialing url. */
struct vp_worker *rig_worker(const char *url, const char *kind, vp_job_fn fn,
    void *arg, uint32_t park_ms);

/* The example document (VP_EXAMPLE), malloc'ed. */
char *rig_example(size_t *len);

/* A worker socket driven by hand. */
struct rogue {
	nng_socket sock;
	nng_ctx ctx;
	nng_aio *aio;
};

void rogue_open(struct rogue *g, const char *url);
void rogue_close(struct rogue *g);

#endif
