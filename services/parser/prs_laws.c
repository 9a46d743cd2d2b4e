/* prs_laws.c - builds the law index from the TSV tables and matches names in
 * running text.
 *
 * Design: every name is cut into normalised words; the hash of the first k
 * words (a chain: h(k) = mix(h(k-1), word k)) is a key of one open-addressing
 * table. A key that is a whole name holds its candidate laws; a key that is
 * only the start of longer names is marked as a prefix. Matching walks the
 * text word by word, one probe per word, and stops at the first key the
 * table does not hold: cost proportional to the name's length, whatever the
 * size of the table. Keys are 64-bit: two different word sequences of the
 * ~40,000 prefixes share a key with a probability far below 1e-9.
 *
 * Which names go in: the citeertitel, every harvested alias, the curated
 * names, and the official title when it is short and has no date formula
 * ("Regeling erkenning scholings- en trainingsprogramma", not "Wet van 4 juni
 * 1992, houdende ..."). Generic words ("Wet", "Besluit", "Boek 2") never are
 * names. A name shared by several regulations keeps the candidates of its
 * best source (curated > citeertitel > alias > title) and is reported as
 * ambiguous when more than one remains. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "prs_laws.h"
#include "prs_laws_int.h"
#include "vp_err.h"

#define MAX_TABLE_BYTES (256u << 20)
#define MAX_NAME_BYTES  160
#define MAX_NAME_WORDS  24
#define MAX_GAP         40 /* bytes of space between two words of a name */

/* ---- words ---- */

#define ROOT_FOLD  0x51ed27a1c3f0b9d5ull
#define ROOT_EXACT 0x2545f4914f6cdd1dull

static inline uint64_t mix(uint64_t h, uint64_t w)
{
	uint64_t z = (h ^ w) * 0x9E3779B97F4A7C15ull;
	z = (z ^ (z >> 29)) * 0xBF58476D1CE4E5B9ull;
	z ^= z >> 32;
	return z ? z : 1;
}

/* ASCII letter of a Latin-1 supplement letter (second byte after 0xC3),
 * 0 when it is not a letter. */
static const char latin1[64] = "aaaaaaaceeeeiiiidnooooo\0ouuuuyts"
                               "aaaaaaaceeeeiiiidnooooo\0ouuuuyty";

struct word {
	size_t start, end;
	uint64_t hf, hx; /* folded, exact */
	size_t nbytes;   /* folded length */
	unsigned upper;  /* capitals in it */
};

/* Length of an apostrophe at i (' ’ ‘ `), 0 if none. */
static size_t apostrophe(const char *s, size_t len, size_t i)
{
	unsigned char c = (unsigned char)s[i];
	if (c == '\'' || c == '`')
		return 1;
	if (c == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
	    ((unsigned char)s[i + 2] == 0x98 ||
	        (unsigned char)s[i + 2] == 0x99))
		return 3;
	return 0;
}

/* One character of a word at i: its folded ASCII letter or digit in *f
 * (and *f2 for 'ß'), its length; 0 if it is no word character. */
static size_t word_char(
    const char *s, size_t len, size_t i, char *f, char *f2, bool *up)
{
	unsigned char c = (unsigned char)s[i];
	*f2 = 0;
	*up = false;
	if (c < 0x80) {
		if (c >= 'a' && c <= 'z') {
			*f = (char)c;
			return 1;
		}
		if (c >= 'A' && c <= 'Z') {
			*f = (char)(c + 32);
			*up = true;
			return 1;
		}
		if (c >= '0' && c <= '9') {
			*f = (char)c;
			return 1;
		}
		return 0;
	}
	if (c == 0xC3 && i + 1 < len) {
		unsigned char d = (unsigned char)s[i + 1];
		if (d >= 0x80 && d <= 0xBF && latin1[d - 0x80]) {
			*f = latin1[d - 0x80];
			*up = d < 0xA0;
			if (d == 0x9F)
				*f2 = 's';
			return 2;
		}
	}
	return 0;
}

