/* test_split_scaling.c - no reader of the splitter costs more than linear
 * time: each reader is timed on a document of N lines (paragraphs, pages)
 * and on one of 8N, and the larger may take at most 10x as long (linear is
 * 8x; quadratic would be 64x). The documents are shaped the way an attacker
 * would: for the pdf-text reader a page of thousands of lines that each look
 * like the start of a footnote. Bounds are generous: this is a test that a
 * blowup is absent, not a benchmark.
 * Usage: test_split_scaling [reader] (text, word, pdftext, html, docx,
 * pdffile).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <zip.h>

#include "split.h"
#include "vp_err.h"
#include "vp_proto.h"

#define BASE_N 2000  /* lines of the smaller document */
#define FLOOR  0.003 /* seconds: below this, timing is noise */

struct doc {
	char *b;
	size_t n, cap;
};

__attribute__((format(printf, 2, 3))) static void put(
    struct doc *d, const char *fmt, ...)
{
	va_list ap;
	int k;
	for (;;) {
		va_start(ap, fmt);
		k = vsnprintf(d->b + d->n, d->cap - d->n, fmt, ap);
		va_end(ap);
		assert_true(k >= 0);
		if ((size_t)k < d->cap - d->n)
			break;
		d->cap = d->cap ? 2 * d->cap + (size_t)k : 4096 + (size_t)k;
		d->b = realloc(d->b, d->cap);
		assert_non_null(d->b);
	}
	d->n += (size_t)k;
}

typedef void (*gen_fn)(struct doc *d, size_t n);

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The fastest of five splits of doc, in CPU seconds. */
static double time_split(const struct doc *d, const char *fmt)
{
	double best = 1e9;
	for (int r = 0; r < 5; r++) {
		struct vp_segment *segs = NULL;
		size_t n = 0;
		const char *used = NULL;
		char err[256];
		double t0 = cpu_now(), t;
		int rv = split_document((const uint8_t *)d->b, d->n, fmt, &segs,
		    &n, &used, err, sizeof(err));
		t = cpu_now() - t0;
		if (rv != VP_OK)
			fail_msg("%s: %s", fmt, err);
		assert_true(n > 0);
		split_segments_free(segs, n);
		if (t < best)
			best = t;
	}
	return best;
}

static void check_scaling(const char *name, gen_fn gen, const char *fmt)
{
	struct doc small = {0}, big = {0};
	double t1, t8;
	const char *env = getenv("VP_SCALING_N");
	size_t n = env != NULL && atol(env) > 0 ? (size_t)atol(env) : BASE_N;
	gen(&small, n);
	gen(&big, 8 * n);
	/* a machine shared with other builds is noisy: a ratio over the bound
	 * is measured again before it counts (a quadratic reader is at 64x
	 * every time) */
	for (int attempt = 0; attempt < 3; attempt++) {
		t1 = time_split(&small, fmt);
		t8 = time_split(&big, fmt);
		if (t8 <= 10 * (t1 > FLOOR ? t1 : FLOOR))
			break;
	}
	printf("# %s (%s): N %zu bytes %.4f s, 8N %zu bytes %.4f s (%.1fx)\n",
	    name, fmt, small.n, t1, big.n, t8, t8 / (t1 > 0 ? t1 : 1e-9));
	if (t8 > 10 * (t1 > FLOOR ? t1 : FLOOR))
		fail_msg("%s: %.4f s at N, %.4f s at 8N: more than linear",
		    name, t1, t8);
	free(small.b);
	free(big.b);
}

/* Plain text: sentences, a blank line every five lines. */
static void gen_text(struct doc *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put(d,
		    "Zie Kamerstukken II 2019/20, 35 300, nr. %zu en de "
		    "wet.%s\n",
		    i + 1, i % 5 == 4 ? "\n" : "");
}

/* One paragraph of n lines: no blank line ever ends it. */
static void gen_text_run(struct doc *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put(d, "regel %zu van een lange alinea\n", i);
}

/* Word-converted text: footnote markers in the body, notes inline. */
static void gen_word(struct doc *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put(d,
		    "Tekst van de brief[footnoteRef:%zu] over de wet.\n\n"
		    "[footnote]%zu Kamerstukken II, 35 300, nr. %zu.\n\n",
		    i % 900 + 1, i % 900 + 1, i);
}

