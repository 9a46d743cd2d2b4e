/* prs_laws.h - the law index: every regulation the parser knows by name
 * (the national regulation table data/bwb-titles.tsv, the curated names and
 * abbreviations of data/law-abbrev.tsv, or a table imported from KOOP's
 * BWBIdList.xml), and a matcher that finds the longest known name starting
 * at a position of running text in one pass over its words.
 *
 * Names are matched word by word over normalised words (ASCII case folded,
 * Latin diacritics folded, apostrophes dropped, hyphens and line breaks as
 * spaces), through a hash table that holds every prefix of every name, so a
 * walk stops at the first word no name continues with: a name never runs on
 * into the words after it. Short one-word names that are not law words
 * ("Awb", "BW", "Sr") are matched in their exact case only. No dependency on
 * vp_proto, so the build-time generator can link it too. */
#ifndef PRS_LAWS_H
#define PRS_LAWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* What kind of regulation a law is: "de wet", "het besluit", "de regeling"
 * and "het verdrag" refer back to the last one named of their kind. */
enum prs_law_kind {
	PRS_KIND_OTHER = 0,
	PRS_KIND_WET,
	PRS_KIND_BESLUIT,
	PRS_KIND_REGELING,
	PRS_KIND_VERDRAG,
	PRS_KIND_EU,
	PRS_KIND_N
};

/* One regulation. */
struct prs_law {
	const char *bwb;    /* BWBR/BWBV/BWBW id, or CELEX:... */
	const char *title;  /* the name to report: citeertitel or best alias */
	unsigned char kind; /* enum prs_law_kind */
};

/* Flags of a matched name (struct prs_law_match.flags). */
enum {
	PRS_NAME_WEAK = 1,    /* one word, not a law word ("Awb", "AVG"): needs
	                         an article next to it unless STRONG */
	PRS_NAME_STRONG = 2,  /* an abbreviation safe on its own (curated, or
	                         two capitals and three letters) */
	PRS_NAME_CAP = 4,     /* the table writes it with a capital */
	PRS_NAME_DATED = 8,   /* "Wet van 28 juni 2006": a date, not a title */
	PRS_NAME_TITLED = 16, /* the date and the first words of the title */
	PRS_NAME_LONGER = 32, /* longer names in the table begin with it
	                         ("Experimentenwet" -> "... onderwijs") */
};

struct prs_laws; /* opaque, immutable once built: share across threads */

/* A name found in text: the candidate laws (one unless the name is shared
 * by several regulations), where it ends, and its flags. */
#define PRS_MAX_CANDS 8
struct prs_law_match {
	uint32_t cands[PRS_MAX_CANDS];
	size_t n_cands; /* distinct laws the name may mean (capped) */
	size_t end;     /* offset just past the name's last word */
	unsigned flags;
};

/* Builds an index from one or more tables (TSV text, header line first).
 * Two layouts are read: the regulation table (bwb_id, soort, citeertitel,
 * intitule, aliases) and the curated one (abbreviation_or_name, full_title,
 * BWB_id, source, note). Rows of several tables merge by id; a later table's
 * title wins. On success *out is owned by the caller (prs_laws_free).
 * Returns VP_OK, VP_ENOMEM, or VP_EINVAL with a message in err when no
 * table has a known header or no row is usable. */
int prs_laws_build(const char *const *texts, const size_t *lens, size_t n,
    struct prs_laws **out, char *err, size_t errcap);

/* One table from memory (prs_laws_build with n = 1). */
int prs_laws_parse(const char *text, size_t len, struct prs_laws **out);

/* Reads a TSV file (at most 256 MiB) and builds an index of it merged with
 * the curated tables compiled into the binary (their names and titles win).
 * On error *out is NULL and err says what is wrong with which file. */
int prs_laws_load_merged(
    const char *path, struct prs_laws **out, char *err, size_t errlen);

