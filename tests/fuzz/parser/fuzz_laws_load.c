/* fuzz_laws_load.c - libFuzzer target over the law-table loader
 * (prs_laws_parse) and the key normaliser (prs_law_norm): any bytes must
 * load into a sorted table whose every key is found again, or fail with
 * VP_EINVAL; the normaliser's offset map must stay inside the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prs_laws.h"
#include "vp_err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prs_laws *laws = NULL;
	char norm[64];
	size_t map[64], n;
	int rv = prs_laws_parse((const char *)data, size, &laws);

	if (rv == VP_OK) {
		if (!laws || laws->n == 0)
			abort();
		for (size_t k = 0; k < laws->n; k++) {
			const struct prs_law *l = &laws->v[k];
			size_t lo, hi;
			if (!l->key || !l->title || !l->bwb || !l->key[0])
				abort();
			if (k && strcmp(laws->v[k - 1].key, l->key) > 0)
				abort();
			if (!prs_laws_find(laws, l->key, &lo, &hi) || lo > k ||
			    hi <= k)
				abort();
		}
		prs_laws_free(laws);
	} else if (laws || rv != VP_EINVAL) {
		abort();
	}

	/* small output buffer on purpose: the cut must stay in bounds */
	n = prs_law_norm((const char *)data, size, norm, sizeof norm, map);
	if (n >= sizeof norm || norm[n] != 0)
		abort();
	for (size_t k = 0; k < n; k++)
		if (map[k] > size || (k && map[k] < map[k - 1]))
			abort();
	return 0;
}
