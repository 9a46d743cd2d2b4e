/* golden_split.c - data-driven splitter test: splits CASE.txt and compares
 * the segment listing with CASE.expected, one line per segment:
 *   index kind number start end ref_segment ref_at | text (first 60 bytes)
 * Usage: golden_split CASE.txt CASE.expected [format]; with VP_GOLDEN_UPDATE=1
 * in the environment it rewrites CASE.expected instead. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "split.h"
#include "vp_err.h"

#define PREFIX 60

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long sz;
	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 ||
	    (buf = malloc((size_t)sz + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	*len = fread(buf, 1, (size_t)sz, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/* The listing of segs, malloc'ed. The prefix is cut on a UTF-8 boundary. */
static char *listing(const struct vp_segment *segs, size_t n)
{
	size_t cap = 256 * (n + 1), used = 0;
	char *out = malloc(cap);
	if (out == NULL)
		return NULL;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const struct vp_segment *s = &segs[i];
		size_t k = strlen(s->text);
		if (k > PREFIX) {
			k = PREFIX;
			while (
			    k > 0 && ((unsigned char)s->text[k] & 0xC0) == 0x80)
				k--;
		}
		used += (size_t)snprintf(out + used, cap - used,
		    "%u %s %u %llu %llu %u %llu | %.*s\n", s->index, s->kind,
		    s->number, (unsigned long long)s->start,
		    (unsigned long long)s->end, s->ref_segment,
		    (unsigned long long)s->ref_at, (int)k, s->text);
	}
	return out;
}

int main(int argc, char **argv)
{
	size_t len, elen, n;
	struct vp_segment *segs;
	const char *fmt;
	char err[256], *doc, *got, *want;
	int rv;

	if (argc < 3) {
		fprintf(stderr, "usage: %s CASE.txt CASE.expected [format]\n",
		    argv[0]);
		return 2;
	}
	if ((doc = slurp(argv[1], &len)) == NULL) {
		fprintf(stderr, "cannot read %s\n", argv[1]);
		return 2;
	}
	rv = split_document((const uint8_t *)doc, len,
	    argc > 3 ? argv[3] : NULL, &segs, &n, &fmt, err, sizeof(err));
	if (rv != VP_OK) {
		fprintf(stderr, "%s: split failed: %s\n", argv[1], err);
		return 1;
	}
	if (split_segments_check((const uint8_t *)doc, len, segs, n, err,
	        sizeof(err)) != VP_OK) {
		fprintf(stderr, "%s: invariant broken: %s\n", argv[1], err);
		return 1;
	}
	got = listing(segs, n);
	split_segments_free(segs, n);
	if (got == NULL)
		return 2;
	if (getenv("VP_GOLDEN_UPDATE") != NULL) {
		FILE *f = fopen(argv[2], "w");
		if (f == NULL || fputs(got, f) < 0 || fclose(f) != 0)
			return 2;
		printf("wrote %s (%zu segments, %s)\n", argv[2], n, fmt);
		return 0;
	}
	if ((want = slurp(argv[2], &elen)) == NULL) {
		fprintf(stderr, "cannot read %s\n", argv[2]);
		return 2;
	}
	if (strcmp(got, want) != 0) {
		const char *g = got, *w = want;
		int line = 1;
		while (*g && *g == *w) {
			if (*g == '\n')
				line++;
			g++;
			w++;
		}
		fprintf(stderr,
		    "%s: differs from %s at line %d\n  got:  %.*s\n  want: "
		    "%.*s\n",
		    argv[1], argv[2], line, (int)strcspn(g, "\n"), g,
		    (int)strcspn(w, "\n"), w);
		return 1;
	}
	printf("%s: %zu segments as expected (%s)\n", argv[1], n, fmt);
	free(got);
	free(want);
	free(doc);
	return 0;
}
