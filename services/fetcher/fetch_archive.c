/* fetch_archive.c - reading the answers of archive services for dead links:
 * the Wayback availability API (JSON) and a Memento TimeGate (RFC 7089:
 * Location + Memento-Datetime). Pure functions over text from outside. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fetch_int.h"

#define JSON_MAX (1u << 20)

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool http_url(const char *u)
{
	return strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0;
}

int fetch_wayback_parse(const char *json, size_t len, char **url, char **at)
{
	*url = *at = NULL;
	if (len > JSON_MAX)
		return -1;
	json_error_t err;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL)
		return -1;
	int rv = -1;
	json_t *c = json_object_get(
	    json_object_get(root, "archived_snapshots"), "closest");
	json_t *avail = json_object_get(c, "available");
	const char *u = json_string_value(json_object_get(c, "url"));
	const char *ts = json_string_value(json_object_get(c, "timestamp"));
	const char *st = json_string_value(json_object_get(c, "status"));
	/* Only a snapshot of a page that answered: a capture of the 404 is no
	 * replacement. */
	if (json_is_true(avail) && u != NULL && http_url(u) &&
	    strlen(u) <= 8192 && (st == NULL || st[0] == '2')) {
		*url = strdup(u);
		if (ts != NULL && strlen(ts) == 14 && all_digits(ts, 14)) {
			char buf[32];
			snprintf(buf, sizeof buf,
			    "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", ts, ts + 4,
			    ts + 6, ts + 8, ts + 10, ts + 12);
			*at = strdup(buf);
		}
		rv = *url ? 0 : -1;
	}
	json_decref(root);
	return rv;
}

int fetch_memento_parse(
    const char *location, const char *memento_datetime, char **url, char **at)
{
	*url = *at = NULL;
	if (location == NULL || !http_url(location) || strlen(location) > 8192)
		return -1;
	if ((*url = strdup(location)) == NULL)
		return -1;
	int64_t t;
	if (memento_datetime != NULL && memento_datetime[0] &&
	    fetch_http_date(memento_datetime, &t) == 0) {
		int64_t days = t / 86400, sod = t % 86400;
		/* civil_from_days (Howard Hinnant) */
		days += 719468;
		int64_t era = (days >= 0 ? days : days - 146096) / 146097;
		unsigned doe = (unsigned)(days - era * 146097);
		unsigned yoe =
		    (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
		int64_t y = (int64_t)yoe + era * 400;
		unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
		unsigned mp = (5 * doy + 2) / 153;
		unsigned d = doy - (153 * mp + 2) / 5 + 1;
		unsigned m = mp < 10 ? mp + 3 : mp - 9;
		y += m <= 2;
		char buf[40];
		snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02dZ",
		    (long long)y, m, d, (int)(sod / 3600), (int)(sod / 60 % 60),
		    (int)(sod % 60));
		*at = strdup(buf);
	}
	return 0;
}

