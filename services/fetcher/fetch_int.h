/* fetch_int.h - internals shared by the fetcher's files: the allow list of
 * the SSRF guard, outcome classification and HTML title extraction. Not part
 * of the public contract (fetch.h); exposed so unit tests can drive them. */
#ifndef FETCH_INT_H
#define FETCH_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "vp_utf8.h" /* text from outside: vp_utf8_dup(..., VP_UTF8_NO_CTRL) */

/* Addresses and prefixes opened by fetch_opts.allow. */
struct fetch_allow;

/* Parses a comma-separated list of IPv4/IPv6 addresses or CIDR prefixes
 * ("127.0.0.1, ::1, 10.0.0.0/8"). NULL or "" gives an empty list. On success
 * *out is owned by the caller (fetch_allow_free). Returns VP_OK, VP_EINVAL on
 * a malformed entry, or VP_ENOMEM. */
int fetch_allow_parse(struct fetch_allow **out, const char *spec);

/* True when sa lies in one of the list's prefixes. Families are matched
 * exactly: "127.0.0.1" does not open ::ffff:127.0.0.1. */
bool fetch_allow_match(const struct fetch_allow *a, const struct sockaddr *sa);

/* True when the fetcher may open a connection to sa: not forbidden by the
 * policy, or opened by the allow list (a may be NULL). */
bool fetch_addr_permitted(
    const struct fetch_allow *a, const struct sockaddr *sa);

void fetch_allow_free(struct fetch_allow *a);

/* What happened to one URL, in the terms the classifier needs. */
struct fetch_outcome {
	int curl_code;      /* CURLcode of the last transfer */
	long http_status;   /* of the last response, 0 when none */
	size_t redirects;   /* hops followed */
	bool blocked;       /* the SSRF guard refused a connection */
	bool body_exceeded; /* more than max_body bytes of body arrived */
	bool has_length;    /* content_length is known */
	bool bot_wall;      /* a challenge page or bot wall answered */
	bool soft404;       /* a 2xx that is really "not found" */
	bool refused;       /* 429/503 still refusing after the retry budget */
	uint64_t content_length;
	uint64_t max_body;
};

/* Returns the status class of an outcome (a static string: "ok",
 * "redirect", "gone", "soft404", "client_error", "server_error", "timeout",
 * "dns", "connect", "tls", "too_large", "blocked", "unverifiable" or "error").
 */
const char *fetch_classify(const struct fetch_outcome *o);

/* Returns the text of the first <title> element in html[0..len), with
 * whitespace collapsed, a few entities decoded and invalid UTF-8 replaced,
 * at most max bytes; NULL when there is none or on out of memory. */
char *fetch_html_title(const char *html, size_t len, size_t max);

/* ---- policy (fetch_policy.c): pure, time and randomness as parameters --- */

/* Parses an HTTP-date (IMF-fixdate, RFC 850 or asctime form) into Unix
 * seconds. Returns 0, or -1 when s is not one. */
int fetch_http_date(const char *s, int64_t *out);

/* Milliseconds a Retry-After value asks to wait, given the current Unix time
 * in ms (for the HTTP-date form); -1 when the value is malformed. Dates in
 * the past give 0; values are capped at a week. */
int64_t fetch_retry_after_ms(const char *value, int64_t now_unix_ms);

/* Delay before retry number retry (0 = the first retry): base_ms doubled per
 * retry, capped at cap_ms, with "equal jitter" from rnd (half fixed, half
 * random). */
uint64_t fetch_backoff_ms(
    unsigned retry, uint64_t base_ms, uint64_t cap_ms, uint32_t rnd);

/* True when the outcome is a transient failure worth retrying (connection
 * refused or reset, nothing received, 502, 504). 429/503 are handled by the
 * Retry-After rules, not here. */
bool fetch_transient(const struct fetch_outcome *o);

/* Politeness state of one host (GCRA): the theoretical arrival time of the
 * next request and a slow-down level that doubles the interval after a
 * 429/503 (see fetch_host_slowdown). */
struct fetch_hostpol {
	uint64_t tat;        /* ms */
	unsigned slow;       /* 0 = normal; interval << slow */
	uint64_t slow_until; /* ms */
};

/* Milliseconds until a request to the host may start (0 = now) with rate
 * requests per second (0 = no limit) and a burst of burst requests. */
uint64_t fetch_host_wait(
    const struct fetch_hostpol *h, uint64_t now, unsigned rate, unsigned burst);

/* Records a request started at now. */
void fetch_host_take(
    struct fetch_hostpol *h, uint64_t now, unsigned rate, unsigned burst);

/* The host answered 429/503. With a Retry-After (retry_after_ms > 0) only
 * the URL that got it waits (the caller sleeps it); the host keeps going at
 * half its rate, no bursts, until the Retry-After has passed. Without one
 * (0) the host is slowed one more step (interval doubled, at most 5 steps)
 * for a minute. The host itself is never held. */
void fetch_host_slowdown(
    struct fetch_hostpol *h, uint64_t now, uint64_t retry_after_ms);

