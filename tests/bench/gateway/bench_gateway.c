/* Benchmark (not a test): what the HTTP gateway adds per document. The same
 * document is resolved DOCS times through the dispatcher's API with
 * libvp-client (nng) and through vp-gateway over loopback HTTP (libcurl,
 * keep-alive, one connection per client thread), C in flight each, in
 * alternating rounds so that both see the same machine. Prints docs/s and
 * p50/p99 of each, and the gateway's overhead per document.
 *
 *   bench_gateway --connect API_URL --http GATEWAY_URL [--docs N]
 *                 [--concurrency C] [--rounds R] FILE */
#include "vp_client.h"
#include "vp_err.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct run {
	struct vp_client *c; /* NULL: HTTP */
	const char *url;     /* the gateway's /v1/resolve */
	const char *doc;
	size_t len, n;
	atomic_size_t next, errors;
	double *lat_ms;
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static size_t sink(char *p, size_t s, size_t n, void *arg)
{
	(void)p;
	*(size_t *)arg += s * n;
	return s * n;
}

static void *worker(void *arg)
{
	struct run *r = arg;
	CURL *h = NULL;
	struct curl_slist *hdr = NULL;
	size_t got = 0;
	if (r->c == NULL) {
		h = curl_easy_init();
		hdr = curl_slist_append(NULL, "Content-Type: text/plain");
		curl_easy_setopt(h, CURLOPT_URL, r->url);
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, r->doc);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)r->len);
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, &got);
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 60000L);
	}
	for (;;) {
		size_t i = atomic_fetch_add(&r->next, 1);
		if (i >= r->n)
			break;
		double t0 = now_ms();
		bool ok;
		if (r->c != NULL) {
			struct vp_msg rep;
			ok = vp_client_resolve(r->c, r->doc, r->len, NULL,
			         60000, &rep) == VP_OK &&
			     vp_msg_resolve_rep(&rep) != NULL;
			vp_msg_clear(&rep);
		} else {
			long code = 0;
			got = 0;
			ok = curl_easy_perform(h) == CURLE_OK &&
			     curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE,
			         &code) == CURLE_OK &&
			     code == 200 && got > 0;
		}
		r->lat_ms[i] = now_ms() - t0;
		if (!ok)
			atomic_fetch_add(&r->errors, 1);
	}
	if (h != NULL) {
		curl_easy_cleanup(h);
		curl_slist_free_all(hdr);
	}
	return NULL;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct result {
	double rate, p50, p99;
	size_t errors;
};

static struct result once(struct run *r, size_t conc)
{
	pthread_t th[256];
	atomic_store(&r->next, 0);
	atomic_store(&r->errors, 0);
	double t0 = now_ms();
	for (size_t i = 0; i < conc; i++)
		pthread_create(&th[i], NULL, worker, r);
	for (size_t i = 0; i < conc; i++)
		pthread_join(th[i], NULL);
	double wall = now_ms() - t0;
	qsort(r->lat_ms, r->n, sizeof(double), cmp_d);
	return (struct result){(double)r->n / (wall / 1e3), r->lat_ms[r->n / 2],
	    r->lat_ms[(size_t)((double)r->n * 0.99)], atomic_load(&r->errors)};
}

static void print(const char *what, const struct result *v, size_t k)
{
	/* the median round of k */
	double rates[64] = {0}, p50[64] = {0}, p99[64] = {0};
	size_t err = 0;
	for (size_t i = 0; i < k; i++) {
		rates[i] = v[i].rate;
		p50[i] = v[i].p50;
		p99[i] = v[i].p99;
		err += v[i].errors;
	}
	qsort(rates, k, sizeof(double), cmp_d);
	qsort(p50, k, sizeof(double), cmp_d);
	qsort(p99, k, sizeof(double), cmp_d);
	printf("%-34s %8.0f docs/s  p50 %7.3f ms  p99 %7.3f ms  errors %zu\n",
	    what, rates[k / 2], p50[k / 2], p99[k / 2], err);
}

int main(int argc, char **argv)
{
	const char *api = NULL, *http = NULL, *file = NULL;
	size_t docs = 1000, conc = 8, rounds = 5;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--connect") && i + 1 < argc)
			api = argv[++i];
		else if (!strcmp(argv[i], "--http") && i + 1 < argc)
			http = argv[++i];
		else if (!strcmp(argv[i], "--docs") && i + 1 < argc)
			docs = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--concurrency") && i + 1 < argc)
			conc = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
			rounds = strtoul(argv[++i], NULL, 10);
		else
			file = argv[i];
	}
	if (!api || !http || !file || !docs || !conc || conc > 256 || !rounds ||
	    rounds > 64) {
		fprintf(stderr, "usage: bench_gateway --connect API_URL --http "
		                "GATEWAY_URL [--docs N] [--concurrency C<=256] "
		                "[--rounds R<=64] FILE\n");
		return 2;
	}
	FILE *f = fopen(file, "rb");
	if (f == NULL) {
		perror(file);
		return 1;
	}
	char *doc = malloc(64u << 20), err[256], url[512];
	size_t len = fread(doc, 1, 64u << 20, f);
	fclose(f);
	snprintf(url, sizeof(url), "%s/v1/resolve", http);
	curl_global_init(CURL_GLOBAL_DEFAULT);

	struct run nng = {.doc = doc, .len = len, .n = docs};
	struct run web = {.url = url, .doc = doc, .len = len, .n = docs};
	nng.lat_ms = calloc(docs, sizeof(double));
	web.lat_ms = calloc(docs, sizeof(double));
	if (nng.lat_ms == NULL || web.lat_ms == NULL ||
	    vp_client_open(&nng.c, api, 0, err, sizeof(err)) != VP_OK) {
		fprintf(stderr, "client: %s\n",
		    nng.lat_ms && web.lat_ms ? err : "out of memory");
		free(nng.lat_ms);
		free(web.lat_ms);
		free(doc);
		return 1;
	}
	struct result a[64], b[64];
	once(&nng, conc); /* warm-up of both paths */
	once(&web, conc);
	for (size_t i = 0; i < rounds; i++) {
		a[i] = once(&nng, conc);
		b[i] = once(&web, conc);
	}
	char what[64];
	snprintf(what, sizeof(what), "nng client, %zu in flight", conc);
	print(what, a, rounds);
	snprintf(what, sizeof(what), "HTTP gateway, %zu in flight", conc);
	print(what, b, rounds);
	double ra[64] = {0}, rb[64] = {0};
	for (size_t i = 0; i < rounds; i++) {
		ra[i] = a[i].rate;
		rb[i] = b[i].rate;
	}
	qsort(ra, rounds, sizeof(double), cmp_d);
	qsort(rb, rounds, sizeof(double), cmp_d);
	double over = ra[rounds / 2] / rb[rounds / 2] - 1.0;
	printf("gateway overhead: %+.1f%% per document (median of %zu "
	       "alternating rounds of %zu docs, %zu bytes each)\n",
	    over * 100.0, rounds, docs, len);
	vp_client_close(nng.c);
	curl_global_cleanup();
	free(nng.lat_ms);
	free(web.lat_ms);
	free(doc);
	size_t errs = 0;
	for (size_t i = 0; i < rounds; i++)
		errs += a[i].errors + b[i].errors;
	return errs ? 1 : 0;
}
