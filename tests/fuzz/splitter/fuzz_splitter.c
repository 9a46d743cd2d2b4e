/* fuzz_splitter.c - libFuzzer target for split_document. The first input
 * byte picks the format (auto, text, word-text), the rest is the document.
 * Every successful split must satisfy split_segments_check_format for the
 * format it was read as. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "split.h"
#include "vp_err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *formats[] = {NULL, "text", "word-text"};
	struct vp_segment *segs = NULL;
	size_t n = 0;
	const char *used;
	char err[256], why[256];
	int rv;

	if (size == 0)
		return 0;
	rv = split_document(data + 1, size - 1, formats[data[0] % 3], &segs, &n,
	    &used, err, sizeof(err));
	if (rv == VP_OK) {
		/* auto-detection may pick a markup reader (checked for
		 * structure: libxml2 repairs) or docx/pdf, whose offsets
		 * count their source text */
		int markup = strcmp(used, "html") == 0 ||
		             strcmp(used, "docx") == 0 ||
		             strcmp(used, "pdf") == 0;
		if (markup && strcmp(used, "html") != 0) {
			split_segments_free(segs, n);
			return 0;
		}
		if (split_segments_check_format(data + 1, size - 1, used,
		        !markup, segs, n, why, sizeof(why)) != VP_OK) {
			fprintf(
			    stderr, "invariant broken (%s): %s\n", used, why);
			abort();
		}
	} else if (rv != VP_EINVAL && rv != VP_ETOOLARGE && rv != VP_ENOMEM) {
		fprintf(stderr, "unexpected error %d\n", rv);
		abort();
	} else if (err[0] == '\0' || segs != NULL || n != 0) {
		fprintf(
		    stderr, "error %d without message or with output\n", rv);
		abort();
	}
	split_segments_free(segs, n);
	return 0;
}