/* Reads the word at i into *w; returns its length in bytes, 0 if none. */
static size_t read_word(const char *s, size_t len, size_t i, struct word *w)
{
	size_t p = i, n;
	uint64_t hf = 0xcbf29ce484222325ull, hx = hf;
	memset(w, 0, sizeof *w);
	w->start = i;
	while (p < len) {
		char f, f2;
		bool up;
		if ((n = word_char(s, len, p, &f, &f2, &up))) {
			hf = (hf ^ (unsigned char)f) * 0x100000001b3ull;
			if (f2)
				hf =
				    (hf ^ (unsigned char)f2) * 0x100000001b3ull;
			for (size_t k = 0; k < n; k++)
				hx = (hx ^ (unsigned char)s[p + k]) *
				     0x100000001b3ull;
			w->nbytes += f2 ? 2 : 1;
			w->upper += up;
			p += n;
			continue;
		}
		/* an apostrophe inside a word or before one ("’s") */
		if ((n = apostrophe(s, len, p)) && p + n < len &&
		    word_char(s, len, p + n, &f, &f2, &up)) {
			p += n;
			continue;
		}
		break;
	}
	if (w->nbytes == 0)
		return 0;
	w->end = p;
	w->hf = hf;
	w->hx = hx;
	return p - i;
}

size_t prs_law_word(const char *s, size_t len, size_t i)
{
	struct word w;
	return i < len ? read_word(s, len, i, &w) : 0;
}

/* Start of the next word of the same name after a word ending at e, or
 * (size_t)-1 when the name cannot go on (punctuation, a paragraph break, a
 * spaced dash). */
static size_t next_word(const char *s, size_t len, size_t e)
{
	size_t p = e, nl = 0;
	bool joined = false;
	while (p < len && p - e <= MAX_GAP) {
		unsigned char c = (unsigned char)s[p], d;
		if (c == ' ' || c == '\t' || c == '\r') {
			p++;
			continue;
		}
		if (c == '\n') {
			if (++nl > 1)
				return (size_t)-1;
			p++;
			continue;
		}
		if (c == 0xC2 && p + 1 < len &&
		    ((d = (unsigned char)s[p + 1]) == 0xA0 || d == 0xAD)) {
			p += 2;
			continue;
		}
		if (c == 0xE2 && p + 2 < len &&
		    (unsigned char)s[p + 1] == 0x80) {
			d = (unsigned char)s[p + 2];
			if (d == 0xAF || d == 0x89) { /* narrow, thin space */
				p += 3;
				continue;
			}
			if (d >= 0x90 && d <= 0x93 && p == e && !joined) {
				p += 3; /* a dash glued to the word */
				joined = true;
				continue;
			}
			return (size_t)-1;
		}
		/* "Besluit kerninstallaties, splijtstoffen en ertsen": a
		 * comma inside a name; as with brackets, the walk stops at
		 * the comma when no name goes on over it */
		if (c == ',' && p == e && !joined && p + 1 < len &&
		    s[p + 1] == ' ') {
			p++;
			joined = true;
			continue;
		}
		if ((c == '-' || c == '/') && p == e && !joined) {
			p++;
			joined = true;
			continue;
		}
		/* "Verordening monitoring Aviaire influenza (PPE) 2005": a
		 * bracketed word inside a name; the walk stops anyway when no
		 * name goes on */
		if ((c == '(' && p > e) || (c == ')' && p == e)) {
			p++;
			continue;
		}
		if (c == '.' && p == e && p + 1 < len) {
			char f, f2;
			bool up;
			if (word_char(s, len, p + 1, &f, &f2, &up)) {
				p++; /* W.v.Sr. */
				continue;
			}
		}
		break;
	}
	if (p >= len || p - e > MAX_GAP)
		return (size_t)-1;
	{
		struct word w;
		if (!read_word(s, len, p, &w))
			return (size_t)-1;
	}
	return p;
}

/* The filter bit of a name's first word: from its own bytes, the way the
 * scanner computes it from the text (prs_law_head). */
static void set_filter(struct prs_laws *L, const char *name, size_t n)
{
	uint32_t b =
	    (prs_law_head(name, n, 0) * 0x9E3779B1u) >> (32 - FILTER_BITS);
	L->filter[b / 64] |= 1ull << (b % 64);
}

/* ---- law words ---- */

static bool ends_with(const char *w, size_t n, const char *suf)
{
	size_t m = strlen(suf);
	return n >= m && !strncasecmp(w + n - m, suf, m);
}

/* Whether a one-word name is a law word by its ending ("Wegenwet",
 * "Arbeidstijdenbesluit"), so safe without an article beside it. */
static bool law_word(const char *w, size_t n)
{
	static const char *const sufs[] = {"wet", "wetboek", "besluit",
	    "regeling", "verdrag", "reglement", "verordening", "richtlijn",
	    "statuut", "beschikking", "overeenkomst", "conventie", "protocol",
	    "handvest", "code", "instructie", "wet)"};
	for (size_t k = 0; k < sizeof sufs / sizeof *sufs; k++)
		if (ends_with(w, n, sufs[k]) && n > strlen(sufs[k]) + 2)
			return true;
	return false;
}

static bool eq_word(const char *w, size_t n, const char *x)
{
	return strlen(x) == n && !strncasecmp(w, x, n);
}

