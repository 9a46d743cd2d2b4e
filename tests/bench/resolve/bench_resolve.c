/* Benchmark (not a test): documents per second and p50/p99 latency of
 * resolve without link checks - embedded (inproc) or against a running
 * deployment (--connect) - and of the same work done by direct function
 * calls (split + parse) in this process, so the cost of the bus shows as a
 * ratio.
 *
 *   bench_resolve [--connect URL] [--docs N] [--concurrency C] FILE */
#include "prs.h"
#include "split.h"
#include "vp_client.h"
#include "vp_clock.h"
#include "vp_embed.h"
#include "vp_err.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct run {
	struct vp_client *c;
	const char *doc;
	size_t len;
	size_t n;
	atomic_size_t next;
	double *lat_ms;
	atomic_size_t errors;
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void *client_thread(void *arg)
{
	struct run *r = arg;
	for (;;) {
		size_t i = atomic_fetch_add(&r->next, 1);
		struct vp_msg rep;
		double t0;
		if (i >= r->n)
			break;
		t0 = now_ms();
		if (vp_client_resolve(
		        r->c, r->doc, r->len, NULL, 60000, &rep) != VP_OK)
			atomic_fetch_add(&r->errors, 1);
		r->lat_ms[i] = now_ms() - t0;
		vp_msg_clear(&rep);
	}
	return NULL;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void report(
    const char *what, double *lat, size_t n, double wall_ms, size_t errors)
{
	qsort(lat, n, sizeof(*lat), cmp_d);
	printf("%-28s %8.0f docs/s  p50 %7.3f ms  p99 %7.3f ms  errors %zu\n",
	    what, (double)n / (wall_ms / 1e3), lat[n / 2],
	    lat[(size_t)((double)n * 0.99)], errors);
}

int main(int argc, char **argv)
{
	const char *connect = NULL, *file = NULL;
	size_t docs = 1000, conc = 8, len;
	struct vp_embed *e = NULL;
	struct run r;
	pthread_t *th;
	char *doc, err[256];
	double t0, wall, direct_rate;
	FILE *f;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--connect") && i + 1 < argc)
			connect = argv[++i];
		else if (!strcmp(argv[i], "--docs") && i + 1 < argc)
			docs = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--concurrency") && i + 1 < argc)
			conc = strtoul(argv[++i], NULL, 10);
		else
			file = argv[i];
	}
	if (file == NULL || docs == 0 || conc == 0) {
		fprintf(stderr,
		    "usage: bench_resolve [--connect URL] [--docs N] "
		    "[--concurrency C] FILE\n");
		return 2;
	}
	if ((f = fopen(file, "rb")) == NULL) {
		perror(file);
		return 1;
	}
	doc = malloc(64u << 20);
	len = fread(doc, 1, 64u << 20, f);
	fclose(f);

	/* direct calls: what the bus adds is measured against this */
	{
		double *lat = calloc(docs, sizeof(double));
		t0 = now_ms();
		for (size_t i = 0; i < docs; i++) {
			struct vp_segment *segs;
			struct vp_citation *cits;
			size_t ns, nc;
			const char *used;
			double s = now_ms();
			if (split_document((const uint8_t *)doc, len, NULL,
			        &segs, &ns, &used, err, sizeof(err)) != VP_OK ||
			    prs_parse_segments(segs, ns, &cits, &nc) != VP_OK) {
				fprintf(
				    stderr, "direct parse failed: %s\n", err);
				return 1;
			}
			prs_citations_free(cits, nc);
			split_segments_free(segs, ns);
			lat[i] = now_ms() - s;
		}
		wall = now_ms() - t0;
		direct_rate = (double)docs / (wall / 1e3);
		report("direct split+parse, 1 thr", lat, docs, wall, 0);
		free(lat);
	}

	if (connect == NULL) {
		struct vp_embed_cfg ec;
		memset(&ec, 0, sizeof(ec));
		ec.split_ctx = ec.parse_ctx = 2;
		if (vp_embed_start(&e, &ec, err, sizeof(err)) != VP_OK) {
			fprintf(stderr, "embed: %s\n", err);
			return 1;
		}
	}
	memset(&r, 0, sizeof(r));
	if ((connect != NULL
	            ? vp_client_open(&r.c, connect, 0, err, sizeof(err))
	            : vp_embed_client_open(e, &r.c, err, sizeof(err))) !=
	    VP_OK) {
		fprintf(stderr, "client: %s\n", err);
		return 1;
	}
	r.doc = doc;
	r.len = len;
	r.n = docs;
	r.lat_ms = calloc(docs, sizeof(double));
	th = calloc(conc, sizeof(*th));
	t0 = now_ms();
	for (size_t i = 0; i < conc; i++)
		pthread_create(&th[i], NULL, client_thread, &r);
	for (size_t i = 0; i < conc; i++)
		pthread_join(th[i], NULL);
	wall = now_ms() - t0;
	{
		char what[64];
		snprintf(what, sizeof(what), "resolve %s, %zu in flight",
		    connect ? "tcp" : "embedded", conc);
		report(what, r.lat_ms, docs, wall, atomic_load(&r.errors));
	}
	printf("bus cost: direct calls are %.1fx the %s rate (doc %zu bytes, "
	       "%zu docs)\n",
	    direct_rate / ((double)docs / (wall / 1e3)),
	    connect ? "tcp" : "embedded", len, docs);
	vp_client_close(r.c);
	vp_embed_stop(e);
	free(r.lat_ms);
	free(th);
	free(doc);
	return atomic_load(&r.errors) ? 1 : 0;
}
