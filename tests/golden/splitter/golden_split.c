/* golden_split.c - data-driven splitter test: splits CASE (any format) and
 * compares the listing with CASE.expected: one line per segment
 *   index kind number start end ref_segment ref_at | text (first 60 bytes)
 * then one line per citation the parser finds in the segments
 *   cite id where start end
 * with offsets in the original (for docx/pdf: the source text, split.h);
 * for official XML first a line "doc ID DATE" with what the document says
 * about itself (its BWB id is passed to the parser).
 * Usage: golden_split CASE CASE.expected [format]; with VP_GOLDEN_UPDATE=1
 * in the environment it rewrites CASE.expected instead. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prs.h"
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
static char *listing(const struct split_meta *meta,
    const struct vp_segment *segs, size_t n, const struct vp_citation *cits,
    size_t nc)
{
	size_t cap = 256 * (n + 2), used = 0;
	for (size_t i = 0; i < nc; i++)
		cap += 128 + 128 * cits[i].n_spans;
	char *out = malloc(cap);
	if (out == NULL)
		return NULL;
	out[0] = '\0';
	if (meta != NULL && (meta->id[0] || meta->date[0]))
		used += (size_t)snprintf(out, cap, "doc %s %s\n",
		    meta->id[0] ? meta->id : "-",
		    meta->date[0] ? meta->date : "-");
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
	for (size_t i = 0; i < nc; i++)
		for (size_t k = 0; k < cits[i].n_spans; k++)
			used += (size_t)snprintf(out + used, cap - used,
			    "cite %.80s %.40s %llu %llu\n", cits[i].id,
			    cits[i].spans[k].where ? cits[i].spans[k].where
			                           : "-",
			    (unsigned long long)cits[i].spans[k].start,
			    (unsigned long long)cits[i].spans[k].end);
	return out;
}

int main(int argc, char **argv)
{
	size_t len, elen, n;
	struct vp_segment *segs;
	struct vp_citation *cits;
	struct split_meta meta;
	size_t nc;
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
	rv = split_document_meta((const uint8_t *)doc, len,
	    argc > 3 ? argv[3] : NULL, &segs, &n, &fmt, &meta, err,
	    sizeof(err));
	if (rv != VP_OK) {
		fprintf(stderr, "%s: split failed: %s\n", argv[1], err);
		return 1;
	}
	if (strcmp(fmt, "docx") == 0 || strcmp(fmt, "pdf") == 0) {
		uint8_t *src;
		size_t sn;
		rv = strcmp(fmt, "docx") == 0
		         ? split_docx_source((const uint8_t *)doc, len, &src,
		               &sn, err, sizeof(err))
		         : split_pdf_text((const uint8_t *)doc, len, &src, &sn,
		               err, sizeof(err));
		if (rv != VP_OK) {
			fprintf(stderr, "%s: no source: %s\n", argv[1], err);
			return 1;
		}
		free(doc);
		doc = (char *)src;
		len = sn;
	}
	if (split_segments_check_format((const uint8_t *)doc, len, fmt, 1, segs,
	        n, err, sizeof(err)) != VP_OK) {
		fprintf(stderr, "%s: invariant broken: %s\n", argv[1], err);
		if ((got = listing(&meta, segs, n, NULL, 0)) != NULL)
			fputs(got, stderr);
		return 1;
	}
	if (prs_parse_segments_doc(
	        NULL, meta.id, segs, n, NULL, 0, &cits, &nc) != VP_OK) {
		fprintf(stderr, "%s: parser failed\n", argv[1]);
		return 1;
	}
	got = listing(&meta, segs, n, cits, nc);
	prs_citations_free(cits, nc);
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
