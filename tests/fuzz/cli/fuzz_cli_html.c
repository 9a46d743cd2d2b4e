/* fuzz_cli_html - the annotated document and the CSV writer over any
 * document and any reply: spans past the end, reversed, overlapping or
 * shared by several sources, ids, URLs and reasons with markup. The page
 * must never carry an element the writer did not make (no "<script", no
 * "<img"), whatever the document or the reply say. */
#include "cli_doc.h"

#include <stdlib.h>
#include <string.h>

#define MAX_CITS  16
#define MAX_SPANS 4

static const char *const families[] = {
    "kamerstuk", "wet", "url", "internal", "ecli", "a\"b<c>"};
static const char *const strings[] = {NULL, "x", "<script>alert(1)</script>",
    "\" onmouseover=\"alert(1)", "https://example.org/?a=1&b=\"2\"",
    "<img src=x>", "a,b\r\nc"};

static uint32_t take(const uint8_t **p, size_t *n)
{
	uint32_t v = 0;
	for (int i = 0; i < 4 && *n > 0; i++, (*p)++, (*n)--)
		v = v << 8 | **p;
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vp_citation cits[MAX_CITS];
	struct vp_span spans[MAX_CITS][MAX_SPANS];
	struct vp_check checks[MAX_CITS];
	struct vp_resolve_rep r;
	const uint8_t *p = data;
	size_t n = size;
	uint32_t head = take(&p, &n);
	size_t n_cits = head % (MAX_CITS + 1);

	memset(cits, 0, sizeof(cits));
	memset(spans, 0, sizeof(spans));
	memset(checks, 0, sizeof(checks));
	memset(&r, 0, sizeof(r));
	/* the document is what follows the reply's bytes: 12 per citation */
	size_t reply = n_cits * 12 < n ? n_cits * 12 : n;
	const uint8_t *doc = p + reply;
	size_t len = n - reply;
	for (size_t i = 0; i < n_cits; i++) {
		uint32_t a = take(&p, &n), b = take(&p, &n), c = take(&p, &n);
		struct vp_citation *x = &cits[i];
		x->family = (char *)families[a % 6];
		x->id = (char *)(strings[(a >> 3) % 7] ? strings[(a >> 3) % 7]
		                                       : "id");
		x->url = (char *)strings[(a >> 6) % 7];
		x->reason = (char *)strings[(a >> 9) % 7];
		x->confidence = (double)((a >> 12) % 101) / 100.0;
		x->n_spans = 1 + (a >> 19) % MAX_SPANS;
		x->spans = spans[i];
		for (size_t s = 0; s < x->n_spans; s++) {
			/* near the document, sometimes past it */
			uint64_t start = (b + s * c) % (len + 8);
			spans[i][s].start = start;
			spans[i][s].end = start + (c >> (s * 4)) % 40;
			spans[i][s].where = (char *)strings[(c >> 8) % 7];
		}
		if (a & 0x80000000u) {
			checks[i].url = x->url ? x->url : "u";
			checks[i].status = (char *)(b & 1 ? "ok" : "gone");
			checks[i].archived_url = (char *)strings[(b >> 1) % 7];
			checks[i].error = (char *)strings[(b >> 4) % 7];
			x->check = &checks[i];
		}
	}
	r.citations = cits;
	r.n_citations = n_cits;

	char *out = NULL;
	size_t out_len = 0;
	FILE *f = open_memstream(&out, &out_len);
	if (f == NULL)
		return 0;
	int rv = cli_html_resolve(
	    f, "<b>name</b>", doc, len, head & 0x100 ? "text" : NULL, &r);
	fclose(f);
	FILE *devnull = fopen("/dev/null", "w");
	if (devnull != NULL) {
		cli_csv_resolve(devnull, "name", &r, true);
		fclose(devnull);
	}
	if (rv == 0 && out != NULL &&
	    (memmem(out, out_len, "<script", 7) != NULL ||
	        memmem(out, out_len, "<img", 4) != NULL ||
	        memmem(out, out_len, "<b>name", 7) != NULL))
		abort();
	free(out);
	return 0;
}
