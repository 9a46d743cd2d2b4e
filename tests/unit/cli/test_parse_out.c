/* The streaming writer of `parse` output (cli_parse_out_*) against the
 * writer it replaced: the jansson objects of cli_parse_item_json printed by
 * cli_print_json (json, jsonl) and cli_table_parse (table). A user's script
 * that read the old output must read the same bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli_doc.h"
#include "cli_out.h"
#include "prs.h"
#include "vp_err.h"

static const char *const formats[] = {"table", "json", "jsonl", "csv"};

/* The output before streaming, as cmd_parse wrote it. */
static char *old_output(
    const struct vp_citation *c, size_t n, const char *format, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	assert_non_null(f);
	if (strcmp(format, "table") == 0) {
		cli_table_parse(f, c, n);
	} else if (strcmp(format, "csv") == 0) {
		cli_csv_parse(f, c, n, true);
	} else if (strcmp(format, "jsonl") == 0) {
		for (size_t i = 0; i < n; i++)
			for (size_t s = 0; s < c[i].n_spans; s++)
				cli_print_json(
				    f, cli_parse_item_json(&c[i], s), false);
	} else {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			for (size_t s = 0; s < c[i].n_spans; s++)
				json_array_append_new(
				    arr, cli_parse_item_json(&c[i], s));
		cli_print_json(f, arr, true);
	}
	fclose(f);
	return buf;
}

static char *new_output(const struct vp_citation *c, size_t n,
    const char *format, size_t *len, bool *unresolved)
{
	struct cli_parse_out w;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	assert_non_null(f);
	assert_int_equal(cli_parse_out_init(&w, f, format), VP_OK);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(cli_parse_out_add(&w, &c[i]), VP_OK);
	*unresolved = w.unresolved;
	assert_int_equal(cli_parse_out_end(&w), VP_OK);
	fclose(f);
	return buf;
}

/* The resolve writer against cli_print_json(cli_resolve_json()), pretty
 * and compact, on a reply made of these citations and an error. */
static void same_resolved(const struct vp_citation *c, size_t n)
{
	struct vp_item_err e = {"doc \"1\"", "parse", "a \u00e9 message", true};
	struct vp_resolve_rep r = {0};
	r.name = "ignored";
	r.n_segments = 42;
	r.citations = (struct vp_citation *)c;
	r.n_citations = n;
	for (int errs = 0; errs < 2; errs++) {
		r.errors = errs ? &e : NULL;
		r.n_errors = (size_t)errs;
		for (int pretty = 0; pretty < 2; pretty++) {
			char *o = NULL, *w = NULL;
			size_t ol = 0, wl = 0;
			FILE *f = open_memstream(&o, &ol);
			assert_non_null(f);
			cli_print_json(
			    f, cli_resolve_json("doc \"1\".txt", &r), pretty);
			fclose(f);
			f = open_memstream(&w, &wl);
			struct cli_parse_out out;
			assert_int_equal(
			    cli_parse_out_init(&out, f, "jsonl"), VP_OK);
			assert_int_equal(cli_resolve_out_add(
			                     &out, "doc \"1\".txt", &r, pretty),
			    VP_OK);
			assert_int_equal(cli_parse_out_end(&out), VP_OK);
			fclose(f);
			if (ol != wl || memcmp(o, w, ol) != 0) {
				size_t at = 0;
				while (at < ol && at < wl && o[at] == w[at])
					at++;
				fail_msg("resolve %s: differ at byte %zu of "
				         "%zu/%zu: old \"%.60s\" new \"%.60s\"",
				    pretty ? "pretty" : "compact", at, ol, wl,
				    o + at, w + at);
			}
			free(o);
			free(w);
		}
	}
}

/* Both writers on the same citations, every format: the same bytes. */
static void same_output(const struct vp_citation *c, size_t n)
{
	same_resolved(c, n);
	for (size_t k = 0; k < sizeof(formats) / sizeof(formats[0]); k++) {
		size_t ol, nl;
		bool unresolved = false, want = false;
		char *o = old_output(c, n, formats[k], &ol);
		char *w = new_output(c, n, formats[k], &nl, &unresolved);
		if (ol != nl || memcmp(o, w, ol) != 0) {
			size_t at = 0;
			while (at < ol && at < nl && o[at] == w[at])
				at++;
			fail_msg("%s: outputs differ at byte %zu of %zu/%zu: "
			         "old \"%.60s\" new \"%.60s\"",
			    formats[k], at, ol, nl, o + at, w + at);
		}
		for (size_t i = 0; i < n; i++)
			want = want || cli_citation_unresolved(&c[i]);
		assert_true(unresolved == want);
		free(o);
		free(w);
	}
}

