/* fetch_int.h - internals shared by the fetcher's files: the allow list of
 * the SSRF guard, outcome classification and HTML title extraction. Not part
 * of the public contract (fetch.h); exposed so unit tests can drive them. */
#ifndef FETCH_INT_H
#define FETCH_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

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
	uint64_t content_length;
	uint64_t max_body;
};

/* Returns the status class of an outcome (a static string: "ok",
 * "redirect", "gone", "client_error", "server_error", "timeout", "dns",
 * "connect", "tls", "too_large", "blocked", "unverifiable" or "error"). */
const char *fetch_classify(const struct fetch_outcome *o);

/* Returns the text of the first <title> element in html[0..len), with
 * whitespace collapsed, a few entities decoded and invalid UTF-8 replaced,
 * at most max bytes; NULL when there is none or on out of memory. */
char *fetch_html_title(const char *html, size_t len, size_t max);

/* Returns a NUL-terminated copy of s[0..len) that is valid UTF-8 without
 * control characters (each bad byte becomes '?'), cut at a character
 * boundary to at most max bytes; NULL on out of memory. */
char *fetch_utf8_dup(const char *s, size_t len, size_t max);

#endif
