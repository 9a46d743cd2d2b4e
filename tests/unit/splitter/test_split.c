/* test_split.c - unit tests of the splitter (split_document): plain text,
 * CRLF, BOM, normalisation with exact offsets, rejected input, the
 * Word-converted example and a property test over random documents.
 * Usage: test_split [group] runs the tests whose name starts with group. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "split.h"
#include "vp_err.h"
#include "vp_proto.h"

struct split_result {
	struct vp_segment *segs;
	size_t n;
	const char *format;
	char err[256];
	int rv;
};

static void run(
    struct split_result *r, const void *doc, size_t len, const char *format)
{
	memset(r, 0, sizeof(*r));
	r->rv = split_document(doc, len, format, &r->segs, &r->n, &r->format,
	    r->err, sizeof(r->err));
	if (r->rv == VP_OK) {
		char why[256] = "";
		int ck = split_segments_check(
		    doc, len, r->segs, r->n, why, sizeof(why));
		if (ck != VP_OK)
			fail_msg("invariant: %s", why);
	}
}

static void done(struct split_result *r)
{
	split_segments_free(r->segs, r->n);
	r->segs = NULL;
}

static uint64_t orig(const struct vp_segment *s, const char *needle)
{
	const char *p = strstr(s->text, needle);
	assert_non_null(p);
	return vp_segment_orig(s, (uint64_t)(p - s->text));
}

/* ---- plain text --------------------------------------------------------- */

static void plain_paragraphs(void **state)
{
	static const char doc[] = "  Eerste alinea,\nregel twee.  \n"
	                          "   derde regel\n\n \t \n\nTweede alinea.\n";
	struct split_result r;
	(void)state;
	run(&r, doc, sizeof(doc) - 1, NULL);
	assert_int_equal(r.rv, VP_OK);
	assert_string_equal(r.format, "text");
	assert_int_equal(r.n, 2);
	assert_string_equal(r.segs[0].kind, "paragraph");
	assert_string_equal(
	    r.segs[0].text, "Eerste alinea, regel twee. derde regel");
	assert_int_equal(r.segs[0].number, 1);
	assert_int_equal(r.segs[0].start, 2);
	assert_int_equal(r.segs[0].end, strstr(doc, "regel\n\n") + 5 - doc);
	assert_int_equal(orig(&r.segs[0], "derde"), strstr(doc, "derde") - doc);
	assert_int_equal(
	    orig(&r.segs[0], "regel t"), strstr(doc, "regel t") - doc);
	assert_string_equal(r.segs[1].text, "Tweede alinea.");
	assert_int_equal(r.segs[1].number, 2);
	assert_int_equal(r.segs[1].start, strstr(doc, "Tweede") - doc);
	done(&r);
}

static void plain_empty(void **state)
{
	struct split_result r;
	(void)state;
	run(&r, "", 0, NULL);
	assert_int_equal(r.rv, VP_OK);
	assert_int_equal(r.n, 0);
	assert_null(r.segs);
	run(&r, "\n \r\n\t\n", 6, "text");
	assert_int_equal(r.rv, VP_OK);
	assert_int_equal(r.n, 0);
	done(&r);
}

static void plain_crlf(void **state)
{
	static const char doc[] =
	    "Kamerstukken II\r\n2020-2021\r\n\r\nnr. 3011\r\n";
	struct split_result r;
	(void)state;
	run(&r, doc, sizeof(doc) - 1, NULL);
	assert_int_equal(r.rv, VP_OK);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.segs[0].text, "Kamerstukken II 2020-2021");
	assert_int_equal(orig(&r.segs[0], " 2020"), 15); /* the CR */
	assert_int_equal(orig(&r.segs[0], "2020"), 17);
	assert_int_equal(r.segs[0].end, 26);
	assert_string_equal(r.segs[1].text, "nr. 3011");
	assert_int_equal(r.segs[1].start, 30);
	assert_int_equal(vp_segment_orig_end(&r.segs[1], 8), 38);
	done(&r);
}