static char *slurp(const char *rel, size_t *len)
{
	char path[4096];
	FILE *f;
	char *buf;
	long n;
	snprintf(path, sizeof(path), "%s/%s", VP_SOURCE_DIR, rel);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

struct collect {
	struct cli_parse_out w;
	size_t calls;
};

static int collect_each(void *arg, const struct vp_citation *c)
{
	struct collect *co = arg;
	co->calls++;
	return cli_parse_out_add(&co->w, c);
}

/* The documents the parser is tested on, parsed once into an array (the
 * old path) and once streamed (the new one): the same bytes out. */
static void test_documents(void **state)
{
	static const char *const docs[] = {
	    "tests/golden/parser/kamervragen-antwoord-2025-palantir.txt",
	    "examples/kamervragen-antwoord-2025-palantir.txt",
	    "tests/golden/parser/dev-citations.tsv",
	    "tests/golden/parser/expect.tsv",
	    "tests/golden/parser/law-forms.tsv",
	    "tests/golden/splitter/kamervragen.txt",
	    "tests/golden/splitter/raadsbrief.txt",
	    "tests/fixtures/docs/artikel-pdftext.txt",
	};
	(void)state;
	for (size_t d = 0; d < sizeof(docs) / sizeof(docs[0]); d++) {
		size_t len, n;
		char *text = slurp(docs[d], &len);
		struct vp_citation *c;
		assert_int_equal(prs_parse_text(text, len, &c, &n), VP_OK);
		assert_true(n > 0);
		same_output(c, n);
		/* streamed straight from the parser: the array's bytes */
		for (size_t k = 0; k < 3; k++) {
			struct collect co = {0};
			char *buf = NULL, *o;
			size_t bl, ol;
			FILE *f = open_memstream(&buf, &bl);
			assert_int_equal(
			    cli_parse_out_init(&co.w, f, formats[k]), VP_OK);
			assert_int_equal(prs_parse_text_each(NULL, text, len,
			                     collect_each, &co),
			    VP_OK);
			assert_int_equal(co.calls, n);
			assert_int_equal(cli_parse_out_end(&co.w), VP_OK);
			fclose(f);
			o = old_output(c, n, formats[k], &ol);
			assert_int_equal(bl, ol);
			assert_memory_equal(buf, o, ol);
			free(buf);
			free(o);
		}
		prs_citations_free(c, n);
		free(text);
	}
}

/* What the parser rarely or never writes but a reply from --connect may
 * hold: escapes, invalid UTF-8 (jansson leaves such a member out), a key
 * set twice, no URL, a reason, odd confidences, several spans or none, a
 * check, long strings. */
static void test_edge_cases(void **state)
{
	struct vp_kv kv[] = {{"dossier", "35 300"},
	    {"q\"uote", "a\\b\"c\x01\x1f\x7f/\b\f\n\r\t\xe2\x80\xa8"},
	    {"bad", "x\xff"}, {"dossier", "36 410"}, {"\xc3\x28", "k"},
	    {"empty", ""}};
	struct vp_span sp[] = {
	    {5, 29, "Kamerstuk\n35 300, nr. 28", "footnote 3"},
	    {100, 110, "raw \xed\xa0\x80 surrogate", NULL},
	    {18446744073709551615ull, 0, NULL, "x"}};
	struct vp_check ck = {0};
	char *long_id = malloc(200000);
	struct vp_citation c[8];
	double conf[] = {1.0, 0.85, 0.0, 1e-7, 0.5, 0.9, 1e21, 0.7};
	(void)state;
	assert_non_null(long_id);
	memset(long_id, 'x', 199999);
	long_id[199999] = '\0';
	memset(c, 0, sizeof(c));
	for (size_t i = 0; i < 8; i++) {
		c[i].family = "kamerstuk";
		c[i].id = "kst-35300-28";
		c[i].confidence = conf[i];
		c[i].spans = sp;
		c[i].n_spans = 1;
	}
	c[0].url = "https://zoek.officielebekendmakingen.nl/kst-35300-28.html";
	c[0].fields = kv;
	c[0].n_fields = 6;
	c[1].reason = "no dossier number: read as Aanhangsel number";
	c[1].n_spans = 3;
	c[2].n_spans = 0;
	c[3].family = "internal";
	c[3].fields = kv;
	c[3].n_fields = 1;
	c[4].id = long_id;
	c[4].url = "https://example.nl/\"quoted\"";
	ck.url = "https://example.nl/";
	ck.status = "ok";
	ck.http_status = 200;
	ck.title = "Titel \"x\"\n";
	c[5].check = &ck;
	c[5].fields = kv;
	c[5].n_fields = 2;
	c[6].family = "ecli\xff";
	c[7].url = "http://a\xc3";
	same_output(c, 8);
	same_output(c, 0);
	same_output(c + 2, 1); /* no occurrence at all: json [] */
	free(long_id);
}

/* A failing output (a full disk) is reported, not ignored. */
static void test_write_error(void **state)
{
	struct cli_parse_out w;
	struct vp_citation c = {0};
	struct vp_span sp = {1, 2, "x", NULL};
	FILE *f = fopen("/dev/full", "w");
	(void)state;
	if (f == NULL)
		skip();
	c.family = "url";
	c.id = "https://example.nl/";
	c.url = c.id;
	c.spans = &sp;
	c.n_spans = 1;
	assert_int_equal(cli_parse_out_init(&w, f, "jsonl"), VP_OK);
	for (int i = 0; i < 5000; i++)
		if (cli_parse_out_add(&w, &c) != VP_OK)
			break;
	assert_int_equal(cli_parse_out_end(&w), VP_EIO);
	assert_int_not_equal(w.write_errno, 0);
	fclose(f);
	assert_int_equal(cli_parse_out_init(&w, stdout, "html"), VP_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_documents),
	    cmocka_unit_test(test_edge_cases),
	    cmocka_unit_test(test_write_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
