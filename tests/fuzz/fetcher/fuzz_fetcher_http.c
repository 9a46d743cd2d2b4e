/* fuzz_fetcher_http.c - libFuzzer target over the fetcher's decoders of HTTP
 * answers: the first byte selects Retry-After (seconds and the three
 * HTTP-date forms), the Memento TimeGate headers (Location, Memento-Datetime,
 * Link), the HTML <title> extraction or the soft-404 rules over a body. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fetch_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Valid UTF-8 without control characters, as vp_utf8_dup promises. */
static void clean_utf8(const char *s)
{
	if (!vp_utf8_valid(s, strlen(s), VP_UTF8_NO_CTRL))
		abort();
}

/* Splits s (NUL-terminated, length n) at the first n separators '\n' into
 * fields; missing ones are NULL. */
static size_t split(char *s, char **f, size_t nf)
{
	size_t k = 0;
	while (k < nf) {
		f[k++] = s;
		char *nl = strchr(s, '\n');
		if (nl == NULL)
			break;
		*nl = '\0';
		s = nl + 1;
	}
	for (size_t i = k; i < nf; i++)
		f[i] = NULL;
	return k;
}

static void retry_after(const char *s)
{
	int64_t now = 1750000000000; /* June 2025, in ms */
	int64_t ms = fetch_retry_after_ms(s, now);
	if (ms < -1 || ms > 7 * 86400 * 1000LL)
		abort();
	int64_t t;
	if (fetch_http_date(s, &t) == 0 && (t < 0 || t > 253402300800LL))
		abort(); /* 1970 ... 9999 */
}

static void memento(char *s, uint8_t sel)
{
	char *f[4];
	split(s, f, 4);
	static const long codes[] = {200, 301, 302, 303, 307, 308, 404};
	long code = codes[sel % (sizeof codes / sizeof codes[0])];
	const char *gate = "http://127.0.0.1/timegate/http://example.nl/";
	char *url = NULL, *at = NULL;
	int rv = fetch_memento_answer(code, gate, f[0], f[1], f[2], &url, &at);
	if (rv == 0) {
		if (url == NULL || (strncmp(url, "http://", 7) != 0 &&
		                       strncmp(url, "https://", 8) != 0))
			abort();
		if (at != NULL && strlen(at) != 20)
			abort();
	} else if (rv != -1 || url != NULL || at != NULL) {
		abort();
	}
	free(url);
	free(at);
	char *lu = NULL, *ldt = NULL;
	rv = fetch_link_memento(f[2], f[3], &lu, &ldt);
	if ((rv == 0) != (lu != NULL) || (rv != 0 && ldt != NULL))
		abort();
	if (lu != NULL && f[2] != NULL && strlen(lu) > strlen(f[2]))
		abort();
	free(lu);
	free(ldt);
}

static void title(const char *p, size_t n)
{
	char *t = fetch_html_title(p, n, 1024);
	if (t != NULL) {
		if (strlen(t) > 1024 || t[0] == '\0' || t[0] == ' ')
			abort();
		clean_utf8(t);
	}
	free(t);
}

static void soft404(char *s, size_t n, uint8_t sel)
{
	/* url, final URL, title, then the body (the rest, may hold NULs) */
	char *f[3];
	char *body = s;
	size_t k = 0;
	for (; k < 3; k++) {
		char *nl = memchr(body, '\n', n - (size_t)(body - s));
		if (nl == NULL)
			break;
		*nl = '\0';
		f[k] = body;
		body = nl + 1;
	}
	for (size_t i = k; i < 3; i++)
		f[i] = NULL;
	struct fetch_soft404_in in = {
	    .http_status = 200 + (sel & 3),
	    .url = f[0],
	    .final_url = f[1],
	    .redirects = sel & 4 ? 1 : 0,
	    .title = f[2],
	    .body = body,
	    .body_len = n - (size_t)(body - s),
	    .sha256 = sel & 8 ? "ab" : NULL,
	    .length = n,
	    .probe_known = (sel & 16) != 0,
	    .probe_status = 200,
	    .probe_sha256 = sel & 32 ? "ab" : "cd",
	    .probe_title = f[2],
	    .probe_length = n + (sel & 64 ? 1 : 0),
	};
	const char *why = fetch_soft404(&in);
	/* the evidence, "soft 404: ..." or "soft 404 (suspected): ..." */
	if (why != NULL && strncmp(why, "soft 404", 8) != 0)
		abort();
	/* the words alone never decide against the host's answer for a
	 * missing page that differs from the page */
	if (why != NULL && strstr(why, "suspected") != NULL && in.probe_known)
		abort();
	if (f[0] != NULL)
		(void)fetch_is_home(f[0]);
	(void)fetch_bot_wall(sel & 1 ? 403 : 503, false, f[2]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	uint8_t sel = data[1];
	size_t n = size - 2;
	/* one spare byte for a terminator: the header rules take strings */
	char *p = malloc(n + 1);
	if (p == NULL)
		return 0;
	memcpy(p, data + 2, n);
	p[n] = '\0';
	switch (data[0] % 4) {
	case 0: retry_after(p); break;
	case 1: memento(p, sel); break;
	case 2: {
		/* the body as read: exact length, no terminator */
		char *b = malloc(n ? n : 1);
		if (b != NULL) {
			memcpy(b, data + 2, n);
			title(b, n);
			free(b);
		}
		break;
	}
	default: soft404(p, n, sel); break;
	}
	free(p);
	return 0;
}
