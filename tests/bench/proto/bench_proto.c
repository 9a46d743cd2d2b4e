/* Codec throughput and per-message cost. Two kinds of messages:
 *  - large synthetic ones: a resolve.req carrying a 10 MB document and a
 *    parse.rep with 10,000 citations (MB/s);
 *  - the messages of one resolve of a real document, built with the real
 *    splitter and parser as the bus would carry them: split.rep, parse.req,
 *    worker.ready with the citations, resolve.rep (microseconds per message).
 * Each case is timed in rounds; the median round is reported. A measurement,
 * not a test: run it by hand on a quiet machine.
 *
 *   bench_proto [--rounds N] [--only synthetic|doc] [FILE]
 * FILE defaults to the example document of the source tree. */
#include "prs.h"
#include "split.h"
#include "vp_err.h"
#include "vp_proto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef BENCH_EXAMPLE
#define BENCH_EXAMPLE "examples/kamervragen-antwoord-2025-palantir.txt"
#endif

static int rounds = 9;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *dup(const char *s)
{
	char *p = strdup(s);
	if (p == NULL)
		abort();
	return p;
}

static void build_resolve_req(struct vp_msg *m, size_t doc_len)
{
	struct vp_resolve_req *b;
	if (vp_msg_init(m, VP_T_RESOLVE_REQ) != VP_OK)
		abort();
	b = vp_msg_resolve_req(m);
	if ((b->doc = malloc(doc_len)) == NULL)
		abort();
	for (size_t i = 0; i < doc_len; i++)
		b->doc[i] =
		    (uint8_t)("Kamerstukken II 2019/20, 35 300\n"[i % 32]);
	b->doc_len = doc_len;
	b->name = dup("big.txt");
}

