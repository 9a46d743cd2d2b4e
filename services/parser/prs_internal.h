/* prs_internal.h - shared internals of the citation parser: the scan context,
 * the byte-level lexing helpers every family recogniser uses, and the
 * citation builder. Not a public header: only services/parser includes it. */
#ifndef PRS_INTERNAL_H
#define PRS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "prs.h"
#include "prs_laws.h"
#include "vp_err.h"
#include "vp_proto.h"

/* Longest run of whitespace (spaces, line breaks, NBSP, soft hyphens) that may
 * sit inside one citation. Bounds every lookahead so the scan stays linear. */
#define PRS_MAX_GAP 40

/* Scan state of one call: the text being scanned, the growing output array,
 * and the segment the text belongs to (NULL when scanning plain text). */
/* A law abbreviation defined in the document ("Wet politiegegevens (Wpg)",
 * "(hierna: Awb)"): applies to the whole document. bwb is "" when the title
 * is not in the law table. */
#define PRS_MAX_DEFS 64
struct prs_def {
	char abbr[24];
	long law; /* index in the law index, -1: not in it */
	char title[96];
};

/* Context words decided for an ambiguous abbreviation (cache per call). */
#define PRS_MAX_AMBIG 16
struct prs_ambig {
	char key[24];
	long pick; /* row index into laws, -1: undecided */
};

#define PRS_MAX_HAS 32

/* Keyword filter of the scan (prs_scan.c): 2^PRS_ANCHOR_BITS bits. */
#define PRS_ANCHOR_BITS 15

struct prs_ctx {
	const char *s;
	size_t len;
	const struct vp_segment *seg;
	const char *where;
	struct vp_citation *out;
	size_t n, cap;
	/* streaming (prs_parse_text_each): each citation goes to each() with
	 * borrowed pointers instead of into out; raw holds its text */
	prs_each_fn each;
	void *each_arg;
	char *raw;
	size_t raw_cap;
	/* document-wide state */
	const struct prs_laws *laws;
	const uint64_t *law_filter;    /* prs_laws_maybe */
	const struct vp_segment *segs; /* whole document (or NULL) */
	size_t n_segs;
	const char *doc;  /* plain-text document when segs is NULL */
	const char *orig; /* the original document of the segments, or NULL */
	size_t orig_len;
	size_t doc_len;
	struct prs_def defs[PRS_MAX_DEFS];
	size_t n_defs;
	struct prs_ambig ambig[PRS_MAX_AMBIG];
	size_t n_ambig;
	/* answers of "does the document contain word w" (context clues for
	 * ambiguous abbreviations): each word is searched for once per
	 * document, not once per citation */
	struct {
		char w[16];
		bool found;
	} has[PRS_MAX_HAS];
	size_t n_has;
	/* "de wet" / "het besluit" as the document defines them, and the law
	 * of each kind named last (indexes into laws, -1: none) */
	long generic_def[PRS_KIND_N];
	bool any_generic_def; /* one of them is set: "de wet" is read alone */
	bool any_named;       /* a last_law is set: "die wet" is read alone */
	long last_law[PRS_KIND_N];
	/* a scan in parts (prs_doc_scan): last_law and any_named are what a
	 * part hands to the next (struct prs_carry); these bits say which of
	 * them the part has set, and which it read before setting them (bit
	 * kind for last_law[kind], PRS_CARRY_NAMED for any_named) */
	unsigned carry_written, carry_read;
	bool track_carry; /* note reads of any_named (generic_here) */
	/* the document is a regulation (it has article headings): a bare
	 * "artikel 5" points inside it */
	bool regulation;
	/* the shapes of its article headings' numbers (plain, dotted, with a
	 * colon, Roman, letter first) and the highest leading number of each:
	 * an article beyond them is another law's */
	unsigned head_shapes;
	long head_max[5];
	size_t n_heads;
	/* dotted numbers that start a line ("6.5 Een zorgtraject"), hashed:
	 * a regulation that numbers its paragraphs so */
	uint64_t para_bits[32];
	/* the running state of the law readings (struct prs_seq) */
	struct prs_seq seq;
	/* the BWB id of the document itself (from its XML), or NULL */
	const char *doc_bwb;
	/* hashes of the first bytes of every anchor keyword */
	uint64_t anchor_bits[(1u << PRS_ANCHOR_BITS) / 64];
};

