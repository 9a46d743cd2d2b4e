/* fetch.h - URL checking with libcurl multi on one service-owned thread.
 * Callers on any thread submit a batch and wait; the engine runs every
 * transfer of every batch in one curl multi handle. */
#ifndef FETCH_H
#define FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "vp_proto.h"

struct fetch_opts {
	unsigned max_redirects;  /* default 10 */
	unsigned max_parallel;   /* transfers in flight, default 256 */
	unsigned max_host_conns; /* per host, default 8 */
	uint64_t max_body;       /* bytes read of a body, default 1 MiB */
	unsigned
	    connect_timeout_ms; /* default 10000 (also capped by the budget) */
	const char
	    *user_agent; /* default "Vindplaats/<version> (+link checker)" */
	/* SSRF guard: loopback, private, link-local, CGNAT, multicast,
	 * unspecified, documentation and metadata addresses are refused unless
	 * listed here: comma-separated addresses or CIDR prefixes, e.g.
	 * "127.0.0.1" or "127.0.0.0/8,::1". NULL or "" = refuse all of them. */
	const char *allow;
	/* Extra name resolutions, NULL-terminated, in CURLOPT_RESOLVE form
	 * "host:port:addr[,addr]" (tests pin made-up names to 127.0.0.1 with
	 * it). NULL = none. Added by the fetcher; not in the original
	 * contract. */
	const char *const *resolve;
};

struct fetch_engine;

/* Fills *o with the defaults. */
void fetch_opts_default(struct fetch_opts *o);

/* Starts the engine thread. On success *e is owned by the caller and must be
 * released with fetch_engine_stop. Returns VP_OK, VP_ENOMEM, VP_EINVAL (bad
 * allow list) or VP_EIO. */
int fetch_engine_start(struct fetch_engine **e, const struct fetch_opts *o);

/* Checks urls[0..n) and waits until all are classified or budget_ms has
 * passed (each unfinished URL then gets status "timeout"). Safe to call from
 * many threads at once. On success *out is a new malloc'ed array of n checks
 * in the order of urls (free with vp_obj_clear(&vp_desc_check, ...) each,
 * then free). Returns VP_OK, VP_ENOMEM or VP_ECLOSED. */
int fetch_check(struct fetch_engine *e, char *const *urls, size_t n,
    uint32_t budget_ms, struct vp_check **out);

/* Stops the thread, aborts transfers in flight, frees the engine. */
void fetch_engine_stop(struct fetch_engine *e);

/* True when the SSRF policy refuses a connection to sa (before any allow
 * list). Pure; exposed for tests. */
bool fetch_addr_forbidden(const struct sockaddr *sa);

#endif