static void build_parse_rep(struct vp_msg *m, size_t n)
{
	struct vp_parse_rep *b;
	if (vp_msg_init(m, VP_T_PARSE_REP) != VP_OK)
		abort();
	b = vp_msg_parse_rep(m);
	b->citations = calloc(n, sizeof(*b->citations));
	b->n_citations = n;
	for (size_t i = 0; i < n; i++) {
		struct vp_citation *c = &b->citations[i];
		char id[64];
		snprintf(id, sizeof(id), "kst-35300-VI-%zu", i);
		c->family = dup("kst");
		c->id = dup(id);
		c->url = dup("https://zoek.officielebekendmakingen.nl/"
		             "kst-35300-VI-4.html");
		c->confidence = 0.95;
		c->fields = calloc(2, sizeof(*c->fields));
		c->n_fields = 2;
		c->fields[0] = (struct vp_kv){dup("dossier"), dup("35300-VI")};
		c->fields[1] = (struct vp_kv){dup("ondernummer"), dup("4")};
		c->spans = calloc(2, sizeof(*c->spans));
		c->n_spans = 2;
		for (int j = 0; j < 2; j++) {
			c->spans[j].start = 1000 * i + 100 * (size_t)j;
			c->spans[j].end = c->spans[j].start + 41;
			c->spans[j].raw =
			    dup("Kamerstukken II 2019/20, 35 300 VI, nr. 4");
			c->spans[j].where = dup("paragraph 12");
		}
	}
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Times encode and decode of m: each round runs reps of each, the median
 * round gives the time per message. */
static void run(const char *what, struct vp_msg *m, int reps, bool per_msg)
{
	double *enc = calloc((size_t)rounds, sizeof(double));
	double *dec = calloc((size_t)rounds, sizeof(double));
	uint8_t *buf = NULL;
	size_t len = 0;
	struct vp_decode_err why;
	double e, d;

	for (int r = 0; r < rounds; r++) {
		double t0 = now();
		for (int i = 0; i < reps; i++) {
			free(buf);
			if (vp_msg_encode(m, &buf, &len) != VP_OK)
				abort();
		}
		enc[r] = (now() - t0) / reps;
		t0 = now();
		for (int i = 0; i < reps; i++) {
			struct vp_msg out;
			if (vp_msg_decode(&out, buf, len, NULL, &why) !=
			    VP_OK) {
				fprintf(stderr, "%s: %s\n", what, why.msg);
				abort();
			}
			vp_msg_clear(&out);
		}
		dec[r] = (now() - t0) / reps;
	}
	qsort(enc, (size_t)rounds, sizeof(double), cmp_d);
	qsort(dec, (size_t)rounds, sizeof(double), cmp_d);
	e = enc[rounds / 2];
	d = dec[rounds / 2];
	if (per_msg)
		printf("%-32s %9zu bytes  encode %8.2f us (%7.1f MB/s)  decode "
		       "%8.2f us (%7.1f MB/s)\n",
		    what, len, e * 1e6, (double)len / e / 1e6, d * 1e6,
		    (double)len / d / 1e6);
	else
		printf("%-32s %9zu bytes  encode %8.1f MB/s (%7.2f ms)  decode "
		       "%8.1f MB/s (%7.2f ms)\n",
		    what, len, (double)len / e / 1e6, e * 1e3,
		    (double)len / d / 1e6, d * 1e3);
	fflush(stdout);
	free(buf);
	free(enc);
	free(dec);
}

/* Deep copies of what the splitter and parser made, so that the messages own
 * them and vp_msg_clear frees them. */
static void *copy_arr(const struct vp_desc *d, const void *src, size_t n)
{
	unsigned char *out = calloc(n ? n : 1, d->size);
	if (out == NULL)
		abort();
	for (size_t i = 0; i < n; i++)
		if (vp_obj_copy(d, out + i * d->size,
		        (const unsigned char *)src + i * d->size) != VP_OK)
			abort();
	return out;
}

static void doc_cases(const char *file)
{
	struct vp_segment *segs;
	struct vp_citation *cits;
	size_t ns, nc, len;
	const char *used;
	char err[256], name[64];
	struct vp_msg m;
	uint8_t *doc;
	FILE *f;

	if ((f = fopen(file, "rb")) == NULL) {
		perror(file);
		exit(1);
	}
	doc = malloc(64u << 20);
	len = fread(doc, 1, 64u << 20, f);
	fclose(f);
	if (split_document(
	        doc, len, NULL, &segs, &ns, &used, err, sizeof(err)) != VP_OK ||
	    prs_parse_segments(segs, ns, &cits, &nc) != VP_OK) {
		fprintf(stderr, "%s: cannot split or parse: %s\n", file, err);
		exit(1);
	}
	printf(
	    "document: %zu bytes, %zu segments, %zu citations\n", len, ns, nc);

	if (vp_msg_init(&m, VP_T_SPLIT_REP) != VP_OK)
		abort();
	vp_msg_split_rep(&m)->format = dup(used);
	vp_msg_split_rep(&m)->segments = copy_arr(&vp_desc_segment, segs, ns);
	vp_msg_split_rep(&m)->n_segments = ns;
	run("doc split.rep", &m, 2000, true);
	vp_msg_clear(&m);

	if (vp_msg_init(&m, VP_T_PARSE_REQ) != VP_OK)
		abort();
	m.has_id = true;
	memset(m.id, 0x5a, sizeof(m.id));
	m.timeout_ms = 30000;
	vp_msg_parse_req(&m)->segments = copy_arr(&vp_desc_segment, segs, ns);
	vp_msg_parse_req(&m)->n_segments = ns;
	run("doc parse.req", &m, 2000, true);
	vp_msg_clear(&m);

	if (vp_msg_init(&m, VP_T_WORKER_READY) != VP_OK)
		abort();
	m.has_id = true;
	memset(m.id, 0x5a, sizeof(m.id));
	vp_msg_ready(&m)->kind = dup("parse");
	vp_msg_ready(&m)->worker = dup("parser-1");
	vp_msg_ready(&m)->done = true;
	vp_msg_ready(&m)->citations = copy_arr(&vp_desc_citation, cits, nc);
	vp_msg_ready(&m)->n_citations = nc;
	run("doc worker.ready (citations)", &m, 2000, true);
	vp_msg_clear(&m);

	if (vp_msg_init(&m, VP_T_RESOLVE_REP) != VP_OK)
		abort();
	m.has_id = true;
	memset(m.id, 0x5a, sizeof(m.id));
	snprintf(name, sizeof(name), "document.txt");
	vp_msg_resolve_rep(&m)->name = dup(name);
	vp_msg_resolve_rep(&m)->n_segments = (uint32_t)ns;
	vp_msg_resolve_rep(&m)->citations =
	    copy_arr(&vp_desc_citation, cits, nc);
	vp_msg_resolve_rep(&m)->n_citations = nc;
	run("doc resolve.rep", &m, 2000, true);
	vp_msg_clear(&m);

	prs_citations_free(cits, nc);
	split_segments_free(segs, ns);
	free(doc);
}

int main(int argc, char **argv)
{
	const char *file = BENCH_EXAMPLE, *only = NULL;
	struct vp_msg m;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
			rounds = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else
			file = argv[i];
	}
	if (rounds < 1)
		rounds = 1;
	if (only == NULL || !strcmp(only, "synthetic")) {
		build_resolve_req(&m, 10 * 1000 * 1000);
		run("resolve.req, 10 MB doc", &m, 5, false);
		vp_msg_clear(&m);
		build_parse_rep(&m, 10000);
		run("parse.rep, 10,000 citations", &m, 5, false);
		vp_msg_clear(&m);
	}
	if (only == NULL || !strcmp(only, "doc"))
		doc_cases(file);
	return 0;
}
