/* prs_url.c - URLs in running text (spec §10): http(s) URLs and bare "www."
 * hosts, with trailing sentence punctuation and unbalanced brackets removed,
 * canonicalised, and with what an official URL points to (an
 * officielebekendmakingen id, an ECLI, a TK zaak/document number) as fields. */
#include <stdlib.h>
#include <string.h>

#include "prs_internal.h"

/* Longest URL we accept (the wire schema's limit for citation.url). */
#define URL_MAX 8000

static bool url_byte(unsigned char c)
{
	/* stop at space, controls, non-ASCII (curly quotes, NBSP) and the
	 * characters that delimit URLs in text */
	return c > 0x20 && c < 0x7f && c != '<' && c != '>' && c != '"' &&
	       c != '\\' && c != '^' && c != '`' && c != '|';
}

static size_t count(const char *s, size_t n, char c)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += s[i] == c;
	return k;
}

/* Length of the URL body after trimming trailing punctuation and closing
 * brackets that have no opening partner inside the URL. */
static size_t trim(const char *u, size_t n)
{
	for (;;) {
		char c = n ? u[n - 1] : 0;
		if (c && strchr(".,;:!?'*", c))
			n--;
		else if (c == ')' && count(u, n, ')') > count(u, n, '('))
			n--;
		else if (c == ']' && count(u, n, ']') > count(u, n, '['))
			n--;
		else if (c == '}' && count(u, n, '}') > count(u, n, '{'))
			n--;
		else
			return n;
	}
}

/* Finds "ECLI:" (or ECLI%3A) in the URL and writes the ECLI, decoded and
 * upper-cased, to out. */
static bool embedded_ecli(const char *u, char *out, size_t cap)
{
	const char *p = strstr(u, "ECLI");
	size_t o = 0;
	int colons = 0;
	if (!p)
		p = strstr(u, "ecli:ECLI"), p = p ? p + 5 : NULL;
	if (!p)
		return false;
	while (*p && o + 1 < cap) {
		char c = *p;
		if (c == '%' && p[1] == '3' && (p[2] == 'A' || p[2] == 'a')) {
			c = ':';
			p += 3;
		} else if (prs_isalnum((unsigned char)c) || c == ':' ||
		           (c == '.' && colons == 4)) {
			p++;
		} else {
			break;
		}
		if (c == ':')
			colons++;
		out[o++] = (c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
	}
	out[o] = 0;
	while (o > 0 && out[o - 1] == '.')
		out[--o] = 0;
	return colons == 4 && o > 0 && out[o - 1] != ':';
}

/* Value of query parameter name (e.g. "id=") if it is a zaak/document
 * number. */
static bool query_zaak(const char *u, const char *name, char out[11])
{
	const char *q = strchr(u, '?');
	size_t n = strlen(name);
	while (q) {
		q++;
		if (!strncmp(q, name, n)) {
			const char *v = q + n;
			if (prs_zaaknummer(v, strlen(v), 0)) {
				memcpy(out, v, 10);
				out[10] = 0;
				return true;
			}
		}
		q = strchr(q, '&');
	}
	return false;
}

static int emit_url(
    struct prs_ctx *ctx, size_t start, size_t end, const char *canon)
{
	struct prs_cit c = {0};
	char points[160] = "", z1[11], z2[11], host[256];
	const char *h = strstr(canon, "://") + 3, *p;
	size_t hn = strcspn(h, "/?#");
	if (hn >= sizeof host)
		hn = sizeof host - 1;
	memcpy(host, h, hn);
	host[hn] = 0;
	c.family = "url";
	c.id = canon;
	c.url = canon;
	c.confidence = 1.0;
	c.start = start;
	c.end = end;
	prs_cit_field(&c, "host", host);
	p = h + hn;
	if (!strcmp(host, "zoek.officielebekendmakingen.nl") && *p == '/') {
		/* /{id}.html or /dossier/{n} */
		size_t n = strcspn(p + 1, "/?#");
		if (n > 5 && n < sizeof points &&
		    !strncmp(p + 1 + n - 5, ".html", 5)) {
			memcpy(points, p + 1, n - 5);
			points[n - 5] = 0;
		} else if (!strncmp(p, "/dossier/", 9)) {
			size_t d = strcspn(p + 9, "/?#");
			if (d > 0 && d < sizeof points - 9)
				prs_fmt(points, sizeof points, "dossier:%.*s",
				    (int)d, p + 9);
		}
	} else if (embedded_ecli(canon, points, sizeof points)) {
		prs_cit_field(&c, "ecli", points);
	}
	prs_cit_field(&c, "points_to", points);
	if (strstr(host, "tweedekamer.nl")) {
		if (query_zaak(canon, "did=", z2))
			prs_cit_field(&c, "document", z2);
		if (query_zaak(canon, "id=", z1))
			prs_cit_field(
			    &c, z1[4] == 'Z' ? "zaak" : "document", z1);
		if (c.n_fields >= 2 &&
		    !strcmp(c.keys[c.n_fields - 1], c.keys[c.n_fields - 2]) &&
		    !strcmp(c.vals[c.n_fields - 1], c.vals[c.n_fields - 2]))
			c.n_fields--; /* id= and did= name the same document */
	}
	return prs_emit(ctx, &c);
}

int prs_try_url(struct prs_ctx *ctx, size_t i, size_t *end)
{
	const char *s = ctx->s;
	size_t len = ctx->len, j, n, scheme = 0, body;
	bool www = false;
	char *canon;
	int rv;

	*end = i;
	if ((n = prs_prefix(s, len, i, "https://")) ||
	    (n = prs_prefix(s, len, i, "http://")))
		scheme = n;
	else if (prs_prefix(s, len, i, "www.") &&
	         (i == 0 ||
	             (s[i - 1] != '.' && s[i - 1] != '/' && s[i - 1] != '@')))
		www = true;
	else
		return VP_OK;
	j = i + scheme;
	while (j < len && j - i <= URL_MAX && url_byte((unsigned char)s[j]))
		j++;
	if (j - i > URL_MAX) {
		*end = j; /* too long to be a citation; do not rescan it */
		return VP_OK;
	}
	body = trim(s + i, j - i);
	/* a host of at least "a.b" */
	{
		size_t h = scheme, dots = 0, hl = 0;
		while (h < body && !strchr("/?#", s[i + h])) {
			dots += s[i + h] == '.';
			h++, hl++;
		}
		if (hl < 3 || dots == 0 || s[i + h - 1] == '.') {
			*end = i + (body > scheme ? body : scheme);
			return VP_OK;
		}
	}
	if (!(canon = malloc(body + 16)))
		return VP_ENOMEM;
	n = 0;
	if (www) {
		memcpy(canon, "https://", 8);
		n = 8;
	} else {
		for (size_t k = 0; k < scheme; k++)
			canon[n++] =
			    (char)(s[i + k] | 0x20) == '/'
			        ? '/'
			        : (char)(s[i + k] >= 'A' && s[i + k] <= 'Z'
			                     ? s[i + k] + 32
			                     : s[i + k]);
	}
	{
		size_t k = scheme;
		/* lower-case the host, keep path and query as written */
		for (; k < body && !strchr("/?#", s[i + k]); k++)
			canon[n++] = (s[i + k] >= 'A' && s[i + k] <= 'Z')
			                 ? (char)(s[i + k] + 32)
			                 : s[i + k];
		memcpy(canon + n, s + i + k, body - k);
		n += body - k;
		canon[n] = 0;
	}
	rv = emit_url(ctx, i, i + body, canon);
	free(canon);
	if (rv == VP_OK)
		*end = i + body;
	return rv;
}