/* Words that never start a name, and names that are only a generic word. */
static bool generic_start(const char *w, size_t n, size_t n_words)
{
	static const char *const structure[] = {"boek", "titel", "titeldeel",
	    "hoofdstuk", "afdeling", "paragraaf", "deel", "artikel",
	    "artikelen", "art", "bijlage", "onderdeel", "lid", "de", "het",
	    "een", "van", "der", "en", "of", "op", "in", "zie"};
	static const char *const alone[] = {"wet", "wetten", "besluit",
	    "regeling", "verdrag", "reglement", "verordening", "richtlijn",
	    "wetboek", "code", "statuut", "rijkswet", "invoeringswet",
	    "aanpassingswet", "overgangswet", "uitvoeringswet",
	    "uitvoeringsbesluit", "uitvoeringsregeling", "beschikking",
	    "protocol", "instructie", "grondwet"};
	for (size_t k = 0; k < sizeof structure / sizeof *structure; k++)
		if (eq_word(w, n, structure[k]))
			return true;
	if (n_words == 1)
		for (size_t k = 0; k < sizeof alone / sizeof *alone; k++)
			if (eq_word(w, n, alone[k]) &&
			    strcmp(alone[k], "grondwet"))
				return true;
	return false;
}

/* ---- building ---- */

struct name {
	uint64_t key;
	uint32_t law;
	unsigned char prio;
	unsigned char flags;
	bool term;
};

struct builder {
	struct prs_laws *L;
	struct name *v;
	size_t n, cap;
	bool oom;
};

static char *store(struct prs_laws *L, const char *s, size_t n)
{
	char *p;
	if (L->blk_used + n + 1 > L->blk_cap) {
		size_t cap = n + 1 > 65536 ? n + 1 : 65536;
		char **b = realloc(L->blocks, (L->n_blocks + 1) * sizeof *b);
		if (!b)
			return NULL;
		L->blocks = b;
		if (!(L->blk = malloc(cap)))
			return NULL;
		L->blocks[L->n_blocks++] = L->blk;
		L->blk_used = 0;
		L->blk_cap = cap;
	}
	p = L->blk + L->blk_used;
	memcpy(p, s, n);
	p[n] = 0;
	L->blk_used += n + 1;
	return p;
}

static uint64_t str_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t k = 0; k < n; k++)
		h = (h ^ (unsigned char)s[k]) * 0x100000001b3ull;
	return h;
}

static int idmap_grow(struct prs_laws *L)
{
	size_t cap = L->idmask ? 2 * (L->idmask + 1) : 4096;
	uint32_t *m = malloc(cap * sizeof *m);
	if (!m)
		return VP_ENOMEM;
	memset(m, 0xff, cap * sizeof *m);
	for (size_t k = 0; k < L->n_laws; k++) {
		const char *id = L->laws[k].bwb;
		size_t h = (size_t)str_hash(id, strlen(id)) & (cap - 1);
		while (m[h] != UINT32_MAX)
			h = (h + 1) & (cap - 1);
		m[h] = (uint32_t)k;
	}
	free(L->idmap);
	L->idmap = m;
	L->idmask = cap - 1;
	return VP_OK;
}

static long find_id(const struct prs_laws *L, const char *id, size_t n)
{
	size_t h;
	if (!L->idmap)
		return -1;
	h = (size_t)str_hash(id, n) & L->idmask;
	while (L->idmap[h] != UINT32_MAX) {
		const char *x = L->laws[L->idmap[h]].bwb;
		if (strlen(x) == n && !memcmp(x, id, n))
			return (long)L->idmap[h];
		h = (h + 1) & L->idmask;
	}
	return -1;
}

static unsigned char kind_of_soort(const char *s, size_t n)
{
	if (n >= 3 && (!strncmp(s, "wet", 3) || !strncmp(s, "rijkswet", 8)))
		return PRS_KIND_WET;
	if ((n >= 4 && !strncmp(s, "AMvB", 4)) ||
	    (n >= 2 && !strncmp(s, "KB", 2)) ||
	    (n >= 7 && !strncmp(s, "rijksKB", 7)))
		return PRS_KIND_BESLUIT;
	if (n >= 7 && !strncmp(s, "verdrag", 7))
		return PRS_KIND_VERDRAG;
	if (n > 0)
		return PRS_KIND_REGELING;
	return PRS_KIND_OTHER;
}

