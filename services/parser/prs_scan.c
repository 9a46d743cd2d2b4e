/* prs_scan.c - the single-pass scanner behind prs_parse_text and
 * prs_parse_segments, and the citation builder.
 *
 * Design: one left-to-right pass over the original bytes. Anchors are the
 * start of a word whose first bytes are those of a label ("Kamerstukken",
 * "art.", "ECLI", "http", ...), the first digit of a digit run, and '('.
 * The scan classifies eight bytes at a time and visits only the starts of
 * letter and digit runs; a word start goes on only when a hash of its first
 * 2, 3 or 4 bytes is one of the labels' (anchor_keys), one predictable branch
 * per word. Only then is a family recogniser called, which parses forward
 * with bounded lookahead and returns where its citation ends. Scanning
 * resumes after a match, so citations never overlap and come out in text
 * order, and text inside a URL is not read again as an ECLI or zaak number.
 * Whitespace and dash variants are handled by the lexing helpers (prs_lex.c)
 * instead of a normalised copy, so spans are exact original bytes without an
 * offset map. Memory is allocated only per emitted citation. To add a family:
 * write prs_try_<family>() in its own file, call it from the anchor switch
 * in try_at and add its label's first bytes to anchor_keys.
 *
 * Speed (tests/bench/parser/run-bench.sh): most time went to branches that
 * the processor could not predict (is this word a label?), not to
 * instructions; callgrind counts instructions and will not show that. */
#include <stdlib.h>
#include <string.h>

#include "prs.h"
#include "prs_internal.h"

void prs_cit_field(struct prs_cit *c, const char *key, const char *val)
{
	if (val && *val && c->n_fields < PRS_MAX_FIELDS) {
		c->keys[c->n_fields] = key;
		c->vals[c->n_fields] = val;
		c->n_fields++;
	}
}

static char *dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = 0;
	}
	return p;
}

static char *dup(const char *s)
{
	return dup_n(s, strlen(s));
}

/* Copies the raw text of a span, replacing NUL bytes (possible in arbitrary
 * input) so the string stays a valid C string of the same length. */
static char *dup_raw(const char *s, size_t n)
{
	char *p = dup_n(s, n);
	if (p)
		for (size_t k = 0; k < n; k++)
			if (p[k] == 0)
				p[k] = ' ';
	return p;
}

static bool is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

/* Whether the original bytes o[0..on) are the segment text t[0..tn) as
 * written, the splitter having only folded white space (a line break read
 * as a space, CR LF as one space). Linear in on + tn. */
static bool same_but_blanks(const char *o, size_t on, const char *t, size_t tn)
{
	size_t a = 0, b = 0;
	while (a < on && b < tn) {
		unsigned char x = (unsigned char)o[a], y = (unsigned char)t[b];
		if (is_blank(x) && is_blank(y)) {
			while (a < on && is_blank((unsigned char)o[a]))
				a++;
			while (b < tn && is_blank((unsigned char)t[b]))
				b++;
		} else if (x == y && x) {
			a++;
			b++;
		} else {
			return false;
		}
	}
	return a == on && b == tn;
}

static int fill(
    struct prs_ctx *ctx, struct vp_citation *v, const struct prs_cit *c)
{
	struct vp_span *sp;
	const char *raw = ctx->s + c->start;
	size_t raw_len = c->end - c->start, extra = 0;
	bool orig = false;
	if (ctx->seg && ctx->orig) {
		/* raw is the text as written: the document's own bytes when
		 * they differ from the segment text only in white space (a
		 * text file's line breaks); the segment's form goes to the
		 * field "normalised" */
		uint64_t a = vp_segment_orig(ctx->seg, c->start),
		         b = vp_segment_orig_end(ctx->seg, c->end);
		if (a < b && b <= ctx->orig_len &&
		    (b - a != raw_len || memcmp(ctx->orig + a, raw, raw_len)) &&
		    same_but_blanks(
		        ctx->orig + a, (size_t)(b - a), raw, raw_len)) {
			orig = true;
			extra = 1;
		}
	}
	if (!(v->family = dup(c->family)) || !(v->id = dup(c->id)))
		return VP_ENOMEM;
	if (c->url && !(v->url = dup(c->url)))
		return VP_ENOMEM;
	if (c->reason && !(v->reason = dup(c->reason)))
		return VP_ENOMEM;
	v->confidence = c->confidence;
	if (c->n_fields + extra) {
		v->fields = calloc(c->n_fields + extra, sizeof *v->fields);
		if (!v->fields)
			return VP_ENOMEM;
		for (size_t k = 0; k < c->n_fields; k++) {
			v->fields[k].key = dup(c->keys[k]);
			v->fields[k].val = dup(c->vals[k]);
			v->n_fields = k + 1;
			if (!v->fields[k].key || !v->fields[k].val)
				return VP_ENOMEM;
		}
		if (orig) {
			struct vp_kv *kv = &v->fields[c->n_fields];
			kv->key = dup("normalised");
			kv->val = dup_raw(raw, raw_len);
			v->n_fields = c->n_fields + 1;
			if (!kv->key || !kv->val)
				return VP_ENOMEM;
		}
	}
	if (!(sp = calloc(1, sizeof *sp)))
		return VP_ENOMEM;
	v->spans = sp;
	v->n_spans = 1;
	if (ctx->seg) {
		sp->start = vp_segment_orig(ctx->seg, c->start);
		sp->end = vp_segment_orig_end(ctx->seg, c->end);
		if (ctx->where && !(sp->where = dup(ctx->where)))
			return VP_ENOMEM;
	} else {
		sp->start = c->start;
		sp->end = c->end;
	}
	if (orig) {
		raw = ctx->orig + sp->start;
		raw_len = (size_t)(sp->end - sp->start);
	}
	if (!(sp->raw = dup_raw(raw, raw_len)))
		return VP_ENOMEM;
	return VP_OK;
}

