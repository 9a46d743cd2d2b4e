/* golden_parser.c - data-driven test of the parser against the development
 * corpus (dev-citations.tsv, every row): every expected id of a row must be
 * found; rows of family "none" must give nothing; positive rows without an
 * expected id (truncated or malformed citations) must give nothing with
 * confidence 1. Expected ids written as prose in the corpus ("trb-1966-?",
 * "h-tk-... (SRU lookup)") are mapped to the parser's conventions in
 * expect.tsv. Known failures are listed, with their reason, in
 * known-failures.txt and reported without failing. Every span of every
 * citation (corpus rows and the example documents) must be exactly the input
 * bytes it covers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prs.h"

#define MAX_KNOWN 256

static char *known[MAX_KNOWN];
static size_t n_known;
static char *over_key[MAX_KNOWN], *over_val[MAX_KNOWN];
static size_t n_over;
static size_t bad_spans;

/* Reads "prefix<TAB>value" lines into keys (and vals when not NULL). */
static void load_pairs(const char *path, char **keys, char **vals, size_t *n)
{
	FILE *f = fopen(path, "r");
	char line[2048];
	if (!f)
		return;
	while (*n < MAX_KNOWN && fgets(line, sizeof line, f)) {
		char *tab = strchr(line, '\t');
		if (line[0] == '#' || !tab)
			continue;
		*tab = 0;
		tab[1 + strcspn(tab + 1, "\r\n")] = 0;
		keys[*n] = strdup(line);
		if (vals)
			vals[*n] = strdup(tab + 1);
		(*n)++;
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

static const char * override(const char *raw)
{
	for (size_t k = 0; k < n_over; k++)
		if (!strncmp(raw, over_key[k], strlen(over_key[k])))
			return over_val[k];
	return NULL;
}

/* Corpus ids may carry a note: "stcrt-2005-114 (issue; ...)", "kst-1-2?". */
static void clean_id(char *id)
{
	size_t n = strlen(id);
	while (n && (id[n - 1] == '?' || id[n - 1] == ' '))
		id[--n] = 0;
}

/* Removes " (...)" notes from a list of expected ids, in place. */
static void strip_notes(char *s)
{
	char *o = s;
	int depth = 0;
	for (; *s; s++) {
		if (*s == '(' && s[-1] == ' ') {
			depth++;
			o--;
		} else if (*s == ')' && depth) {
			depth--;
		} else if (!depth) {
			*o++ = *s;
		}
	}
	*o = 0;
}

/* Every span must be the exact input bytes it claims. */
static void check_spans(const char *text, size_t len,
    const struct vp_citation *c, size_t n, const char *what)
{
	for (size_t k = 0; k < n; k++)
		for (size_t q = 0; q < c[k].n_spans; q++) {
			const struct vp_span *sp = &c[k].spans[q];
			if (sp->start >= sp->end || sp->end > len || !sp->raw ||
			    strlen(sp->raw) != sp->end - sp->start ||
			    memcmp(sp->raw, text + sp->start,
			        sp->end - sp->start)) {
				fprintf(stderr,
				    "BAD SPAN in %s: %s [%llu,%llu)\n", what,
				    c[k].id, (unsigned long long)sp->start,
				    (unsigned long long)sp->end);
				bad_spans++;
			}
		}
}

static void check_file_spans(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	struct vp_citation *c = NULL;
	size_t nc = 0;
	if (!f)
		return;
	buf = malloc(1 << 20);
	n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
	fclose(f);
	if (!buf)
		return;
	buf[n] = 0;
	if (prs_parse_text(buf, n, &c, &nc) == 0) {
		check_spans(buf, n, c, nc, path);
		printf("%s: %zu citations, spans checked\n", path, nc);
	}
	prs_citations_free(c, nc);
	free(buf);
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
			        !strcmp(kv->key, "alt_id") ||
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
	size_t pass = 0, in = 0, kf = 0, bad = 0, row = 0, pos = 0,
	       pos_pass = 0, none = 0, none_pass = 0;
	FILE *f;

	snprintf(path, sizeof path, "%s/known-failures.txt", dir);
	load_pairs(path, known, NULL, &n_known);
	snprintf(path, sizeof path, "%s/expect.tsv", dir);
	load_pairs(path, over_key, over_val, &n_over);
	snprintf(path, sizeof path, "%s/dev-citations.tsv", dir);
	if (!(f = fopen(path, "r"))) {
		perror(path);
		return 2;
	}
	while (fgets(line, sizeof line, f)) {
		char *cols[7] = {0}, *p = line, raw[8192];
		struct vp_citation *c = NULL;
		size_t n = 0, ncol = 0;
		bool ok = true, is_none;
		const char *want;
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
		in++;
		is_none = !strcmp(cols[1], "none");
		snprintf(raw, sizeof raw, "%s", cols[0]);
		unescape(raw);
		if (prs_parse_text(raw, strlen(raw), &c, &n) != 0) {
			fprintf(stderr, "row %zu: parse error\n", row);
			return 2;
		}
		check_spans(raw, strlen(raw), c, n, "corpus row");
		want = override(cols[0]);
		if (!want)
			want = cols[2];
		if (is_none) {
			ok = n == 0;
		} else if (want[0] == 0) {
			for (size_t q = 0; q < n; q++)
				ok &= c[q].confidence < 1.0;
		} else {
			char ids[4096], *save = NULL;
			snprintf(ids, sizeof ids, "%s", want);
			if (ids[0] != '(')
				strip_notes(ids);
			for (char *id = strtok_r(ids, ";", &save); id;
			     id = strtok_r(NULL, ";", &save)) {
				clean_id(id);
				ok &= found(c, n, id);
			}
		}
		pos += !is_none;
		none += is_none;
		if (ok) {
			pass++;
			pos_pass += !is_none;
			none_pass += is_none;
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
	snprintf(path, sizeof path, "%s/kamervragen-antwoord-2025-palantir.txt",
	    dir);
	check_file_spans(path);
	printf("parser golden: %zu/%zu rows pass (%zu/%zu positive = %.1f%%, "
	       "%zu/%zu none), %zu known failures, %zu unexpected failures, "
	       "%zu bad spans\n",
	    pass, in, pos_pass, pos,
	    pos ? 100.0 * (double)pos_pass / (double)pos : 0.0, none_pass, none,
	    kf, bad, bad_spans);
	for (size_t k = 0; k < n_known; k++)
		free(known[k]);
	for (size_t k = 0; k < n_over; k++) {
		free(over_key[k]);
		free(over_val[k]);
	}
	/* acceptance: 97% of the positive rows, every none row, exact spans */
	if (pos && (double)pos_pass < 0.97 * (double)pos)
		bad++;
	if (none_pass != none || bad_spans)
		bad++;
	return bad ? 1 : 0;
}