static unsigned char kind_of_title(const char *t, size_t n, const char *id)
{
	size_t w = 0;
	if (!strncmp(id, "CELEX:", 6))
		return PRS_KIND_EU;
	while (w < n && t[w] != ' ')
		w++;
	if (ends_with(t, w, "wet") || ends_with(t, w, "wetboek") ||
	    eq_word(t, w, "rijkswet"))
		return PRS_KIND_WET;
	if (ends_with(t, w, "besluit"))
		return PRS_KIND_BESLUIT;
	if (ends_with(t, w, "regeling") || ends_with(t, w, "reglement"))
		return PRS_KIND_REGELING;
	if (ends_with(t, w, "verdrag"))
		return PRS_KIND_VERDRAG;
	if (!strncasecmp(t, "Burgerlijk Wetboek", 18) ||
	    !strncasecmp(t, "Wetboek", 7))
		return PRS_KIND_WET;
	return PRS_KIND_OTHER;
}

static bool valid_id(const char *id, size_t n)
{
	if (n == 11 && !strncmp(id, "BWB", 3) &&
	    (id[3] == 'R' || id[3] == 'V' || id[3] == 'W')) {
		for (size_t k = 4; k < 11; k++)
			if (id[k] < '0' || id[k] > '9')
				return false;
		return true;
	}
	if (n > 6 && n < 24 && !strncmp(id, "CELEX:", 6)) {
		for (size_t k = 6; k < n; k++)
			if (!((id[k] >= '0' && id[k] <= '9') ||
			        (id[k] >= 'A' && id[k] <= 'Z')))
				return false;
		return true;
	}
	return false;
}

/* The law with this id, added when new; title replaces the old one when
 * override is set. Returns its index or -1 (out of memory). */
static long add_law(struct prs_laws *L, const char *id, size_t idn,
    const char *title, size_t tn, unsigned char kind, bool override)
{
	long k = find_id(L, id, idn);
	if (k >= 0) {
		if (override && tn) {
			char *t = store(L, title, tn);
			if (!t)
				return -1;
			L->laws[k].title = t;
		}
		if (kind && (override || !L->laws[k].kind))
			L->laws[k].kind = kind;
		return k;
	}
	if (L->n_laws == L->cap_laws) {
		size_t cap = L->cap_laws ? 2 * L->cap_laws : 1024;
		struct prs_law *v = realloc(L->laws, cap * sizeof *v);
		if (!v)
			return -1;
		L->laws = v;
		L->cap_laws = cap;
	}
	{
		struct prs_law *x = &L->laws[L->n_laws];
		if (!(x->bwb = store(L, id, idn)) ||
		    !(x->title = store(L, tn ? title : id, tn ? tn : idn)))
			return -1;
		x->kind = kind;
	}
	L->n_laws++;
	if (!L->idmap || 2 * L->n_laws > L->idmask + 1) {
		if (idmap_grow(L) != VP_OK)
			return -1;
	} else {
		size_t h = (size_t)str_hash(id, idn) & L->idmask;
		while (L->idmap[h] != UINT32_MAX)
			h = (h + 1) & L->idmask;
		L->idmap[h] = (uint32_t)(L->n_laws - 1);
	}
	return (long)(L->n_laws - 1);
}

static void push(struct builder *b, uint64_t key, uint32_t law,
    unsigned char prio, unsigned char flags, bool term)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 4096;
		struct name *v = realloc(b->v, cap * sizeof *v);
		if (!v) {
			b->oom = true;
			return;
		}
		b->v = v;
		b->cap = cap;
	}
	b->v[b->n].key = key;
	b->v[b->n].law = law;
	b->v[b->n].prio = prio;
	b->v[b->n].flags = flags;
	b->v[b->n].term = term;
	b->n++;
}

/* Adds one name of law k. curated: from the curated table (its short
 * abbreviations are safe on their own). */
static void add_name1(struct builder *b, const char *s, size_t n, uint32_t k,
    unsigned char prio, bool curated, bool strip);

/* Adds one name of law k; a name ending in a bracketed part ("Regeling X
 * (PPE)") also without it. The curated table's brackets qualify a name
 * ("Wpg (publieke gezondheid)") and are never part of it. */