/* prs_emit of a streaming parse: the citation is handed over with borrowed
 * pointers; only its raw text is copied, into a buffer of the context that
 * grows to the longest citation (it must end in a NUL, the input need not).
 * The text path only: segments have their own raw rules (fill). */
static int emit_each(struct prs_ctx *ctx, const struct prs_cit *c)
{
	struct vp_kv kv[PRS_MAX_FIELDS];
	struct vp_span sp;
	struct vp_citation v;
	size_t n = c->end - c->start;
	if (n >= ctx->raw_cap) {
		size_t cap = ctx->raw_cap ? 2 * ctx->raw_cap : 256;
		char *p;
		while (cap <= n)
			cap *= 2;
		if (!(p = realloc(ctx->raw, cap)))
			return VP_ENOMEM;
		ctx->raw = p;
		ctx->raw_cap = cap;
	}
	memcpy(ctx->raw, ctx->s + c->start, n);
	ctx->raw[n] = 0;
	if (memchr(ctx->raw, 0, n))
		for (size_t k = 0; k < n; k++)
			if (ctx->raw[k] == 0)
				ctx->raw[k] = ' ';
	memset(&v, 0, sizeof v);
	memset(&sp, 0, sizeof sp);
	v.family = (char *)c->family;
	v.id = (char *)c->id;
	v.url = (char *)c->url;
	v.reason = (char *)c->reason;
	v.confidence = c->confidence;
	for (size_t k = 0; k < c->n_fields; k++) {
		kv[k].key = (char *)c->keys[k];
		kv[k].val = (char *)c->vals[k];
	}
	v.fields = c->n_fields ? kv : NULL;
	v.n_fields = c->n_fields;
	sp.start = c->start;
	sp.end = c->end;
	sp.raw = ctx->raw;
	v.spans = &sp;
	v.n_spans = 1;
	return ctx->each(ctx->each_arg, &v);
}

int prs_emit(struct prs_ctx *ctx, const struct prs_cit *c)
{
	struct vp_citation *v;
	int rv;
	if (ctx->each)
		return emit_each(ctx, c);
	if (ctx->n == ctx->cap) {
		size_t cap = ctx->cap ? 2 * ctx->cap : 16;
		void *p = realloc(ctx->out, cap * sizeof *ctx->out);
		if (!p)
			return VP_ENOMEM;
		ctx->out = p;
		ctx->cap = cap;
	}
	v = &ctx->out[ctx->n];
	memset(v, 0, sizeof *v);
	if ((rv = fill(ctx, v, c)) != VP_OK) {
		vp_obj_clear(&vp_desc_citation, v);
		return rv;
	}
	ctx->n++;
	return VP_OK;
}

static int try_word(struct prs_ctx *ctx, size_t i, size_t *end);

/* Tries the recognisers whose anchor can start at byte i (anchor: the word
 * passed the keyword filter) and, when law is set (it passed the law index's
 * filter), a law's name. */
static int try_at(
    struct prs_ctx *ctx, size_t i, size_t *end, bool anchor, bool law)
{
	int rv = VP_OK;
	unsigned char c = (unsigned char)ctx->s[i];
	*end = i;
	if (anchor && ((rv = try_word(ctx, i, end)) != VP_OK || *end > i))
		return rv;
	if (prs_isdigit(c) || c == '(')
		return VP_OK;
	if (i > 0 && prs_isalpha((unsigned char)ctx->s[i - 1]))
		return VP_OK;
	if (law || (anchor && (c | 0x20) == 'b'))
		return prs_try_lawname(ctx, i, end);
	return VP_OK;
}

