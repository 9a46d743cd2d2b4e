/* test_split_formats.c - unit tests of the HTML, DOCX, PDF, PDF-text and
 * Windows-1252 readers: what a reader of the fixtures expects, bad input
 * (truncated zip, zip bombs, encrypted PDF, deep HTML, 100 MB line), the
 * sentence helper, and property tests over random documents of each format
 * whose offset maps must point at the original bytes.
 * Usage: test_split_formats [group] (html, docx, pdf, bad, sentence, prop). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zip.h>

#include "split.h"
#include "split_svc.h"
#include "vp_err.h"
#include "vp_proto.h"

#ifndef VP_FIXTURES
#define VP_FIXTURES "tests/fixtures/docs"
#endif

struct res {
	struct vp_segment *segs;
	size_t n;
	const char *format;
	char err[256];
	int rv;
	uint8_t *orig; /* what offsets count (docx/pdf: the source text) */
	size_t orig_len;
};

static void run(struct res *r, const void *doc, size_t len, const char *fmt)
{
	memset(r, 0, sizeof(*r));
	r->rv = split_document(
	    doc, len, fmt, &r->segs, &r->n, &r->format, r->err, sizeof(r->err));
	if (r->rv != VP_OK)
		return;
	if (strcmp(r->format, "docx") == 0 || strcmp(r->format, "pdf") == 0) {
		char e[256];
		int rv = strcmp(r->format, "docx") == 0
		             ? split_docx_source(doc, len, &r->orig,
		                   &r->orig_len, e, sizeof(e))
		             : split_pdf_text(doc, len, &r->orig, &r->orig_len,
		                   e, sizeof(e));
		if (rv != VP_OK)
			fail_msg("source: %s", e);
	} else {
		r->orig = malloc(len + 1);
		assert_non_null(r->orig);
		memcpy(r->orig, doc, len);
		r->orig_len = len;
	}
	{
		char why[256] = "";
		if (split_segments_check_format(r->orig, r->orig_len, r->format,
		        1, r->segs, r->n, why, sizeof(why)) != VP_OK)
			fail_msg("invariant (%s): %s", r->format, why);
	}
}

static void done(struct res *r)
{
	split_segments_free(r->segs, r->n);
	free(r->orig);
	memset(r, 0, sizeof(*r));
}

static uint8_t *slurp(const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	uint8_t *buf;
	long sz;
	snprintf(path, sizeof(path), "%s/%s", VP_FIXTURES, name);
	if ((f = fopen(path, "rb")) == NULL)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)sz + 1);
	assert_non_null(buf);
	*len = fread(buf, 1, (size_t)sz, f);
	fclose(f);
	return buf;
}

static const struct vp_segment *find(
    const struct res *r, const char *kind, const char *needle)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->segs[i].kind, kind) == 0 &&
		    strstr(r->segs[i].text, needle) != NULL)
			return &r->segs[i];
	fail_msg("no %s with \"%s\"", kind, needle);
	return NULL;
}

/* The original bytes that text[t0, t1) of s maps to. */
static const uint8_t *at(
    const struct res *r, const struct vp_segment *s, const char *needle)
{
	const char *p = strstr(s->text, needle);
	assert_non_null(p);
	return r->orig + vp_segment_orig(s, (uint64_t)(p - s->text));
}

/* ---- HTML ---------------------------------------------------------------- */

