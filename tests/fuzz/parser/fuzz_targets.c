/* fuzz_targets.c - libFuzzer target over prs_link_targets: the input is a
 * document cut into segments at blank lines ("# " opens a heading, "[N] " a
 * footnote numbered N), parsed and linked. Must not crash or leak; every
 * internal reference that stays has a target inside the document or says
 * target=none with confidence <= 0.7 and a reason; no kept reference lies
 * inside a heading it was linked to. Run with
 * UBSAN_OPTIONS=halt_on_error=1 (as its CTest smoke run is). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum { MAX_SEGS = 256 };
	struct vp_segment segs[MAX_SEGS];
	char *text[MAX_SEGS];
	size_t n = 0, i = 0;
	if (memchr(data, 0, size) != NULL)
		return 0; /* segments are C strings */
	while (i < size && n < MAX_SEGS) {
		size_t j = i;
		while (j < size && !(data[j] == '\n' && j + 1 < size &&
		                       data[j + 1] == '\n'))
			j++;
		struct vp_segment *s = &segs[n];
		memset(s, 0, sizeof(*s));
		s->index = (uint32_t)n;
		s->kind = "paragraph";
		size_t skip = 0;
		if (j - i >= 2 && data[i] == '#' && data[i + 1] == ' ') {
			s->kind = "heading";
			skip = 2;
		} else if (j - i >= 4 && data[i] == '[' && data[i + 1] >= '1' &&
		           data[i + 1] <= '9' && data[i + 2] == ']' &&
		           data[i + 3] == ' ') {
			s->kind = "footnote";
			s->number = (uint32_t)(data[i + 1] - '0');
			skip = 4;
		}
		text[n] = malloc(j - i - skip + 1);
		if (text[n] == NULL)
			abort();
		memcpy(text[n], data + i + skip, j - i - skip);
		text[n][j - i - skip] = '\0';
		s->text = text[n];
		s->start = i + skip;
		s->end = j;
		n++;
		i = j + 2;
	}
	struct vp_citation *c = NULL;
	size_t nc = 0;
	if (prs_parse_segments(segs, n, &c, &nc) != 0)
		abort();
	if (prs_link_targets(segs, n, c, &nc) != 0)
		abort();
	for (size_t k = 0; k < nc; k++) {
		/* parts ("vraag 3"); an article of the same regulation
		 * ("artikel 5 van deze wet") is not linked */
		if (strcmp(c[k].family, "internal") != 0 ||
		    vp_citation_field(&c[k], "part") == NULL)
			continue;
		const char *t = vp_citation_field(&c[k], "target"),
		           *ts = vp_citation_field(&c[k], "target_start"),
		           *te = vp_citation_field(&c[k], "target_end");
		if (t != NULL) {
			if (strcmp(t, "none") != 0 || c[k].confidence > 0.7 ||
			    c[k].reason == NULL || ts != NULL)
				abort();
			continue;
		}
		if (ts == NULL || te == NULL ||
		    vp_citation_field(&c[k], "target_segment") == NULL)
			abort();
		uint64_t a = strtoull(ts, NULL, 10), b = strtoull(te, NULL, 10);
		if (a > b || b > size)
			abort();
		if (c[k].spans[0].start >= a && c[k].spans[0].end <= b &&
		    b > a &&
		    strcmp(c[k].spans[0].where ? c[k].spans[0].where : "",
		        "footnote") != 0 &&
		    strncmp(c[k].spans[0].where ? c[k].spans[0].where : "",
		        "footnote", 8) != 0)
			abort(); /* a reference inside its own heading */
	}
	prs_citations_free(c, nc);
	for (size_t k = 0; k < n; k++)
		free(text[k]);
	return 0;
}
