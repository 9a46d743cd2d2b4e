/* test_split_xml.c - unit tests of the official XML readers (BWB toestand,
 * Rechtspraak open data, officielebekendmakingen.nl): what a user of the
 * fixtures sees (segments, the document's own id and date, no schema URL
 * as text), hostile input (deep nesting, entity expansion, external
 * entities, broken markup), property tests over random documents (every
 * text byte maps onto the byte it was read from, segments in document
 * order, every word where it was written) and a scaling test (8 times the
 * elements may take at most 10 times as long: no quadratic path).
 * Usage: test_split_xml [group] (xml, xmlbad, xmlprop, xmlscale). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <malloc.h>

#include <cmocka.h>

#include "split.h"
#include "vp_err.h"
#include "vp_proto.h"

#ifndef VP_GOLDEN
#define VP_GOLDEN "tests/golden/splitter"
#endif

struct res {
	struct vp_segment *segs;
	size_t n;
	const char *format;
	struct split_meta meta;
	char err[256];
	int rv;
};

static void run(struct res *r, const void *doc, size_t len, const char *fmt)
{
	memset(r, 0, sizeof(*r));
	r->rv = split_document_meta(doc, len, fmt, &r->segs, &r->n, &r->format,
	    &r->meta, r->err, sizeof(r->err));
	if (r->rv == VP_OK) {
		char why[256];
		int c = split_segments_check_format(
		    doc, len, r->format, 1, r->segs, r->n, why, sizeof(why));
		if (c != VP_OK)
			fail_msg("invariant broken: %s", why);
	}
}

static void done(struct res *r)
{
	split_segments_free(r->segs, r->n);
	r->segs = NULL;
	r->n = 0;
}

static char *slurp(const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	char *buf;
	long sz;
	snprintf(path, sizeof(path), "%s/%s", VP_GOLDEN, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	sz = ftell(f);
	assert_true(sz > 0);
	rewind(f);
	buf = malloc((size_t)sz + 1);
	assert_non_null(buf);
	*len = fread(buf, 1, (size_t)sz, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static const struct vp_segment *find_text(const struct res *r, const char *t)
{
	for (size_t i = 0; i < r->n; i++)
		if (strstr(r->segs[i].text, t) != NULL)
			return &r->segs[i];
	return NULL;
}

/* No segment holds a namespace or schema URL, or metadata text. */
static void no_schema_text(const struct res *r)
{
	static const char *const never[] = {"http://www.w3.org", "xsd",
	    "purl.org", "standaarden.overheid.nl", "text/xml",
	    "Publicatiedatum", "jci1.3"};
	for (size_t i = 0; i < r->n; i++)
		for (size_t k = 0; k < sizeof(never) / sizeof(*never); k++)
			if (strstr(r->segs[i].text, never[k]) != NULL)
				fail_msg("segment %zu holds \"%s\": %s", i,
				    never[k], r->segs[i].text);
}

static void xml_bwb(void **state)
{
	size_t len;
	char *doc = slurp("bwb-toestand.xml", &len);
	const struct vp_segment *s;
	struct res r;
	(void)state;
	run(&r, doc, len, NULL);
	assert_int_equal(r.rv, VP_OK);
	assert_string_equal(r.format, "bwb-xml");
	assert_string_equal(r.meta.id, "BWBR0099001");
	assert_string_equal(r.meta.date, "2024-01-01");
	no_schema_text(&r);
	/* the article heading in one piece, the lid with its number */
	s = find_text(&r, "Artikel 1 Begripsbepalingen");
	assert_non_null(s);
	assert_string_equal(s->kind, "heading");
	s = find_text(&r, "1 De aanvraag wordt ingediend volgens artikel 5 "
	                  "van deze wet.");
	assert_non_null(s);
	assert_string_equal(s->kind, "list_item");
	/* an extref is markup like any other: its text runs on */
	assert_non_null(find_text(&r, "bedoeld in artikel 1:1 van de "
	                              "Algemene wet bestuursrecht."));
	/* references decoded: &amp; &#160; &#x2013; */
	assert_non_null(find_text(&r, "de grond & de termijn"));
	assert_non_null(find_text(&r, "de datum van ontvangst"));
	assert_non_null(find_text(&r, "ECLI:NL:HR:2020:1234-heden"));
	/* the note: a footnote linked to the al it sits in */
	s = find_text(&r, "Kamerstukken II 2022/23, 36 100, nr. 3.");
	assert_non_null(s);
	assert_string_equal(s->kind, "footnote");
	assert_int_equal(s->number, 1);
	assert_true(s->ref_segment > 0);
	assert_non_null(strstr(
	    r.segs[s->ref_segment - 1].text, "Algemene wet bestuursrecht."));
	assert_int_equal(doc[s->ref_at], '1');
	/* the note's text is not in its paragraph */
	assert_null(strstr(r.segs[s->ref_segment - 1].text, "36 100"));
	done(&r);
	/* forced, and the date without inwerkingtreding: the signing date */
	{
		char *p = strstr(doc, " inwerkingtreding=\"2024-01-01\"");
		assert_non_null(p);
		memset(p, ' ', strlen(" inwerkingtreding=\"2024-01-01\""));
		run(&r, doc, len, "bwb-xml");
		assert_int_equal(r.rv, VP_OK);
		assert_string_equal(r.meta.date, "2023-12-14");
		done(&r);
	}
	free(doc);
}

