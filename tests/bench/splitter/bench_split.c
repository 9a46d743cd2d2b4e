/* bench_split.c - splitter throughput: MB/s of split_document on ~50 MB of
 * generated plain text, Word-converted text with footnotes, HTML, PDF text
 * and DOCX (zipped with libzip), and pages/s of the PDF fixture through
 * poppler. Not a test; run by hand on a Release build:
 * bench_split [megabytes]. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <malloc.h>
#include <string.h>
#include <time.h>

#include <zip.h>

#include "split.h"
#include "vp_err.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 2685821657736338717ull) >> 33) % n;
}

static const char *words[] = {"de", "het", "Kamerstukken", "II,", "2020-2021,",
    "nr.", "3011", "politiegegevens", "verwerking", "op", "grond", "van",
    "artikel", "Wet", "open", "overheid", "Veiligheidsregio's", "beantwoording",
    "gebruik", "Palantir", "software", "co\xC3\xB6rdinatie",
    "art.\xC2\xA0"
    "25",
    "zie", "vraag", "6."};

/* Appends a line of about width bytes of words. */
static size_t line(char *buf, size_t n, size_t width)
{
	size_t start = n;
	while (n - start < width) {
		const char *w = words[rnd(sizeof(words) / sizeof(*words))];
		size_t k = strlen(w);
		memcpy(buf + n, w, k);
		n += k;
		buf[n++] = ' ';
	}
	buf[n - 1] = '\n';
	return n;
}

static size_t gen_plain(char *buf, size_t target)
{
	size_t n = 0;
	while (n < target) {
		for (uint32_t l = 0, k = 2 + rnd(8); l < k; l++)
			n = line(buf, n, 60 + rnd(20));
		buf[n++] = '\n'; /* blank line ends the paragraph */
	}
	return n;
}

static size_t gen_word(char *buf, size_t target)
{
	size_t n = 0;
	uint32_t note = 1;
	while (n < target) {
		n = line(buf, n, 150 + rnd(300));
		if (rnd(3) == 0) {
			n--; /* before the newline */
			n += (size_t)sprintf(buf + n,
			    "[footnoteRef:%u] [%u:  Kamerstukken II, "
			    "2020-2021, "
			    "nr. %u] \n",
			    note, note, 3000 + note);
			note++;
		}
		if (rnd(4) == 0)
			buf[n++] = '\n';
	}
	return n;
}

static size_t gen_html(char *buf, size_t target)
{
	size_t n = 0;
	uint32_t note = 1;
	n += (size_t)sprintf(buf, "<!DOCTYPE html><html><head><title>Stuk"
	                          "</title><style>p{margin:0}</style></head>"
	                          "<body><div id=\"content\">\n");
	while (n + 4096 < target) {
		uint32_t kind = rnd(10);
		const char *tag = kind < 6 ? "p" : kind < 8 ? "li" : "td";
		n += (size_t)sprintf(buf + n, "<%s class=\"x\">", tag);
		n = line(buf, n, 150 + rnd(300)) - 1;
		n += (size_t)sprintf(buf + n,
		    " <a href=\"https://wetten.overheid.nl/BWBR0022463/"
		    "2024-01-01?a=1&amp;b=%u\">deze wet</a> caf&eacute; "
		    "co&#246;rdinatie&nbsp;art.&nbsp;8<sup><a "
		    "href=\"#n%u\">%u</a></sup></%s>\n",
		    note, note, note, tag);
		note++;
	}
	n += (size_t)sprintf(buf + n, "<ol><li id=\"n1\">Stb. 2007, 300</li>"
	                              "</ol></div></body></html>\n");
	return n;
}

static size_t gen_pdftext(char *buf, size_t target)
{
	size_t n = 0;
	uint32_t page = 1, note = 1;
	while (n + 4096 < target) {
		n += (size_t)sprintf(buf + n,
		    "%sMinisterie van Justitie en Veiligheid \n\n",
		    page > 1 ? "\f" : "");
		for (int l = 0; l < 40; l++) {
			n = line(buf, n, 80 + rnd(10)) - 1;
			if (rnd(10) == 0)
				n += (size_t)sprintf(buf + n, " verwer-\n");
			else if (rnd(15) == 0)
				n += (size_t)sprintf(
				    buf + n, " de wet.%u \n", note++);
			else
				n += (size_t)sprintf(buf + n, " \n");
			if (rnd(8) == 0)
				buf[n++] = '\n';
		}
		n += (size_t)sprintf(buf + n, "\n%u \n", page++);
	}
	return n;
}