static void add_name(struct builder *b, const char *s, size_t n, uint32_t k,
    unsigned char prio, bool curated)
{
	/* words written apart or as one in names of the same regulation
	 * ("Maatregel teboekgestelde luchtvaartuigen 1996" for "Maatregel te
	 * boek gestelde luchtvaartuigen 1996") */
	static const char *const variants[][2] = {
	    {"te boek gestelde", "teboekgestelde"}};
	add_name1(b, s, n, k, prio, curated, true);
	if (!curated && n > 2 && s[n - 1] == ')')
		add_name1(b, s, n, k, prio, curated, false);
	for (size_t v = 0; v < sizeof variants / sizeof *variants; v++)
		for (int d = 0; d < 2; d++) {
			const char *from = variants[v][d],
			           *to = variants[v][!d];
			size_t fl = strlen(from), tl = strlen(to);
			char buf[MAX_NAME_BYTES + 32];
			for (size_t o = 0; o + fl <= n; o++) {
				if (strncasecmp(s + o, from, fl) ||
				    n - fl + tl > MAX_NAME_BYTES)
					continue;
				memcpy(buf, s, o);
				memcpy(buf + o, to, tl);
				memcpy(buf + o + tl, s + o + fl, n - o - fl);
				add_name1(b, buf, n - fl + tl, k, prio, curated,
				    true);
				break;
			}
		}
}

static void add_name1(struct builder *b, const char *s, size_t n, uint32_t k,
    unsigned char prio, bool curated, bool strip)
{
	struct word w[MAX_NAME_WORDS];
	size_t nw = 0, p = 0, upper = 0;
	uint64_t h = ROOT_FOLD;
	unsigned flags = 0;
	/* trim; drop a trailing "(...)" qualifier and a leading article */
	while (n && (s[n - 1] == ' ' || s[n - 1] == '.'))
		n--;
	while (n && *s == ' ') {
		s++;
		n--;
	}
	if (strip && n > 2 && s[n - 1] == ')') {
		size_t o = n - 1;
		while (o > 0 && s[o] != '(')
			o--;
		if (o > 1 && s[o - 1] == ' ')
			n = o - 1;
	}
	if (n > 3 && (!strncasecmp(s, "de ", 3))) {
		s += 3;
		n -= 3;
	} else if (n > 4 && !strncasecmp(s, "het ", 4)) {
		s += 4;
		n -= 4;
	}
	/* a name in lower case ("wet milieubeheer", "uitvoeringsbesluit") is
	 * running text as often as a name: names start with a capital */
	if (n == 0 || n > MAX_NAME_BYTES || (s[0] >= 'a' && s[0] <= 'z'))
		return;
	/* words; a name with punctuation between its words is not one */
	while (p < n) {
		size_t q;
		if (nw == MAX_NAME_WORDS || !read_word(s, n, p, &w[nw]))
			return;
		upper += w[nw].upper;
		q = next_word(s, n, w[nw].end);
		nw++;
		if (q == (size_t)-1) {
			size_t e = w[nw - 1].end;
			while (e < n &&
			       (s[e] == '.' || s[e] == ' ' || s[e] == ')'))
				e++;
			if (e != n)
				return;
			break;
		}
		p = q;
	}
	if (!nw)
		return;
	if (generic_start(s + w[0].start, w[0].end - w[0].start, nw))
		return;
	/* "Wet van 12 mei 2016": a date formula, not a name */
	if (nw >= 3 && eq_word(s + w[1].start, w[1].end - w[1].start, "van") &&
	    s[w[2].start] >= '0' && s[w[2].start] <= '9')
		return;
	if (s[0] >= 'A' && s[0] <= 'Z')
		flags |= PRS_NAME_CAP;
	if (nw == 1 && !law_word(s, w[0].end)) {
		flags |= PRS_NAME_WEAK;
		if (w[0].nbytes >= 3 && (curated || upper >= 2))
			flags |= PRS_NAME_STRONG;
	}
	/* short one-word names: exact case only ("Aw" is not "AW") */
	if (nw == 1 && (flags & PRS_NAME_WEAK) && w[0].nbytes <= 5) {
		push(b, mix(ROOT_EXACT, w[0].hx), k, prio, (unsigned char)flags,
		    true);
		set_filter(b->L, s, n);
		return;
	}
	for (size_t q = 0; q < nw; q++) {
		h = mix(h, w[q].hf);
		push(b, h, k, prio, (unsigned char)flags, q + 1 == nw);
	}
	set_filter(b->L, s, n);
}

/* "Wet van 28 juni 2006 tot wijziging van ...": a law without a short
 * title is cited by the date of its official title, often with the first
 * words of that title after it. Both are names of the law: the date alone
 * (PRS_NAME_DATED, a guess when the table has one law of that date) and the
 * date with up to DATED_WORDS words of the title (the title confirms it). */