/* One page (between form feeds) of n lines that each look like the first
 * line of footnote 1 whose marker is nowhere: the shape that made the
 * footnote scan rescan the page for every candidate. */
static void gen_pdftext_notes(struct doc *d, size_t n)
{
	put(d, "Kop\f");
	for (size_t i = 0; i < n; i++)
		put(d, i % 7 == 3 ? "de wet %zu gebruikt.\n" : "1 x\n", i);
	put(d, "\fKop\n");
}

/* Ordinary pages: running header, body with markers, notes, page number. */
static void gen_pdftext_pages(struct doc *d, size_t n)
{
	size_t note = 1;
	for (size_t i = 0; i < n; i += 20) {
		put(d, "Tweede Kamer, vergaderjaar 2019-2020, 35 300, nr. 3\n");
		for (size_t k = 0; k < 16; k++)
			put(d, "tekst van regel %zu van de pagina\n", k);
		put(d, "zoals de wet%zu bepaalt.\n", note % 999 + 1);
		put(d, "%zu Artikel 1 van de wet.\n", note % 999 + 1);
		put(d, "%zu\n\f", i / 20 + 1);
		note++;
	}
}

/* One page of lines each continuing the chain 1, 2, 3 ...: a chain longer
 * than 16 notes is refused, the candidates behind it are tried again. */
static void gen_pdftext_chain(struct doc *d, size_t n)
{
	put(d, "Kop\f");
	for (size_t i = 0; i < n; i++)
		put(d, "%zu x\n", i % 40 + 1);
	put(d, "\fKop\n");
}

static void gen_html(struct doc *d, size_t n)
{
	put(d, "<!DOCTYPE html><html><head><title>t</title></head><body>\n");
	for (size_t i = 0; i < n; i++)
		put(d,
		    "<p>Zie <a href=\"https://zoek.officielebekendmakingen.nl/"
		    "kst-35300-%zu\">Kamerstukken II</a>, nr. %zu<sup>%zu</sup>"
		    ".</p>\n",
		    i, i, i % 50 + 1);
	put(d, "</body></html>\n");
}

/* Nested lists: depth stays bounded, elements grow. */
static void gen_html_list(struct doc *d, size_t n)
{
	put(d, "<html><body><table>");
	for (size_t i = 0; i < n; i++)
		put(d,
		    "<tr><td>cel %zu</td><td><ul><li>punt</li></ul></td></tr>",
		    i);
	put(d, "</table></body></html>\n");
}

static void add_part(zip_t *z, const char *name, const char *b, size_t n)
{
	zip_source_t *s = zip_source_buffer(z, b, n, 0);
	zip_int64_t idx;
	assert_non_null(s);
	idx = zip_file_add(z, name, s, 0);
	assert_true(idx >= 0);
	zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
}

static void gen_docx(struct doc *d, size_t n)
{
	struct doc x = {0}, f = {0};
	zip_error_t ze;
	zip_source_t *src;
	zip_t *z;
	zip_stat_t st;
	put(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document "
	        "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/"
	        "2006/main\"><w:body>");
	for (size_t i = 0; i < n; i++)
		put(&x,
		    "<w:p><w:r><w:t>Zie de wet, alinea %zu.</w:t></w:r><w:r>"
		    "<w:footnoteReference w:id=\"%zu\"/></w:r></w:p>",
		    i, i % 100 + 1);
	put(&x, "</w:body></w:document>");
	put(&f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:footnotes "
	        "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/"
	        "2006/main\">");
	for (size_t i = 1; i <= 100; i++)
		put(&f,
		    "<w:footnote w:id=\"%zu\"><w:p><w:r><w:t>Noot %zu"
		    "</w:t></w:r></w:p></w:footnote>",
		    i, i);
	put(&f, "</w:footnotes>");
	zip_error_init(&ze);
	src = zip_source_buffer_create(NULL, 0, 0, &ze);
	assert_non_null(src);
	zip_source_keep(src);
	z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	assert_non_null(z);
	add_part(z, "word/document.xml", x.b, x.n);
	add_part(z, "word/footnotes.xml", f.b, f.n);
	assert_int_equal(zip_close(z), 0);
	assert_int_equal(zip_source_stat(src, &st), 0);
	assert_int_equal(zip_source_open(src), 0);
	d->cap = d->n = (size_t)st.size;
	d->b = malloc(d->cap);
	assert_non_null(d->b);
	assert_int_equal(
	    zip_source_read(src, d->b, st.size), (zip_int64_t)st.size);
	zip_source_close(src);
	zip_source_free(src);
	free(x.b);
	free(f.b);
}

