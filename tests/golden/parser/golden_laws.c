/* golden_laws.c - data-driven tests of the parser's law references.
 *
 *   golden_laws forms FILE.tsv
 *     every form of law-forms.tsv: each row's text is parsed and each of its
 *     expectations checked (see the header of that file).
 *
 *   golden_laws doc FILE EXPECTATIONS
 *     one whole document: every line of EXPECTATIONS is an expectation as
 *     in law-forms.tsv (what a reader expects the document to cite).
 *
 *   golden_laws bwb FILE.jsonl MIN_ARTICLE MIN_LAW MIN_INTERNAL
 *     real regulations with the publisher's own link markup (a slice of the
 *     project's developer corpus, see bwb-slice.README.md): the share of the
 *     annotated references found exactly must reach the minimums (percent),
 *     judged as the corpus's score.py judges them: an output citation that
 *     overlaps the gold span with the same BWB id (and artikel, when the gold
 *     has one); for internal links, family internal with the same artikel.
 *
 * Every citation's span must also be exactly the bytes of its raw text. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prs.h"
#include "vp_buf.h"
#include "vp_err.h"

static int failures;

/* The whole file (NUL-terminated, malloc'ed), NULL when it cannot be read
 * or exceeds 256 MiB. */
static char *slurp(const char *path, size_t *n)
{
	struct vp_buf b;
	char *text;
	vp_buf_init(&b, 256u << 20);
	if (vp_buf_read_file(&b, path) != VP_OK) {
		vp_buf_free(&b);
		return NULL;
	}
	if (!(text = vp_buf_take(&b, n)) && (text = calloc(1, 1)))
		*n = 0;
	return text;
}

static const char *field(const struct vp_citation *c, const char *key)
{
	for (size_t k = 0; k < c->n_fields; k++)
		if (!strcmp(c->fields[k].key, key))
			return c->fields[k].val;
	return NULL;
}

static void check_spans(const char *text, size_t len,
    const struct vp_citation *c, size_t n, const char *what)
{
	for (size_t k = 0; k < n; k++) {
		const struct vp_span *sp = &c[k].spans[0];
		size_t l = sp->end - sp->start;
		if (sp->end > len || sp->start > sp->end ||
		    strlen(sp->raw) != l ||
		    memcmp(text + sp->start, sp->raw, l)) {
			printf("BAD SPAN in %s: %s [%zu, %zu)\n", what, c[k].id,
			    (size_t)sp->start, (size_t)sp->end);
			failures++;
		}
	}
}

/* ---- forms ---- */

/* "\n" in a cell is a line break, "\t" a TAB (the cells of a table). */
static void unescape(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && (r[1] == 'n' || r[1] == 't')) {
			*w++ = r[1] == 'n' ? '\n' : '\t';
			r++;
		} else
			*w++ = *r;
	}
	*w = 0;
}

static bool lawish(const struct vp_citation *c)
{
	return !strcmp(c->family, "wet") || !strcmp(c->family, "eu") ||
	       !strcmp(c->family, "internal");
}

static bool expect(
    const char *text, const struct vp_citation *c, size_t n, const char *e)
{
	char kind = *e;
	if (!strcmp(e, "none")) {
		for (size_t k = 0; k < n; k++)
			if (lawish(&c[k]))
				return false;
		return true;
	}
	if (kind == '!' || kind == '~' || kind == '^' || kind == '=')
		e++;
	for (size_t k = 0; k < n; k++) {
		if (kind == '=') {
			if (!strcmp(c[k].spans[0].raw, e))
				return true;
			continue;
		}
		if (strcmp(c[k].id, e))
			continue;
		if (kind == '!')
			return false;
		/* ~ and ^: some citation of this id has that confidence */
		if (kind == '~' &&
		    !(c[k].confidence < 1.0 && c[k].reason && *c[k].reason))
			continue;
		if (kind == '^' && c[k].confidence < 1.0)
			continue;
		return true;
	}
	(void)text;
	return kind == '!';
}