#define DATED_WORDS 6
static void add_dated(struct builder *b, const char *s, size_t n, uint32_t k)
{
	static const char *const months[] = {"januari", "februari", "maart",
	    "april", "mei", "juni", "juli", "augustus", "september", "oktober",
	    "november", "december"};
	struct word w;
	uint64_t h = ROOT_FOLD;
	size_t p = 0, nw = 0;
	bool month = false;
	if (n > MAX_NAME_BYTES)
		n = MAX_NAME_BYTES;
	if (!(n > 12 && (!strncmp(s, "Wet van ", 8) ||
	                    !strncmp(s, "Besluit van ", 12))))
		return;
	while (nw < 5 + DATED_WORDS && read_word(s, n, p, &w)) {
		const char *x = s + w.start;
		size_t wl = w.end - w.start;
		if (nw == 2 && !(wl <= 2 && x[0] >= '0' && x[0] <= '9'))
			return;
		if (nw == 3) {
			for (size_t q = 0; q < 12; q++)
				month |= eq_word(x, wl, months[q]);
			if (!month)
				return;
		}
		if (nw == 4 && !(wl == 4 && x[0] >= '1' && x[0] <= '2'))
			return;
		h = mix(h, w.hf);
		nw++;
		if (nw == 5) /* a name, and the start of the longer one */
			push(b, h, k, 0, PRS_NAME_CAP | PRS_NAME_DATED, true);
		push(b, h, k, 0, PRS_NAME_CAP, false);
		if ((p = next_word(s, n, w.end)) == (size_t)-1)
			break;
	}
	if (nw > 5) { /* the last word pushed ends the longer name */
		b->v[b->n - 1].term = true;
		b->v[b->n - 1].flags |= PRS_NAME_TITLED;
		set_filter(b->L, s, n);
	}
}

static size_t columns(
    const char *line, size_t n, const char **col, size_t *cl, size_t max)
{
	size_t c = 0, st = 0;
	for (size_t k = 0; k <= n && c < max; k++)
		if (k == n || line[k] == '\t') {
			col[c] = line + st;
			cl[c] = k - st;
			c++;
			st = k + 1;
		}
	return c;
}

/* Whether an official title reads as a short name, not a formula. */
static bool title_is_name(const char *t, size_t n)
{
	bool lawish = false;
	size_t p = 0;
	if (n == 0 || n > 90 || memchr(t, ',', n) || memchr(t, ';', n))
		return false;
	while (p < n) {
		size_t e = p;
		while (e < n && t[e] != ' ')
			e++;
		if (law_word(t + p, e - p) || eq_word(t + p, e - p, "wet") ||
		    eq_word(t + p, e - p, "besluit") ||
		    eq_word(t + p, e - p, "regeling") ||
		    eq_word(t + p, e - p, "verdrag") ||
		    eq_word(t + p, e - p, "reglement"))
			lawish = true;
		p = e + 1;
	}
	return lawish;
}

enum { FMT_NONE, FMT_REGS, FMT_CURATED };

static int read_table(
    struct builder *b, const char *text, size_t len, int *fmt_out)
{
	size_t p = 0;
	int fmt = FMT_NONE;
	while (p < len) {
		const char *line = text + p, *col[5];
		size_t n, cl[5], nc;
		const char *nl = memchr(line, '\n', len - p);
		n = nl ? (size_t)(nl - line) : len - p;
		p += n + 1;
		if (n && line[n - 1] == '\r')
			n--;
		nc = columns(line, n, col, cl, 5);
		if (fmt == FMT_NONE) {
			if (nc >= 5 && eq_word(col[0], cl[0], "bwb_id"))
				fmt = FMT_REGS;
			else if (nc >= 3 &&
			         eq_word(col[0], cl[0], "abbreviation_or_name"))
				fmt = FMT_CURATED;
			else
				return VP_EINVAL;
			continue;
		}
		if (fmt == FMT_REGS) {
			long k;
			const char *title;
			size_t tl;
			if (nc < 4 || !valid_id(col[0], cl[0]))
				continue;
			title = cl[2] ? col[2] : col[3];
			tl = cl[2] ? cl[2] : cl[3];
			if (!cl[2] && nc >= 5 && cl[4]) {
				/* the most frequent alias reads better than
				 * "Wet van 3 maart 1881, ..." */
				const char *bar = memchr(col[4], '|', cl[4]);
				if (!title_is_name(col[3], cl[3])) {
					title = col[4];
					tl = bar ? (size_t)(bar - col[4])
					         : cl[4];
				}
			}
			if (tl > 200)
				tl = 200;
			k = add_law(b->L, col[0], cl[0], title, tl,
			    kind_of_soort(col[1], cl[1]), false);
			if (k < 0)
				return VP_ENOMEM;
			if (cl[2])
				add_name(
				    b, col[2], cl[2], (uint32_t)k, 3, false);
			if (title_is_name(col[3], cl[3]))
				add_name(
				    b, col[3], cl[3], (uint32_t)k, 1, false);
			add_dated(b, col[3], cl[3], (uint32_t)k);
			if (nc >= 5) {
				const char *a = col[4], *e = col[4] + cl[4];
				while (a < e) {
					const char *bar =
					    memchr(a, '|', (size_t)(e - a));
					const char *z = bar ? bar : e;
					add_name(b, a, (size_t)(z - a),
					    (uint32_t)k, 2, false);
					a = z + 1;
				}
			}
		} else {
			long k;
			if (nc < 3 || !valid_id(col[2], cl[2]) || !cl[0])
				continue;
			k = add_law(b->L, col[2], cl[2],
			    cl[1] ? col[1] : col[0], cl[1] ? cl[1] : cl[0],
			    kind_of_title(cl[1] ? col[1] : col[0],
			        cl[1] ? cl[1] : cl[0], col[2]),
			    true);
			if (k < 0)
				return VP_ENOMEM;
			add_name(b, col[0], cl[0], (uint32_t)k, 4, true);
		}
		if (b->oom)
			return VP_ENOMEM;
	}
	*fmt_out = fmt;
	return fmt == FMT_NONE ? VP_EINVAL : VP_OK;
}

