/* fetch_policy.c - the pure decisions of the checker: Retry-After, retry and
 * backoff, the per-host rate (GCRA with a slow-down after 429/503), soft-404
 * rules, bot walls and redirect suggestions. Time and randomness come in as
 * parameters; nothing here reads a clock or keeps global state. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fetch_int.h"

#define RETRY_AFTER_MAX_S (7 * 24 * 3600) /* anything longer is nonsense */
#define SLOW_MAX          5               /* interval doubles at most 5x */
#define SLOW_MIN_IV_MS    100 /* slowed hosts, even with politeness off */
#define SLOW_HOLD_MS      60000

static int month_of(const char *m)
{
	static const char *const names[] = {"Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	for (int i = 0; i < 12; i++)
		if (strncmp(m, names[i], 3) == 0)
			return i;
	return -1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (no timegm: it reads
 * the TZ environment on some libcs and is not in C11). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* Parses the three HTTP-date forms of RFC 9110 §5.6.7 into Unix seconds. */
int fetch_http_date(const char *s, int64_t *out)
{
	char wd[16], mon[4], zone[8];
	int d, y, hh, mm, ss;
	int n = 0;
	/* IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT */
	if (sscanf(s, "%15[A-Za-z], %2d %3s %4d %2d:%2d:%2d %7s%n", wd, &d, mon,
	        &y, &hh, &mm, &ss, zone, &n) == 8 ||
	    /* RFC 850: Sunday, 06-Nov-94 08:49:37 GMT */
	    sscanf(s, "%15[A-Za-z], %2d-%3s-%4d %2d:%2d:%2d %7s%n", wd, &d, mon,
	        &y, &hh, &mm, &ss, zone, &n) == 8) {
		if (strcmp(zone, "GMT") != 0 && strcmp(zone, "UTC") != 0)
			return -1;
		if (y < 100)
			y += y < 70 ? 2000 : 1900;
	} else if (sscanf(s, "%15[A-Za-z] %3s %2d %2d:%2d:%2d %4d%n", wd, mon,
	               &d, &hh, &mm, &ss, &y, &n) == 7) {
		/* asctime: Sun Nov  6 08:49:37 1994 */
	} else {
		return -1;
	}
	while (s[n] == ' ' || s[n] == '\t' || s[n] == '\r' || s[n] == '\n')
		n++;
	if (s[n] != '\0')
		return -1;
	int m = month_of(mon);
	if (m < 0 || d < 1 || d > 31 || y < 1970 || y > 9999 || hh > 23 ||
	    mm > 59 || ss > 60 || hh < 0 || mm < 0 || ss < 0)
		return -1;
	*out = days_from_civil(y, (unsigned)m + 1, (unsigned)d) * 86400 +
	       hh * 3600 + mm * 60 + ss;
	return 0;
}

int64_t fetch_retry_after_ms(const char *v, int64_t now_unix_ms)
{
	if (v == NULL)
		return -1;
	while (*v == ' ' || *v == '\t')
		v++;
	if (*v >= '0' && *v <= '9') {
		int64_t s = 0;
		for (; *v >= '0' && *v <= '9'; v++) {
			s = s * 10 + (*v - '0');
			if (s > RETRY_AFTER_MAX_S)
				s = RETRY_AFTER_MAX_S;
		}
		while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
			v++;
		return *v == '\0' ? s * 1000 : -1;
	}
	int64_t t;
	if (fetch_http_date(v, &t) != 0)
		return -1;
	int64_t ms = t * 1000 - now_unix_ms;
	if (ms < 0)
		return 0; /* a date in the past: may retry now */
	if (ms > (int64_t)RETRY_AFTER_MAX_S * 1000)
		ms = (int64_t)RETRY_AFTER_MAX_S * 1000;
	return ms;
}

uint64_t fetch_backoff_ms(
    unsigned retry, uint64_t base_ms, uint64_t cap_ms, uint32_t rnd)
{
	/* "Equal jitter": at least half the exponential step, so retries of
	 * many jobs spread out but none comes back at once. */
	uint64_t step = base_ms;
	for (unsigned i = 0; i < retry && step < cap_ms; i++)
		step *= 2;
	if (step > cap_ms)
		step = cap_ms;
	uint64_t half = step / 2;
	return half + (half ? rnd % (half + 1) : 0);
}

bool fetch_transient(const struct fetch_outcome *o)
{
	if (o->blocked)
		return false;
	switch (o->curl_code) {
	case CURLE_OK: return o->http_status == 502 || o->http_status == 504;
	case CURLE_COULDNT_CONNECT:
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM: return true;
	default: return false;
	}
}

static uint64_t interval_ms(const struct fetch_hostpol *h, unsigned rate)
{
	uint64_t iv = rate ? 1000 / rate : 0;
	if (h->slow > 0) {
		if (iv < SLOW_MIN_IV_MS)
			iv = SLOW_MIN_IV_MS;
		iv <<= h->slow;
	}
	return iv;
}

uint64_t fetch_host_wait(
    const struct fetch_hostpol *h, uint64_t now, unsigned rate, unsigned burst)
{
	uint64_t at = 0;
	struct fetch_hostpol cur = *h;
	if (cur.slow > 0 && now >= cur.slow_until)
		cur.slow = 0; /* the slow-down has run out */
	uint64_t iv = interval_ms(&cur, rate);
	if (cur.slow > 0)
		burst = 1; /* a host that pushed back gets no bursts */
	if (iv > 0) {
		uint64_t tol = (burst > 1 ? burst - 1 : 0) * iv;
		uint64_t earliest = cur.tat > tol ? cur.tat - tol : 0;
		if (earliest > at)
			at = earliest;
	}
	return at > now ? at - now : 0;
}

void fetch_host_take(
    struct fetch_hostpol *h, uint64_t now, unsigned rate, unsigned burst)
{
	(void)burst;
	if (h->slow > 0 && now >= h->slow_until)
		h->slow = 0;
	uint64_t iv = interval_ms(h, rate);
	h->tat = (h->tat > now ? h->tat : now) + iv;
}

void fetch_host_slowdown(
    struct fetch_hostpol *h, uint64_t now, uint64_t retry_after_ms)
{
	if (retry_after_ms > 0) {
		/* The server said how long: the URL that got it waits that
		 * long (the caller's job); the host goes on at half its rate,
		 * without bursts, for that window - never held, never slowed
		 * further by more answers of the same kind. */
		if (h->slow == 0)
			h->slow = 1;
		if (now + retry_after_ms > h->slow_until)
			h->slow_until = now + retry_after_ms;
		return;
	}
	/* No hint: back off, more with every push-back, for a minute. */
	if (h->slow < SLOW_MAX)
		h->slow++;
	h->slow_until = now + SLOW_HOLD_MS;
}

/* ---- soft 404 ----------------------------------------------------------- */

/* Path of an absolute http(s) URL without query or fragment, into buf. */
static void url_path(const char *url, char *buf, size_t cap)
{
	const char *p = strstr(url, "://");
	p = p ? strchr(p + 3, '/') : NULL;
	size_t n = 0;
	if (p != NULL)
		n = strcspn(p, "?#");
	if (n == 0) {
		snprintf(buf, cap, "/");
		return;
	}
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
}

bool fetch_is_home(const char *url)
{
	char path[256];
	url_path(url, path, sizeof path);
	static const char *const homes[] = {"/", "/index.html", "/index.htm",
	    "/index.php", "/home", "/home/", "/default.aspx", "/nl", "/nl/",
	    "/en", "/en/"};
	for (size_t i = 0; i < sizeof homes / sizeof homes[0]; i++)
		if (strcasecmp(path, homes[i]) == 0)
			return true;
	return false;
}

static bool has_ci(const char *h, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= len; i++)
		if (strncasecmp(h + i, needle, n) == 0)
			return true;
	return false;
}

/* Phrases that, in a title, mean the page is an error page. In a body only
 * the longer, unambiguous ones count (a real document may say "not found").
 * A bare number is no status: "Document 404" is a document. */
static const char *const title_words[] = {"niet gevonden", "not found",
    "bestaat niet", "niet beschikbaar", "page not found",
    "pagina niet gevonden", "kan niet worden gevonden", "no longer available",
    "error 404", "fout 404", "404 error", "404 -", "- 404"};
static const char *const body_words[] = {"pagina niet gevonden",
    "page not found", "404 not found", "deze pagina bestaat niet",
    "de pagina die u zoekt bestaat niet", "pagina kan niet worden gevonden",
    "the page you requested could not be found"};

static bool says_not_found(const struct fetch_soft404_in *in, bool *in_title)
{
	*in_title = false;
	if (in->title != NULL)
		for (size_t i = 0; i < sizeof title_words / sizeof *title_words;
		     i++)
			if (has_ci(
			        in->title, strlen(in->title), title_words[i]))
				return *in_title = true;
	if (in->body != NULL)
		for (size_t i = 0; i < sizeof body_words / sizeof *body_words;
		     i++)
			if (has_ci(in->body, in->body_len, body_words[i]))
				return true;
	return false;
}

/* True when the page is the host's answer for a URL that does not exist:
 * the same bytes, or (pages that embed a nonce differ in hash) the same
 * title and nearly the same size. A shared title alone is too weak: one
 * title per site is common. */
static bool same_as_probe(const struct fetch_soft404_in *in)
{
	if (in->sha256 != NULL && in->probe_sha256 != NULL &&
	    strcmp(in->sha256, in->probe_sha256) == 0)
		return true;
	uint64_t a = in->length, b = in->probe_length;
	uint64_t d = a > b ? a - b : b - a;
	return in->title != NULL && in->probe_title != NULL &&
	       strcmp(in->title, in->probe_title) == 0 && a > 0 && d * 100 <= a;
}

const char *fetch_soft404(const struct fetch_soft404_in *in)
{
	if (in->http_status < 200 || in->http_status > 299)
		return NULL;
	if (in->redirects > 0 && in->final_url != NULL && in->url != NULL &&
	    fetch_is_home(in->final_url) && !fetch_is_home(in->url))
		return "soft 404: redirected to the site's home page";
	bool probed = in->probe_known && in->probe_status > 0;
	if (probed && in->probe_status >= 200 && in->probe_status <= 299 &&
	    same_as_probe(in))
		return "soft 404: same answer as a random URL on the host";
	bool title;
	if (!says_not_found(in, &title))
		return NULL;
	/* The words alone never decide against the host's own answer for a
	 * missing page: a host that says 404 for it, or whose answer this
	 * page is not, shows this page is something else. */
	if (probed) {
		if (in->probe_status >= 200 && in->probe_status <= 299 &&
		    in->title != NULL && in->probe_title != NULL &&
		    strcmp(in->title, in->probe_title) == 0)
			return "soft 404: says not found, with the title of "
			       "the host's answer for a random URL";
		return NULL;
	}
	return title ? "soft 404 (suspected): the page title says not found; "
	               "no answer of the host for a missing page to compare"
	             : "soft 404 (suspected): the page says not found; no "
	               "answer of the host for a missing page to compare";
}

bool fetch_bot_wall(long status, bool cf_challenge, const char *title)
{
	if (status != 403 && status != 503 && status != 429 && status != 999)
		return false;
	if (cf_challenge || status == 999)
		return true;
	if (title == NULL)
		return false;
	static const char *const walls[] = {"just a moment",
	    "attention required", "access denied", "are you a robot", "captcha",
	    "ddos protection", "checking your browser", "request rejected"};
	for (size_t i = 0; i < sizeof walls / sizeof *walls; i++)
		if (has_ci(title, strlen(title), walls[i]))
			return true;
	return false;
}

size_t fetch_permanent_prefix(const uint16_t *hop_status, size_t n)
{
	size_t k = 0;
	while (k < n && (hop_status[k] == 301 || hop_status[k] == 308))
		k++;
	return k;
}