/* last_law[kind], read: noted as read before set when the part has not set
 * it (a scan in parts checks that it guessed the value right). */
static inline long prs_last_law(struct prs_ctx *ctx, int kind)
{
	if (!(ctx->carry_written & 1u << kind))
		ctx->carry_read |= 1u << kind;
	return ctx->last_law[kind];
}

/* The running state of the law readings, to read (bit: PRS_CARRY_ANY ...):
 * noted as read before set when the part has not set it. */
static inline struct prs_seq *prs_seq_r(struct prs_ctx *ctx, unsigned bit)
{
	if (!(ctx->carry_written & bit))
		ctx->carry_read |= bit;
	return &ctx->seq;
}

/* ... and to set. */
static inline struct prs_seq *prs_seq_w(struct prs_ctx *ctx, unsigned bit)
{
	ctx->carry_written |= bit;
	return &ctx->seq;
}

#define PRS_MAX_FIELDS 14

/* One citation under construction; every pointer is borrowed and copied by
 * prs_emit(). start/end are byte offsets into ctx->s. */
struct prs_cit {
	const char *family;
	const char *id;
	const char *url; /* NULL: none */
	double confidence;
	const char *reason; /* NULL when confidence is 1 */
	const char *keys[PRS_MAX_FIELDS];
	const char *vals[PRS_MAX_FIELDS];
	size_t n_fields;
	size_t start, end;
};

/* snprintf for the parser's own formats (prs_fmt.c): %s %d %u %c %% with
 * flag 0, width, precision (.N, .*) and l/z; same return value. */
