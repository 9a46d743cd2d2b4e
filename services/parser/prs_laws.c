/* prs_laws.c - loads the law table (TSV) into a sorted array of normalised
 * keys and answers exact-key lookups by binary search. Longest-match over
 * running text is built on top of this in prs_wet.c. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "prs_laws.h"
#include "vp_err.h"

/* Largest table file accepted: the official BWB list is a few MB. */
#define MAX_TABLE_BYTES (64u << 20)

size_t prs_law_norm(const char *s, size_t n, char *out, size_t cap, size_t *map)
{
	size_t o = 0, i = 0;
	bool space = false;
	if (cap == 0)
		return 0;
	while (i < n && o + 1 < cap) {
		unsigned char c = (unsigned char)s[i];
		size_t w = 1;
		bool sp = c == ' ' || c == '\t' || c == '\n' || c == '\r';
		if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
			sp = true;
			w = 2;
		} else if (c == 0xC2 && i + 1 < n &&
		           (unsigned char)s[i + 1] == 0xAD) {
			i += 2; /* soft hyphen: invisible */
			if (o && map)
				map[o - 1] = i;
			continue;
		}
		if (sp) {
			space = o > 0;
			i += w;
			continue;
		}
		if (space) {
			if (map)
				map[o] = i;
			out[o++] = ' ';
			space = false;
			if (o + 1 >= cap)
				break;
		}
		out[o] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		i += w;
		if (map)
			map[o] = i;
		o++;
	}
	out[o] = 0;
	return o;
}

static int cmp_law(const void *a, const void *b)
{
	const struct prs_law *x = a, *y = b;
	int r = strcmp(x->key, y->key);
	return r ? r : strcmp(x->bwb, y->bwb);
}

static bool has_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return true;
	return false;
}

/* Splits a line into up to 5 tab-separated columns in place. */
static size_t columns(char *line, char **col)
{
	size_t n = 0;
	col[n++] = line;
	for (char *p = line; *p && n < 5; p++)
		if (*p == '\t') {
			*p = 0;
			col[n++] = p + 1;
		}
	return n;
}

int prs_laws_parse(const char *text, size_t len, struct prs_laws **out)
{
	struct prs_laws *L;
	size_t rows = 1, n = 0, w = 0;
	char *buf, *line, *next;

	*out = NULL;
	for (size_t k = 0; k < len; k++)
		rows += text[k] == '\n';
	if (!(L = calloc(1, sizeof *L)) ||
	    !(L->own_v = calloc(rows, sizeof *L->own_v)) ||
	    !(L->own_buf = malloc(2 * len + 2))) {
		prs_laws_free(L);
		return VP_ENOMEM;
	}
	/* first half: a writable copy of the text; second half: keys */
	buf = L->own_buf;
	memcpy(buf, text, len);
	buf[len] = 0;
	w = len + 1;
	for (line = buf; line && *line; line = next) {
		char *col[5] = {0};
		size_t nc, kl;
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		line[strcspn(line, "\r")] = 0;
		nc = columns(line, col);
		if (nc < 3 || !*col[0] || !*col[2] ||
		    !strcmp(col[0], "abbreviation_or_name"))
			continue;
		/* key: normalised, "Wpg (publieke gezondheid)" -> "wpg" */
		kl = prs_law_norm(
		    col[0], strlen(col[0]), L->own_buf + w, len + 1, NULL);
		if (kl > 2 && L->own_buf[w + kl - 1] == ')') {
			char *o = strrchr(L->own_buf + w, '(');
			if (o && o > L->own_buf + w + 1 && o[-1] == ' ') {
				o[-1] = 0;
				kl = (size_t)(o - 1 - (L->own_buf + w));
			}
		}
		if (kl == 0)
			continue;
		L->own_v[n].key = L->own_buf + w;
		w += kl + 1;
		L->own_v[n].title = *col[1] ? col[1] : col[0];
		L->own_v[n].bwb = col[2];
		L->own_v[n].ambiguous = nc > 4 && has_ci(col[4], "ambiguous") &&
		                        strncmp(col[4], "full title", 10) != 0;
		n++;
	}
	if (n == 0) {
		prs_laws_free(L);
		return VP_EINVAL;
	}
	qsort(L->own_v, n, sizeof *L->own_v, cmp_law);
	/* drop duplicate rows, then flag keys naming several laws */
	{
		size_t m = 0;
		for (size_t k = 0; k < n; k++) {
			if (m && !cmp_law(&L->own_v[m - 1], &L->own_v[k])) {
				L->own_v[m - 1].ambiguous |=
				    L->own_v[k].ambiguous;
				continue;
			}
			L->own_v[m++] = L->own_v[k];
		}
		n = m;
	}
	for (size_t k = 0; k + 1 < n; k++)
		if (!strcmp(L->own_v[k].key, L->own_v[k + 1].key))
			L->own_v[k].ambiguous = L->own_v[k + 1].ambiguous =
			    true;
	/* an ambiguity flag on one row of a key applies to the whole key */
	for (size_t k = 0, e; k < n; k = e) {
		bool amb = false;
		for (e = k; e < n && !strcmp(L->own_v[e].key, L->own_v[k].key);
		     e++)
			amb |= L->own_v[e].ambiguous;
		for (size_t q = k; q < e; q++)
			L->own_v[q].ambiguous = amb;
	}
	L->v = L->own_v;
	L->n = n;
	*out = L;
	return VP_OK;
}

int prs_laws_load(const char *path, struct prs_laws **out)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t n = 0, cap = 0, r;
	int rv;
	*out = NULL;
	if (!f)
		return VP_EIO;
	for (;;) {
		if (n == cap) {
			char *p;
			if (cap >= MAX_TABLE_BYTES) {
				rv = VP_ETOOLARGE;
				goto fail;
			}
			cap = cap ? 2 * cap : 65536;
			if (!(p = realloc(text, cap))) {
				rv = VP_ENOMEM;
				goto fail;
			}
			text = p;
		}
		r = fread(text + n, 1, cap - n, f);
		if (r == 0)
			break;
		n += r;
	}
	if (ferror(f)) {
		rv = VP_EIO;
		goto fail;
	}
	rv = prs_laws_parse(text, n, out);
fail:
	free(text);
	fclose(f);
	return rv;
}

void prs_laws_free(struct prs_laws *laws)
{
	if (!laws || (!laws->own_v && !laws->own_buf && laws->v))
		return; /* NULL or a built-in table */
	free(laws->own_v);
	free(laws->own_buf);
	free(laws);
}

bool prs_laws_find(
    const struct prs_laws *laws, const char *key, size_t *lo, size_t *hi)
{
	size_t a = 0, b = laws ? laws->n : 0;
	while (a < b) {
		size_t m = a + (b - a) / 2;
		if (strcmp(laws->v[m].key, key) < 0)
			a = m + 1;
		else
			b = m;
	}
	if (!laws || a >= laws->n || strcmp(laws->v[a].key, key))
		return false;
	*lo = a;
	for (b = a; b < laws->n && !strcmp(laws->v[b].key, key); b++)
		;
	*hi = b;
	return true;
}
