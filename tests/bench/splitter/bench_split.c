/* bench_split.c - splitter throughput: MB/s of split_document on ~50 MB of
 * generated plain text and of Word-converted text with footnotes. Not a
 * test; run by hand on a Release build: bench_split [megabytes]. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <malloc.h>
#include <string.h>
#include <time.h>

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
	free(buf);
	return rc;
}
