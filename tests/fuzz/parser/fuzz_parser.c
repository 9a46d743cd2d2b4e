/* fuzz_parser.c - libFuzzer target over prs_parse_text: any input must parse
 * without crashing or leaking, and every span must lie inside the input, be
 * non-empty, carry its exact raw text and come in text order. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vp_citation *c = NULL;
	size_t n = 0;
	uint64_t prev = 0;
	if (prs_parse_text((const char *)data, size, &c, &n) != 0)
		abort();
	for (size_t k = 0; k < n; k++) {
		const struct vp_span *s;
		if (c[k].n_spans != 1 || !c[k].id || !c[k].family)
			abort();
		s = &c[k].spans[0];
		if (s->start >= s->end || s->end > size || s->start < prev)
			abort();
		if (!s->raw || strlen(s->raw) > s->end - s->start)
			abort();
		if (c[k].confidence < 0.0 || c[k].confidence > 1.0 ||
		    (c[k].confidence < 1.0 && !c[k].reason))
			abort();
		prev = s->start;
	}
	prs_citations_free(c, n);
	return 0;
}