static void html_fixture(void **state)
{
	size_t len;
	uint8_t *doc = slurp("besluit.html", &len);
	struct res r;
	const struct vp_segment *s, *n1, *n2, *p;
	(void)state;
	run(&r, doc, len, NULL);
	assert_int_equal(r.rv, VP_OK);
	assert_string_equal(r.format, "html");
	/* title, script, style and comment are not text */
	for (size_t i = 0; i < r.n; i++) {
		assert_null(strstr(r.segs[i].text, "Overheid.nl"));
		assert_null(strstr(r.segs[i].text, "geen tekst"));
		assert_null(strstr(r.segs[i].text, "commentaar"));
	}
	s = find(&r, "paragraph", "Staten-Generaal"); /* &#8209; */
	assert_int_equal(memcmp(at(&r, s, "-Gen"), "&#8209;Gen", 10), 0);
	s = find(&r, "heading", "Brief van de Minister");
	assert_int_equal(memcmp(at(&r, s, "Brief"), "Brief", 5), 0);
	/* entities decoded, each character mapped onto its reference */
	s = find(&r, "list_item", "café");
	assert_non_null(strstr(s->text, "(café, coördinatie, € 5000)."));
	assert_int_equal(memcmp(at(&r, s, "é"), "&eacute;", 8), 0);
	assert_int_equal(memcmp(at(&r, s, "ö"), "&#246;", 6), 0);
	assert_int_equal(memcmp(at(&r, s, "€"), "&#x20AC;", 8), 0);
	s = find(&r, "list_item", "ECLI");
	assert_non_null(strstr(s->text, "& de conclusie <A-G>;"));
	assert_int_equal(memcmp(at(&r, s, "<A-G>"), "&lt;A-G&gt;", 11), 0);
	s = find(&r, "list_item", "36 600");
	assert_int_equal(memcmp(at(&r, s, " 600"), "&nbsp;600", 9), 0);
	find(&r, "table_cell", "Aanbestedingswet 2012");
	/* the href is a citation of its own; &amp; decoded, mapped */
	s = find(&r, "link", "tweedekamer.nl");
	assert_string_equal(s->text,
	    "https://www.tweedekamer.nl/kamerstukken/kamervragen/detail?"
	    "id=2025Z14549&did=2025D33333");
	assert_int_equal(memcmp(at(&r, s, "&did"), "&amp;did", 8), 0);
	assert_int_equal(memcmp(at(&r, s, "https"), "https", 5), 0);
	/* notes: number out of the text, linked both ways */
	p = find(&r, "paragraph", "politiegegevens.");
	assert_null(strstr(p->text, "politiegegevens1"));
	n1 = find(&r, "footnote", "nr. 3011");
	assert_int_equal(n1->number, 1);
	assert_int_equal(n1->ref_segment, p->index + 1);
	assert_int_equal(r.orig[n1->ref_at], '1');
	n2 = find(&r, "footnote", "politie.nl");
	assert_int_equal(n2->number, 2);
	assert_string_equal(r.segs[n2->ref_segment - 1].text + 0,
	    find(&r, "paragraph", "Kunt u aangeven")->text);
	/* <br> is a space, not a paragraph break */
	find(&r, "paragraph", "de website van de Kamer. Met vriendelijke");
	done(&r);
	free(doc);
}

static void html_small(void **state)
{
	static const char doc[] =
	    "<p>a&amp;b <b>vet</b>tekst\r\n  en\tverder</p><p>x&shy;y</p>"
	    "<div>Artikel 1<div>lid 2</div></div>";
	struct res r;
	(void)state;
	run(&r, doc, sizeof(doc) - 1, "html");
	assert_int_equal(r.rv, VP_OK);
	assert_int_equal(r.n, 4);
	assert_string_equal(r.segs[0].text, "a&b vettekst en verder");
	assert_string_equal(r.segs[1].text, "xy");
	assert_string_equal(r.segs[2].text, "Artikel 1");
	assert_string_equal(r.segs[3].text, "lid 2");
	assert_int_equal(r.segs[0].number, 1);
	assert_int_equal(r.segs[3].number, 4);
	done(&r);
	/* markup libxml2 repairs still maps byte for byte (run() checks) */
	run(&r, "<p>a </1 b> c < d &amp x &bogus; y <!x> z</p>", 45, "html");
	assert_int_equal(r.rv, VP_OK);
	assert_string_equal(
	    r.segs[0].text, "a 1 b> c < d &amp x &bogus; y <!x> z");
	done(&r);
	run(&r, "<p>a &#246 x &#xE9y &#0; z</p>", 30, "html");
	assert_int_equal(r.rv, VP_OK);
	assert_string_equal(r.segs[0].text, "a ö x éy z");
	done(&r);
}

/* ---- DOCX -----------------------------------------------------------------
 */

static void docx_fixture(void **state)
{
	size_t len;
	uint8_t *doc = slurp("kamerbrief.docx", &len);
	struct res r;
	const struct vp_segment *s, *p, *n;
	(void)state;
	run(&r, doc, len, NULL);
	assert_int_equal(r.rv, VP_OK);
	assert_string_equal(r.format, "docx");
	find(&r, "heading", "Beantwoording Kamervragen");
	find(&r, "heading", "Vraag 1");
	find(&r, "list_item", "36 600 VI, nr. 12");
	s = find(&r, "table_cell", "artikel 2.23 lid 1"); /* w:tab */
	s = find(&r, "paragraph", "Coördinatiebesluit");
	assert_null(strstr(s->text, "verwijderd")); /* w:delText */
	assert_int_equal(memcmp(at(&r, s, "zaak"), "zaak", 4), 0);
	/* footnotes: numbered in reference order, linked to the paragraph
	 * and the <w:footnoteReference> element */
	p = find(&r, "paragraph", "Zie deze pagina");
	n = find(&r, "footnote", "Stb. 2007, 300");
	assert_int_equal(n->number, 2);
	assert_int_equal(n->ref_segment, p->index + 1);
	assert_int_equal(
	    memcmp(r.orig + n->ref_at, "<w:footnoteReference w:id=\"2\"", 29),
	    0);
	n = find(&r, "footnote", "2025Z14549");
	assert_string_equal(
	    n->text, "Kamerstukken II, 2024-2025, nr. 2025Z14549.");
	/* an endnote, numbered on its own, linked to its reference */
	n = find(&r, "footnote", "Handelingen II 2024/25");
	assert_int_equal(n->number, 1);
	p = find(&r, "paragraph", "Coördinatiebesluit");
	assert_int_equal(n->ref_segment, p->index + 1);
	assert_int_equal(
	    memcmp(r.orig + n->ref_at, "<w:endnoteReference w:id=\"1\"", 28),
	    0);
	/* hyperlink targets from the relationships, &amp; decoded */
	s = find(&r, "link", "officielebekendmakingen");
	assert_string_equal(s->text,
	    "https://zoek.officielebekendmakingen.nl/kst-36600-VI-12.html?a=1&"
	    "b=2");
	assert_int_equal(memcmp(at(&r, s, "&b=2"), "&amp;b=2", 8), 0);
	find(&r, "link", "wetten.overheid.nl/BWBR0022463");
	done(&r);
	free(doc);
}

