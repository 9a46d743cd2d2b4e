/* fuzz_fetcher_lookup.c - libFuzzer target over the fetcher's decoders of
 * lookup and archive answers: the first byte selects the KOOP SRU XML parser,
 * the Tweede Kamer OData JSON parser or the Wayback availability parser; the
 * rest is the answer. Outputs must be bounded, well-formed and freeable. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fetch_int.h"
#include "vp_err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* True when s is NUL-terminated within max bytes (NULL passes). */
static void bounded(const char *s, size_t max)
{
	if (s != NULL && strnlen(s, max + 1) > max)
		abort();
}

static void sru(const char *p, size_t n)
{
	struct fetch_sru r;
	int rv = fetch_sru_parse(p, n, &r);
	if (rv != VP_OK && rv != VP_EINVAL && rv != VP_ENOMEM)
		abort();
	if (rv != VP_OK && (r.recs != NULL || r.n != 0 || r.diagnostic))
		abort(); /* a failed parse leaves nothing to free */
	if (rv == VP_OK && r.diagnostic == NULL && r.count < 0)
		abort();
	if (r.n > 1000)
		abort();
	for (size_t i = 0; i < r.n; i++) {
		const struct fetch_sru_rec *x = &r.recs[i];
		const char *f[] = {x->identifier, x->title, x->type, x->creator,
		    x->date, x->url, x->vergaderjaar, x->aanhangselnummer,
		    x->dossiernummer, x->ondernummer, x->vraagnummer};
		for (size_t k = 0; k < sizeof f / sizeof f[0]; k++)
			bounded(f[k], n);
	}
	fetch_sru_free(&r);
}

static void odata(const char *p, size_t n)
{
	struct fetch_zaak z;
	int rv = fetch_odata_zaak_parse(p, n, &z);
	if (rv != VP_OK && rv != VP_EINVAL && rv != VP_ENOMEM)
		abort();
	if (rv != VP_OK && (z.nummer || z.title || z.date || z.documents))
		abort();
	bounded(z.nummer, 64);
	bounded(z.title, 1024);
	bounded(z.date, 10);
	/* at most 100 numbers of at most 32 bytes, comma-separated */
	bounded(z.documents, 100 * 33);
	fetch_zaak_free(&z);
}

static void wayback(const char *p, size_t n)
{
	char *url = NULL, *at = NULL;
	int rv = fetch_wayback_parse(p, n, &url, &at);
	if (rv == 0) {
		if (url == NULL || (strncmp(url, "http://", 7) != 0 &&
		                       strncmp(url, "https://", 8) != 0))
			abort();
		bounded(url, 8192);
		if (at != NULL && strlen(at) != 20)
			abort(); /* YYYY-MM-DDTHH:MM:SSZ */
	} else if (rv != -1 || url != NULL || at != NULL) {
		abort();
	}
	free(url);
	free(at);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	/* The parsers get exactly the answer's bytes, not NUL-terminated:
	 * a copy without spare room lets ASan see any overread. */
	size_t n = size - 1;
	char *p = malloc(n ? n : 1);
	if (p == NULL)
		return 0;
	memcpy(p, data + 1, n);
	switch (data[0] % 3) {
	case 0: sru(p, n); break;
	case 1: odata(p, n); break;
	default: wayback(p, n); break;
	}
	free(p);
	return 0;
}