static void plain_bom(void **state)
{
	static const char doc[] = "\xEF\xBB\xBFStaatsblad 2012, 542\n";
	struct split_result r;
	(void)state;
	run(&r, doc, sizeof(doc) - 1, "auto");
	assert_int_equal(r.rv, VP_OK);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.segs[0].text, "Staatsblad 2012, 542");
	assert_int_equal(r.segs[0].start, 3);
	assert_int_equal(vp_segment_orig(&r.segs[0], 0), 3);
	assert_int_equal(orig(&r.segs[0], "542"), 20);
	done(&r);
}

static void plain_nbsp_shy_tab(void **state)
{
	/* "art.<NBSP>25\tWpg Veiligheids<SHY>regio's, Veiligheids<SHY>\n
	 * regio" */
	static const char doc[] = "art.\xC2\xA0"
	                          "25\tWpg Veiligheids\xC2\xADregio's, "
	                          "Veiligheids\xC2\xAD\nregio";
	struct split_result r;
	const struct vp_segment *s;
	(void)state;
	run(&r, doc, sizeof(doc) - 1, NULL);
	assert_int_equal(r.rv, VP_OK);
	assert_int_equal(r.n, 1);
	s = &r.segs[0];
	assert_string_equal(
	    s->text, "art. 25 Wpg Veiligheidsregio's, Veiligheidsregio");
	assert_int_equal(vp_segment_orig(s, 4), 4); /* NBSP -> its C2 byte */
	assert_int_equal(orig(s, "25"), 6);
	assert_int_equal(orig(s, " Wpg"), 8); /* the tab */
	assert_int_equal(orig(s, "Wpg"), 9);
	assert_int_equal(orig(s, "regio's"), strstr(doc, "regio's") - doc);
	assert_int_equal(vp_segment_orig(s, strlen(s->text) - 5),
	    strstr(doc, "\nregio") + 1 - doc);
	assert_int_equal(
	    vp_segment_orig_end(s, strlen(s->text)), sizeof(doc) - 1);
	done(&r);
}

/* ---- rejected input ----------------------------------------------------- */

static void expect_einval(const char *doc, size_t len, const char *msg)
{
	struct split_result r;
	run(&r, doc, len, NULL);
	assert_int_equal(r.rv, VP_EINVAL);
	assert_null(r.segs);
	assert_int_equal(r.n, 0);
	if (strstr(r.err, msg) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", r.err, msg);
}

static void reject_invalid(void **state)
{
	(void)state;
	/* UTF-8 with a stray byte is damaged, not Windows-1252 */
	expect_einval("caf\xC3\xA9 abc\xFF"
	              "def",
	    12, "invalid UTF-8 at byte offset 9");
	expect_einval("ab\0cd", 5, "NUL byte at byte offset 2");
	expect_einval("0123456789ab\0", 13, "NUL byte at byte offset 12");
	expect_einval("\xC3\xA9x\xC0\x80", 5, "byte offset 3"); /* overlong */
	expect_einval("\xC3\xA9xy\xED\xA0\x80", 7, "byte offset 5");
	expect_einval("\xC3\xA9x\xF4\x90\x80\x80", 7, "byte offset 4");
	expect_einval("\xC3\xA9 caf\xC3", 7, "byte offset 6"); /* cut off */
	expect_einval("\xC3\xA9 caf\xC3(", 8, "byte offset 7");
	/* bytes Windows-1252 leaves undefined */
	expect_einval("abc\x81", 4, "invalid UTF-8 at byte offset 3");
}

static void reject_other(void **state)
{
	struct split_result r;
	uint8_t *big;
	(void)state;
	run(&r, "x", 1, "odt");
	assert_int_equal(r.rv, VP_EINVAL);
	assert_non_null(strstr(r.err, "unknown format"));
	big = calloc(((size_t)64 << 20) + 1, 1);
	assert_non_null(big);
	memset(big, 'a', ((size_t)64 << 20) + 1);
	run(&r, big, ((size_t)64 << 20) + 1, NULL);
	assert_int_equal(r.rv, VP_ETOOLARGE);
	assert_non_null(strstr(r.err, "limit"));
	free(big);
}

/* ---- Word-converted text ------------------------------------------------ */

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long sz;
	if (f == NULL)
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
    const struct split_result *r, const char *kind, uint32_t number)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->segs[i].kind, kind) == 0 &&
		    r->segs[i].number == number)
			return &r->segs[i];
	return NULL;
}