int prs_fmt(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Adds key=val to c when val is non-empty (keeps the borrowed pointers). */
void prs_cit_field(struct prs_cit *c, const char *key, const char *val);

/* Appends a copy of c to ctx->out. Returns VP_OK or VP_ENOMEM. */
int prs_emit(struct prs_ctx *ctx, const struct prs_cit *c);

/* ---- lexing helpers: all take the text, its length and a position, and
 * return a length (0 = no match) or a new position. ---- */

static inline bool prs_isdigit(unsigned char c)
{
	return (unsigned)(c - '0') < 10u;
}

static inline bool prs_isalpha(unsigned char c)
{
	return (unsigned)((c | 0x20) - 'a') < 26u;
}

static inline bool prs_isalnum(unsigned char c)
{
	return prs_isdigit(c) || prs_isalpha(c);
}

static inline bool prs_isupper(unsigned char c)
{
	return (unsigned)(c - 'A') < 26u;
}

/* Byte at i, or 0 past the end. */
static inline unsigned char prs_at(const char *s, size_t len, size_t i)
{
	return i < len ? (unsigned char)s[i] : 0;
}

/* Length of one space-like character at i: ASCII blank, tab, CR, LF, NBSP,
 * soft hyphen, thin / narrow no-break space. 0 if none. */
size_t prs_space(const char *s, size_t len, size_t i);

/* Position after at most PRS_MAX_GAP bytes of space-like characters. */
size_t prs_ws(const char *s, size_t len, size_t i);

/* Length of one dash at i: '-' or U+2010..U+2015 or U+2212. 0 if none. */
size_t prs_dash(const char *s, size_t len, size_t i);

/* Number of consecutive ASCII digits at i, counting at most max+1. */
size_t prs_ndigits(const char *s, size_t len, size_t i, size_t max);

/* Out-of-line bodies of prs_prefix / prs_word below. */
size_t prs_prefix_full(const char *s, size_t len, size_t i, const char *word);
size_t prs_word_full(const char *s, size_t len, size_t i, const char *word);

/* Whether text byte c equals pattern byte w (letters in either case). */
static inline bool prs_byte_eq(unsigned char c, unsigned char w)
{
	return prs_isalpha(w) ? (c | 0x20) == (w | 0x20) : c == w;
}

/* Whether the text at i starts with the first four bytes of word (all of it
 * when shorter). With a literal word the masks fold to constants: one load,
 * one OR and one compare. */
static inline bool prs_head_eq(
    const char *s, size_t len, size_t i, const char *word)
{
	size_t wl = strlen(word); /* a constant for a literal word */
	if (wl >= 4 && len >= 4 && i <= len - 4) {
		unsigned char mb[4], vb[4];
		uint32_t x, m, v;
		for (int k = 0; k < 4; k++) {
			unsigned char w = (unsigned char)word[k];
			mb[k] = prs_isalpha(w) ? 0x20 : 0;
			vb[k] = (unsigned char)(w | mb[k]);
		}
		memcpy(&x, s + i, 4);
		memcpy(&m, mb, 4);
		memcpy(&v, vb, 4);
		return (x | m) == v;
	}
	for (size_t k = 0; k < wl && k < 4; k++)
		if (!prs_byte_eq(prs_at(s, len, i + k), (unsigned char)word[k]))
			return false;
	return true;
}

/* Length of word (ASCII, case-insensitive) at i when it is not followed by a
 * letter; 0 otherwise. Inline test of the first four bytes: nearly every call
 * is a recogniser asking about a keyword that is not there, and the keyword is
 * a constant, so the test folds to a few compares. */
static inline size_t prs_word(
    const char *s, size_t len, size_t i, const char *word)
{
	if (!prs_head_eq(s, len, i, word))
		return 0;
	return prs_word_full(s, len, i, word);
}

/* Same without the following-letter check (prefix match). */
static inline size_t prs_prefix(
    const char *s, size_t len, size_t i, const char *word)
{
	if (!prs_head_eq(s, len, i, word))
		return 0;
	return prs_prefix_full(s, len, i, word);
}

/* First occurrence of w[0..wl) in s[0..n), ASCII letters compared in either
 * case; NULL if none (s when wl is 0). Filters 16 positions at a time on the
 * first and last byte of w, so a search over a whole document costs well
 * under one instruction per byte. */
const char *prs_find_ci(const char *s, size_t n, const char *w, size_t wl);

/* True when the byte before i is not a letter or digit (start of a word). */
bool prs_word_start(const char *s, size_t i);

/* Chamber designation at i ("II", "I", "TK", "EK", "Tweede Kamer", "Eerste
 * Kamer", "T.K.", "E.K.", "2", "1"): sets *chamber to 't' or 'e' and returns
 * its length, 0 if none. */
size_t prs_chamber(const char *s, size_t len, size_t i, char *chamber);

/* Vergaderjaar at i (2019/20, 2019-2020, 2019–2020, 1999/00, 1985/- 86,
 * typo 2022–203): writes 8 digits + NUL to vj8, sets *repaired when the
 * second year had to be reconstructed, returns its length or 0. */
size_t prs_vergaderjaar(
    const char *s, size_t len, size_t i, char vj8[9], bool *repaired);

/* "nr.", "nr", "nrs.", "nrs", "nummer", "nummers", "Nr." at i: returns its
 * length (0 if none) and sets *plural. */
size_t prs_nr_label(const char *s, size_t len, size_t i, bool *plural);

/* Page reference at i (", p. 15-16", " blz. 7", " pag 4 e v."): copies the
 * pages, normalised, into pages (cap bytes) and returns the position after it,
 * or i when there is none. */
size_t prs_pageref(
    const char *s, size_t len, size_t i, char *pages, size_t cap);

/* ---- family recognisers: each tries a citation whose anchor is at i, emits
 * what it finds and sets *end past the consumed text (*end == i: no match).
 * They return VP_OK or VP_ENOMEM. ---- */
int prs_try_kamerstuk(struct prs_ctx *ctx, size_t i, size_t *end);
int prs_try_kamerstuk_bare(struct prs_ctx *ctx, size_t i, size_t *end);
int prs_try_motie(struct prs_ctx *ctx, size_t i, size_t *end);
int prs_try_amendement(struct prs_ctx *ctx, size_t i, size_t *end);
int prs_try_aanhangsel(struct prs_ctx *ctx, size_t i, size_t *end);
int prs_try_zaak(struct prs_ctx *ctx, size_t i, size_t *end);
int prs_try_ecli(struct prs_ctx *ctx, size_t i, size_t *end);
int prs_try_ljn(struct prs_ctx *ctx, size_t i, size_t *end);
int prs_try_url(struct prs_ctx *ctx, size_t i, size_t *end);
int prs_try_wet(struct prs_ctx *ctx, size_t i, size_t *end);
int prs_try_blad(struct prs_ctx *ctx, size_t i, size_t *end);
int prs_try_handelingen(struct prs_ctx *ctx, size_t i, size_t *end);
int prs_try_header(struct prs_ctx *ctx, size_t i, size_t *end);
int prs_try_eu(struct prs_ctx *ctx, size_t i, size_t *end);
int prs_try_celex(struct prs_ctx *ctx, size_t i, size_t *end);
int prs_try_pubid(struct prs_ctx *ctx, size_t i, size_t *end);
int prs_try_internal(struct prs_ctx *ctx, size_t i, size_t *end);
int prs_try_internal_bare(struct prs_ctx *ctx, size_t i, size_t *end);
int prs_try_ecli_bare(struct prs_ctx *ctx, size_t i, size_t *end);
int prs_try_lawname(struct prs_ctx *ctx, size_t i, size_t *end);
int prs_try_wet_bare(struct prs_ctx *ctx, size_t i, size_t *end);
int prs_try_unit(struct prs_ctx *ctx, size_t i, size_t *end);

/* Resets the document-wide law state and looks for article headings. */
void prs_doc_init(struct prs_ctx *ctx);

/* Notes the article headings of s (a regulation's "Artikel 5" lines). */
void prs_find_headings(struct prs_ctx *ctx, const char *s, size_t len);

/* "16 juni 2005" at j: sets *year and *month (1-12), returns its length
 * or 0. */
size_t prs_date(const char *s, size_t len, size_t j, int *year, int *month);

/* Collects the law abbreviations defined in text s[0..len) into ctx->defs
 * (called for every segment before any is scanned). */
void prs_find_defs(struct prs_ctx *ctx, const char *s, size_t len);

/* Parses a labelled Kamerstuk body after a chamber (used by Handelingen
 * citations that really cite a Kamerstuk). */
int prs_kamerstuk_after_label(struct prs_ctx *ctx, size_t start, size_t j,
    char chamber, double conf, const char *reason, size_t *end);

/* Emits an Aanhangsel citation (chamber 't'/'e', vj8 = 8 digits, nr as
 * written) covering [start, end); confidence and reason apply to how it was
 * read, and are lowered further for vergaderjaren with the new id scheme. */
int prs_emit_aanhangsel(struct prs_ctx *ctx, char chamber, const char *vj8,
    const char *nr, const char *pages, size_t start, size_t end,
    double confidence, const char *reason);

/* Zaak/document number (20\d\d[ZD]\d{5}) at i with a word boundary after it:
 * returns 10, else 0. */
size_t prs_zaaknummer(const char *s, size_t len, size_t i);

/* Emits a zaak citation for the number at z covering [start, end). */
int prs_emit_zaak(struct prs_ctx *ctx, const char *z, size_t start, size_t end,
    double confidence, const char *reason);

#endif
