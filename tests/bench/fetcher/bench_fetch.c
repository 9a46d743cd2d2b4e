/* bench_fetch.c - measures checks per second of the fetcher engine against
 * the in-process fixture (/ok on 127.0.0.1), and the connections it used.
 * Not a test. Usage: bench_fetch [urls=5000] [max_parallel=256]
 * [max_host_conns=8] [mixed] [urls-file]
 * "mixed": 70% /ok, 10% /r301, 10% /status/404, 5% /status/500, 5% /slow
 * 200-1000 ms; with a file name the URL list is also written there (one a
 * line) for `curl --parallel` over the same list. Politeness is off. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fetch.h"
#include "httpfix.h"
#include "vp_err.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 5000;
	unsigned par = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 256;
	unsigned host = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 10) : 8;
	bool mixed = argc > 4 && strcmp(argv[4], "mixed") == 0;
	FILE *list = argc > 5 ? fopen(argv[5], "w") : NULL;
	struct httpfix *fx;
	if (n == 0 || httpfix_start(&fx, 0) != 0)
		return 1;
	struct fetch_opts o;
	fetch_opts_default(&o);
	o.allow = "127.0.0.1";
	o.max_parallel = par;
	o.max_host_conns = host;
	o.host_rate = 0; /* politeness off: one host, measured flat out */
	struct fetch_engine *e;
	if (fetch_engine_start(&e, &o) != VP_OK)
		return 1;
	char **urls = calloc(n, sizeof *urls);
	for (size_t i = 0; i < n; i++) {
		unsigned k = (unsigned)(i * 7919 % 100);
		char path[64] = "/ok";
		if (mixed && k >= 70 && k < 80)
			snprintf(path, sizeof path, "/r301");
		else if (mixed && k >= 80 && k < 90)
			snprintf(path, sizeof path, "/status/404");
		else if (mixed && k >= 90 && k < 95)
			snprintf(path, sizeof path, "/status/500");
		else if (mixed && k >= 95)
			snprintf(path, sizeof path, "/slow?ms=%u",
			    200 + (unsigned)(i * 131 % 801));
		urls[i] = malloc(96);
		snprintf(urls[i], 96, "http://127.0.0.1:%u%s",
		    (unsigned)httpfix_port(fx), path);
		if (list)
			fprintf(list, "url = \"%s\"\noutput = /dev/null\n",
			    urls[i]);
	}
	if (list) {
		fclose(list);
		printf("port=%u; run curl now, then press enter\n",
		    (unsigned)httpfix_port(fx));
		fflush(stdout);
		getchar();
	}
	struct vp_check *out;
	double t0 = now_s();
	int rv = fetch_check(e, urls, n, 120000, &out);
	double dt = now_s() - t0;
	if (rv != VP_OK)
		return 1;
	size_t ok = 0;
	for (size_t i = 0; i < n; i++) {
		ok += strcmp(out[i].status, "ok") == 0 ||
		      (mixed && strcmp(out[i].status, "timeout") != 0 &&
		          strcmp(out[i].status, "error") != 0);
		vp_obj_clear(&vp_desc_check, &out[i]);
		free(urls[i]);
	}
	printf("urls=%zu ok=%zu max_parallel=%u max_host_conns=%u "
	       "seconds=%.3f checks_per_s=%.0f connections=%u\n",
	    n, ok, par, host, dt, (double)n / dt, httpfix_connections(fx));
	free(out);
	free(urls);
	fetch_engine_stop(e);
	httpfix_stop(fx);
	return ok == n ? 0 : 1;
}