static void xml_rechtspraak(void **state)
{
	size_t len;
	char *doc = slurp("rechtspraak.xml", &len);
	const struct vp_segment *s;
	struct res r;
	(void)state;
	run(&r, doc, len, NULL);
	assert_int_equal(r.rv, VP_OK);
	assert_string_equal(r.format, "rechtspraak-xml");
	assert_string_equal(r.meta.id, "ECLI:NL:RVS:2021:999");
	assert_string_equal(r.meta.date, "2021-05-12");
	no_schema_text(&r);
	/* RDF metadata is never text: the related ECLI does not appear */
	assert_null(find_text(&r, "ECLI:NL:RBDHA:2019:1111"));
	assert_null(find_text(&r, "Raad van State"));
	s = find_text(&r, "Procesverloop");
	assert_non_null(s);
	assert_string_equal(s->kind, "heading");
	assert_non_null(find_text(&r, "1. Bij besluit van 3 maart 2020"));
	/* CDATA is text as written */
	assert_non_null(find_text(&r, "nr. 8 & <bijlage>."));
	s = find_text(&r, "HR 5 juni 2019");
	assert_non_null(s);
	assert_string_equal(s->kind, "footnote");
	assert_true(s->ref_segment > 0);
	assert_non_null(
	    strstr(r.segs[s->ref_segment - 1].text, "ECLI:NL:RVS:2020:900"));
	done(&r);
	free(doc);
}

static void xml_ob(void **state)
{
	size_t len;
	char *doc = slurp("ob-kamerstuk.xml", &len);
	const struct vp_segment *s;
	struct res r;
	(void)state;
	run(&r, doc, len, NULL);
	assert_int_equal(r.rv, VP_OK);
	assert_string_equal(r.format, "ob-xml");
	assert_string_equal(r.meta.id, "kst-36410-VII-12");
	assert_string_equal(r.meta.date, "2023-11-02");
	no_schema_text(&r);
	assert_null(find_text(&r, "OVERHEIDop"));
	assert_non_null(find_text(&r, "Vergaderjaar 2023-2024"));
	s = find_text(&r, "Uitvoering");
	assert_non_null(s);
	assert_string_equal(s->kind, "heading");
	s = find_text(&r, "Artikel 4 Wet open overheid");
	assert_non_null(s);
	assert_string_equal(s->kind, "table_cell");
	/* a heading inside an al is a part of it */
	assert_non_null(find_text(&r, "en over de uitvoering daarvan."));
	s = find_text(&r, "Handelingen II 2022/23");
	assert_non_null(s);
	assert_string_equal(s->kind, "footnote");
	assert_true(s->ref_segment > 0);
	assert_int_equal(doc[s->ref_at], '1');
	done(&r);
	/* each root of the OB family; other XML is not official XML */
	{
		static const char *const roots[] = {
		    "staatsblad", "staatscourant", "handelingen"};
		for (size_t k = 0; k < 3; k++) {
			char d[200];
			int n = snprintf(d, sizeof(d),
			    "<?xml version=\"1.0\"?>\n<%s><al>Zie Stb. 2020, "
			    "1.</al></%s>",
			    roots[k], roots[k]);
			run(&r, d, (size_t)n, NULL);
			assert_int_equal(r.rv, VP_OK);
			assert_string_equal(r.format, "ob-xml");
			assert_int_equal(r.n, 1);
			done(&r);
		}
		run(&r, "<?xml version=\"1.0\"?><rss><p>x</p></rss>", 39, NULL);
		assert_int_equal(r.rv, VP_OK);
		assert_string_not_equal(r.format, "ob-xml");
		done(&r);
	}
	free(doc);
}