static int run_forms(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	int rows = 0, bad = 0;
	if (!f) {
		perror(path);
		return 2;
	}
	while (fgets(line, sizeof line, f)) {
		char *text = line, *exp, *tab, *save = NULL;
		struct vp_citation *c = NULL;
		size_t n = 0;
		bool ok = true;
		line[strcspn(line, "\r\n")] = 0;
		if (line[0] == '#' || !(tab = strchr(line, '\t')))
			continue;
		*tab = 0;
		exp = tab + 1;
		if ((tab = strchr(exp, '\t')))
			*tab = 0;
		unescape(text);
		rows++;
		if (prs_parse_text(text, strlen(text), &c, &n) != VP_OK) {
			printf("FAIL parse error: %s\n", text);
			bad++;
			continue;
		}
		check_spans(text, strlen(text), c, n, text);
		for (char *e = strtok_r(exp, ";", &save); e;
		     e = strtok_r(NULL, ";", &save))
			if (!expect(text, c, n, e)) {
				if (ok)
					printf("FAIL %s\n", text);
				printf("  expected %s\n", e);
				ok = false;
			}
		if (!ok) {
			for (size_t k = 0; k < n; k++)
				printf("  got %s %s (%.2f) [%s]\n", c[k].family,
				    c[k].id, c[k].confidence,
				    c[k].spans[0].raw);
			bad++;
		}
		prs_citations_free(c, n);
	}
	fclose(f);
	printf("law forms: %d/%d rows pass\n", rows - bad, rows);
	return bad || failures || rows == 0 ? 1 : 0;
}

static int run_doc(const char *path, const char *exp_path)
{
	size_t len, elen;
	char *text = slurp(path, &len), *exp = slurp(exp_path, &elen), *save;
	struct vp_citation *c = NULL;
	size_t n = 0;
	int rows = 0, bad = 0;
	if (!text || !exp) {
		perror(text ? exp_path : path);
		free(text);
		free(exp);
		return 2;
	}
	if (prs_parse_text(text, len, &c, &n) != VP_OK) {
		printf("FAIL parse error: %s\n", path);
		return 1;
	}
	check_spans(text, len, c, n, path);
	for (char *e = strtok_r(exp, "\n", &save); e;
	     e = strtok_r(NULL, "\n", &save)) {
		if (e[0] == '#' || !e[0])
			continue;
		rows++;
		if (!expect(text, c, n, e)) {
			printf("FAIL %s: expected %s\n", path, e);
			bad++;
		}
	}
	if (bad)
		for (size_t k = 0; k < n; k++)
			printf("  got %s %s (%.2f) [%s]\n", c[k].family,
			    c[k].id, c[k].confidence, c[k].spans[0].raw);
	printf("%s: %d/%d expectations met\n", path, rows - bad, rows);
	prs_citations_free(c, n);
	free(text);
	free(exp);
	return bad || failures || rows == 0 ? 1 : 0;
}

/* ---- the corpus slice ---- */

struct tally {
	int n, exact;
};

/* "jci1.3:c:BWBR0001840&artikel=107" -> bwb and artikel (URL-decoded
 * ':' only, as the corpus writes them). */
static void split_id(
    const char *id, char *bwb, size_t bcap, char *art, size_t acap)
{
	const char *p = strstr(id, "BWB"), *a;
	bwb[0] = art[0] = 0;
	if (!p)
		return;
	snprintf(bwb, bcap, "%.11s", p);
	if ((a = strstr(id, "&artikel=")) != NULL) {
		size_t l = strcspn(a + 9, "&");
		snprintf(art, acap, "%.*s", (int)l, a + 9);
	}
}

static void norm_art(char *a)
{
	char *w = a;
	for (char *r = a; *r; r++)
		if (*r != ' ')
			*w++ = (char)(*r >= 'A' && *r <= 'Z' ? *r + 32 : *r);
	*w = 0;
	if (w > a && w[-1] == '.')
		w[-1] = 0;
}

static bool same_art(const char *x, const char *y)
{
	char a[64], b[64];
	snprintf(a, sizeof a, "%s", x ? x : "");
	snprintf(b, sizeof b, "%s", y ? y : "");
	norm_art(a);
	norm_art(b);
	return !strcmp(a, b);
}

