/* Codec throughput: encode and decode MB/s for a resolve.req carrying a 10 MB
 * document and a parse.rep with 10,000 citations. A measurement, not a test:
 * run bench_proto by hand on a quiet machine. */
#include "vp_err.h"
#include "vp_proto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static void run(const char *what, struct vp_msg *m, int reps)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	double t0, enc, dec;
	struct vp_decode_err why;

	t0 = now();
	for (int i = 0; i < reps; i++) {
		free(buf);
		if (vp_msg_encode(m, &buf, &len) != VP_OK)
			abort();
	}
	enc = (now() - t0) / reps;
	t0 = now();
	for (int i = 0; i < reps; i++) {
		struct vp_msg d;
		if (vp_msg_decode(&d, buf, len, NULL, &why) != VP_OK) {
			fprintf(stderr, "%s: %s\n", what, why.msg);
			abort();
		}
		vp_msg_clear(&d);
	}
	dec = (now() - t0) / reps;
	printf("%-32s %9zu bytes  encode %8.1f MB/s (%7.2f ms)  decode "
	       "%8.1f MB/s (%7.2f ms)\n",
	    what, len, (double)len / enc / 1e6, enc * 1e3,
	    (double)len / dec / 1e6, dec * 1e3);
	free(buf);
}

int main(void)
{
	struct vp_msg m;
	build_resolve_req(&m, 10 * 1000 * 1000);
	run("resolve.req, 10 MB doc", &m, 20);
	vp_msg_clear(&m);
	build_parse_rep(&m, 10000);
	run("parse.rep, 10,000 citations", &m, 20);
	vp_msg_clear(&m);
	return 0;
}
