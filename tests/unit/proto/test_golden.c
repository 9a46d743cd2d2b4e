/* Golden wire vectors: proto/testdata/NAME.msgpack must decode to what
 * NAME.txt describes and re-encode byte for byte, so that an accidental change
 * of the wire format fails here. `unit_proto_golden --generate DIR` rewrites
 * the files from the messages built below (see proto/README.md). */
#include "proto_tu.h"
#include "vp_err.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

static const char *dir;

static char *dup(const char *s)
{
	char *p = strdup(s);
	assert_non_null(p);
	return p;
}

static void set_id(struct vp_msg *m, uint8_t seed)
{
	for (int i = 0; i < 16; i++)
		m->id[i] = (uint8_t)(seed + i);
	m->has_id = true;
}

static void span(
    struct vp_span *s, uint64_t start, const char *raw, const char *where)
{
	s->start = start;
	s->end = start + strlen(raw);
	s->raw = dup(raw);
	s->where = where ? dup(where) : NULL;
}

static void citation(struct vp_citation *c, const char *family, const char *id,
    const char *url, double conf)
{
	c->family = dup(family);
	c->id = dup(id);
	c->url = url ? dup(url) : NULL;
	c->confidence = conf;
}

static void build_resolve_req(struct vp_msg *m)
{
	static const char doc[] =
	    "Zie Kamerstukken II 2019/20, 35 300 VI, nr. 4, en "
	    "ECLI:NL:HR:2020:1234 \xe2\x80\x94 \xc3\xa9\xc3\xa9n brief.\n";
	struct vp_resolve_req *b;
	assert_int_equal(vp_msg_init(m, VP_T_RESOLVE_REQ), VP_OK);
	set_id(m, 0x10);
	m->timeout_ms = 30000;
	m->trace =
	    dup("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
	b = vp_msg_resolve_req(m);
	b->doc = malloc(sizeof(doc) - 1);
	memcpy(b->doc, doc, sizeof(doc) - 1);
	b->doc_len = sizeof(doc) - 1;
	b->name = dup("brief-2020.txt");
	b->format = dup("text");
	b->check = true;
}

static void build_parse_rep(struct vp_msg *m)
{
	struct vp_parse_rep *b;
	struct vp_citation *c;
	assert_int_equal(vp_msg_init(m, VP_T_PARSE_REP), VP_OK);
	set_id(m, 0x20);
	m->attempt = 1;
	b = vp_msg_parse_rep(m);
	b->citations = c = calloc(2, sizeof(*c));
	b->n_citations = 2;
	citation(&c[0], "kst", "kst-35300-VI-4",
	    "https://zoek.officielebekendmakingen.nl/kst-35300-VI-4.html", 1.0);
	c[0].fields = calloc(3, sizeof(*c[0].fields));
	c[0].n_fields = 3;
	c[0].fields[0] = (struct vp_kv){dup("vergaderjaar"), dup("2019/20")};
	c[0].fields[1] = (struct vp_kv){dup("dossier"), dup("35300-VI")};
	c[0].fields[2] = (struct vp_kv){dup("ondernummer"), dup("4")};
	c[0].spans = calloc(2, sizeof(*c[0].spans));
	c[0].n_spans = 2;
	span(&c[0].spans[0], 4, "Kamerstukken II 2019/20, 35 300 VI, nr. 4",
	    "paragraph 1");
	span(&c[0].spans[1], 812, "Kamerstukken II 2019/20, 35300-VI, 4",
	    "footnote 3");
	c[0].check = calloc(1, sizeof(*c[0].check));
	c[0].check->url = dup(c[0].url);
	c[0].check->status = dup("ok");
	c[0].check->http_status = 200;
	c[0].check->elapsed_ms = 183;
	c[0].check->content_type = dup("text/html; charset=utf-8");
	c[0].check->title = dup("Vaststelling van de begrotingsstaten "
	                        "\xe2\x80\x93 Financi\xc3\xabn");
	citation(&c[1], "ecli", "ECLI:NL:HR:2020:1234", NULL, 0.75);
	c[1].reason = dup("court code known, number not verified");
	c[1].spans = calloc(1, sizeof(*c[1].spans));
	c[1].n_spans = 1;
	span(&c[1].spans[0], 50, "ECLI:NL:HR:2020:1234", NULL);
}

static void build_split_rep(struct vp_msg *m)
{
	struct vp_split_rep *b;
	struct vp_segment *s;
	assert_int_equal(vp_msg_init(m, VP_T_SPLIT_REP), VP_OK);
	set_id(m, 0x30);
	b = vp_msg_split_rep(m);
	b->format = dup("docx");
	b->segments = s = calloc(2, sizeof(*s));
	b->n_segments = 2;
	s[0].index = 1;
	s[0].kind = dup("paragraph");
	s[0].number = 1;
	s[0].text = dup("Zie Kamerstukken II 2019/20, 35 300 VI, nr. 4.");
	s[0].start = 0;
	s[0].end = 52;
	s[0].map = calloc(4, sizeof(uint64_t));
	s[0].n_map = 4;
	s[0].map[0] = 0, s[0].map[1] = 0, s[0].map[2] = 30, s[0].map[3] = 36;
	s[1].index = 2;
	s[1].kind = dup("footnote");
	s[1].number = 3;
	s[1].text = dup("Stb. 2019, 123.");
	s[1].start = 800;
	s[1].end = 815;
	s[1].ref_segment = 1;
	s[1].ref_at = 47;
}

static void build_check_rep(struct vp_msg *m)
{
	struct vp_check_rep *b;
	assert_int_equal(vp_msg_init(m, VP_T_CHECK_REP), VP_OK);
	set_id(m, 0x40);
	b = vp_msg_check_rep(m);
	b->checks = calloc(1, sizeof(*b->checks));
	b->n_checks = 1;
	b->checks[0].url = dup("http://wetten.overheid.nl/BWBR0001854");
	b->checks[0].status = dup("redirect");
	b->checks[0].http_status = 301;
	b->checks[0].final_url =
	    dup("https://wetten.overheid.nl/BWBR0001854/2024-01-01");
	b->checks[0].redirects = calloc(1, sizeof(char *));
	b->checks[0].n_redirects = 1;
	b->checks[0].redirects[0] =
	    dup("https://wetten.overheid.nl/BWBR0001854");
	b->checks[0].content_length = 5000000000ull;
	b->errors = calloc(1, sizeof(*b->errors));
	b->n_errors = 1;
	b->errors[0].item = dup("https://example.nl/traag");
	b->errors[0].code = dup("timeout");
	b->errors[0].msg = dup("no answer within 10 s");
	b->errors[0].retryable = true;
}

static void build_worker_ready(struct vp_msg *m)
{
	struct vp_ready *b;
	assert_int_equal(vp_msg_init(m, VP_T_WORKER_READY), VP_OK);
	set_id(m, 0x50);
	b = vp_msg_ready(m);
	b->kind = dup("parse");
	b->worker = dup("parser-3/ctx-7");
	b->done = true;
	b->job_err = calloc(1, sizeof(*b->job_err));
	b->job_err->code = dup("internal");
	b->job_err->msg = dup("input too ambiguous");
}

static void build_error_reply(struct vp_msg *m)
{
	/* a failed resolve: err instead of a body */
	assert_int_equal(vp_msg_init(m, VP_T_RESOLVE_REP), VP_OK);
	free(m->body);
	m->body = NULL;
	set_id(m, 0x60);
	assert_int_equal(vp_msg_set_error(m, VP_ETOOLARGE,
	                     "document of 90 MiB exceeds 64 MiB"),
	    VP_OK);
}

static void build_idle(struct vp_msg *m)
{
	assert_int_equal(vp_msg_init(m, VP_T_IDLE), VP_OK);
}

static void build_stats_rep(struct vp_msg *m)
{
	struct vp_stats_rep *b;
	assert_int_equal(vp_msg_init(m, VP_T_STATS_REP), VP_OK);
	b = vp_msg_stats_rep(m);
	b->uptime_ms = 86400000;
	b->requests = 12345;
	b->bad_requests = 3;
	b->jobs_done = 99999;
	b->queued = 4;
	b->workers_parked = 12;
}

static const struct golden {
	const char *name, *what;
	void (*build)(struct vp_msg *m);
} goldens[] = {
    {"resolve_req", "a resolve request with a small text document",
        build_resolve_req},
    {"parse_rep", "a parse reply: two citations, spans, fields, a URL check",
        build_parse_rep},
    {"split_rep",
        "a split reply: a paragraph with an offset map and a footnote",
        build_split_rep},
    {"check_rep", "a check reply with a redirect and a per-item timeout",
        build_check_rep},
    {"worker_ready", "a worker returning a failed job and asking for more",
        build_worker_ready},
    {"error_reply", "a failed resolve reply: err and no body",
        build_error_reply},
    {"idle", "the smallest message: v and type only", build_idle},
    {"stats_rep", "a stats reply with large counters", build_stats_rep},
};
#define N_GOLDEN (sizeof(goldens) / sizeof(goldens[0]))

static char *describe(const struct golden *g, const struct vp_msg *m)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	fprintf(f, "# %s.msgpack: %s\n", g->name, g->what);
	tu_dump_msg(f, m);
	fclose(f);
	return text;
}

