/* golden_parser.c - data-driven test of the parser against the development
 * corpus (dev-citations.tsv): every expected id of an in-scope row must be
 * found, rows of family "none" must give nothing. Known failures are listed,
 * with their reason, in known-failures.txt and reported without failing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prs.h"

#define MAX_KNOWN 256

static const char *const in_scope[] = {
    "kamerstuk", "aanhangsel", "zaaknummer", "ecli", "url", "none"};

static char *known[MAX_KNOWN];
static size_t n_known;

static void load_known(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	if (!f)
		return;
	while (n_known < MAX_KNOWN && fgets(line, sizeof line, f)) {
		char *tab = strchr(line, '\t');
		if (line[0] == '#' || !tab)
			continue;
		*tab = 0;
		known[n_known++] = strdup(line);
	}
	fclose(f);
}

static bool is_known(const char *raw)
{
	for (size_t k = 0; k < n_known; k++)
		if (!strncmp(raw, known[k], strlen(known[k])))
			return true;
	return false;
}

/* Does some citation carry want as its id, or as a field value (points_to,
 * ecli, or "zaak:"/"document:" prefixed field)? */
static bool found(const struct vp_citation *c, size_t n, const char *want)
{
	const char *colon = strchr(want, ':');
	for (size_t k = 0; k < n; k++) {
		if (!strcmp(c[k].id, want))
			return true;
		for (size_t f = 0; f < c[k].n_fields; f++) {
			const struct vp_kv *kv = &c[k].fields[f];
			if ((!strcmp(kv->key, "points_to") ||
			        !strcmp(kv->key, "ecli")) &&
			    !strcmp(kv->val, want))
				return true;
			if (colon &&
			    strlen(kv->key) == (size_t)(colon - want) &&
			    !strncmp(kv->key, want, (size_t)(colon - want)) &&
			    !strcmp(kv->val, colon + 1))
				return true;
		}
	}
	return false;
}

static void unescape(char *s)
{
	char *o = s;
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] == 'n') {
			*o++ = '\n';
			s++;
		} else {
			*o++ = *s;
		}
	}
	*o = 0;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";
	char path[4096], line[8192];
	size_t pass = 0, in = 0, out_of_scope = 0, kf = 0, bad = 0, row = 0;
	FILE *f;

	snprintf(path, sizeof path, "%s/known-failures.txt", dir);
	load_known(path);
	snprintf(path, sizeof path, "%s/dev-citations.tsv", dir);
	if (!(f = fopen(path, "r"))) {
		perror(path);
		return 2;
	}
	while (fgets(line, sizeof line, f)) {
		char *cols[7] = {0}, *p = line, raw[8192];
		struct vp_citation *c = NULL;
		size_t n = 0, ncol = 0;
		bool ok = true, scope = false;
		if (row++ == 0)
			continue; /* header */
		line[strcspn(line, "\r\n")] = 0;
		while (ncol < 7) {
			cols[ncol++] = p;
			if (!(p = strchr(p, '\t')))
				break;
			*p++ = 0;
		}
		if (ncol < 3)
			continue;
		for (size_t k = 0; k < sizeof in_scope / sizeof *in_scope; k++)
			scope |= !strcmp(cols[1], in_scope[k]);
		if (!scope) {
			out_of_scope++;
			continue;
		}
		in++;
		snprintf(raw, sizeof raw, "%s", cols[0]);
		unescape(raw);
		if (prs_parse_text(raw, strlen(raw), &c, &n) != 0) {
			fprintf(stderr, "row %zu: parse error\n", row);
			return 2;
		}
		if (!strcmp(cols[1], "none") || cols[2][0] == 0) {
			ok = n == 0;
		} else {
			char ids[4096], *save = NULL;
			snprintf(ids, sizeof ids, "%s", cols[2]);
			for (char *id = strtok_r(ids, ";", &save); id;
			     id = strtok_r(NULL, ";", &save))
				ok &= found(c, n, id);
		}
		if (ok) {
			pass++;
		} else {
			bool k = is_known(cols[0]);
			fprintf(stderr,
			    "%s row %zu [%s] %.70s: expected %s, got",
			    k ? "KNOWN FAILURE" : "FAIL", row, cols[1], cols[0],
			    cols[2][0] ? cols[2] : "nothing");
			for (size_t q = 0; q < n; q++)
				fprintf(stderr, " %s", c[q].id);
			fprintf(stderr, "\n");
			if (k)
				kf++;
			else
				bad++;
		}
		prs_citations_free(c, n);
	}
	fclose(f);
	printf("parser golden: %zu/%zu in-scope rows pass, %zu known failures, "
	       "%zu unexpected failures, %zu rows out of scope\n",
	    pass, in, kf, bad, out_of_scope);
	for (size_t k = 0; k < n_known; k++)
		free(known[k]);
	return bad ? 1 : 0;
}