static int try_word(struct prs_ctx *ctx, size_t i, size_t *end)
{
	const char *s = ctx->s;
	unsigned char c = (unsigned char)s[i];
	int rv = VP_OK;
	*end = i;
	if (prs_isdigit(c)) {
		if (i > 0 &&
		    (prs_isalnum((unsigned char)s[i - 1]) || s[i - 1] == '-' ||
		        s[i - 1] == '.' || s[i - 1] == '/'))
			return VP_OK;
		if (prs_isupper(prs_at(s, ctx->len, i + 5)) &&
		    ((rv = prs_try_celex(ctx, i, end)) != VP_OK || *end > i))
			return rv;
		if ((rv = prs_try_zaak(ctx, i, end)) != VP_OK || *end > i)
			return rv;
		if ((rv = prs_try_wet_bare(ctx, i, end)) != VP_OK || *end > i)
			return rv;
		return prs_try_kamerstuk_bare(ctx, i, end);
	}
	if (c == '(')
		return prs_try_kamerstuk_bare(ctx, i, end);
	/* letter anchors: a footnote number may be glued in front
	 * ("2Kamerstuk"), so only a preceding letter rules the word out */
	if (!prs_isalpha(c) || (i > 0 && prs_isalpha((unsigned char)s[i - 1])))
		return VP_OK;
#define TRY(f)                                                                 \
	do {                                                                   \
		if ((rv = f(ctx, i, end)) != VP_OK || *end > i)                \
			return rv;                                             \
	} while (0)
	switch (c | 0x20) {
	case 'h':
		TRY(prs_try_ecli);
		TRY(prs_try_url);
		TRY(prs_try_pubid);
		TRY(prs_try_handelingen);
		return prs_try_unit(ctx, i, end);
	case 'w':
		TRY(prs_try_url);
		TRY(prs_try_blad);
		return prs_try_kamerstuk(ctx, i, end);
	case 'k':
		TRY(prs_try_pubid);
		TRY(prs_try_kamerstuk);
		return prs_try_eu(ctx, i, end);
	case 't':
		TRY(prs_try_blad);
		TRY(prs_try_header);
		TRY(prs_try_kamerstuk);
		return prs_try_unit(ctx, i, end);
	case 'b':
		TRY(prs_try_pubid);
		TRY(prs_try_eu);
		TRY(prs_try_internal);
		TRY(prs_try_unit);
		return prs_try_internal_bare(ctx, i, end);
	case 'd': return prs_try_eu(ctx, i, end);
	case 'a':
		TRY(prs_try_pubid);
		TRY(prs_try_amendement);
		TRY(prs_try_wet);
		TRY(prs_try_aanhangsel);
		return prs_try_unit(ctx, i, end);
	case 'e':
		TRY(prs_try_ecli);
		TRY(prs_try_ljn);
		TRY(prs_try_header);
		return prs_try_kamerstuk(ctx, i, end);
	case 'c':
		TRY(prs_try_pubid);
		TRY(prs_try_ecli);
		return prs_try_eu(ctx, i, end);
	case 'n': TRY(prs_try_motie); return prs_try_ecli(ctx, i, end);
	case 'l': return prs_try_ljn(ctx, i, end);
	case 'm': return prs_try_amendement(ctx, i, end);
	case 's': TRY(prs_try_pubid); return prs_try_blad(ctx, i, end);
	case 'g':
		TRY(prs_try_ecli);
		TRY(prs_try_blad);
		return prs_try_eu(ctx, i, end);
	case 'p':
		TRY(prs_try_ecli);
		TRY(prs_try_pubid);
		TRY(prs_try_blad);
		TRY(prs_try_unit);
		return prs_try_internal_bare(ctx, i, end);
	case 'r': TRY(prs_try_ecli); return prs_try_eu(ctx, i, end);
	case 'v': TRY(prs_try_internal_bare); return prs_try_eu(ctx, i, end);
	case 'f':
	case 'u': return prs_try_eu(ctx, i, end);
	case 'z': return prs_try_internal(ctx, i, end);
	default: return VP_OK;
	}
#undef TRY
}

/* Byte classes of the scan loop: 0 cannot start an anchor, 1 letter,
 * 2 digit, 3 '('. A constant table: one load per byte instead of a chain
 * of comparisons. */
#define CLS(x)                                                                 \
	((x) >= '0' && (x) <= '9'                        ? 2                   \
	    : ((x) | 0x20) >= 'a' && ((x) | 0x20) <= 'z' ? 1                   \
	    : (x) == '('                                 ? 3                   \
	                                                 : 0)
#define CLS4(b)  CLS(b), CLS(b + 1), CLS(b + 2), CLS(b + 3)
#define CLS16(b) CLS4(b), CLS4(b + 4), CLS4(b + 8), CLS4(b + 12)
#define CLS64(b) CLS16(b), CLS16(b + 16), CLS16(b + 32), CLS16(b + 48)
static const unsigned char byte_class[256] = {
    CLS64(0), CLS64(64), CLS64(128), CLS64(192)};

