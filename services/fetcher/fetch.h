/* fetch.h - URL checking with libcurl multi on one service-owned thread.
 * Callers on any thread submit a batch and wait; the engine runs every
 * transfer of every batch in one curl multi handle. */
#ifndef FETCH_H
#define FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "vp_cfg.h"
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

	/* Politeness, shared by every job: requests per second per host (0 =
	 * no limit; default 4) with bursts of host_burst (default 1). */
	unsigned host_rate;
	unsigned host_burst;
	/* Retries of transient failures (reset, refused, 502/504) and of
	 * 429/503 within Retry-After (default 2), the first backoff step
	 * (default 500 ms, doubled per retry, equal jitter) and the longest
	 * Retry-After honoured (default 30000 ms; longer = unverifiable). */
	unsigned retries;
	unsigned backoff_ms;
	unsigned retry_after_max_ms;
	/* Time for one URL, all hops and retries (default 30000 ms). */
	unsigned url_timeout_ms;
	/* HEAD first: FETCH_HEAD_AUTO (default: for URLs that name a non-HTML
	 * document, .pdf/.odt/.zip/...; HTML needs its body for the title,
	 * the fingerprint and soft-404 rules), _ALWAYS or _NEVER. */
	int head_mode;
	/* Soft-404 probe of a random sibling URL, once per host (default on).
	 */
	bool soft404_probe;
	/* Archive services for dead links; NULL or "" = off (the default of
	 * the library; vp-fetcher's configuration names the real ones). */
	const char *wayback_url;  /* Wayback availability API */
	const char *timegate_url; /* Memento TimeGate, URL appended */
	/* Online lookup services (fetch_lookup.c); NULL or "" = off. */
	const char *sru_url;   /* KOOP SRU endpoint */
	const char *odata_url; /* Tweede Kamer OData v4 base, ends in '/' */
	unsigned lookup_cache; /* cached answers, default 4096 */
	unsigned lookup_ttl_s; /* default 86400 */
};

enum { FETCH_HEAD_AUTO, FETCH_HEAD_ALWAYS, FETCH_HEAD_NEVER };

/* What a check batch asks beyond the URLs. */
struct fetch_check_opts {
	bool archive;     /* look up archived copies for dead links */
	const char *date; /* YYYY-MM-DD: the snapshot closest to it; NULL */
	/* time for one URL from its first request, all hops and retries;
	 * 0 = fetch_opts.url_timeout_ms */
	uint32_t url_timeout_ms;
};

/* The answer to one plain GET (fetch_get): for lookups and archives. */
struct fetch_resp {
	long status;   /* HTTP status, 0 when none */
	int curl_code; /* CURLcode */
	bool blocked;  /* refused by the SSRF guard */
	bool capped;   /* the body passed max_body */
	char *body;    /* malloc'ed, NUL-terminated; may be NULL */
	size_t len;
	char *content_type; /* malloc'ed or NULL */
	char *error;        /* malloc'ed text when it failed, or NULL */
};

struct fetch_engine;

/* Fills *o with the defaults. */
void fetch_opts_default(struct fetch_opts *o);

/* The options of the fetch engine (the fetch-* flags and VP_FETCH_*
 * variables), writing into a struct fetch_opts first filled by
 * fetch_opts_default; shared by vp-fetcher and the CLI's embedded fetcher.
 * Unlike the library, it names the real archive and lookup services. */
extern const struct vp_cfg_opt fetch_cfg_opts[];
extern const size_t fetch_cfg_n_opts;

/* Starts the engine thread. On success *e is owned by the caller and must be
 * released with fetch_engine_stop. Returns VP_OK, VP_ENOMEM, VP_EINVAL (bad
 * allow list) or VP_EIO. */
int fetch_engine_start(struct fetch_engine **e, const struct fetch_opts *o);

/* Checks urls[0..n) and waits until all are classified or budget_ms (the
 * run's deadline) has passed. Each URL has its own time (url_timeout_ms)
 * from its first request; waiting for its host's turn is not part of it. A
 * URL whose own time runs out during a request is "timeout"; one that the
 * run's deadline cut short, or that never got its turn, is "unverified" with
 * the reason. Safe to call from many threads at once. On success *out is a new
 * malloc'ed array of n checks in the order of urls (free with
 * vp_obj_clear(&vp_desc_check, ...) each, then free). Returns VP_OK, VP_ENOMEM
 * or VP_ECLOSED. */
int fetch_check(struct fetch_engine *e, char *const *urls, size_t n,
    uint32_t budget_ms, struct vp_check **out);

/* fetch_check with options: archive lookups for dead links (within the same
 * budget). co may be NULL. */
int fetch_check_ex(struct fetch_engine *e, char *const *urls, size_t n,
    uint32_t budget_ms, const struct fetch_check_opts *co,
    struct vp_check **out);

/* GETs url through the engine (same SSRF guard, politeness and redirects as
 * checks) with an optional Accept header, reading at most max_body bytes
 * (0 = the engine's max_body; a longer body sets r->capped).
 * On VP_OK *r is filled (release with fetch_resp_clear) whatever the HTTP
 * status. Returns VP_OK, VP_ENOMEM or VP_ECLOSED. */
int fetch_get(struct fetch_engine *e, const char *url, const char *accept,
    uint32_t budget_ms, size_t max_body, struct fetch_resp *r);

void fetch_resp_clear(struct fetch_resp *r);

/* The options the engine was started with (strings owned by the caller of
 * fetch_engine_start, as given). */
const struct fetch_opts *fetch_engine_opts(const struct fetch_engine *e);

/* Requests queued for their host's turn (politeness or its connections) and
 * the hosts they wait on, now: for progress lines. Safe from any thread. */
void fetch_engine_waiting(
    const struct fetch_engine *e, size_t *requests, size_t *hosts);

/* Stops the thread, aborts transfers in flight, frees the engine. */
void fetch_engine_stop(struct fetch_engine *e);

/* True when the SSRF policy refuses a connection to sa (before any allow
 * list). Pure; exposed for tests. */
bool fetch_addr_forbidden(const struct sockaddr *sa);

#endif
