/* prs_url.c - URLs in running text (spec §10): http(s) URLs and bare "www."
 * hosts, with trailing sentence punctuation and unbalanced brackets removed,
 * canonicalised, and with what an official URL points to as fields:
 * points_to, the id the same source has when cited as text (kst-..., stb-,
 * ah-, h-; jci1.3:c:BWBR...&artikel=N; ECLI; CELEX:...; a TK zaak or
 * document number; CVDR...), and points_family, its family. A URL stays a
 * citation of family url (its own URL is what gets checked); `resolve`
 * merges it with the source it points at (disp_merge.c). */
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

/* The families of officielebekendmakingen.nl ids, as prs_blad.c reads the
 * same ids written bare. */
static const char *ob_family(const char *id)
{
	static const struct {
		const char *prefix, *family;
	} fam[] = {{"kst-", "kamerstuk"}, {"ah-", "aanhangsel"},
	    {"h-", "handelingen"}, {"stb-", "staatsblad"},
	    {"stcrt-", "staatscourant"}, {"trb-", "tractatenblad"},
	    {"gmb-", "gemeenteblad"}, {"prb-", "provinciaal_blad"},
	    {"wsb-", "waterschapsblad"}, {"blg-", "bijlage"}};
	for (size_t k = 0; k < sizeof fam / sizeof *fam; k++)
		if (!strncmp(id, fam[k].prefix, strlen(fam[k].prefix)) &&
		    prs_isalnum((unsigned char)id[strlen(fam[k].prefix)]))
			return fam[k].family;
	return NULL;
}

/* An officielebekendmakingen.nl id: letters, digits and single dashes. */
static bool ob_id(const char *p, size_t n)
{
	if (n < 5 || n > 70)
		return false;
	for (size_t k = 0; k < n; k++)
		if (!prs_isalnum((unsigned char)p[k]) &&
		    !(p[k] == '-' && k > 0 && p[k - 1] != '-'))
			return false;
	return p[n - 1] != '-';
}

/* The value of query parameter name ("id") in the URL, up to '&' or '#'. */
static const char *query(const char *u, const char *name, size_t *n)
{
	const char *q = strchr(u, '?');
	size_t nl = strlen(name);
	while (q) {
		q++;
		if (!strncmp(q, name, nl) && q[nl] == '=') {
			*n = strcspn(q + nl + 1, "&#");
			return q + nl + 1;
		}
		q = strchr(q, '&');
	}
	return NULL;
}

/* "BWBR0022463" at p: BWB, a letter, seven digits. */
static bool bwb_at(const char *p)
{
	if (strncmp(p, "BWB", 3) || p[3] < 'A' || p[3] > 'Z')
		return false;
	for (int k = 4; k < 11; k++)
		if (!prs_isdigit((unsigned char)p[k]))
			return false;
	return !prs_isalnum((unsigned char)p[11]);
}

/* wetten.overheid.nl: "/BWBR0022463[/2024-01-01][/0][#|/]Artikel25" or
 * "/jci1.3:c:BWBR0022463&artikel=25&z=...&g=...": the jci id of the law,
 * with the article (and lid, onderdeel) but not the version date. */
static bool wetten_target(const char *path, char *id, size_t cap)
{
	const char *p = path + 1, *a;
	if (!strncmp(p, "jci1.3:c:", 9) && bwb_at(p + 9)) {
		size_t o = (size_t)prs_fmt(id, cap, "jci1.3:c:%.11s", p + 9);
		for (const char *q = strchr(p + 9, '&'); q && o < cap;
		     q = strchr(q + 1, '&')) {
			size_t n = strcspn(q + 1, "&#");
			if (!strncmp(q + 1, "z=", 2) ||
			    !strncmp(q + 1, "g=", 2))
				continue;
			o += (size_t)prs_fmt(
			    id + o, cap - o, "&%.*s", (int)n, q + 1);
		}
		return o < cap;
	}
	if (!bwb_at(p))
		return false;
	prs_fmt(id, cap, "jci1.3:c:%.11s", p);
	/* an article anchor or path segment: "Artikel25", "Artikel2.23" */
	if ((a = strstr(p, "Artikel")) != NULL) {
		size_t n = 0;
		a += 7;
		while (prs_isalnum((unsigned char)a[n]) || a[n] == '.' ||
		       a[n] == ':')
			n++;
		if (n > 0 && n < 20)
			prs_fmt(id + strlen(id), cap - strlen(id),
			    "&artikel=%.*s", (int)n, a);
	}
	return true;
}