/* Keyword filter. Every keyword that a recogniser called from try_at accepts
 * at the start of a word begins with one of these (case-folded, 2 to 4
 * bytes). A word whose first 2, 3 or 4 bytes are none of them is never
 * tried: most words of running text ("vergadering", "euro", "kabinet",
 * "een") stop here, branch-free. When a recogniser gets a new keyword, add
 * its first bytes here (the golden tests will tell when one is missing). */
static const char *const anchor_keys[] = {
    "ah-", "art", "aanh",                 /* pubid, wet, aanhangsel */
    "blg-", "cvdr", "ce:",                /* pubid, ECLI without prefix */
    "ecli", "eci", "elci", "eu:", "elro", /* ecli, ljn */
    "ek", "e.k.", "eers",                 /* chamber: EK, E.K., Eerste */
    "geme", "gmb", "gede",                /* Gemeenteblad, Gmb, eu */
    "http", "h-", "hand",                 /* url, pubid, Handelingen */
    "kst-", "kame", "lj", "nr", "nl:",    /* kamerstuk, ljn, motie, ecli */
    "prov", "prb", "rich",                /* Provinciaal blad, Prb, eu */
    "staa", "stb", "stcr",                /* Staatsblad/-courant, Stb, Stcrt */
    "trac", "trb", "tk", "t.k.", "twee",  /* Tractatenblad, chamber */
    "uitv", "vero",                       /* eu */
    "www.", "wate", "wsb", "wets", "zie", /* url, blad, wetsvoorstel */
    "hoof", "tite", "afde", "para", "bijl", /* structure units of a law */
    "besl", "besc", "kade", "dire", "deci", "regu", "coun", "comm",
    "fram",         /* EU acts: Besluit 2011/753/EU, Council Directive */
    "bean",         /* de beantwoording op vraag 10 */
    "vraa", "vrag", /* vraag 3, vragen 2 en 3 */
    "boek",         /* Boek 7 van het BW */
    "amen", "moti", /* amendement nr. 12 (Kamerstukken ...) */
    "rvs:", "hr:", "phr:", "crvb", "cbb:", "rb", "gh", /* RVS:1984:AH1234 */
};

/* The first four bytes at i as one number, letters folded to lower case
 * (bytes past the end are 0). */
static inline uint32_t head4(const char *s, size_t len, size_t i)
{
	uint32_t x = 0, y, letter;
	for (size_t k = 0; k < 4; k++)
		x |= (uint32_t)prs_at(s, len, i + k) << (8 * k);
	y = (x | 0x20202020u) & 0x7f7f7f7fu;
	letter = (y + 0x1f1f1f1fu) & ~(y + 0x05050505u) & ~x & 0x80808080u;
	return x | letter >> 2; /* 0x80 >> 2 is the case bit */
}

static inline uint32_t key_hash(uint32_t v)
{
	return (v * 0x9E3779B1u) >> (32 - PRS_ANCHOR_BITS);
}

static void set_anchor_bits(uint64_t *bits)
{
	for (size_t k = 0; k < sizeof anchor_keys / sizeof *anchor_keys; k++) {
		const char *p = anchor_keys[k];
		uint32_t h = head4(p, strlen(p), 0);
		h = key_hash(h);
		bits[h / 64] |= 1ull << (h % 64);
	}
}

static inline uint64_t bit(const uint64_t *bits, uint32_t h)
{
	return (bits[h / 64] >> (h % 64)) & 1u;
}

/* True when the word at s[i] (a letter) may begin an anchor: its first 2, 3
 * or 4 bytes hash to a keyword's bit. Hash collisions only let a word
 * through to the recognisers, which decide. */
static inline bool maybe_anchor(
    const struct prs_ctx *ctx, const char *s, size_t len, size_t i)
{
	uint32_t w = head4(s, len, i);
	/* one branch for the three tests: bitwise, not short-circuit */
	return (bit(ctx->anchor_bits, key_hash(w & 0xffffu)) |
	           bit(ctx->anchor_bits, key_hash(w & 0xffffffu)) |
	           bit(ctx->anchor_bits, key_hash(w))) != 0;
}

/* Whether the word at i may be "wet", "besluit", "regeling" or "verdrag"
 * in lower case (read alone only in documents that define them). */