static int run_bwb(
    const char *path, double min_art, double min_law, double min_int)
{
	size_t len;
	char *all = slurp(path, &len), *line, *save = NULL;
	struct tally art = {0}, law = {0}, in = {0};
	int docs = 0;
	if (!all) {
		perror(path);
		return 2;
	}
	for (line = strtok_r(all, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		json_error_t jerr;
		json_t *doc = json_loads(line, 0, &jerr), *refs, *r;
		const char *text, *host;
		struct vp_citation *c = NULL;
		size_t n = 0, idx;
		if (!doc ||
		    !(text = json_string_value(json_object_get(doc, "text")))) {
			printf("bad slice line: %s\n", jerr.text);
			json_decref(doc);
			failures++;
			continue;
		}
		host = json_string_value(json_object_get(doc, "bwb_id"));
		docs++;
		if (prs_parse_text(text, strlen(text), &c, &n) != VP_OK) {
			printf("parse error in %s\n", host);
			failures++;
			json_decref(doc);
			continue;
		}
		check_spans(text, strlen(text), c, n, host);
		refs = json_object_get(doc, "refs");
		json_array_foreach(refs, idx, r)
		{
			size_t gs = (size_t)json_integer_value(
			           json_object_get(r, "start")),
			       ge = (size_t)json_integer_value(
			           json_object_get(r, "end"));
			const char *kind =
			    json_string_value(json_object_get(r, "kind"));
			const char *type = json_string_value(
			    json_object_get(r, "target_type"));
			const char *target =
			    json_string_value(json_object_get(r, "target"));
			char gb[16], ga[64];
			struct tally *t;
			bool hit = false;
			split_id(
			    target ? target : "", gb, sizeof gb, ga, sizeof ga);
			if (!strcmp(kind, "intref"))
				t = &in;
			else if (!strcmp(type, "jci-article"))
				t = &art;
			else if (!strcmp(type, "jci-law"))
				t = &law;
			else
				continue;
			t->n++;
			for (size_t k = 0; k < n && !hit; k++) {
				const struct vp_span *sp = &c[k].spans[0];
				char cb[16], ca[64];
				const char *fa = field(&c[k], "artikel");
				if (!(sp->start < ge && gs < sp->end))
					continue;
				if (t == &in) {
					if (!strcmp(c[k].family, "internal") &&
					    (!ga[0] || same_art(fa, ga)))
						hit = true;
					continue;
				}
				split_id(c[k].id, cb, sizeof cb, ca, sizeof ca);
				if (!strcmp(cb, gb) &&
				    (!ga[0] || same_art(fa ? fa : ca, ga)))
					hit = true;
			}
			t->exact += hit;
		}
		prs_citations_free(c, n);
		json_decref(doc);
	}
	free(all);
	{
		double pa = art.n ? 100.0 * art.exact / art.n : 100,
		       pl = law.n ? 100.0 * law.exact / law.n : 100,
		       pi = in.n ? 100.0 * in.exact / in.n : 100;
		printf("bwb slice: %d documents\n", docs);
		printf("  article-level %4d/%4d = %5.1f%% exact (minimum "
		       "%.0f%%)\n",
		    art.exact, art.n, pa, min_art);
		printf("  law-level     %4d/%4d = %5.1f%% exact (minimum "
		       "%.0f%%)\n",
		    law.exact, law.n, pl, min_law);
		printf("  internal      %4d/%4d = %5.1f%% exact (minimum "
		       "%.0f%%)\n",
		    in.exact, in.n, pi, min_int);
		if (pa < min_art || pl < min_law || pi < min_int || !docs)
			failures++;
	}
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "forms"))
		return run_forms(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "doc"))
		return run_doc(argv[2], argv[3]);
	if (argc == 6 && !strcmp(argv[1], "bwb"))
		return run_bwb(
		    argv[2], atof(argv[3]), atof(argv[4]), atof(argv[5]));
	fprintf(stderr, "usage: golden_laws forms FILE.tsv | golden_laws doc "
	                "FILE EXPECTATIONS | golden_laws bwb FILE.jsonl "
	                "MIN_ARTICLE MIN_LAW MIN_INTERNAL\n");
	return 2;
}