static void word_example(void **state)
{
	static const char *texts[] = {NULL,
	    "https://www.politie.nl/wet-open-overheid/woo-verzoeken/"
	    "landelijke-expertise-en-operaties/woo-verzoeken-per-jaar/2024/"
	    "palantir.html)",
	    "De Veiligheidsregio\xE2\x80\x99s zijn overigens geen "
	    "departementsonderdeel.",
	    "Kamerstukken II, 2024-2025, nr. 2790",
	    "Kamerstukken II, 2020-2021, nr. 3011",
	    "Kamerstukken II, 2020-2021, nr. 3011",
	    "Kamerstukken II, 2024-2025, nr. 2025Z14549",
	    "https://tweakers.net/nieuws/206770/"
	    "duitse-politie-inzet-automatische-data-analysetool-van-palantir-"
	    "is-ongrondwettig.html"};
	struct split_result r;
	size_t len, n_notes = 0, n_furniture = 0;
	uint8_t *doc = slurp(VP_SPLITTER_EXAMPLE, &len);
	(void)state;

	run(&r, doc, len, NULL);
	assert_int_equal(r.rv, VP_OK);
	assert_string_equal(r.format, "word-text");
	for (size_t i = 0; i < r.n; i++) {
		const struct vp_segment *s = &r.segs[i];
		assert_null(strstr(s->text, "[footnoteRef:"));
		assert_null(strstr(s->text, "[bookmark:"));
		assert_null(strstr(s->text, "[image:"));
		if (strcmp(s->kind, "footnote") == 0)
			n_notes++;
		if (strcmp(s->kind, "furniture") == 0 &&
		    strncmp(s->text, "Pagina ", 7) == 0)
			n_furniture++;
	}
	assert_int_equal(n_notes, 7);
	assert_int_equal(n_furniture, 2);
	/* the letterhead repeated on page 2 is furniture on both pages */
	n_furniture = 0;
	for (size_t i = 0; i < r.n; i++)
		n_furniture +=
		    strcmp(r.segs[i].kind, "furniture") == 0 &&
		    (strcmp(r.segs[i].text, "Onze referentie") == 0 ||
		        strcmp(r.segs[i].text, "Datum") == 0);
	assert_int_equal(n_furniture, 4);
	for (uint32_t k = 1; k <= 7; k++) {
		const struct vp_segment *fn = find(&r, "footnote", k), *para;
		char marker[32];
		assert_non_null(fn);
		assert_string_equal(fn->text, texts[k]);
		snprintf(marker, sizeof(marker), "[footnoteRef:%u]", k);
		/* ref_at is the marker in the original bytes */
		assert_memory_equal(doc + fn->ref_at, marker, strlen(marker));
		assert_ptr_equal(strstr((const char *)doc, marker),
		    (const char *)doc + fn->ref_at);
		/* ref_segment is index + 1 of the paragraph holding it */
		assert_true(fn->ref_segment >= 1 && fn->ref_segment <= r.n);
		para = &r.segs[fn->ref_segment - 1];
		assert_int_equal(para->index + 1, fn->ref_segment);
		assert_string_equal(para->kind, "paragraph");
		assert_true(
		    para->start <= fn->ref_at && fn->ref_at < para->end);
		/* the footnote follows its paragraph and lies inside its line
		 */
		assert_int_equal(fn->index, para->index + 1);
		assert_true(para->start < fn->start && fn->end <= para->end);
		assert_memory_equal(doc + vp_segment_orig(fn, 0), texts[k], 10);
	}
	/* the text around a removed marker reads on */
	assert_non_null(strstr(
	    find(&r, "paragraph", 41)->text, "Defensie gemeld wordt binnen"));
	assert_non_null(find(&r, "heading", 0));
	done(&r);
	free(doc);
}