static void expect_rv(const char *doc, size_t len, const char *fmt, int rv)
{
	struct res r;
	run(&r, doc, len, fmt);
	if (r.rv != rv)
		fail_msg("rv %d, want %d (%s)", r.rv, rv, r.err);
	if (rv != VP_OK)
		assert_true(r.err[0] != '\0');
	done(&r);
}

static void xml_bad(void **state)
{
	struct res r;
	char *d;
	size_t n = 0, cap = 1 << 20;
	(void)state;
	/* nested deeper than the limit: a clear error */
	d = malloc(cap);
	assert_non_null(d);
	n += (size_t)sprintf(d, "<wetgeving>");
	for (int i = 0; i < 300; i++)
		n += (size_t)sprintf(d + n, "<al>");
	n += (size_t)sprintf(d + n, "tekst");
	expect_rv(d, n, NULL, VP_EINVAL);
	run(&r, d, n, NULL);
	assert_non_null(strstr(r.err, "nested deeper"));
	done(&r);
	/* a billion laughs: declared entities are never expanded, the
	 * reference stays as written */
	n = (size_t)sprintf(d,
	    "<?xml version=\"1.0\"?>\n<!DOCTYPE wetgeving [\n"
	    "<!ENTITY a \"aaaaaaaaaa\">\n<!ENTITY b \"&a;&a;&a;&a;&a;&a;\">\n"
	    "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
	    "<!ENTITY ext SYSTEM \"file:///etc/passwd\">\n]>\n"
	    "<wetgeving bwb-id=\"BWBR0000001\"><al>x &c; y &ext; "
	    "z</al></wetgeving>");
	run(&r, d, n, NULL);
	assert_int_equal(r.rv, VP_OK);
	assert_string_equal(r.format, "bwb-xml");
	assert_int_equal(r.n, 1);
	assert_string_equal(r.segs[0].text, "x &c; y &ext; z");
	done(&r);
	/* broken markup is read as far as it goes, never an error */
	{
		static const char *const broken[] = {
		    "<kamerstuk><al>open <b>tag",
		    "<kamerstuk><al>a</x></al></kamerstuk>",
		    "<kamerstuk><al>1 < 2 & 3 > 2</al>",
		    "<kamerstuk><!-- unterminated",
		    "<kamerstuk><al a=\"unterminated>tekst</al>",
		    "<kamerstuk><![CDATA[ open",
		    "<kamerstuk><al>&#0; &#xD800; &#99999999; &#x;</al>",
		    ("<open-rechtspraak><rdf:RDF><dcterms:identifier>"
		     "ECLI:NL:HR:2020:1</dcterms:identifier>"),
		    "<kamerstuk><noot nr=\"1\"><noot>x</noot>",
		    /* note numbers too long to be markers (fuzz finds) */
		    "<wetgeving><al>a<noot nr=\"8888888\">n</noot></al>",
		    "<wetgeving><al>a<noot><noot.nr>1234567</noot.nr>n</noot>",
		    "<open-rechtspraak><para>a<footnote-ref nr=\"0000001\"/>"
		    "</para><footnote nr=\"1\">n</footnote>",
		    "<open-rechtspraak><para>Bij<footnote-ref nr=",
		    /* a marker in a block that never had text, a note with
		     * its number in a later block (fuzz find) */
		    "<open-rechtspraak><p><x-ref nr=\"1\"/></p><para>t "
		    "<footnote nr=\"1\">n</footnote></para>"};
		for (size_t k = 0; k < sizeof(broken) / sizeof(*broken); k++)
			expect_rv(broken[k], strlen(broken[k]), NULL, VP_OK);
	}
	/* a metadata id that is not one of its kind is not taken */
	n = (size_t)sprintf(d, "<wetgeving bwb-id=\"x y\"><al>t</al>"
	                       "</wetgeving>");
	run(&r, d, n, NULL);
	assert_int_equal(r.rv, VP_OK);
	assert_string_equal(r.meta.id, "");
	done(&r);
	/* Windows-1252 XML (an ISO-8859-1 declaration): read converted,
	 * offsets still exact; a dash (0x96) is '-' on its byte */
	n = (size_t)sprintf(d, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\""
	                       "?><wetgeving><al>caf\xE9 2020\x96"
	                       "2021</al>"
	                       "</wetgeving>");
	run(&r, d, n, NULL);
	assert_int_equal(r.rv, VP_OK);
	assert_string_equal(r.format, "bwb-xml");
	assert_int_equal(r.n, 1);
	assert_string_equal(r.segs[0].text, "caf\xC3\xA9 2020-2021");
	done(&r);
	/* a forced format on other input still reads it */
	expect_rv("plain text", 10, "ob-xml", VP_OK);
	expect_rv("x", 1, "xml", VP_EINVAL);
	free(d);
}