static int cmp_name(const void *a, const void *c)
{
	const struct name *x = a, *y = c;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->term != y->term)
		return x->term ? -1 : 1;
	if (x->prio != y->prio)
		return x->prio > y->prio ? -1 : 1;
	return x->law < y->law ? -1 : x->law > y->law;
}

static struct prs_slot *probe(const struct prs_laws *L, uint64_t key)
{
	size_t h = (size_t)(key ^ (key >> 31)) & L->mask;
	while (L->slots[h].key && L->slots[h].key != key)
		h = (h + 1) & L->mask;
	return &L->slots[h];
}

static int index_names(struct builder *b)
{
	struct prs_laws *L = b->L;
	size_t groups = 0, cap = 1;
	qsort(b->v, b->n, sizeof *b->v, cmp_name);
	for (size_t k = 0; k < b->n; k++)
		groups += !k || b->v[k].key != b->v[k - 1].key;
	while (cap < 2 * groups + 16)
		cap *= 2;
	if (!(L->slots = calloc(cap, sizeof *L->slots)) ||
	    !(L->cands = malloc((b->n + 1) * sizeof *L->cands)))
		return VP_ENOMEM;
	L->mask = cap - 1;
	for (size_t k = 0, e; k < b->n; k = e) {
		struct prs_slot *sl = probe(L, b->v[k].key);
		unsigned char top = b->v[k].prio;
		bool term = b->v[k].term, all_cap = true, all_weak = true;
		unsigned strong = 0;
		for (e = k; e < b->n && b->v[e].key == b->v[k].key; e++)
			;
		sl->key = b->v[k].key;
		for (size_t q = k; q < e; q++)
			if (!b->v[q].term)
				sl->flags |= SLOT_PREFIX;
		if (!term)
			continue;
		sl->flags |= SLOT_TERM;
		sl->cand = (uint32_t)L->n_cands;
		L->n_names++;
		for (size_t q = k; q < e && b->v[q].term; q++) {
			if (b->v[q].prio != top)
				continue;
			all_cap &= (b->v[q].flags & PRS_NAME_CAP) != 0;
			all_weak &= (b->v[q].flags & PRS_NAME_WEAK) != 0;
			strong |=
			    b->v[q].flags & (PRS_NAME_STRONG | PRS_NAME_DATED |
			                        PRS_NAME_TITLED);
			if (sl->n_cand &&
			    L->cands[L->n_cands - 1] == b->v[q].law)
				continue;
			if (sl->n_cand < UINT16_MAX) {
				L->cands[L->n_cands++] = b->v[q].law;
				sl->n_cand++;
			}
		}
		sl->flags |= (all_cap ? PRS_NAME_CAP : 0) |
		             (all_weak ? PRS_NAME_WEAK : 0) | strong;
	}
	return VP_OK;
}