/* Frees a built index; NULL is a no-op. */
void prs_laws_free(struct prs_laws *laws);

/* The index built from the tables compiled into the binary, built once on
 * first use (thread-safe); never freed. NULL only when out of memory. */
const struct prs_laws *prs_laws_builtin(void);

/* Number of regulations and of names in the index. */
size_t prs_laws_count(const struct prs_laws *laws);
size_t prs_laws_names(const struct prs_laws *laws);

/* Law number k (k < prs_laws_count). */
const struct prs_law *prs_laws_get(const struct prs_laws *laws, uint32_t k);

/* The first (up to) four bytes of the word at s[i] as one number: ASCII
 * letters and digits only, letters in lower case, the bytes from the first
 * other byte on zero. The filter below is keyed on it. */
static inline uint32_t prs_law_head(const char *s, size_t len, size_t i)
{
	uint32_t x = 0, y, letter, digit, keep, stop;
	if (len >= 4 && i <= len - 4) {
		x = (uint32_t)s[i] & 0xff; /* little-endian order, any host */
		x |= ((uint32_t)s[i + 1] & 0xff) << 8;
		x |= ((uint32_t)s[i + 2] & 0xff) << 16;
		x |= ((uint32_t)s[i + 3] & 0xff) << 24;
	} else {
		for (size_t k = 0; k < 4 && i + k < len; k++)
			x |= ((uint32_t)s[i + k] & 0xff) << (8 * k);
	}
	/* branch-free: a byte is a letter or a digit; letters fold to
	 * lower case; everything from the first other byte on is zero */
	y = (x | 0x20202020u) & 0x7f7f7f7fu;
	letter = (y + 0x1f1f1f1fu) & ~(y + 0x05050505u) & ~x & 0x80808080u;
	y = x & 0x7f7f7f7fu;
	digit = (y + 0x50505050u) & ~(y + 0x46464646u) & ~x & 0x80808080u;
	stop = ~(letter | digit) & 0x80808080u;
	keep = stop ? (uint32_t)((1ull << (__builtin_ctz(stop) & ~7u)) - 1)
	            : 0xffffffffu;
	return (x | letter >> 2) & keep;
}

#define PRS_LAW_FILTER_BITS 16

/* Cheap filter for the scanner: false when no name can start with the word
 * at s[i] (i at a word start). Names start with a capital (or a digit or
 * a non-ASCII letter), so a word in lower case never does; else one load
 * of a 8 KiB bitset. */
static inline bool prs_laws_maybe(
    const uint64_t *filter, const char *s, size_t len, size_t i)
{
	uint32_t b;
	if ((unsigned char)s[i] >= 'a' && (unsigned char)s[i] <= 'z')
		return false;
	b = (prs_law_head(s, len, i) * 0x9E3779B1u) >>
	    (32 - PRS_LAW_FILTER_BITS);
	return (filter[b / 64] >> (b % 64)) & 1u;
}

/* The bitset of prs_laws_maybe. */
const uint64_t *prs_laws_filter(const struct prs_laws *laws);

/* Longest known name starting at s[i]. Returns true and fills *m when one
 * is found. */
bool prs_laws_match(const struct prs_laws *laws, const char *s, size_t len,
    size_t i, struct prs_law_match *m);

/* The same where the context already says a law is named ("artikel 18
 * van de onteigeningswet"): names match in lower case too (short one-word
 * abbreviations still only in their own case). */
bool prs_laws_match_any_case(const struct prs_laws *laws, const char *s,
    size_t len, size_t i, struct prs_law_match *m);

/* Whether the whole of name[0..n) is a known name; fills *m. */
bool prs_laws_lookup(const struct prs_laws *laws, const char *name, size_t n,
    struct prs_law_match *m);

/* Length of the word token at s[i] as the matcher reads it (letters,
 * digits, Latin letters with diacritics, inner apostrophes), 0 if none. */
size_t prs_law_word(const char *s, size_t len, size_t i);

#endif