static void word_inline(void **state)
{
	static const char doc[] =
	    "[bookmark: _Hlk1]Zie bron.[footnoteRef:12] [12:  "
	    "https://x.nl/a]b?c=[d]] Verder\xC2\xA0tekst.[image: ]\r\n"
	    "Pagina 3 van 9\r\n"
	    "Alleen [3:  Stb. 2012, 542] hier.\n"
	    "[footnoteRef:3]\n";
	struct split_result r;
	const struct vp_segment *fn;
	(void)state;
	run(&r, doc, sizeof(doc) - 1, NULL);
	assert_int_equal(r.rv, VP_OK);
	assert_string_equal(r.format, "word-text");
	assert_int_equal(r.n, 5);
	assert_string_equal(r.segs[0].text, "Zie bron. Verder tekst.");
	assert_int_equal(r.segs[0].start, 0);
	assert_int_equal(orig(&r.segs[0], "Zie"), 17);
	assert_int_equal(
	    orig(&r.segs[0], "Verder"), strstr(doc, "Verder") - doc);
	fn = &r.segs[1];
	assert_string_equal(fn->kind, "footnote");
	assert_int_equal(fn->number, 12);
	assert_string_equal(fn->text, "https://x.nl/a]b?c=[d]");
	assert_int_equal(fn->ref_segment, 1);
	assert_int_equal(fn->ref_at, strstr(doc, "[footnoteRef:12]") - doc);
	assert_int_equal(fn->start, strstr(doc, "[12:") - doc);
	assert_int_equal(fn->end, strstr(doc, "] Verder") + 1 - doc);
	assert_string_equal(r.segs[2].kind, "furniture");
	assert_string_equal(r.segs[3].text, "Alleen hier.");
	/* body before its marker; the marker stands alone on its line */
	assert_string_equal(r.segs[4].text, "Stb. 2012, 542");
	assert_int_equal(r.segs[4].ref_segment, 0);
	assert_int_equal(
	    r.segs[4].ref_at, strstr(doc, "[footnoteRef:3]") - doc);
	done(&r);
}

static void word_unclosed(void **state)
{
	static const char doc[] = "Tekst.[footnoteRef:1] [1:  zie [noot\n"
	                          "Volgende [2:  a]b]. regel\n";
	struct split_result r;
	(void)state;
	run(&r, doc, sizeof(doc) - 1, "word-text");
	assert_int_equal(r.rv, VP_OK);
	assert_int_equal(r.n, 4);
	assert_string_equal(r.segs[0].text, "Tekst.");
	assert_string_equal(r.segs[1].text, "zie [noot");
	assert_int_equal(r.segs[1].ref_segment, 1);
	assert_string_equal(r.segs[2].text, "Volgende . regel");
	assert_string_equal(r.segs[3].text, "a]b");
	done(&r);
}

static void word_detect(void **state)
{
	struct split_result r;
	(void)state;
	run(&r, "zie [3:  Stb. 2012, 1]\n", 23, NULL);
	assert_string_equal(r.format, "word-text");
	done(&r);
	run(&r, "zie [3: Stb. 2012, 1]\n", 22, NULL);
	assert_string_equal(r.format, "text");
	assert_string_equal(r.segs[0].text, "zie [3: Stb. 2012, 1]");
	done(&r);
}

/* ---- property test ------------------------------------------------------ */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	/* xorshift64*: fixed seed, so a failure reproduces */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ull) >> 33) % n;
}