/* What the soft-404 rules look at. Strings may be NULL. */
struct fetch_soft404_in {
	long http_status;
	const char *url;       /* as cited */
	const char *final_url; /* after redirects */
	size_t redirects;
	const char *title;
	const char *body; /* first bytes of the body */
	size_t body_len;
	const char *sha256; /* of the body, when read whole */
	uint64_t length;
	bool probe_known; /* a random sibling URL on the host was fetched */
	long probe_status;
	const char *probe_sha256;
	const char *probe_title;
	uint64_t probe_length;
};

/* Returns why a 2xx answer is really "not found" (a static string, the
 * evidence), or NULL when it is not: a redirect to the site's home page, the
 * same answer as a random sibling URL, or - only when there is no answer of
 * the host for a missing page to compare with (probe_known false, or the
 * probe failed) - a not-found title or body. A page that differs from the
 * host's answer for a missing page is never a soft 404 for its words. */
const char *fetch_soft404(const struct fetch_soft404_in *in);

/* True when url's path is a site's home page ("/", "/index.html", ...). */
bool fetch_is_home(const char *url);

/* True when a 403/429/503/999 answer is a bot wall or challenge page rather
 * than the resource's own answer. */
bool fetch_bot_wall(long status, bool cf_challenge, const char *title);

/* ---- archives (fetch_archive.c) ------------------------------------------ */

/* Reads a Wayback availability answer: on 0 *url (and *at, RFC 3339, when
 * the timestamp is well-formed, else NULL) are malloc'ed; -1 when there is
 * no usable snapshot (none, not a 2xx capture, or malformed JSON). */
int fetch_wayback_parse(const char *json, size_t len, char **url, char **at);

/* Reads a TimeGate answer: the memento's Location and Memento-Datetime
 * (HTTP-date; *at is NULL when it is missing or malformed). 0 or -1. */
int fetch_memento_parse(
    const char *location, const char *memento_datetime, char **url, char **at);

/* Finds a memento in a Link header value (RFC 8288 link-values, RFC 7089
 * rel="memento", also "first memento" ...): the first one whose datetime
 * attribute equals want_datetime, or the first one when want_datetime is
 * NULL or "". On 0 *url (http(s) only) and *datetime (the attribute as
 * given, or NULL) are malloc'ed; -1 when there is none or the value is
 * malformed. */
int fetch_link_memento(
    const char *link, const char *want_datetime, char **url, char **datetime);

/* Reads a TimeGate's answer (HTTP status code with its Location,
 * Memento-Datetime and Link headers, each may be NULL): a 3xx points at the
 * memento; a 200 is the memento, at the URI a matching Link rel=memento names
 * or else at request_url. *at comes from Memento-Datetime or else from the
 * Link's datetime. 0 or -1, as fetch_memento_parse. */
int fetch_memento_answer(long code, const char *request_url,
    const char *location, const char *memento_datetime, const char *link,
    char **url, char **at);

/* Writes "Accept-Datetime: <HTTP-date>" for midnight UTC of date
 * (YYYY-MM-DD) into buf. 0 or -1. */
int fetch_accept_datetime(const char *date, char *buf, size_t cap);

/* ---- lookups (fetch_lookup.c) -------------------------------------------- */

/* One record of an SRU answer (gzd): the fields a lookup fills in. */
struct fetch_sru_rec {
	char *identifier, *title, *type, *creator, *date, *url;
	char *vergaderjaar, *aanhangselnummer, *dossiernummer, *ondernummer;
	char *vraagnummer;
};

struct fetch_sru {
	long count;       /* sru:numberOfRecords, -1 when absent */
	char *diagnostic; /* set when the answer is diagnostics (HTTP 200) */
	struct fetch_sru_rec *recs;
	size_t n;
};

/* Parses an SRU 2.0 searchRetrieveResponse with gzd records (no network,
 * no entity expansion). Diagnostics are a successful parse with
 * out->diagnostic set. Returns VP_OK, VP_EINVAL (not an SRU answer) or
 * VP_ENOMEM; release with fetch_sru_free. */
int fetch_sru_parse(const char *xml, size_t len, struct fetch_sru *out);
void fetch_sru_free(struct fetch_sru *r);

/* The first zaak of an OData answer {"value":[...]} with its documents. */
struct fetch_zaak {
	size_t found; /* entries in value */
	char *nummer, *title, *date;
	char *documents; /* "2025D31234,2025D40001" */
};

/* Parses Zaak?$filter=...&$expand=Document. VP_OK, VP_EINVAL or
 * VP_ENOMEM; release with fetch_zaak_free. */
int fetch_odata_zaak_parse(const char *json, size_t len, struct fetch_zaak *z);
void fetch_zaak_free(struct fetch_zaak *z);

/* Cache of lookup answers by request URL (entries, TTL), thread-safe. */
struct fetch_lcache;
struct fetch_lcache *fetch_lcache_new(unsigned entries, unsigned ttl_s);
void fetch_lcache_free(struct fetch_lcache *c);

struct fetch_engine;
/* The engine's lookup cache. */
struct fetch_lcache *fetch_engine_lcache(struct fetch_engine *e);

/* Number of leading hops of a redirect chain that are permanent (301/308). */
size_t fetch_permanent_prefix(const uint16_t *hop_status, size_t n);

#endif