static inline __attribute__((always_inline)) bool generic_head(
    const char *s, size_t len, size_t i)
{
	switch (s[i]) {
	case 'w':
		return prs_word(s, len, i, "wet") ||
		       prs_word(s, len, i, "wetboek");
	case 'b': return prs_word(s, len, i, "besluit");
	case 'r': return prs_word(s, len, i, "regeling");
	case 'v': return prs_word(s, len, i, "verdrag");
	default: return false;
	}
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ &&    \
    !defined(PRS_SCAN_BYTES)
#define SCAN_WORDS 1
/* Eight bytes at a time (SWAR): each mask has 0x80 in the bytes of x that
 * are of the class. With the top bit cleared first no byte carries into the
 * next; adding 0x80 - lo sets a byte's top bit when it is >= lo. */
#define ONES 0x0101010101010101ull
#define HIGH (ONES * 0x80)

static inline uint64_t letters8(uint64_t x)
{
	uint64_t y = (x | ONES * 0x20) & ~HIGH; /* case folded */
	return (y + ONES * (0x80 - 'a')) & ~(y + ONES * (0x80 - '{')) & ~x &
	       HIGH;
}

static inline uint64_t digits8(uint64_t x)
{
	uint64_t y = x & ~HIGH;
	return (y + ONES * (0x80 - '0')) & ~(y + ONES * (0x80 - ':')) & ~x &
	       HIGH;
}

static inline uint64_t parens8(uint64_t x)
{
	uint64_t t = x ^ ONES * '(';
	return ~(((t & ~HIGH) + ~HIGH) | t | ~HIGH);
}
#endif

/* Whether the capitalised word at i ends in "wet" ("Invaliditeitswet"): a
 * law's name even when the law index does not know it. The word's end is
 * found eight bytes at a time: this runs for every capitalised word. */
static inline bool ends_wet(const char *s, size_t len, size_t i)
{
	size_t e = i;
	if ((unsigned char)s[i] < 'A' || (unsigned char)s[i] > 'Z')
		return false;
#ifdef SCAN_WORDS
	while (len >= 8 && e <= len - 8 && e - i < 48) {
		uint64_t x, l;
		memcpy(&x, s + e, 8);
		l = letters8(x);
		if (l != HIGH) {
			e += (size_t)__builtin_ctzll(~l & HIGH) / 8;
			goto end;
		}
		e += 8;
	}
#endif
	while (
	    e < len && e - i < 48 && (unsigned char)((s[e] | 0x20) - 'a') < 26)
		e++;
#ifdef SCAN_WORDS
end:
#endif
	return e - i >= 8 && e - i < 48 && (s[e - 3] | 0x20) == 'w' &&
	       (s[e - 2] | 0x20) == 'e' && (s[e - 1] | 0x20) == 't';
}

/* The anchors of s[i..len): the first letter of a word (when its first two
 * letters can begin an anchor), the first digit of a digit run, every '('.
 * Eight bytes are classified at once and only the positions where a letter
 * or digit run starts are visited; no anchor starts inside a word. The byte
 * loop at the end does the same one byte at a time. */
/* Whether generic_head counts at p: in documents that define "de wet" or
 * have named a law. Notes a read of any_named when the answer depends on
 * it (a scan in parts). */
static inline bool generic_here(
    struct prs_ctx *ctx, const char *s, size_t len, size_t p)
{
	if (!ctx->track_carry)
		return (ctx->any_generic_def || ctx->any_named) &&
		       generic_head(s, len, p);
	if (ctx->any_generic_def)
		return generic_head(s, len, p);
	if (ctx->carry_written & PRS_CARRY_NAMED)
		return ctx->any_named && generic_head(s, len, p);
	if (!generic_head(s, len, p))
		return false;
	ctx->carry_read |= PRS_CARRY_NAMED;
	return ctx->any_named;
}

/* The scan of the anchors in [from, stop) (the whole text: 0, len). *next:
 * where it stopped, stop or the end of a citation that runs past it. */
static int scan_range(
    struct prs_ctx *ctx, size_t from, size_t stop, size_t *next_out)
{
	const char *s = ctx->s;
	size_t len = ctx->len, i = from, end, last_end = 0;
	int rv;
	if (stop > len)
		stop = len;
#ifdef SCAN_WORDS
	while (len >= 8 && i <= len - 8 && i < stop) {
		uint64_t x, let, dig, starts;
		unsigned char before =
		    i ? byte_class[(unsigned char)s[i - 1]] : 0;
		size_t next = i + 8;
		memcpy(&x, s + i, 8);
		let = letters8(x);
		dig = digits8(x);
		/* a run starts where the byte before is not of its class */
		starts = (let & ~((let << 8) | (before == 1 ? 0x80 : 0))) |
		         (dig & ~((dig << 8) | (before == 2 ? 0x80 : 0))) |
		         parens8(x);
		while (starts) {
			size_t p = i + (size_t)__builtin_ctzll(starts) / 8;
			starts &= starts - 1;
			bool anchor = true, law = false;
			if (p >= stop) {
				/* the next part's: it starts there */
				next = stop;
				break;
			}
			if (byte_class[(unsigned char)s[p]] == 1) {
				anchor = maybe_anchor(ctx, s, len, p);
				law = prs_laws_maybe(
				          ctx->law_filter, s, len, p) ||
				      ends_wet(s, len, p) ||
				      generic_here(ctx, s, len, p);
				if (!anchor && !law)
					continue;
			}
			if ((rv = try_at(ctx, p, &end, anchor, law)) != VP_OK)
				return rv;
			if (end > p) {
				next = last_end = end;
				break;
			}
		}
		i = next;
	}
#endif
	while (i < stop) {
		switch (byte_class[(unsigned char)s[i]]) {
		case 0: i++; continue;
		case 1:
			if (i == 0 ||
			    byte_class[(unsigned char)s[i - 1]] != 1) {
				bool anchor = maybe_anchor(ctx, s, len, i);
				bool law = prs_laws_maybe(
				               ctx->law_filter, s, len, i) ||
				           ends_wet(s, len, i) ||
				           generic_here(ctx, s, len, i);
				end = i;
				if ((anchor || law) &&
				    (rv = try_at(ctx, i, &end, anchor, law)) !=
				        VP_OK)
					return rv;
				if (end > i) {
					i = last_end = end;
					continue;
				}
			}
			do
				i++;
			while (i < len && byte_class[(unsigned char)s[i]] == 1);
			continue;
		default:
			/* a digit run or '(': an anchor only at its start */
			if ((rv = try_at(ctx, i, &end, true, false)) != VP_OK)
				return rv;
			if (end > i) {
				i = last_end = end;
				continue;
			}
			if (s[i] == '(') {
				i++;
				continue;
			}
			do
				i++;
			while (i < len && byte_class[(unsigned char)s[i]] == 2);
			continue;
		}
	}
	*next_out = last_end > stop ? last_end : stop;
	if (from > *next_out)
		*next_out = from;
	return VP_OK;
}

static int scan(struct prs_ctx *ctx)
{
	size_t next;
	return scan_range(ctx, 0, ctx->len, &next);
}

static void free_out(struct prs_ctx *ctx)
{
	prs_citations_free(ctx->out, ctx->n);
	ctx->out = NULL;
	ctx->n = ctx->cap = 0;
}

const struct prs_laws *prs_laws_default(void)
{
	return prs_laws_builtin();
}

/* A parse context for one document with the given law index (NULL: the
 * built-in one). On the heap: it holds the document's definitions, too big
 * for some worker stacks. NULL when out of memory. */
static struct prs_ctx *ctx_new(const struct prs_laws *laws)
{
	struct prs_ctx *ctx = calloc(1, sizeof *ctx);
	if (!ctx)
		return NULL;
	if (!(ctx->laws = laws ? laws : prs_laws_builtin())) {
		free(ctx);
		return NULL;
	}
	set_anchor_bits(ctx->anchor_bits);
	ctx->law_filter = prs_laws_filter(ctx->laws);
	prs_doc_init(ctx);
	return ctx;
}

/* The plain-text parse: definitions and headings of the whole text first,
 * then the scan; citations into ctx->out, or to ctx->each when set. */
static int parse_text(struct prs_ctx *ctx, const char *text, size_t len)
{
	ctx->s = ctx->doc = text;
	ctx->len = ctx->doc_len = len;
	prs_find_headings(ctx, text, len);
	prs_find_defs(ctx, text, len);
	return scan(ctx);
}

int prs_parse_text_with(const struct prs_laws *laws, const char *text,
    size_t len, struct vp_citation **out, size_t *n_out)
{
	struct prs_ctx *ctx;
	int rv;
	if (!out || !n_out || (!text && len))
		return VP_EINVAL;
	*out = NULL;
	*n_out = 0;
	if (!(ctx = ctx_new(laws)))
		return VP_ENOMEM;
	if ((rv = parse_text(ctx, text, len)) != VP_OK) {
		free_out(ctx);
		free(ctx);
		return rv;
	}
	*out = ctx->out;
	*n_out = ctx->n;
	free(ctx);
	return VP_OK;
}

int prs_parse_text_each(const struct prs_laws *laws, const char *text,
    size_t len, prs_each_fn fn, void *arg)
{
	struct prs_ctx *ctx;
	int rv;
	if (!fn || (!text && len))
		return VP_EINVAL;
	if (!(ctx = ctx_new(laws)))
		return VP_ENOMEM;
	ctx->each = fn;
	ctx->each_arg = arg;
	rv = parse_text(ctx, text ? text : "", len);
	free(ctx->raw);
	free(ctx);
	return rv;
}

/* ---- a scan in parts ---- */

_Static_assert(PRS_KIND_N <= PRS_CARRY_KINDS, "struct prs_carry too small");

/* A prepared document is a parse context after the whole text's headings
 * and definitions were found, before any scan. */
struct prs_doc {
	struct prs_ctx ctx;
};

int prs_doc_new(struct prs_doc **out, const struct prs_laws *laws,
    const char *text, size_t len)
{
	struct prs_ctx *ctx;
	if (!out || (!text && len))
		return VP_EINVAL;
	*out = NULL;
	if (!(ctx = ctx_new(laws)))
		return VP_ENOMEM;
	text = text ? text : "";
	ctx->s = ctx->doc = text;
	ctx->len = ctx->doc_len = len;
	prs_find_headings(ctx, text, len);
	prs_find_defs(ctx, text, len);
	*out = (struct prs_doc *)ctx;
	return VP_OK;
}

int prs_doc_clone(struct prs_doc **out, const struct prs_doc *d)
{
	struct prs_doc *c = malloc(sizeof *c);
	if (!c)
		return VP_ENOMEM;
	*c = *d;
	c->ctx.out = NULL;
	c->ctx.n = c->ctx.cap = 0;
	c->ctx.raw = NULL;
	c->ctx.raw_cap = 0;
	*out = c;
	return VP_OK;
}

void prs_doc_free(struct prs_doc *d)
{
	if (!d)
		return;
	free(d->ctx.raw);
	free(d);
}

void prs_doc_carry(const struct prs_doc *d, struct prs_carry *c)
{
	memset(c, 0, sizeof *c);
	for (size_t k = 0; k < PRS_CARRY_KINDS; k++)
		c->last_law[k] = k < PRS_KIND_N ? d->ctx.last_law[k] : -1;
	c->any_named = d->ctx.any_named;
	c->seq = d->ctx.seq;
}

int prs_doc_scan(struct prs_doc *d, struct prs_carry *c, size_t from,
    size_t stop, size_t *next, prs_each_fn fn, void *arg)
{
	struct prs_ctx *ctx = &d->ctx;
	int rv;
	if (!c || !next || !fn || from > ctx->len)
		return VP_EINVAL;
	for (size_t k = 0; k < PRS_KIND_N; k++)
		ctx->last_law[k] = c->last_law[k];
	ctx->any_named = c->any_named;
	ctx->seq = c->seq;
	memcpy(c->in_last_law, c->last_law, sizeof c->in_last_law);
	c->in_any_named = c->any_named;
	c->in_seq = c->seq;
	ctx->carry_read = ctx->carry_written = 0;
	ctx->track_carry = true;
	ctx->each = fn;
	ctx->each_arg = arg;
	rv = scan_range(ctx, from, stop, next);
	for (size_t k = 0; k < PRS_KIND_N; k++)
		c->last_law[k] = ctx->last_law[k];
	c->any_named = ctx->any_named;
	c->seq = ctx->seq;
	c->read = ctx->carry_read;
	c->written = ctx->carry_written;
	return rv;
}

/* The law readings' running state (struct prs_seq): what a part read of it
 * agrees with the truth, field group by field group. */
static bool seq_agrees(
    unsigned read, const struct prs_seq *in, const struct prs_seq *t)
{
	if ((read & PRS_CARRY_ANY) && in->last_any != t->last_any)
		return false;
	if ((read & PRS_CARRY_ALONE) &&
	    (in->alone_law != t->alone_law || in->alone_end != t->alone_end ||
	        in->alone_s != t->alone_s))
		return false;
	if ((read & PRS_CARRY_HEAD) &&
	    (in->head_law != t->head_law || in->head_s != t->head_s))
		return false;
	if ((read & PRS_CARRY_LIST) &&
	    (in->list_law != t->list_law || in->list_from != t->list_from ||
	        in->list_s != t->list_s))
		return false;
	if ((read & PRS_CARRY_ART) &&
	    (in->last_art_law != t->last_art_law ||
	        strcmp(in->last_art, t->last_art) != 0))
		return false;
	return true;
}

/* ... and what a part set of it becomes the truth. */
static void seq_follow(
    unsigned written, struct prs_seq *t, const struct prs_seq *part)
{
	if (written & PRS_CARRY_ANY)
		t->last_any = part->last_any;
	if (written & PRS_CARRY_ALONE) {
		t->alone_law = part->alone_law;
		t->alone_end = part->alone_end;
		t->alone_s = part->alone_s;
	}
	if (written & PRS_CARRY_HEAD) {
		t->head_law = part->head_law;
		t->head_s = part->head_s;
	}
	if (written & PRS_CARRY_LIST) {
		t->list_law = part->list_law;
		t->list_from = part->list_from;
		t->list_s = part->list_s;
	}
	if (written & PRS_CARRY_ART) {
		t->last_art_law = part->last_art_law;
		memcpy(t->last_art, part->last_art, sizeof t->last_art);
	}
}

bool prs_carry_agrees(
    const struct prs_carry *part, const struct prs_carry *truth)
{
	if ((part->read & PRS_CARRY_NAMED) &&
	    part->in_any_named != truth->any_named)
		return false;
	for (size_t k = 0; k < PRS_CARRY_KINDS; k++)
		if ((part->read & 1u << k) &&
		    part->in_last_law[k] != truth->last_law[k])
			return false;
	return seq_agrees(part->read, &part->in_seq, &truth->seq);
}

void prs_carry_follow(struct prs_carry *truth, const struct prs_carry *part)
{
	seq_follow(part->written, &truth->seq, &part->seq);
	if (part->written & PRS_CARRY_NAMED)
		truth->any_named = part->any_named;
	for (size_t k = 0; k < PRS_CARRY_KINDS; k++)
		if (part->written & 1u << k)
			truth->last_law[k] = part->last_law[k];
}

int prs_parse_text(
    const char *text, size_t len, struct vp_citation **out, size_t *n_out)
{
	return prs_parse_text_with(NULL, text, len, out, n_out);
}

static bool furniture(const struct vp_segment *seg)
{
	return seg->kind && !strcmp(seg->kind, "furniture");
}

int prs_parse_segments_with(const struct prs_laws *laws,
    const struct vp_segment *segs, size_t n_segs, struct vp_citation **out,
    size_t *n_out)
{
	return prs_parse_segments_doc(
	    laws, NULL, segs, n_segs, NULL, 0, out, n_out);
}

/* "BWBR0005416": BWB, a letter, seven digits. */
static bool bwb_id(const char *s)
{
	if (!s || strlen(s) != 11 || strncmp(s, "BWB", 3) != 0 || s[3] < 'A' ||
	    s[3] > 'Z')
		return false;
	for (int k = 4; k < 11; k++)
		if (s[k] < '0' || s[k] > '9')
			return false;
	return true;
}

int prs_parse_segments_doc(const struct prs_laws *laws, const char *doc_bwb,
    const struct vp_segment *segs, size_t n_segs, const char *doc,
    size_t doc_len, struct vp_citation **out, size_t *n_out)
{
	struct prs_ctx *ctx;
	char where[64];
	int rv = VP_OK;
	if (!out || !n_out || (!segs && n_segs))
		return VP_EINVAL;
	*out = NULL;
	*n_out = 0;
	if (!(ctx = ctx_new(laws)))
		return VP_ENOMEM;
	ctx->orig = doc;
	ctx->orig_len = doc ? doc_len : 0;
	ctx->segs = segs;
	ctx->n_segs = n_segs;
	ctx->doc_bwb = bwb_id(doc_bwb) ? doc_bwb : NULL;
	for (size_t k = 0; k < n_segs; k++)
		if (segs[k].text && !furniture(&segs[k]))
			prs_find_headings(
			    ctx, segs[k].text, strlen(segs[k].text));
	/* definitions first: "(hierna: Awb)" in paragraph 9 applies to a
	 * footnote that comes earlier in the segment order */
	for (size_t k = 0; k < n_segs; k++)
		if (segs[k].text && !furniture(&segs[k]))
			prs_find_defs(ctx, segs[k].text, strlen(segs[k].text));
	for (size_t k = 0; k < n_segs; k++) {
		const struct vp_segment *seg = &segs[k];
		const char *kind = seg->kind ? seg->kind : "segment";
		if (!seg->text || furniture(seg))
			continue;
		if (seg->number)
			prs_fmt(where, sizeof where, "%.40s %u", kind,
			    (unsigned)seg->number);
		else
			prs_fmt(where, sizeof where, "%.40s", kind);
		ctx->s = seg->text;
		ctx->len = strlen(seg->text);
		ctx->seg = seg;
		ctx->where = where;
		if ((rv = scan(ctx)) != VP_OK) {
			free_out(ctx);
			free(ctx);
			return rv;
		}
	}
	*out = ctx->out;
	*n_out = ctx->n;
	free(ctx);
	return VP_OK;
}

int prs_parse_segments(const struct vp_segment *segs, size_t n_segs,
    struct vp_citation **out, size_t *n_out)
{
	return prs_parse_segments_with(NULL, segs, n_segs, out, n_out);
}

void prs_citations_free(struct vp_citation *cits, size_t n)
{
	if (!cits)
		return;
	for (size_t k = 0; k < n; k++)
		vp_obj_clear(&vp_desc_citation, &cits[k]);
	free(cits);
}

/* ---- the built-in law index ---- */

/* generated by gen_laws (prs_laws_builtin.c) */
const struct prs_laws *prs_laws_frozen(void);

const struct prs_laws *prs_laws_builtin(void)
{
	return prs_laws_frozen();
}