static size_t gen(char *buf, size_t cap, int word)
{
	static const char *pieces[] = {"Kamerstukken", "II", "2020-2021,",
	    "nr.", "3011", " ", " ", " ", "  ", "\n", "\n", "\n\n", "\r\n",
	    "\r\n\r\n", "\t", "\xC2\xA0", "\xC2\xAD", "\xC3\xA9",
	    "\xE2\x80\x99", "\xF0\x9F\x98\x80", "[", "]", "] ", "\r", "\f",
	    "Pagina 2 van 1", "Vraag 3", "\xEF\xBB\xBF", "https://x.nl/a]b",
	    ")", "a", "z"};
	size_t n = 0, target = 1 + rnd((uint32_t)cap - 64);
	if (rnd(8) == 0)
		n += (size_t)snprintf(buf, cap, "\xEF\xBB\xBF");
	while (n < target) {
		const char *p;
		if (word && rnd(6) == 0) {
			uint32_t k = rnd(12);
			int w;
			switch (rnd(7)) {
			case 0:
				w = snprintf(
				    buf + n, 48, "[footnoteRef:%u]", k);
				break;
			case 1: w = snprintf(buf + n, 48, "[%u:  ", k); break;
			case 2: w = snprintf(buf + n, 48, "[%u: ", k); break;
			case 3:
				w = snprintf(
				    buf + n, 48, "[bookmark: _Hlk%u]", k);
				break;
			case 4: w = snprintf(buf + n, 48, "[image: ]"); break;
			case 5:
				w = snprintf(buf + n, 48, "[footnoteRef:%u", k);
				break;
			default: w = snprintf(buf + n, 48, "[%u:", k); break;
			}
			n += (size_t)w;
			continue;
		}
		p = pieces[rnd(sizeof(pieces) / sizeof(*pieces))];
		memcpy(buf + n, p, strlen(p));
		n += strlen(p);
	}
	return n;
}

static void property_random(void **state)
{
	char *buf = malloc(4096 + 64);
	size_t total_segs = 0, total_notes = 0;
	(void)state;
	assert_non_null(buf);
	rng_state = 0x5eedf00dcafe1234ull;
	for (int it = 0; it < 4000; it++) {
		int word = it % 2;
		size_t len = gen(buf, 4096, word);
		struct split_result r;
		run(&r, buf, len, word ? "word-text" : "text");
		if (r.rv != VP_OK)
			fail_msg("iteration %d: %d %s", it, r.rv, r.err);
		for (size_t i = 0; i < r.n; i++) {
			const struct vp_segment *s = &r.segs[i];
			size_t tl = strlen(s->text);
			/* the same invariants as split_segments_check, spelled
			 * out: every text byte that is not a normalised space
			 * is the original byte it maps to */
			assert_true(s->start <= s->end && s->end <= len);
			for (size_t t = 0; t < tl; t++) {
				uint64_t o = vp_segment_orig(s, t);
				assert_true(o >= s->start && o < s->end);
				if (s->text[t] != ' ')
					assert_int_equal((uint8_t)buf[o],
					    (uint8_t)s->text[t]);
			}
			assert_null(strstr(s->text, "\xC2\xA0"));
			assert_null(strstr(s->text, "\xC2\xAD"));
			assert_null(strpbrk(s->text, "\t\r\n\f"));
			if (tl > 0)
				assert_true(s->text[0] != ' ' &&
				            s->text[tl - 1] != ' ');
			total_notes += strcmp(s->kind, "footnote") == 0;
		}
		total_segs += r.n;
		done(&r);
	}
	/* the generator reaches the interesting paths */
	assert_true(total_segs > 10000);
	assert_true(total_notes > 1000);
	free(buf);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(plain_paragraphs),
	    cmocka_unit_test(plain_empty),
	    cmocka_unit_test(plain_crlf),
	    cmocka_unit_test(plain_bom),
	    cmocka_unit_test(plain_nbsp_shy_tab),
	    cmocka_unit_test(reject_invalid),
	    cmocka_unit_test(reject_other),
	    cmocka_unit_test(word_example),
	    cmocka_unit_test(word_inline),
	    cmocka_unit_test(word_unclosed),
	    cmocka_unit_test(word_detect),
	    cmocka_unit_test(property_random),
	};
	if (argc > 1) {
		char filter[64];
		snprintf(filter, sizeof(filter), "%s*", argv[1]);
		cmocka_set_test_filter(filter);
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
