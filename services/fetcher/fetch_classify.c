/* fetch_classify.c - pure functions over what a check found: the status
 * class of an outcome, the title of an HTML page and the UTF-8 cleaning of
 * every string that goes into a struct vp_check. No sockets, no clock. */
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fetch_int.h"

/* Decisions, for the link-status policy:
 * - ok / redirect: a 2xx, directly or after >= 1 hop (final_url is set).
 * - too_large: a 2xx whose declared (Content-Length) or observed body is
 *   larger than max_body. The resource answered; it was not read. The policy
 *   should count it as reachable (http_status carries the 2xx).
 * - gone: 404 or 410, or a 2xx that the soft-404 rules call "not found".
 * - unverifiable: 429 and 503 still refusing after the Retry-After budget,
 *   and bot walls (challenge pages): never reported as broken.
 * - blocked: refused by policy (SSRF guard, a scheme other than http(s)),
 *   before any connection to the refused address.
 * - error: everything that is neither of the above, with error text: redirect
 *   loops, too many redirects, a 3xx without Location, and a connection that
 *   was reset or closed without an answer (the host was reached, so not
 *   "connect"). */
const char *fetch_classify(const struct fetch_outcome *o)
{
	switch (o->curl_code) {
	case CURLE_OK: break;
	case CURLE_OPERATION_TIMEDOUT: return "timeout";
	case CURLE_COULDNT_RESOLVE_HOST: return "dns";
	case CURLE_COULDNT_CONNECT:
		/* A refusal by the SSRF guard surfaces as a failed connect. */
		return o->blocked ? "blocked" : "connect";
	case CURLE_UNSUPPORTED_PROTOCOL:
		/* schemes are refused before curl sees them; here it is an
		 * answer curl could not read (HTTP/0.9) */
		return o->blocked ? "blocked" : "error";
	case CURLE_FILESIZE_EXCEEDED: return "too_large";
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_USE_SSL_FAILED:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_CLIENTCERT: return "tls";
	default:
		/* e.g. CURLE_GOT_NOTHING / RECV_ERROR: the host was reached
		 * but the exchange broke; that is not a connect failure. */
		return o->blocked ? "blocked" : "error";
	}
	long s = o->http_status;
	if (o->bot_wall || o->refused)
		return "unverifiable"; /* never "broken" for what we could not
		                          see */
	if (s >= 200 && s < 300) {
		if (o->soft404)
			return "soft404";
		if (o->body_exceeded ||
		    (o->has_length && o->content_length > o->max_body))
			return "too_large";
		return o->redirects > 0 ? "redirect" : "ok";
	}
	if (s == 404 || s == 410)
		return "gone";
	if (s == 429 || s == 503)
		return "unverifiable";
	if (s >= 400 && s < 500)
		return "client_error";
	if (s >= 500 && s < 600)
		return "server_error";
	return "error"; /* 1xx, an unfollowed 3xx, or garbage */
}

/* Case-insensitive search for needle in h[0..len). */
static const char *find_ci(const char *h, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= len; i++)
		if (strncasecmp(h + i, needle, n) == 0)
			return h + i;
	return NULL;
}

char *fetch_html_title(const char *html, size_t len, size_t max)
{
	const char *open = find_ci(html, len, "<title");
	if (open == NULL)
		return NULL;
	const char *end = html + len;
	const char *p = open + 6;
	if (p < end && *p != '>' && *p != ' ' && *p != '\t' && *p != '\n' &&
	    *p != '\r')
		return NULL; /* <titlefoo> */
	while (p < end && *p != '>')
		p++;
	if (p == end)
		return NULL;
	p++;
	const char *close = find_ci(p, (size_t)(end - p), "</title");
	if (close == NULL)
		return NULL;

	/* Collapse whitespace and decode the common entities into a scratch
	 * buffer no longer than the input, then clean it as UTF-8. */
	size_t n = (size_t)(close - p);
	char *tmp = malloc(n + 1);
	if (tmp == NULL)
		return NULL;
	static const struct {
		const char *name;
		char c;
	} ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'},
	    {"&quot;", '"'}, {"&#39;", '\''}, {"&apos;", '\''},
	    {"&nbsp;", ' '}};
	size_t o = 0;
	bool space = true; /* drops leading whitespace */
	for (const char *q = p; q < close;) {
		char c = *q;
		size_t adv = 1;
		if (c == '&') {
			for (size_t k = 0; k < sizeof ents / sizeof ents[0];
			     k++) {
				size_t el = strlen(ents[k].name);
				if ((size_t)(close - q) >= el &&
				    strncasecmp(q, ents[k].name, el) == 0) {
					c = ents[k].c;
					adv = el;
					break;
				}
			}
		}
		q += adv;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		    c == '\f') {
			if (!space)
				tmp[o++] = ' ';
			space = true;
			continue;
		}
		tmp[o++] = c;
		space = false;
	}
	while (o > 0 && tmp[o - 1] == ' ')
		o--;
	char *title = NULL;
	if (o > 0)
		title = vp_utf8_dup(tmp, o, max, VP_UTF8_NO_CTRL);
	free(tmp);
	return title;
}