/* What an official URL points at: the family and id of the same source
 * cited as text, so that `resolve` can make them one entry. */
static bool url_target(const char *canon, const char *host, const char *path,
    char *id, size_t cap, const char **family)
{
	const char *v;
	size_t n;
	*family = NULL;
	if (*path != '/')
		path = "/"; /* no path (the host alone, or a query): "/" */
	if (!strcmp(host, "zoek.officielebekendmakingen.nl") ||
	    !strcmp(host, "www.officielebekendmakingen.nl") ||
	    !strcmp(host, "officielebekendmakingen.nl")) {
		/* /{id}.html, /{id}.pdf, /{id}, ?id={id} */
		n = strcspn(path + 1, "/?#");
		v = path + 1;
		if (n > 5 && (!strncmp(v + n - 5, ".html", 5) ||
		                 !strncmp(v + n - 4, ".pdf", 4) ||
		                 !strncmp(v + n - 4, ".xml", 4)))
			n -= v[n - 5] == '.' ? 5 : 4;
		for (int k = 0; k < 2; k++) {
			if (k == 1 && (v = query(canon, "id", &n)) == NULL)
				return false;
			if (ob_id(v, n) && n < cap) {
				prs_fmt(id, cap, "%.*s", (int)n, v);
				if ((*family = ob_family(id)) != NULL)
					return true;
			}
		}
		return false;
	}
	if (!strcmp(host, "wetten.overheid.nl") ||
	    !strcmp(host, "www.wetten.overheid.nl")) {
		*family = "wet";
		return wetten_target(path, id, cap);
	}
	if (!strcmp(host, "lokaleregelgeving.overheid.nl")) {
		/* /CVDR101405/1 or /CVDR101405_1 */
		size_t d = 0, e = 0;
		v = path + 1;
		if (strncmp(v, "CVDR", 4))
			return false;
		while (d < 9 && prs_isdigit((unsigned char)v[4 + d]))
			d++;
		if (d < 3 || d > 8)
			return false;
		if (v[4 + d] == '/' || v[4 + d] == '_')
			while (
			    e < 3 && prs_isdigit((unsigned char)v[5 + d + e]))
				e++;
		prs_fmt(id, cap, "CVDR%.*s%s%.*s", (int)d, v + 4, e ? "_" : "",
		    (int)e, v + 5 + d);
		*family = "wet";
		return true;
	}
	if (strstr(host, "eur-lex.europa.eu")) {
		/* CELEX:32016R0679 or CELEX%3A32016R0679 */
		const char *c = strstr(canon, "CELEX");
		size_t k = 0;
		if (!c)
			return false;
		c += 5;
		if (*c == ':')
			c++;
		else if (!strncmp(c, "%3A", 3) || !strncmp(c, "%3a", 3))
			c += 3;
		else
			return false;
		while (k < 20 && (prs_isalnum((unsigned char)c[k]) ||
		                     c[k] == '(' || c[k] == ')'))
			k++;
		if (k < 6 || !prs_isdigit((unsigned char)c[0]))
			return false;
		prs_fmt(id, cap, "CELEX:%.*s", (int)k, c);
		*family = "eu";
		return true;
	}
	if (!strcmp(host, "deeplink.rechtspraak.nl") ||
	    !strcmp(host, "uitspraken.rechtspraak.nl") ||
	    !strcmp(host, "www.rechtspraak.nl")) {
		if (!embedded_ecli(canon, id, cap))
			return false;
		*family = "ecli";
		return true;
	}
	return false;
}

static int emit_url(
    struct prs_ctx *ctx, size_t start, size_t end, const char *canon)
{
	struct prs_cit c = {0};
	char points[160] = "", z1[11], z2[11], host[256], target[160];
	const char *tfam = NULL;
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
	if (url_target(canon, host, p, target, sizeof target, &tfam)) {
		/* resolve merges this URL with the source it points at */
		prs_cit_field(&c, "points_to", target);
		prs_cit_field(&c, "points_family", tfam);
		if (!strcmp(tfam, "ecli"))
			prs_cit_field(&c, "ecli", target);
		goto tk;
	}
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
tk:
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
		/* the zaak (or the document) is the source it points at */
		{
			const char *zaak = NULL;
			for (size_t k = 0; k < c.n_fields; k++)
				if (!strcmp(c.keys[k], "zaak") ||
				    (!zaak && !strcmp(c.keys[k], "document")))
					zaak = c.vals[k];
			if (zaak) {
				prs_cit_field(&c, "points_to", zaak);
				prs_cit_field(&c, "points_family", "zaak");
			}
		}
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