/* A PDF of n / 20 pages that share one content stream of 20 lines; the
 * xref table holds the object offsets. */
static void gen_pdf(struct doc *d, size_t n)
{
	size_t pages = n / 20, off[4], xref;
	struct doc c = {0};
	put(&c, "BT /F1 10 Tf\n");
	for (int k = 0; k < 18; k++)
		put(&c,
		    "1 0 0 1 56 %d Tm (tekst van regel %d, zie de wet3) Tj\n",
		    780 - 14 * k, k);
	put(&c, "/F1 7 Tf 1 0 0 1 56 60 Tm (3 Artikel 1 van de wet.) Tj\n");
	put(&c, "1 0 0 1 290 40 Tm (Pagina) Tj ET\n");
	put(d, "%%PDF-1.4\n");
	off[0] = d->n;
	put(d, "1 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
	       "/Encoding /WinAnsiEncoding >>\nendobj\n");
	off[1] = d->n;
	put(d, "2 0 obj\n<< /Length %zu >>\nstream\n%sendstream\nendobj\n", c.n,
	    c.b);
	off[2] = d->n;
	put(d, "3 0 obj\n<< /Type /Pages /Count %zu /Kids [", pages);
	for (size_t p = 0; p < pages; p++)
		put(d, "%zu 0 R ", 5 + p);
	put(d, "] >>\nendobj\n");
	off[3] = d->n;
	put(d, "4 0 obj\n<< /Type /Catalog /Pages 3 0 R >>\nendobj\n");
	{
		size_t *po = malloc(pages * sizeof(*po));
		assert_non_null(po);
		for (size_t p = 0; p < pages; p++) {
			po[p] = d->n;
			put(d,
			    "%zu 0 obj\n<< /Type /Page /Parent 3 0 R /MediaBox "
			    "[0 0 595 842] /Resources << /Font << /F1 1 0 R >> "
			    ">> /Contents 2 0 R >>\nendobj\n",
			    5 + p);
		}
		xref = d->n;
		put(d, "xref\n0 %zu\n0000000000 65535 f \n", 5 + pages);
		for (size_t i = 0; i < 4; i++)
			put(d, "%010zu 00000 n \n", off[i]);
		for (size_t p = 0; p < pages; p++)
			put(d, "%010zu 00000 n \n", po[p]);
		free(po);
	}
	put(d,
	    "trailer\n<< /Size %zu /Root 4 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
	    5 + pages, xref);
	free(c.b);
}

static void text_lines(void **state)
{
	(void)state;
	check_scaling("paragraphs", gen_text, "text");
	check_scaling("one long paragraph", gen_text_run, "text");
}

static void word_lines(void **state)
{
	(void)state;
	check_scaling("notes and markers", gen_word, "word-text");
}

static void pdftext_lines(void **state)
{
	(void)state;
	check_scaling(
	    "one page of note candidates", gen_pdftext_notes, "pdf-text");
	check_scaling("pages with notes", gen_pdftext_pages, "pdf-text");
	check_scaling("long note chains", gen_pdftext_chain, "pdf-text");
}

static void html_elements(void **state)
{
	(void)state;
	check_scaling("paragraphs with links", gen_html, "html");
	check_scaling("table cells and lists", gen_html_list, "html");
}

static void docx_paragraphs(void **state)
{
	(void)state;
	check_scaling("paragraphs with notes", gen_docx, "docx");
}

static void pdffile_pages(void **state)
{
	(void)state;
	check_scaling("pages", gen_pdf, "pdf");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(text_lines),
	    cmocka_unit_test(word_lines),
	    cmocka_unit_test(pdftext_lines),
	    cmocka_unit_test(html_elements),
	    cmocka_unit_test(docx_paragraphs),
	    cmocka_unit_test(pdffile_pages),
	};
	if (argc > 1) {
		char filter[64];
		snprintf(filter, sizeof(filter), "%s*", argv[1]);
		cmocka_set_test_filter(filter);
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