/* ---- PDF and PDF text -------------------------------------------------------
 */

static void pdftext_checks(const struct res *r)
{
	const struct vp_segment *s, *n;
	size_t furn = 0;
	for (size_t i = 0; i < r->n; i++) {
		furn += strcmp(r->segs[i].kind, "furniture") == 0;
		assert_null(strstr(r->segs[i].text, "Kenmerk") &&
		                    strcmp(r->segs[i].kind, "furniture") != 0
		                ? "header"
		                : NULL);
	}
	/* two headers, two page numbers, a pull quote */
	assert_int_equal(furn, 5);
	find(r, "furniture", "belooft de minister");
	s = find(r, "paragraph", "korpschef");
	/* hyphenation repaired, compound hyphen kept */
	assert_non_null(strstr(s->text, "met de regio's vernieuwd en is de "
	                                "data-analyse beperkt"));
	assert_non_null(strstr(s->text, "Wet politiegegevens. Daarbij"));
	s = find(r, "paragraph", "Autoriteit");
	assert_non_null(strstr(s->text, "de in- en uitvoer van bestanden "
	                                "tussen Noord-Holland en"));
	/* the paragraph runs on over the footnotes and the page break */
	assert_non_null(strstr(s->text, "kondigde daarom een onderzoek aan"));
	n = find(r, "footnote", "Kamerstukken II, 2020-2021");
	assert_int_equal(n->number, 2);
	assert_int_equal(n->ref_segment, s->index + 1);
	assert_int_equal(r->orig[n->ref_at], '2');
	n = find(r, "footnote", "Aanhangsel");
	assert_int_equal(n->number, 3);
	assert_non_null(strstr(n->text, "toelichting die doorloopt"));
	find(r, "list_item", "zaak 2025Z14549");
	find(r, "heading", "Grip op gegevens");
	s = find(r, "paragraph", "vraag 6.");
	assert_null(strstr(s->text, "6.3"));
}

static void pdf_fixture(void **state)
{
	size_t len;
	uint8_t *doc = slurp("artikel.pdf", &len);
	struct res r;
	(void)state;
	run(&r, doc, len, NULL);
	assert_int_equal(r.rv, VP_OK);
	assert_string_equal(r.format, "pdf");
	pdftext_checks(&r);
	done(&r);
	free(doc);
	doc = slurp("artikel-pdftext.txt", &len);
	run(&r, doc, len, NULL);
	assert_int_equal(r.rv, VP_OK);
	assert_string_equal(r.format, "pdf-text");
	pdftext_checks(&r);
	done(&r);
	free(doc);
}

static void pdf_cp1252(void **state)
{
	size_t len;
	uint8_t *doc = slurp("latin1.txt", &len);
	struct res r;
	(void)state;
	run(&r, doc, len, NULL);
	assert_int_equal(r.rv, VP_OK);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.segs[0].text,
	    "Coördinatiebesluit, artikel 6 - café € 5. Tweede regel.");
	/* each UTF-8 byte of a converted character maps onto its byte */
	assert_int_equal(at(&r, &r.segs[0], "ö") - r.orig, 2);
	assert_int_equal(at(&r, &r.segs[0], "rdinatie") - r.orig, 3);
	assert_int_equal(at(&r, &r.segs[0], "€") - r.orig, 37);
	assert_int_equal(at(&r, &r.segs[0], "- caf") - r.orig, 30); /* 0x96 */
	done(&r);
	free(doc);
}

/* ---- bad input ------------------------------------------------------------
 */

