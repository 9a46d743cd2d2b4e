/* fuzz_laws_load.c - libFuzzer target over the law-table loader and the
 * name matcher: any bytes must build an index or fail with VP_EINVAL (no
 * header, no usable row); a built index must give every law an id and a
 * title, and matching names at every position of the same bytes must stay
 * inside them. The built-in index is matched against the bytes too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prs_laws.h"
#include "vp_err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void match_all(const struct prs_laws *laws, const char *s, size_t n)
{
	const uint64_t *filter = prs_laws_filter(laws);
	for (size_t i = 0; i < n; i++) {
		struct prs_law_match m;
		(void)prs_laws_maybe(filter, s, n, i);
		if (!prs_laws_match(laws, s, n, i, &m))
			continue;
		if (m.end <= i || m.end > n || m.n_cands == 0 ||
		    m.n_cands > PRS_MAX_CANDS)
			abort();
		for (size_t k = 0; k < m.n_cands; k++)
			if (!prs_laws_get(laws, m.cands[k]))
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prs_laws *laws = NULL;
	const char *s = (const char *)data;
	int rv = prs_laws_parse(s, size, &laws);

	if (rv == VP_OK) {
		size_t n = prs_laws_count(laws);
		if (!laws || n == 0)
			abort();
		for (uint32_t k = 0; k < n; k++) {
			const struct prs_law *l = prs_laws_get(laws, k);
			if (!l || !l->bwb || !l->bwb[0] || !l->title)
				abort();
		}
		match_all(laws, s, size);
		prs_laws_free(laws);
	} else if (laws || rv != VP_EINVAL) {
		abort();
	}
	match_all(prs_laws_builtin(), s, size);
	return 0;
}