int fetch_accept_datetime(const char *date, char *buf, size_t cap)
{
	static const char *const wd[] = {
	    "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
	static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int y, m, d;
	if (sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 ||
	    d < 1 || d > 31 || y < 1970)
		return -1;
	char probe[40];
	snprintf(probe, sizeof probe, "Thu, %02d %s %04d 00:00:00 GMT", d,
	    mon[m - 1], y);
	int64_t t;
	if (fetch_http_date(probe, &t) != 0)
		return -1;
	int64_t days = t / 86400;
	int n =
	    snprintf(buf, cap, "Accept-Datetime: %s, %02d %s %04d 00:00:00 GMT",
	        wd[days % 7], d, mon[m - 1], y);
	return n > 0 && (size_t)n < cap ? 0 : -1;
}

/* Skips optional whitespace. */
static const char *ows(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* True when the space-separated relation list v[0..n) holds the token
 * "memento" (RFC 7089 uses "memento", "first memento", "last memento"...). */
static bool rel_memento(const char *v, size_t n)
{
	size_t i = 0;
	while (i < n) {
		while (i < n && v[i] == ' ')
			i++;
		size_t s = i;
		while (i < n && v[i] != ' ')
			i++;
		if (i - s == 7 && strncasecmp(v + s, "memento", 7) == 0)
			return true;
	}
	return false;
}

int fetch_link_memento(
    const char *link, const char *want_datetime, char **url, char **datetime)
{
	*url = *datetime = NULL;
	if (link == NULL)
		return -1;
	const char *p = link, *end = link + strlen(link);
	while (p < end) {
		/* link-value = "<" URI-Reference ">" *( OWS ";" OWS param ) */
		p = ows(p, end);
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		if (p >= end || *p != '<')
			return -1;
		const char *u = ++p;
		while (p < end && *p != '>')
			p++;
		if (p >= end)
			return -1;
		size_t ulen = (size_t)(p - u);
		p++;
		bool memento = false;
		const char *dt = NULL;
		size_t dtlen = 0;
		for (;;) {
			p = ows(p, end);
			if (p >= end || *p != ';')
				break;
			p = ows(p + 1, end);
			const char *name = p;
			while (p < end && *p != '=' && *p != ';' && *p != ',' &&
			       *p != ' ' && *p != '\t')
				p++;
			size_t nlen = (size_t)(p - name);
			p = ows(p, end);
			const char *val = p;
			size_t vlen = 0;
			if (p < end && *p == '=') {
				p = ows(p + 1, end);
				if (p < end && *p == '"') {
					val = ++p;
					while (p < end && *p != '"') {
						if (*p == '\\' && p + 1 < end)
							p++;
						p++;
					}
					if (p >= end)
						return -1;
					vlen = (size_t)(p - val);
					p++;
				} else {
					val = p;
					while (p < end && *p != ';' &&
					       *p != ',' && *p != ' ' &&
					       *p != '\t')
						p++;
					vlen = (size_t)(p - val);
				}
			}
			if (nlen == 3 && strncasecmp(name, "rel", 3) == 0)
				memento = rel_memento(val, vlen);
			else if (nlen == 8 &&
			         strncasecmp(name, "datetime", 8) == 0) {
				dt = val;
				dtlen = vlen;
			}
		}
		p = ows(p, end);
		if (p < end && *p != ',')
			return -1; /* junk after a link-value */
		if (!memento || ulen == 0 || ulen > 8192)
			continue;
		/* The memento the gate chose has the answer's datetime; without
		 * one to compare, the first memento listed. */
		if (want_datetime != NULL && want_datetime[0] &&
		    (dt == NULL || strlen(want_datetime) != dtlen ||
		        strncmp(dt, want_datetime, dtlen) != 0))
			continue;
		char *uc = strndup(u, ulen);
		if (uc == NULL || !http_url(uc)) {
			free(uc);
			continue;
		}
		*url = uc;
		if (dt != NULL && (*datetime = strndup(dt, dtlen)) == NULL) {
			free(uc);
			*url = NULL;
			return -1;
		}
		return 0;
	}
	return -1;
}

int fetch_memento_answer(long code, const char *request_url,
    const char *location, const char *memento_datetime, const char *link,
    char **url, char **at)
{
	*url = *at = NULL;
	if (code >= 300 && code < 400)
		return fetch_memento_parse(location, memento_datetime, url, at);
	if (code != 200)
		return -1;
	/* 200: the gate answered with the memento itself; a Link rel=memento
	 * with the answer's datetime names its own URI (else the gate's). */
	char *lu = NULL, *ldt = NULL;
	fetch_link_memento(link, memento_datetime, &lu, &ldt);
	const char *dt =
	    memento_datetime && memento_datetime[0] ? memento_datetime : ldt;
	int rv = fetch_memento_parse(lu ? lu : request_url, dt, url, at);
	free(lu);
	free(ldt);
	return rv;
}