static void expect_fail(
    const void *doc, size_t len, const char *fmt, int want, const char *msg)
{
	struct res r;
	run(&r, doc, len, fmt);
	if (r.rv != want)
		fail_msg("rv %d (%s), want %d", r.rv, r.err, want);
	assert_null(r.segs);
	if (strstr(r.err, msg) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", r.err, msg);
}

static void bad_files(void **state)
{
	static const struct {
		const char *file;
		int rv;
		const char *msg;
	} cases[] = {
	    {"truncated.docx", VP_EINVAL, "not a readable DOCX (zip) file"},
	    {"notazip.docx", VP_EINVAL, "not a readable DOCX (zip) file"},
	    {"bomb-size.docx", VP_ETOOLARGE, "inflates to"},
	    {"bomb-ratio.docx", VP_ETOOLARGE, "zip bomb"},
	    {"encrypted.pdf", VP_EINVAL, "PDF is encrypted"},
	    {"laughs.docx", VP_EINVAL, "not well-formed XML"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		size_t len;
		uint8_t *doc = slurp(cases[i].file, &len);
		expect_fail(doc, len, NULL, cases[i].rv, cases[i].msg);
		free(doc);
	}
	expect_fail("%PDF-1.4\n1 0 obj", 16, NULL, VP_EINVAL,
	    "not a readable PDF file");
	expect_fail("<p>a\0b</p>", 10, "html", VP_EINVAL, "NUL byte");
	{
		struct res r; /* quoting a PDF header does not make a PDF */
		run(&r, "Een bestand begint met %PDF-1.7.", 32, NULL);
		assert_int_equal(r.rv, VP_OK);
		assert_string_equal(r.format, "text");
		done(&r);
	}
	expect_fail(
	    "<p>\xC3\xA9\xFF</p>", 10, NULL, VP_EINVAL, "invalid UTF-8");
}

static void bad_deep_html(void **state)
{
	size_t depth = 100000, len = 0;
	char *doc = malloc(depth * 11 + 16);
	struct res r;
	(void)state;
	assert_non_null(doc);
	for (size_t i = 0; i < depth; i++)
		len += (size_t)sprintf(doc + len, "<div><b>");
	expect_fail(doc, len, NULL, VP_EINVAL, "nested deeper than");
	/* and the splitter keeps working afterwards */
	run(&r, "<p>na</p>", 9, NULL);
	assert_int_equal(r.rv, VP_OK);
	assert_string_equal(r.segs[0].text, "na");
	done(&r);
	free(doc);
}

static void bad_long_line(void **state)
{
	size_t len = (size_t)100 << 20, ok = (size_t)60 << 20;
	char *doc = malloc(len);
	struct res r;
	(void)state;
	assert_non_null(doc);
	memset(doc, 'a', len);
	expect_fail(doc, len, NULL, VP_ETOOLARGE, "limit");
	/* 60 MB on one line is within the limit: one paragraph */
	for (size_t i = 7; i < ok; i += 8)
		doc[i] = ' ';
	run(&r, doc, ok, "text");
	assert_int_equal(r.rv, VP_OK);
	assert_int_equal(r.n, 1);
	done(&r);
	free(doc);
}

/* The job handler the worker runs: every bad document is a job error with
 * a message, not retryable, and the next document splits as usual. */
static void bad_service(void **state)
{
	static const char *const files[] = {"truncated.docx", "bomb-size.docx",
	    "bomb-ratio.docx", "encrypted.pdf", "laughs.docx", "notazip.docx",
	    "kamerbrief.docx"};
	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
		struct vp_split_req q;
		struct vp_msg m;
		struct vp_ready res;
		size_t len;
		uint8_t *doc = slurp(files[i], &len);
		int rv;
		memset(&q, 0, sizeof(q));
		memset(&m, 0, sizeof(m));
		memset(&res, 0, sizeof(res));
		q.doc = doc;
		q.doc_len = len;
		m.type = VP_T_SPLIT_REQ;
		m.body = &q;
		rv = split_job(NULL, &m, &res);
		if (i + 1 < sizeof(files) / sizeof(*files)) {
			assert_int_not_equal(rv, VP_OK);
			assert_non_null(res.job_err);
			assert_non_null(res.job_err->msg);
			assert_false(res.job_err->retryable);
			assert_int_equal(res.n_segments, 0);
		} else {
			assert_int_equal(rv, VP_OK);
			assert_null(res.job_err);
			assert_string_equal(res.format, "docx");
			assert_true(res.n_segments > 10);
		}
		vp_obj_clear(&vp_desc_ready, &res);
		free(doc);
	}
}

/* ---- sentences -------------------------------------------------------------
 */

static void sentence_next(void **state)
{
	static const char t[] =
	    "Zie art. 2.23 lid 1 van de wet, o.a. in Stb. 2007, 300. Dat "
	    "geldt ook (zie vraag 6). \xE2\x80\x9CJa\xE2\x80\x9D, zei "
	    "hij. 2025Z14549 volgt! Klaar";
	size_t n = strlen(t), e, s;
	(void)state;
	e = split_sentence_next(t, n, 0);
	assert_int_equal(e, (size_t)(strstr(t, " Dat") - t));
	s = e + 1;
	e = split_sentence_next(t, n, s);
	assert_int_equal(e, (size_t)(strstr(t, " \xE2\x80\x9CJa") - t));
	s = e + 1;
	e = split_sentence_next(t, n, s);
	assert_int_equal(e, (size_t)(strstr(t, " 2025Z") - t));
	s = e + 1;
	e = split_sentence_next(t, n, s);
	assert_int_equal(e, (size_t)(strstr(t, " Klaar") - t));
	assert_int_equal(split_sentence_next(t, n, e + 1), n);
}

/* ---- property tests ---------------------------------------------------------
 */

static uint64_t rng = 0x2545F4914F6CDD1Dull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 2685821657736338717ull) >> 33) % n;
}