/* ---- property tests ---- */

struct sb {
	char *p;
	size_t n, cap;
};

static void put(struct sb *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void put(struct sb *s, const char *fmt, ...)
{
	va_list ap;
	int k;
	for (;;) {
		va_start(ap, fmt);
		k = vsnprintf(s->p + s->n, s->cap - s->n, fmt, ap);
		va_end(ap);
		if ((size_t)k < s->cap - s->n)
			break;
		s->cap = s->cap * 2 + (size_t)k;
		s->p = realloc(s->p, s->cap);
		assert_non_null(s->p);
	}
	s->n += (size_t)k;
}

static uint32_t rnd(uint32_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 17;
	*st ^= *st << 5;
	return *st;
}

/* Words as written in XML and as read. */
static const char *const raw_words[] = {"wet", "artikel", "caf&#233;",
    "A&amp;B", "&lt;x&gt;", "2020&#x2013;2021", "co\xC3\xB6rdinatie", "nr.",
    "&quot;q&quot;", "&apos;s", "Stb.", "<![CDATA[c<d]]>", "&nbsp;x", "35"};
static const char *const read_words[] = {"wet", "artikel", "caf\xC3\xA9", "A&B",
    "<x>", "2020-2021", "co\xC3\xB6rdinatie", "nr.", "\"q\"", "'s", "Stb.",
    "c<d", "&nbsp;x", "35"};
#define N_WORDS (sizeof(raw_words) / sizeof(*raw_words))

/* Appends the words of text (separated by spaces) to w. */
static void words_of(struct sb *w, const char *text)
{
	put(w, "%s ", text);
}

/* A random document of kind k; the expected body words and note words
 * are appended to body and notes. */
static void gen_doc(struct sb *s, struct sb *body, struct sb *notes,
    uint32_t *st, int k, size_t n_blocks)
{
	static const char *const roots[] = {
	    "wetgeving", "open-rechtspraak", "kamerstuk"};
	static const char *const blocks[] = {"al", "kop", "para", "title",
	    "titel", "tussenkop", "entry", "considerans.al"};
	static const char *const inl[] = {
	    "extref", "intref", "nadruk", "emphasis", "sup", "i"};
	uint32_t note_nr = 0;
	put(s,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- c -->\n"
	    "<%s xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
	    "xsi:schemaLocation=\"http://example.org/x.xsd\">\n",
	    roots[k]);
	if (k == 1)
		put(s, "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/"
		       "22-rdf-syntax-ns#\"><rdf:Description><dcterms:"
		       "identifier>ECLI:NL:HR:2020:1</dcterms:identifier>"
		       "</rdf:Description></rdf:RDF>\n");
	else if (k == 2)
		put(s, "<metadata><meta name=\"DC.identifier\" "
		       "content=\"kst-1-2\"/></metadata>\n");
	else
		put(s, "<meta-data><jcis><jci reference=\"jci1.3:c:x\"/>"
		       "</jcis></meta-data>\n");
	for (size_t b = 0; b < n_blocks; b++) {
		const char *bl = blocks[rnd(st) % 8];
		size_t nw = 1 + rnd(st) % 8;
		int container = rnd(st) % 3 == 0;
		if (container)
			put(s, "<artikel label=\"a\">\n  ");
		put(s, "<%s>", bl);
		for (size_t w = 0; w < nw; w++) {
			uint32_t wi = rnd(st) % N_WORDS, how = rnd(st) % 10;
			if (w > 0)
				put(s, "%s", how == 0 ? "\n   " : " ");
			if (how == 1) {
				const char *e = inl[rnd(st) % 6];
				put(s, "<%s doc=\"http://x/y&amp;z\">%s</%s>",
				    e, raw_words[wi], e);
			} else
				put(s, "%s", raw_words[wi]);
			words_of(body, read_words[wi]);
			if (how == 2 && k != 1) {
				uint32_t nwi = rnd(st) % N_WORDS;
				note_nr++;
				put(s,
				    "<noot nr=\"%u\"><noot.al>%s "
				    "note</noot.al></noot>",
				    note_nr, raw_words[nwi]);
				words_of(notes, read_words[nwi]);
				words_of(notes, "note");
			}
			if (how == 3)
				put(s, "<!-- %s -->", raw_words[wi]);
		}
		put(s, "</%s>\n", bl);
		if (container)
			put(s, "</artikel>\n");
	}
	put(s, "</%s>\n", roots[k]);
}

/* The words of the segments (footnotes or not), in order. */
static void seg_words(const struct res *r, int footnotes, struct sb *w)
{
	for (size_t i = 0; i < r->n; i++)
		if ((strcmp(r->segs[i].kind, "footnote") == 0) == footnotes)
			words_of(w, r->segs[i].text);
}

static void xml_prop(void **state)
{
	uint32_t st = 0x5eed1234u;
	static const char *const fmts[] = {
	    "bwb-xml", "rechtspraak-xml", "ob-xml"};
	(void)state;
	for (int round = 0; round < 300; round++) {
		struct sb doc = {0}, body = {0}, notes = {0}, gb = {0},
		          gn = {0};
		int k = round % 3;
		struct res r;
		doc.cap = body.cap = notes.cap = gb.cap = gn.cap = 64;
		doc.p = calloc(1, 64);
		body.p = calloc(1, 64);
		notes.p = calloc(1, 64);
		gb.p = calloc(1, 64);
		gn.p = calloc(1, 64);
		gen_doc(&doc, &body, &notes, &st, k, 1 + rnd(&st) % 20);
		run(&r, doc.p, doc.n, NULL); /* checks offsets exactly */
		assert_int_equal(r.rv, VP_OK);
		assert_string_equal(r.format, fmts[k]);
		for (size_t i = 1; i < r.n; i++)
			assert_true(r.segs[i].start >= r.segs[i - 1].start);
		seg_words(&r, 0, &gb);
		seg_words(&r, 1, &gn);
		if (strcmp(gb.p, body.p) != 0)
			fail_msg("round %d body words\n got: %s\nwant: %s\n%s",
			    round, gb.p, body.p, doc.p);
		if (strcmp(gn.p, notes.p) != 0)
			fail_msg("round %d note words\n got: %s\nwant: %s",
			    round, gn.p, notes.p);
		/* every footnote points at a marker of its number */
		for (size_t i = 0; i < r.n; i++)
			if (strcmp(r.segs[i].kind, "footnote") == 0)
				assert_true(r.segs[i].ref_segment > 0);
		done(&r);
		free(doc.p);
		free(body.p);
		free(notes.p);
		free(gb.p);
		free(gn.p);
	}
}

/* ---- scaling ---- */

/* 8 times the input may take at most SCALE_LIMIT times as long. Under
 * AddressSanitizer freed memory is quarantined, so every large run faults
 * in fresh pages and costs up to half as much again per byte; a quadratic
 * path would still take 64 times as long. */
#if defined(__SANITIZE_ADDRESS__)
#define SCALE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SCALE_ASAN 1
#endif
#endif
#ifdef SCALE_ASAN
#define SCALE_LIMIT 16
#define SCALE_N     5000
#else
#define SCALE_LIMIT 10
#define SCALE_N     10000
#endif

static double secs(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The best of three runs over a document of n copies of unit, in a root
 * and nested (pre) deep. */
static double time_split(const char *root, const char *unit, size_t n, int deep,
    const char *open, const char *close)
{
	struct sb s = {0};
	double best = 1e9;
	s.cap = 1024;
	s.p = malloc(s.cap);
	assert_non_null(s.p);
	s.n = 0;
	put(&s, "<%s>", root);
	for (int i = 0; i < deep; i++)
		put(&s, "%s", open);
	for (size_t i = 0; i < n; i++)
		put(&s, "%s", unit);
	for (int i = 0; i < deep; i++)
		put(&s, "%s", close);
	for (int k = 0; k < 3; k++) {
		struct res r;
		double t0 = secs(), t;
		memset(&r, 0, sizeof(r));
		r.rv = split_document((const uint8_t *)s.p, s.n, NULL, &r.segs,
		    &r.n, &r.format, r.err, sizeof(r.err));
		t = secs() - t0;
		assert_int_equal(r.rv, VP_OK);
		done(&r);
		if (t < best)
			best = t;
	}
	free(s.p);
	return best;
}

static void xml_scale(void **state)
{
	/* shapes that could go quadratic: many blocks, one long block with
	 * many inline elements, many notes in one block, many stray end
	 * tags under a deep stack, many markers */
	static const struct {
		const char *root, *unit;
		int deep;
	} shapes[] = {
	    {"wetgeving", "<al>artikel 5 van deze wet</al>\n", 0},
	    {"kamerstuk", "<extref doc=\"a\">wet</extref> &amp; x ", 0},
	    {"kamerstuk", "tekst<noot nr=\"1\"><noot.al>n</noot.al></noot> ",
	        0},
	    {"wetgeving", "</x>t ", 250},
	    {"open-rechtspraak", "<para>t<footnote-ref nr=\"7\"/></para>", 0},
	    /* notes whose number no marker has: each looks them up */
	    {"open-rechtspraak",
	        "<para>t<footnote-ref nr=\"7\"/></para><footnote "
	        "nr=\"8\"><para>n</para></footnote>",
	        0},
	};
	(void)state;
	/* measure the reader, not the allocator handing pages back to the
	 * system between runs (with glibc's defaults the large runs fault
	 * in fresh pages each time and look superlinear) */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 1 << 30);
	for (size_t k = 0; k < sizeof(shapes) / sizeof(*shapes); k++) {
		size_t n = SCALE_N;
		const char *open = "<i>";
		double t1, t8;
		/* generous: 8x the input, at most SCALE_LIMIT x the time
		 * (plus a floor for timer noise on a busy machine); a pair
		 * is measured again, up to three times, before it counts: a
		 * quadratic reader fails every time, a machine busy with
		 * other tests only now and then */
		for (int tries = 0; tries < 3; tries++) {
			/* the large run first: the heap has grown when the
			 * small one runs */
			t8 = time_split(shapes[k].root, shapes[k].unit, 8 * n,
			    shapes[k].deep, open, "</i>");
			t1 = time_split(shapes[k].root, shapes[k].unit, n,
			    shapes[k].deep, open, "</i>");
			if (t8 <= SCALE_LIMIT * t1 + 0.05)
				break;
		}
		if (t8 > SCALE_LIMIT * t1 + 0.05)
			fail_msg(
			    "shape %zu: %.4f s at N, %.4f s at 8N", k, t1, t8);
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest fixtures[] = {
	    cmocka_unit_test(xml_bwb),
	    cmocka_unit_test(xml_rechtspraak),
	    cmocka_unit_test(xml_ob),
	};
	const struct CMUnitTest bad[] = {cmocka_unit_test(xml_bad)};
	const struct CMUnitTest prop[] = {cmocka_unit_test(xml_prop)};
	const struct CMUnitTest scale[] = {cmocka_unit_test(xml_scale)};
	const char *g = argc > 1 ? argv[1] : "";
	int rv = 0;
	if (!*g || strcmp(g, "xml") == 0)
		rv |= cmocka_run_group_tests(fixtures, NULL, NULL);
	if (!*g || strcmp(g, "xmlbad") == 0)
		rv |= cmocka_run_group_tests(bad, NULL, NULL);
	if (!*g || strcmp(g, "xmlprop") == 0)
		rv |= cmocka_run_group_tests(prop, NULL, NULL);
	if (!*g || strcmp(g, "xmlscale") == 0)
		rv |= cmocka_run_group_tests(scale, NULL, NULL);
	return rv;
}