/* A DOCX of about target bytes of document.xml, deflated. */
static char *gen_docx(char *xml, size_t target, size_t *len)
{
	size_t n = 0;
	uint32_t note = 1;
	zip_error_t ze;
	zip_source_t *src;
	zip_t *z;
	zip_stat_t st;
	char *out;
	n += (size_t)sprintf(xml, "<?xml version=\"1.0\"?><w:document "
	                          "xmlns:w=\"w\"><w:body>");
	while (n + 4096 < target) {
		n += (size_t)sprintf(xml + n, "<w:p><w:r><w:t xml:space="
		                              "\"preserve\">");
		n = line(xml, n, 100 + rnd(200)) - 1;
		n += (size_t)sprintf(xml + n,
		    "</w:t></w:r><w:r><w:t> &amp; co&#246;rdinatie</w:t>"
		    "</w:r><w:r><w:footnoteReference w:id=\"%u\"/></w:r>"
		    "</w:p>\n",
		    note++);
	}
	n += (size_t)sprintf(xml + n, "</w:body></w:document>");
	zip_error_init(&ze);
	src = zip_source_buffer_create(NULL, 0, 0, &ze);
	zip_source_keep(src);
	z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	zip_file_add(
	    z, "word/document.xml", zip_source_buffer(z, xml, n, 0), 0);
	zip_close(z);
	zip_source_stat(src, &st);
	out = malloc(st.size);
	zip_source_open(src);
	zip_source_read(src, out, st.size);
	zip_source_close(src);
	zip_source_free(src);
	zip_error_fini(&ze);
	*len = st.size;
	fprintf(stderr, "docx: %.1f MB of XML in %.1f MB of zip\n",
	    (double)n / 1e6, (double)st.size / 1e6);
	return out;
}

static void bench_pdf(void)
{
	FILE *f = fopen(VP_FIXTURES "/artikel.pdf", "rb");
	static uint8_t pdf[1 << 16];
	size_t len, reps = 300;
	struct timespec a, b;
	double t;
	if (f == NULL)
		return;
	len = fread(pdf, 1, sizeof(pdf), f);
	fclose(f);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (size_t i = 0; i < reps; i++) {
		struct vp_segment *segs;
		size_t n;
		const char *used;
		char err[256];
		if (split_document(pdf, len, "pdf", &segs, &n, &used, err,
		        sizeof(err)) != VP_OK) {
			fprintf(stderr, "pdf: %s\n", err);
			return;
		}
		split_segments_free(segs, n);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	t = (double)(b.tv_sec - a.tv_sec) +
	    (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("%-10s %zu x 2 pages: %6.0f pages/s, %5.2f MB/s of PDF\n", "pdf",
	    reps, (double)reps * 2 / t, (double)(len * reps) / 1e6 / t);
}

static double now(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int bench(
    const char *name, const char *doc, size_t len, const char *format)
{
	double best = 1e9, best_cpu = 1e9, cold = 0;
	size_t n = 0;
	for (int rep = 0; rep < 5; rep++) {
		struct vp_segment *segs;
		const char *used;
		char err[256];
		double t0 = now(CLOCK_MONOTONIC),
		       c0 = now(CLOCK_PROCESS_CPUTIME_ID);
		double t, c;
		int rv = split_document((const uint8_t *)doc, len, format,
		    &segs, &n, &used, err, sizeof(err));
		t = now(CLOCK_MONOTONIC) - t0;
		c = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
		if (rv != VP_OK) {
			fprintf(stderr, "%s: %s\n", name, err);
			return 1;
		}
		split_segments_free(segs, n);
		if (rep == 0)
			cold = t; /* heap not yet grown: page faults */
		if (t < best)
			best = t;
		if (c < best_cpu)
			best_cpu = c;
	}
	printf("%-10s %5.1f MB %7zu segments  first run %6.1f MB/s  best: "
	       "wall %6.1f MB/s, cpu %6.1f MB/s\n",
	    name, (double)len / 1e6, n, (double)len / 1e6 / cold,
	    (double)len / 1e6 / best, (double)len / 1e6 / best_cpu);
	return 0;
}

int main(int argc, char **argv)
{
	size_t target = (argc > 1 ? (size_t)atoi(argv[1]) : 50) * 1000000;
	char *buf = malloc(target + 4096);
	size_t len;
	int rc = 0;
	if (buf == NULL)
		return 1;
	/* a worker splits document after document: keep freed memory in the
	 * heap as a long-running process would, instead of returning it to the
	 * kernel and faulting it in again on every run */
	mallopt(M_TRIM_THRESHOLD, 1 << 30);
	mallopt(M_MMAP_THRESHOLD, 1 << 30);
	len = gen_plain(buf, target);
	rc |= bench("text", buf, len, "text");
	rc |= bench("text/auto", buf, len, NULL);
	len = gen_word(buf, target);
	rc |= bench("word-text", buf, len, "word-text");
	len = gen_html(buf, target);
	rc |= bench("html", buf, len, "html");
	len = gen_pdftext(buf, target);
	rc |= bench("pdf-text", buf, len, "pdf-text");
	{
		char *docx = gen_docx(buf, target, &len);
		rc |= bench("docx", docx, len, "docx");
		free(docx);
	}
	bench_pdf();
	free(buf);
	return rc;
}