struct sb {
	char *b;
	size_t n, cap;
};

static void put(struct sb *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void put(struct sb *s, const char *fmt, ...)
{
	va_list ap;
	int k;
	va_start(ap, fmt);
	k = vsnprintf(s->b + s->n, s->cap - s->n, fmt, ap);
	va_end(ap);
	assert_true(k >= 0 && (size_t)k < s->cap - s->n);
	s->n += (size_t)k;
}

static const char *const words[] = {"de", "Kamerstukken", "II", "2024/25,",
    "nr.", "12", "artikel", "25", "Wpg", "co\xC3\xB6rdinatie", "caf\xC3\xA9",
    "\xE2\x82\xAC", "ECLI:NL:HR:2020:1234", "zaak", "2025Z14549", "data-",
    "ver-", "Noord-", "wet.", "x", "(zie", "vraag", "6).", "\xE2\x80\x93"};

static const char *word(void)
{
	return words[rnd(sizeof(words) / sizeof(*words))];
}

/* Random HTML: blocks, inline markup, entities, links, notes, comments,
 * scripts, CRLF. */
static void gen_html(struct sb *s)
{
	static const char *const ents[] = {"&amp;", "&lt;", "&gt;", "&quot;",
	    "&eacute;", "&#246;", "&#x20AC;", "&nbsp;", "&shy;", "&#8209;",
	    "&euro;", "&apos;", "& ", "&bogus;"};
	static const char *const blocks[] = {
	    "p", "h2", "li", "td", "div", "dd", "blockquote"};
	int nb = 1 + (int)rnd(12), note = 0;
	put(s, "%s",
	    rnd(2) ? "<!DOCTYPE html><html><head><title>t</title>"
	             "<style>p{}</style></head><body>\n"
	           : "");
	for (int b = 0; b < nb; b++) {
		const char *tag = blocks[rnd(7)];
		int nw = (int)rnd(20);
		put(s, "<%s%s>", tag, rnd(4) == 0 ? " class=\"x\"" : "");
		for (int w = 0; w < nw; w++) {
			switch (rnd(14)) {
			case 0: put(s, "%s", ents[rnd(14)]); break;
			case 1: put(s, "<b>%s</b>", word()); break;
			case 2:
				put(s,
				    "<a href=\"https://example.nl/?a=%u&amp;"
				    "b=%s\">%s</a>",
				    rnd(100), rnd(2) ? "x" : "&eacute;",
				    word());
				break;
			case 3:
				note++;
				put(s,
				    "<sup><a href=\"#n%d\" id=\"r%d\">%d</a>"
				    "</sup>",
				    note, note, note);
				break;
			case 4: put(s, "\r\n  "); break;
			case 5: put(s, "<!-- %s -->", word()); break;
			case 6:
				put(s, "<script>if(a<b){x=\"<p>\"}</script>");
				break;
			case 7: put(s, "<br>"); break;
			case 8: put(s, "\t\xC2\xA0"); break;
			default: put(s, "%s ", word()); break;
			}
		}
		put(s, "</%s>\n", tag);
	}
	if (note > 0) {
		put(s, "<ol>");
		for (int k = 1; k <= note; k++)
			put(s,
			    "<li id=\"n%d\"><a href=\"#r%d\">%d</a> %s %s</li>",
			    k, k, k, word(), word());
		put(s, "</ol>");
	}
}

static void prop_html(void **state)
{
	struct sb s = {malloc(1 << 16), 0, 1 << 16};
	size_t segs = 0, notes = 0, links = 0;
	(void)state;
	assert_non_null(s.b);
	for (int it = 0; it < 1500; it++) {
		struct res r;
		s.n = 0;
		gen_html(&s);
		run(&r, s.b, s.n, it % 3 ? "html" : NULL);
		if (r.rv != VP_OK)
			fail_msg("iteration %d: %s", it, r.err);
		for (size_t i = 0; i < r.n; i++) {
			const struct vp_segment *g = &r.segs[i];
			notes += strcmp(g->kind, "footnote") == 0 &&
			         g->ref_segment != 0;
			links += strcmp(g->kind, "link") == 0;
			assert_null(strpbrk(g->text, "<>\t\r\n") &&
			                    strcmp(g->kind, "link") == 0
			                ? "markup"
			                : NULL);
		}
		segs += r.n;
		done(&r);
	}
	assert_true(segs > 5000 && notes > 500 && links > 500);
	free(s.b);
}

/* An in-memory DOCX made with libzip. */
static uint8_t *make_zip(
    const char *const *names, const struct sb *parts, size_t n, size_t *len)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *z;
	zip_stat_t st;
	uint8_t *out;
	zip_error_init(&ze);
	src = zip_source_buffer_create(NULL, 0, 0, &ze);
	assert_non_null(src);
	zip_source_keep(src);
	z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	assert_non_null(z);
	for (size_t i = 0; i < n; i++) {
		zip_source_t *fs =
		    zip_source_buffer(z, parts[i].b, parts[i].n, 0);
		assert_true(zip_file_add(z, names[i], fs, 0) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
	assert_int_equal(zip_source_stat(src, &st), 0);
	out = malloc(st.size);
	assert_non_null(out);
	assert_int_equal(zip_source_open(src), 0);
	assert_int_equal(
	    zip_source_read(src, out, st.size), (zip_int64_t)st.size);
	zip_source_close(src);
	zip_source_free(src);
	zip_error_fini(&ze);
	*len = st.size;
	return out;
}

static void prop_docx(void **state)
{
	static const char *const names[] = {"word/document.xml",
	    "word/footnotes.xml", "word/_rels/document.xml.rels"};
	static const char *const esc[] = {
	    "&amp;", "&lt;", "&gt;", "&#233;", "&quot;", "&#x20AC;"};
	struct sb p[3];
	size_t segs = 0, notes = 0, links = 0;
	(void)state;
	for (int k = 0; k < 3; k++) {
		p[k].cap = 1 << 16;
		p[k].b = malloc(p[k].cap);
		assert_non_null(p[k].b);
	}
	for (int it = 0; it < 400; it++) {
		int np = 1 + (int)rnd(10), nn = 0, nl = 0;
		size_t len;
		uint8_t *docx;
		struct res r;
		for (int k = 0; k < 3; k++)
			p[k].n = 0;
		put(&p[0], "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		           "<w:document xmlns:w=\"w\" xmlns:r=\"r\"><w:body>");
		for (int i = 0; i < np; i++) {
			int nr = (int)rnd(8);
			put(&p[0], "<w:p>%s",
			    rnd(4) == 0 ? "<w:pPr><w:pStyle w:val=\"Kop1\"/>"
			                  "</w:pPr>"
			                : "");
			for (int j = 0; j < nr; j++) {
				switch (rnd(7)) {
				case 0:
					nn++;
					put(&p[0],
					    "<w:r><w:footnoteReference "
					    "w:id=\"%d\"/></w:r>",
					    nn);
					break;
				case 1:
					nl++;
					put(&p[0],
					    "<w:hyperlink r:id=\"rId%d\"><w:r>"
					    "<w:t>%s</w:t></w:r></w:hyperlink>",
					    nl, word());
					break;
				case 2:
					put(&p[0], "<w:r><w:tab/></w:r>");
					break;
				case 3:
					put(&p[0], "<w:r><w:t>%s%s</w:t></w:r>",
					    esc[rnd(6)], word());
					break;
				default:
					put(&p[0],
					    "<w:r><w:t xml:space=\"preserve\">"
					    "%s %s </w:t></w:r>",
					    word(), word());
				}
			}
			put(&p[0], "</w:p>\n");
		}
		put(&p[0], "</w:body></w:document>");
		put(&p[1],
		    "<?xml version=\"1.0\"?><w:footnotes xmlns:w=\"w\">");
		for (int k = 1; k <= nn; k++)
			put(&p[1],
			    "<w:footnote w:id=\"%d\"><w:p><w:r><w:t>%s %s"
			    "</w:t></w:r></w:p></w:footnote>",
			    k, word(), esc[rnd(6)]);
		put(&p[1], "</w:footnotes>");
		put(&p[2],
		    "<?xml version=\"1.0\"?><Relationships xmlns=\"x\">");
		for (int k = 1; k <= nl; k++)
			put(&p[2],
			    "<Relationship Id=\"rId%d\" Type=\"h\" "
			    "Target=\"https://e.nl/%d?a&amp;b\" "
			    "TargetMode=\"External\"/>",
			    k, k);
		put(&p[2], "</Relationships>");
		docx = make_zip(names, p, 3, &len);
		run(&r, docx, len, NULL);
		if (r.rv != VP_OK)
			fail_msg("iteration %d: %s", it, r.err);
		assert_string_equal(r.format, "docx");
		for (size_t i = 0; i < r.n; i++) {
			notes += strcmp(r.segs[i].kind, "footnote") == 0 &&
			         r.segs[i].ref_segment != 0;
			links += strcmp(r.segs[i].kind, "link") == 0;
		}
		segs += r.n;
		done(&r);
		free(docx);
	}
	assert_true(segs > 1000 && notes > 100 && links > 100);
	for (int k = 0; k < 3; k++)
		free(p[k].b);
}

static void prop_pdftext(void **state)
{
	struct sb s = {malloc(1 << 16), 0, 1 << 16};
	size_t segs = 0, notes = 0, furn = 0;
	(void)state;
	assert_non_null(s.b);
	for (int it = 0; it < 1500; it++) {
		int pages = 1 + (int)rnd(4), note = 0;
		struct res r;
		s.n = 0;
		for (int pg = 0; pg < pages; pg++) {
			int nl = (int)rnd(15), pn = 0;
			if (pg > 0)
				put(&s, "\f");
			put(&s, "Kop van het stuk %d \n\n", pg + 1);
			for (int l = 0; l < nl; l++) {
				int nw = (int)rnd(10);
				for (int w = 0; w < nw; w++)
					put(&s, "%s%s", word(),
					    w + 1 < nw ? " " : "");
				if (rnd(5) == 0 && note < 900) {
					put(&s, "wet%d", ++note);
					pn++;
				}
				put(&s, "%s\n", rnd(3) ? " " : "");
				if (rnd(6) == 0)
					put(&s, "\n");
			}
			put(&s, "\n");
			for (int k = note - pn + 1; k <= note; k++)
				put(&s, "%d %s %s \n", k, word(), word());
			put(&s, "\n%d\n", pg + 1);
		}
		run(&r, s.b, s.n, "pdf-text");
		if (r.rv != VP_OK)
			fail_msg("iteration %d: %s", it, r.err);
		for (size_t i = 0; i < r.n; i++) {
			notes += strcmp(r.segs[i].kind, "footnote") == 0 &&
			         r.segs[i].ref_segment != 0;
			furn += strcmp(r.segs[i].kind, "furniture") == 0;
		}
		segs += r.n;
		done(&r);
	}
	assert_true(segs > 5000 && notes > 500 && furn > 1000);
	free(s.b);
}

/* A PDF written by hand: pages of Helvetica text lines (WinAnsi), each
 * (x, y, size, text); the xref table holds the object offsets. */
static size_t write_pdf(char *out, size_t cap, const char *const *lines,
    const int *ys, const int *sizes, const int *page_of, size_t n, int pages)
{
	size_t off[64], n_obj = 0, len = 0,
	                per = (n + (size_t)pages - 1) / (size_t)pages;
	int page_ids[8];
	char content[8192];
#define PUT(...) len += (size_t)snprintf(out + len, cap - len, __VA_ARGS__)
	PUT("%%PDF-1.4\n");
	off[n_obj++] = len;
	PUT("1 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
	    "/Encoding /WinAnsiEncoding >>\nendobj\n");
	for (int p = 0; p < pages; p++) {
		size_t cl = 0;
		cl += (size_t)snprintf(content, sizeof(content), "BT\n");
		for (size_t i = (size_t)p * per;
		     i < n && i < (size_t)(p + 1) * per; i++)
			cl +=
			    (size_t)snprintf(content + cl, sizeof(content) - cl,
			        "/F1 %d Tf 1 0 0 1 56 %d Tm (%s) Tj\n",
			        sizes[i], ys[i], lines[i]);
		cl += (size_t)snprintf(
		    content + cl, sizeof(content) - cl, "ET\n");
		off[n_obj++] = len;
		PUT("%zu 0 obj\n<< /Length %zu "
		    ">>\nstream\n%sendstream\nendobj\n",
		    n_obj, cl, content);
		off[n_obj++] = len;
		page_ids[p] = (int)n_obj;
		PUT("%zu 0 obj\n<< /Type /Page /Parent %d 0 R /MediaBox [0 0 "
		    "595 "
		    "842] /Resources << /Font << /F1 1 0 R >> >> /Contents %zu "
		    "0 "
		    "R >>\nendobj\n",
		    n_obj, 2 * pages + 2, n_obj - 1);
	}
	off[n_obj++] = len;
	PUT("%zu 0 obj\n<< /Type /Pages /Kids [", n_obj);
	for (int p = 0; p < pages; p++)
		PUT("%d 0 R ", page_ids[p]);
	PUT("] /Count %d >>\nendobj\n", pages);
	off[n_obj++] = len;
	PUT("%zu 0 obj\n<< /Type /Catalog /Pages %zu 0 R >>\nendobj\n", n_obj,
	    n_obj - 1);
	{
		size_t xref = len;
		PUT("xref\n0 %zu\n0000000000 65535 f \n", n_obj + 1);
		for (size_t i = 0; i < n_obj; i++)
			PUT("%010zu 00000 n \n", off[i]);
		PUT("trailer\n<< /Size %zu /Root %zu 0 R >>\nstartxref\n%zu\n"
		    "%%%%EOF\n",
		    n_obj + 1, n_obj, xref);
	}
#undef PUT
	return len;
}

/* Random PDFs through poppler: every segment maps into the extracted text
 * (split_pdf_text), byte for byte. */
static void prop_pdf(void **state)
{
	static const char *const pdfwords[] = {"de", "Kamerstukken", "II",
	    "nr.", "12", "artikel", "25", "co\\366rdinatie", "caf\\351",
	    "data-", "ver-", "wet.", "\\(zie", "vraag", "6\\).", "\\226",
	    "2025Z14549", "ECLI:NL:HR:2020:1234"};
	char *pdf = malloc(1 << 17), text[32][256];
	const char *lines[32];
	int ys[32], sizes[32], page_of[32];
	size_t segs = 0, furn = 0;
	(void)state;
	assert_non_null(pdf);
	for (int it = 0; it < 150; it++) {
		int pages = 1 + (int)rnd(3), nl = 0;
		struct res r;
		size_t len;
		for (int p = 0; p < pages; p++) {
			int y = 800, body = 2 + (int)rnd(8);
			snprintf(
			    text[nl], sizeof(text[nl]), "Kop van het stuk");
			ys[nl] = y;
			sizes[nl++] = 8;
			y -= 30;
			for (int l = 0; l < body && nl < 30; l++) {
				size_t k = 0;
				int nw = 1 + (int)rnd(9);
				for (int w = 0; w < nw; w++)
					k += (size_t)snprintf(text[nl] + k,
					    sizeof(text[nl]) - k, "%s%s",
					    pdfwords[rnd(18)],
					    w + 1 < nw ? " " : "");
				page_of[nl] = p;
				ys[nl] = y;
				sizes[nl++] = 11;
				y -= rnd(3) ? 14 : 28;
			}
			snprintf(text[nl], sizeof(text[nl]), "%d", p + 1);
			page_of[nl] = p;
			ys[nl] = 40;
			sizes[nl++] = 8;
		}
		for (int i = 0; i < nl; i++)
			lines[i] = text[i];
		len = write_pdf(
		    pdf, 1 << 17, lines, ys, sizes, page_of, (size_t)nl, pages);
		run(&r, pdf, len, it % 2 ? "pdf" : NULL);
		if (r.rv != VP_OK)
			fail_msg("iteration %d: %s", it, r.err);
		assert_string_equal(r.format, "pdf");
		for (size_t i = 0; i < r.n; i++)
			furn += strcmp(r.segs[i].kind, "furniture") == 0;
		segs += r.n;
		done(&r);
	}
	assert_true(segs > 300 && furn > 100);
	free(pdf);
}

static void prop_cp1252(void **state)
{
	uint8_t buf[512];
	(void)state;
	for (int it = 0; it < 3000; it++) {
		size_t n = 1 + rnd(sizeof(buf) - 1);
		struct res r;
		for (size_t i = 0; i < n; i++) {
			uint32_t k = rnd(10);
			buf[i] = k < 6   ? (uint8_t)('a' + rnd(26))
			         : k < 7 ? ' '
			         : k < 8 ? '\n'
			                 : (uint8_t)(0xA0 + rnd(0x60));
			/* a lone high byte: pairs that happen to be UTF-8
			 * make a mixed, damaged document */
			if (i > 0 && buf[i] >= 0x80 && buf[i - 1] >= 0x80)
				buf[i] = 'q';
		}
		run(&r, buf, n, it % 2 ? "text" : "pdf-text");
		if (r.rv != VP_OK)
			fail_msg("iteration %d: %s", it, r.err);
		done(&r);
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(html_fixture),
	    cmocka_unit_test(html_small),
	    cmocka_unit_test(docx_fixture),
	    cmocka_unit_test(pdf_fixture),
	    cmocka_unit_test(pdf_cp1252),
	    cmocka_unit_test(bad_files),
	    cmocka_unit_test(bad_deep_html),
	    cmocka_unit_test(bad_long_line),
	    cmocka_unit_test(bad_service),
	    cmocka_unit_test(sentence_next),
	    cmocka_unit_test(prop_html),
	    cmocka_unit_test(prop_docx),
	    cmocka_unit_test(prop_pdftext),
	    cmocka_unit_test(prop_cp1252),
	    cmocka_unit_test(prop_pdf),
	};
	if (argc > 1) {
		char filter[64];
		snprintf(filter, sizeof(filter), "%s*", argv[1]);
		cmocka_set_test_filter(filter);
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