int prs_laws_build(const char *const *texts, const size_t *lens, size_t n,
    struct prs_laws **out, char *err, size_t errcap)
{
	struct builder b = {0};
	int rv = VP_OK;
	*out = NULL;
	if (err && errcap)
		err[0] = 0;
	if (!(b.L = calloc(1, sizeof *b.L)))
		return VP_ENOMEM;
	for (size_t t = 0; t < n; t++) {
		int fmt;
		if (lens[t] > MAX_TABLE_BYTES) {
			rv = VP_ETOOLARGE;
			if (err)
				snprintf(err, errcap,
				    "law table %zu is larger "
				    "than 256 MiB",
				    t + 1);
			goto fail;
		}
		if ((rv = read_table(&b, texts[t], lens[t], &fmt)) != VP_OK) {
			if (err && rv == VP_EINVAL)
				snprintf(err, errcap,
				    "law table %zu: the first line is not a "
				    "known header (bwb_id<TAB>soort<TAB>"
				    "citeertitel<TAB>intitule<TAB>aliases, or "
				    "abbreviation_or_name<TAB>full_title<TAB>"
				    "BWB_id...)",
				    t + 1);
			goto fail;
		}
	}
	if (!b.L->n_laws || !b.n) {
		rv = VP_EINVAL;
		if (err)
			snprintf(
			    err, errcap, "the law table has no usable row");
		goto fail;
	}
	if ((rv = index_names(&b)) != VP_OK)
		goto fail;
	free(b.v);
	*out = b.L;
	return VP_OK;
fail:
	free(b.v);
	prs_laws_free(b.L);
	return rv;
}

int prs_laws_parse(const char *text, size_t len, struct prs_laws **out)
{
	return prs_laws_build(&text, &len, 1, out, NULL, 0);
}

void prs_laws_free(struct prs_laws *laws)
{
	if (!laws || laws->frozen)
		return;
	for (size_t k = 0; k < laws->n_blocks; k++)
		free(laws->blocks[k]);
	free(laws->blocks);
	free(laws->laws);
	free(laws->slots);
	free(laws->cands);
	free(laws->idmap);
	free(laws);
}

size_t prs_laws_count(const struct prs_laws *laws)
{
	return laws ? laws->n_laws : 0;
}

size_t prs_laws_names(const struct prs_laws *laws)
{
	return laws ? laws->n_names : 0;
}

const struct prs_law *prs_laws_get(const struct prs_laws *laws, uint32_t k)
{
	return laws && k < laws->n_laws ? &laws->laws[k] : NULL;
}

/* ---- matching ---- */

const uint64_t *prs_laws_filter(const struct prs_laws *laws)
{
	return laws->filter;
}

static void fill(const struct prs_laws *L, const struct prs_slot *sl,
    size_t end, struct prs_law_match *m)
{
	m->n_cands = sl->n_cand < PRS_MAX_CANDS ? sl->n_cand : PRS_MAX_CANDS;
	memcpy(m->cands, L->cands + sl->cand, m->n_cands * sizeof *m->cands);
	m->end = end;
	m->flags = sl->flags & 0xff;
	if (sl->flags & SLOT_PREFIX)
		m->flags |= PRS_NAME_LONGER;
}

static bool match(const struct prs_laws *laws, const char *s, size_t len,
    size_t i, struct prs_law_match *m, bool any_case)
{
	struct word w;
	uint64_t h = ROOT_FOLD;
	size_t p = i;
	bool found = false, cap;
	if (!laws || !laws->slots || i >= len || !read_word(s, len, i, &w))
		return false;
	cap = any_case || (w.upper > 0 && s[i] >= 'A' && s[i] <= 'Z');
	if (!cap && (unsigned char)s[i] == 0xC3)
		cap = (unsigned char)s[i + 1] < 0xA0;
	{
		const struct prs_slot *x = probe(laws, mix(ROOT_EXACT, w.hx));
		if (x->key && (x->flags & SLOT_TERM)) {
			fill(laws, x, w.end, m);
			found = true;
		}
	}
	for (size_t depth = 0; depth < MAX_NAME_WORDS; depth++) {
		const struct prs_slot *x;
		h = mix(h, w.hf);
		x = probe(laws, h);
		if (!x->key)
			break;
		/* names keep their capital ("Wet bodembescherming", not
		 * "wet bodembescherming") */
		if ((x->flags & SLOT_TERM) &&
		    (cap || !(x->flags & PRS_NAME_CAP))) {
			fill(laws, x, w.end, m);
			found = true;
		}
		if (!(x->flags & SLOT_PREFIX))
			break;
		if ((p = next_word(s, len, w.end)) == (size_t)-1 ||
		    !read_word(s, len, p, &w))
			break;
	}
	return found;
}

bool prs_laws_match(const struct prs_laws *laws, const char *s, size_t len,
    size_t i, struct prs_law_match *m)
{
	return match(laws, s, len, i, m, false);
}

bool prs_laws_match_any_case(const struct prs_laws *laws, const char *s,
    size_t len, size_t i, struct prs_law_match *m)
{
	return match(laws, s, len, i, m, true);
}

bool prs_laws_lookup(const struct prs_laws *laws, const char *name, size_t n,
    struct prs_law_match *m)
{
	return prs_laws_match(laws, name, n, 0, m) && m->end == n;
}
