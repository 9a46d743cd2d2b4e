/* fuzz_split_reader.c - libFuzzer target for one splitter reader, chosen at
 * build time (FUZZ_FORMAT: "word-text", "html", "pdf-text", "docx", "pdf"
 * through poppler, its text then through the pdf-text reader, "bwb-xml",
 * "rechtspraak-xml", "ob-xml"; the XML readers are checked strictly, their
 * text maps byte-exactly). For
 * docx an input that is not a zip is cut at each "\0\0" into
 * word/document.xml, word/footnotes.xml and the relationships, and zipped in
 * memory with libzip, so the fuzzer reaches the XML reader as well as the
 * zip reader. A successful split must pass split_segments_check_format
 * (strict for text; for markup libxml2 repairs, the structural rules). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "split.h"
#include "vp_err.h"

#ifndef FUZZ_FORMAT
#define FUZZ_FORMAT "html"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Zips the parts of data in memory; NULL when libzip refuses. */
static uint8_t *make_docx(const uint8_t *data, size_t size, size_t *len)
{
	static const char *const names[] = {"word/document.xml",
	    "word/footnotes.xml", "word/_rels/document.xml.rels"};
	zip_error_t ze;
	zip_source_t *src;
	zip_t *z;
	zip_stat_t st;
	uint8_t *out = NULL;
	size_t p = 0;
	zip_error_init(&ze);
	if ((src = zip_source_buffer_create(NULL, 0, 0, &ze)) == NULL)
		goto fail;
	zip_source_keep(src);
	if ((z = zip_open_from_source(src, ZIP_TRUNCATE, &ze)) == NULL) {
		zip_source_free(src);
		goto fail;
	}
	for (int k = 0; k < 3 && p <= size; k++) {
		const uint8_t *e = memmem(data + p, size - p, "\0\0", 2);
		size_t n = e ? (size_t)(e - data) - p : size - p;
		zip_source_t *fs = zip_source_buffer(z, data + p, n, 0);
		zip_int64_t idx;
		if (fs == NULL ||
		    (idx = zip_file_add(z, names[k], fs, 0)) < 0) {
			zip_source_free(fs);
			break;
		}
		zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
		p += n + 2;
	}
	if (zip_close(z) != 0) {
		zip_discard(z);
		zip_source_free(src);
		goto fail;
	}
	if (zip_source_stat(src, &st) == 0 && (out = malloc(st.size + 1)) &&
	    zip_source_open(src) == 0) {
		*len = (size_t)zip_source_read(src, out, st.size);
		zip_source_close(src);
	}
	zip_source_free(src);
fail:
	zip_error_fini(&ze);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vp_segment *segs = NULL;
	size_t n = 0, len = size, olen = 0;
	const uint8_t *doc = data;
	uint8_t *zipped = NULL, *orig = NULL;
	const char *used;
	char err[256], why[256];
	int rv, markup = 0;

	if (strcmp(FUZZ_FORMAT, "docx") == 0) {
		markup = 1;
		if (size < 2 || memcmp(data, "PK", 2) != 0) {
			if ((zipped = make_docx(data, size, &len)) == NULL)
				return 0;
			doc = zipped;
		}
	} else if (strcmp(FUZZ_FORMAT, "html") == 0)
		markup = 1;
	rv = split_document(
	    doc, len, FUZZ_FORMAT, &segs, &n, &used, err, sizeof(err));
	if (rv == VP_OK) {
		const uint8_t *o = doc;
		olen = len;
		if (strcmp(used, "docx") == 0 || strcmp(used, "pdf") == 0) {
			if ((strcmp(used, "docx") == 0
			            ? split_docx_source(doc, len, &orig, &olen,
			                  err, sizeof(err))
			            : split_pdf_text(doc, len, &orig, &olen,
			                  err, sizeof(err))) != VP_OK) {
				fprintf(stderr, "no source: %s\n", err);
				abort();
			}
			o = orig;
		}
		if (split_segments_check_format(o, olen, used, !markup, segs, n,
		        why, sizeof(why)) != VP_OK) {
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
	free(orig);
	free(zipped);
	return 0;
}