static void test_golden(void **state)
{
	for (size_t i = 0; i < N_GOLDEN; i++) {
		const struct golden *g = &goldens[i];
		char path[1024];
		unsigned char *bin, *txt;
		uint8_t *enc;
		size_t bin_len, txt_len, enc_len;
		struct vp_msg m, built;
		struct vp_decode_err why;
		char *text;

		snprintf(path, sizeof(path), "%s/%s.msgpack", dir, g->name);
		bin = tu_read_file(path, &bin_len);
		if (bin == NULL)
			fail_msg("cannot read %s", path);
		snprintf(path, sizeof(path), "%s/%s.txt", dir, g->name);
		txt = tu_read_file(path, &txt_len);
		if (txt == NULL)
			fail_msg("cannot read %s", path);
		if (vp_msg_decode(&m, bin, bin_len, NULL, &why) != VP_OK)
			fail_msg("%s: %s", g->name, why.msg);
		/* re-encodes byte for byte */
		assert_int_equal(vp_msg_encode(&m, &enc, &enc_len), VP_OK);
		assert_int_equal(enc_len, bin_len);
		assert_memory_equal(enc, bin, bin_len);
		/* decodes to what the description says */
		text = describe(g, &m);
		assert_int_equal(strlen(text), txt_len);
		assert_memory_equal(text, txt, txt_len);
		/* and the builder still produces the same message */
		g->build(&built);
		assert_true(tu_msg_equal(&built, &m));
		vp_msg_clear(&built);
		vp_msg_clear(&m);
		free(text);
		free(enc);
		free(bin);
		free(txt);
	}
}

static int generate(void)
{
	for (size_t i = 0; i < N_GOLDEN; i++) {
		const struct golden *g = &goldens[i];
		struct vp_msg m;
		uint8_t *enc;
		size_t len;
		char path[1024], *text;
		FILE *f;

		g->build(&m);
		if (vp_msg_encode(&m, &enc, &len) != VP_OK)
			return 1;
		snprintf(path, sizeof(path), "%s/%s.msgpack", dir, g->name);
		if ((f = fopen(path, "wb")) == NULL)
			return 1;
		fwrite(enc, 1, len, f);
		fclose(f);
		text = describe(g, &m);
		snprintf(path, sizeof(path), "%s/%s.txt", dir, g->name);
		if ((f = fopen(path, "w")) == NULL)
			return 1;
		fputs(text, f);
		fclose(f);
		printf("wrote %s.msgpack (%zu bytes)\n", g->name, len);
		free(text);
		free(enc);
		vp_msg_clear(&m);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_golden)};
	if (argc == 3 && strcmp(argv[1], "--generate") == 0) {
		dir = argv[2];
		return generate();
	}
	if (argc != 2) {
		fprintf(stderr, "usage: unit_proto_golden [--generate] DIR\n");
		return 2;
	}
	dir = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
