/* bench_parser.c - throughput of citation extraction + parsing on one
 * thread: a generated document (gen_text.py) parsed whole and as its first
 * 1 MB, then a pathological suite (100,000 "nr." in a row, 10 MB of digits, a
 * 1 MB line without spaces, binary noise) compared with the normal per-byte
 * cost. Not a test: prints figures. */
#define _POSIX_C_SOURCE 200809L
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "prs.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Best-of-reps seconds per byte for parsing text[0..len). */
static double cost(const char *text, size_t len, int reps, size_t *n_cit)
{
	double best = 1e30;
	for (int r = 0; r < reps; r++) {
		struct vp_citation *c = NULL;
		size_t n = 0;
		double t0 = now(), dt;
		if (prs_parse_text(text, len, &c, &n) != 0) {
			fprintf(stderr, "parse failed\n");
			exit(1);
		}
		dt = now() - t0;
		prs_citations_free(c, n);
		*n_cit = n;
		if (dt < best)
			best = dt;
	}
	return best / (double)len;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET))
		return NULL;
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void report(
    const char *what, size_t len, double c, double normal, size_t n)
{
	printf("%-28s %8.1f MB  %8.1f MB/s  %8zu citations  %5.2fx normal\n",
	    what, (double)len / 1e6, 1e-6 / c, n,
	    normal > 0 ? c / normal : 1.0);
}

int main(int argc, char **argv)
{
	size_t len = 0, n = 0, mb1 = 1 << 20, plen;
	char *text, *p;
	double c_all, c_1mb, worst = 0;
	uint32_t x = 12345;
	char *nospace;
	size_t nospace_len, n_cit_all = 1;
	/* A parser worker runs for days: freed memory stays in its heap
	 * instead of going back to the kernel and faulting in again on the
	 * next document (glibc's defaults trim and unmap large blocks). The
	 * worker services set the same (services/worker/vp_worker_main.c). */
	mallopt(M_MMAP_THRESHOLD, 256 << 20);
	mallopt(M_TRIM_THRESHOLD, 512 << 20);
	if (argc < 2 || (argc > 2 && strcmp(argv[2], "--profile") != 0)) {
		fprintf(stderr,
		    "usage: bench_parser TEXT_FILE [--profile]\n"
		    "  --profile  parse the file 5 times and nothing "
		    "else (for perf/callgrind)\n");
		return 2;
	}
	if (!(text = read_file(argv[1], &len)) || len < mb1) {
		fprintf(stderr, "cannot read %s (need >= 1 MB)\n", argv[1]);
		return 1;
	}
	if (argc > 2) {
		c_all = cost(text, len, 5, &n);
		report("generated, whole file", len, c_all, 0, n);
		free(text);
		return 0;
	}
	/* pathological 3: the same prose with every space removed, in 1 MB
	 * lines */
	if (!(p = malloc(10u << 20)))
		return 1;
	plen = 0;
	for (size_t k = 0; k < len && plen < (10u << 20); k++)
		if (text[k] != ' ' && text[k] != '\n') {
			p[plen] = (plen % (1u << 20)) == 0 ? '\n' : text[k];
			plen++;
		}
	nospace = p;
	nospace_len = plen;
	c_1mb = cost(text, mb1, 20, &n);
	report("generated, first 1 MB", mb1, c_1mb, 0, n);
	c_all = cost(text, len, 3, &n);
	n_cit_all = n;
	report("generated, whole file", len, c_all, 0, n);
	printf("per-byte cost 100 MB vs 1 MB: %+.1f%%\n",
	    100.0 * (c_all - c_1mb) / c_1mb);
	free(text);

	plen = 10u << 20;
	if (!(p = malloc(plen)))
		return 1;
	/* 100,000 "nr. " in a row (400 KB), repeated to 10 MB with breaks */
	for (size_t k = 0; k < plen; k++)
		p[k] = "nr. "[k % 4];
	for (size_t k = 400000; k < plen; k += 400000)
		p[k] = '\n';
	c_1mb = cost(p, plen, 3, &n);
	report("100,000 x 'nr.' in a row", plen, c_1mb, c_all, n);
	worst = c_1mb > worst ? c_1mb : worst;
	for (size_t k = 0; k < plen; k++)
		p[k] = (char)('0' + k % 10);
	c_1mb = cost(p, plen, 3, &n);
	report("10 MB of digits", plen, c_1mb, c_all, n);
	worst = c_1mb > worst ? c_1mb : worst;
	c_1mb = cost(nospace, nospace_len, 3, &n);
	report("1 MB lines without spaces", nospace_len, c_1mb, c_all, n);
	worst = c_1mb > worst ? c_1mb : worst;
	{
		/* an ambiguous abbreviation cited over and over: its context
		 * clue must be searched once per document, not per citation */
		static const char cite[] = "zie art. 12 Wpg over de politie. ";
		size_t cl = sizeof cite - 1;
		for (size_t k = 0; k < plen; k++)
			p[k] = cite[k % cl];
		size_t n_all = n_cit_all;
		c_1mb = cost(p, plen, 1, &n);
		/* citation-dense, so compared per citation, not per byte */
		printf(
		    "%-28s %8.1f MB  %8.1f MB/s  %8zu citations  %5.2f us per "
		    "citation (normal text %.2f)\n",
		    "'art. 12 Wpg' over and over", (double)plen / 1e6,
		    1e-6 / c_1mb, n, c_1mb * (double)plen * 1e6 / (double)n,
		    c_all * (double)len * 1e6 / (double)n_all);
	}
	for (size_t k = 0; k < plen; k++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[k] = (char)(x & 0xff);
	}
	c_1mb = cost(p, plen, 3, &n);
	report("binary noise", plen, c_1mb, c_all, n);
	worst = c_1mb > worst ? c_1mb : worst;
	printf("worst pathological / normal per-byte cost: %.2fx\n",
	    worst / c_all);
	free(p);
	free(nospace);
	return 0;
}
