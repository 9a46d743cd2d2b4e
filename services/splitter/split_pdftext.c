/* split_pdftext.c - the reader for text extracted from PDF (pdftotext, copy
 * from a viewer, split_pdf.c): hard line breaks inside sentences joined,
 * hyphenation at line ends repaired (keeping compound hyphens), running
 * headers, footers and page numbers marked as furniture, footnotes at page
 * bottoms linked to their markers, bullets as list items. Pages are
 * separated by form feeds; everything maps onto the original bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "split_int.h"

#define EDGE     2   /* lines at the top and bottom that may be furniture */
#define MAX_NOTE 999 /* footnote numbers at page bottoms */
#define HEAD_MAX 60  /* a heading is a short line */
#define PULL_MAX 200 /* a pull quote is one line */

enum { L_BLANK = 1, L_FURN = 2, L_NOTE = 4, L_NOTECONT = 8, L_BULLET = 16 };

struct line {
	size_t s, e;   /* content, trimmed */
	size_t raw_e;  /* before the line feed */
	uint32_t page; /* 0-based */
	uint32_t note; /* L_NOTE: its number */
	uint8_t flags;
};

struct mark {
	size_t at, n; /* digits of a footnote marker in the body */
	uint32_t number, seg1;
};

struct pdft {
	struct split_ctx *ctx;
	struct line *lines;
	size_t n_lines;
	struct mark *marks;
	size_t n_marks, cap_marks;
	uint32_t n_pages;
};

static int is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int lower(const uint8_t *d, size_t p, size_t e)
{
	if (p >= e)
		return 0;
	if (d[p] >= 'a' && d[p] <= 'z')
		return 1;
	/* Latin-1 supplement lower case letters: U+00DF..U+00FF */
	return d[p] == 0xC3 && p + 1 < e && d[p + 1] >= 0x9F;
}

static int upper_or_digit(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int vowel(uint8_t c)
{
	c |= 0x20;
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' ||
	       c == 'y';
}

static int split_lines(struct pdft *t, size_t from)
{
	const uint8_t *d = t->ctx->doc;
	size_t len = t->ctx->len, p = from, n = 0, cap = 0;
	uint32_t page = 0;
	while (p <= len) {
		const uint8_t *nl =
		    p < len ? memchr(d + p, '\n', len - p) : NULL;
		size_t le = nl ? (size_t)(nl - d) : len, s = p, e = le;
		struct line *l;
		if (p == len && p > from)
			break;
		if (n == cap) {
			size_t ncap = cap ? 2 * cap : 1024;
			struct line *nlines;
			if (n >= SPLIT_MAX_SEGMENTS * 4)
				return split_fail(t->ctx, VP_ETOOLARGE,
				    "more than %zu lines",
				    SPLIT_MAX_SEGMENTS * 4);
			nlines = realloc(t->lines, ncap * sizeof(*nlines));
			if (nlines == NULL)
				return split_fail(
				    t->ctx, VP_ENOMEM, "out of memory");
			t->lines = nlines;
			cap = ncap;
		}
		for (size_t k = s; k < e; k++)
			if (d[k] == '\f')
				page++;
		while (s < e && (is_space(d[s]) || d[s] == 0xC2) &&
		       !(d[s] == 0xC2 && (s + 1 >= e || d[s + 1] != 0xA0)))
			s += d[s] == 0xC2 ? 2 : 1;
		while (e > s && is_space(d[e - 1]))
			e--;
		l = &t->lines[n++];
		l->s = s;
		l->e = e;
		l->raw_e = le;
		l->page = page;
		l->note = 0;
		l->flags = s == e ? L_BLANK : 0;
		if (e - s >= 2 &&
		    ((d[s] == '-' || d[s] == '*') && d[s + 1] == ' '))
			l->flags |= L_BULLET;
		if (e - s >= 4 && d[s] == 0xE2 && d[s + 1] == 0x80 &&
		    (d[s + 2] == 0xA2 || d[s + 2] == 0x93) &&
		    is_space(d[s + 3]))
			l->flags |= L_BULLET; /* bullet, en dash */
		p = le + 1;
	}
	t->n_lines = n;
	t->n_pages = page + 1;
	return VP_OK;
}

/* The line with digit runs folded, so "Pagina 3" and "Pagina 4" agree. */
static uint64_t line_key(const uint8_t *d, size_t s, size_t e)
{
	uint64_t h = 1469598103934665603ull;
	int digit = 0;
	for (size_t k = s; k < e; k++) {
		uint8_t c = d[k];
		if (c >= '0' && c <= '9') {
			if (digit)
				continue;
			digit = 1;
			c = '#';
		} else
			digit = 0;
		h = (h ^ c) * 1099511628211ull;
	}
	return h | 1;
}

/* A bare page number: "3", "- 3 -", "3/12", "3 van 12", "Pagina 3 van 12",
 * "Page 3 of 12". */
static int page_number(const uint8_t *d, size_t s, size_t e)
{
	size_t p = s, digits = 0;
	if (e - s > 40)
		return 0;
	if (e - s > 7 && (memcmp(d + s, "Pagina ", 7) == 0 ||
	                     memcmp(d + s, "pagina ", 7) == 0))
		p += 7;
	else if (e - s > 5 && memcmp(d + s, "Page ", 5) == 0)
		p += 5;
	for (; p < e; p++) {
		uint8_t c = d[p];
		if (c >= '0' && c <= '9')
			digits++;
		else if (!(c == ' ' || c == '-' || c == '/' || c == '(' ||
		             c == ')' ||
		             (c == 'v' && e - p >= 3 &&
		                 memcmp(d + p, "van", 3) == 0) ||
		             c == 'a' || c == 'n' ||
		             (c == 'o' && p + 1 < e && d[p + 1] == 'f') ||
		             c == 'f'))
			return 0;
	}
	return digits > 0 && digits <= 8;
}

/* Furniture: a line among the first or last EDGE lines of a page that
 * recurs (digits aside) at the edge of another page, or a page number. */
static int mark_furniture(struct pdft *t)
{
	const uint8_t *d = t->ctx->doc;
	size_t cap = 64, i = 0;
	struct slot {
		uint64_t key;
		uint32_t pages, last;
	} * tab;
	while (cap < 8 * (size_t)t->n_pages * EDGE)
		cap *= 2;
	if ((tab = calloc(cap, sizeof(*tab))) == NULL)
		return split_fail(t->ctx, VP_ENOMEM, "out of memory");
	for (int pass = 0; pass < 2; pass++) {
		for (i = 0; i < t->n_lines;) {
			size_t j = i, first[EDGE] = {0}, last[EDGE] = {0},
			       nf = 0, nl = 0;
			uint32_t page = t->lines[i].page;
			while (j < t->n_lines && t->lines[j].page == page)
				j++;
			for (size_t k = i; k < j && nf < EDGE; k++)
				if (!(t->lines[k].flags & L_BLANK))
					first[nf++] = k;
			for (size_t k = j; k > i && nl < EDGE; k--)
				if (!(t->lines[k - 1].flags & L_BLANK))
					last[nl++] = k - 1;
			for (size_t c = 0; c < nf + nl; c++) {
				struct line *l =
				    &t->lines[c < nf ? first[c] : last[c - nf]];
				uint64_t key = line_key(d, l->s, l->e);
				size_t h = (size_t)(key >> 7) & (cap - 1);
				while (tab[h].key != 0 && tab[h].key != key)
					h = (h + 1) & (cap - 1);
				if (pass == 0) {
					if (tab[h].key == 0 ||
					    tab[h].last != page + 1) {
						tab[h].key = key;
						tab[h].pages++;
						tab[h].last = page + 1;
					}
				} else if ((t->n_pages > 1 &&
				               tab[h].pages >= 2 &&
				               l->e - l->s <= 200) ||
				           (t->n_pages > 1 &&
				               page_number(d, l->s, l->e)))
					l->flags |= L_FURN;
			}
			i = j;
		}
	}
	free(tab);
	return VP_OK;
}

/* "N text" at the start of a line: N (1-3 digits), then a space. */
static uint32_t note_start(const uint8_t *d, const struct line *l)
{
	size_t p = l->s;
	uint32_t v = 0;
	while (p < l->e && p - l->s < 3 && d[p] >= '0' && d[p] <= '9')
		v = v * 10 + (uint32_t)(d[p++] - '0');
	if (p == l->s || p >= l->e || !is_space(d[p]) || p + 1 >= l->e)
		return 0;
	return v;
}

/* A footnote marker is a maximal run of digits (no leading zero, at most
 * three: notes stop at MAX_NOTE) glued to the word before it ("wet3",
 * "gebruikt.3") and followed by the end of the line, a space or
 * punctuation. Each line is read once, left to right; the last marker of
 * every number seen so far on the page is kept in a table stamped with the
 * page, so the marker of a candidate note costs one look-up, not a rescan of
 * the page above it. */
struct seen {
	size_t at;
	uint32_t stamp; /* page + 1 when at is valid for that page */
	uint8_t n;
};

static void note_markers(
    const uint8_t *d, const struct line *l, struct seen *tab, uint32_t stamp)
{
	if (l->flags & (L_BLANK | L_FURN | L_NOTE | L_NOTECONT))
		return;
	for (size_t p = l->s + 1; p < l->e;) {
		size_t at = p, nl;
		uint32_t v = 0;
		uint8_t b;
		if (!(d[p] >= '0' && d[p] <= '9')) {
			p++;
			continue;
		}
		while (p < l->e && d[p] >= '0' && d[p] <= '9')
			p++;
		nl = p - at;
		b = d[at - 1];
		if (nl > 3 || d[at] == '0')
			continue;
		if (p < l->e &&
		    !(is_space(d[p]) || d[p] == ',' || d[p] == '.' ||
		        d[p] == ';' || d[p] == ':' || d[p] == ')'))
			continue;
		if (!((b | 0x20) >= 'a' && (b | 0x20) <= 'z') && b < 0x80 &&
		    b != '.' && b != ',' && b != ')' && b != ';' && b != ':' &&
		    b != '"' && b != '\'')
			continue;
		if (b == '.' && p < l->e && !is_space(d[p]))
			continue;
		for (size_t k = at; k < p; k++)
			v = v * 10 + (uint32_t)(d[k] - '0');
		tab[v].at = at;
		tab[v].n = (uint8_t)nl;
		tab[v].stamp = stamp;
	}
}

/* The last marker of note n above the candidate, from the table. */
static int find_marker(
    const struct seen *tab, uint32_t stamp, uint32_t n, struct mark *m)
{
	if (n > MAX_NOTE || tab[n].stamp != stamp)
		return 0;
	m->at = tab[n].at;
	m->n = tab[n].n;
	m->number = n;
	m->seg1 = 0;
	return 1;
}

static int add_mark(struct pdft *t, const struct mark *m)
{
	size_t k;
	if (t->n_marks == t->cap_marks) {
		size_t ncap = t->cap_marks ? 2 * t->cap_marks : 32;
		struct mark *nm = realloc(t->marks, ncap * sizeof(*nm));
		if (nm == NULL)
			return split_fail(t->ctx, VP_ENOMEM, "out of memory");
		t->marks = nm;
		t->cap_marks = ncap;
	}
	/* kept in order of position */
	for (k = t->n_marks; k > 0 && t->marks[k - 1].at > m->at; k--)
		t->marks[k] = t->marks[k - 1];
	t->marks[k] = *m;
	t->n_marks++;
	return VP_OK;
}

/* Footnotes at the bottom of each page: from the topmost line that starts
 * with the next expected number to the end of the page, every numbered
 * line continuing the sequence, and each number's marker found above.
 * Linear in the page: the markers above a candidate come from the table of
 * note_markers, and the chain of numbers after it (next + 1, next + 2 ...,
 * at most CHAIN notes) from lists of the lines that start with each of those
 * numbers, walked with one cursor per number that only moves forward (the
 * chain of a later candidate never starts earlier). */
#define CHAIN 16

static int mark_notes(struct pdft *t)
{
	const uint8_t *d = t->ctx->doc;
	uint32_t next = 1;
	struct seen *tab = calloc(MAX_NOTE + 1, sizeof(*tab));
	size_t *pos = malloc((t->n_lines + 1) * sizeof(*pos));
	if (tab == NULL || pos == NULL) {
		free(tab);
		free(pos);
		return split_fail(t->ctx, VP_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < t->n_lines;) {
		size_t j = i, first[CHAIN + 2], cur[CHAIN + 1];
		uint32_t page = t->lines[i].page, stamp = page + 1;
		while (j < t->n_lines && t->lines[j].page == page)
			j++;
		/* pos[first[o], first[o + 1]): the lines of the page that start
		 * with next + o (o = 1 .. CHAIN), in order */
		memset(first, 0, sizeof(first));
		for (size_t q = i; q < j; q++) {
			uint32_t v;
			if (t->lines[q].flags & (L_BLANK | L_FURN))
				continue;
			v = note_start(d, &t->lines[q]);
			if (v > next && v - next <= CHAIN)
				first[v - next + 1]++;
		}
		first[1] = 0;
		for (size_t o = 1; o <= CHAIN; o++)
			first[o + 1] += first[o];
		for (size_t o = 1; o <= CHAIN; o++)
			cur[o] = first[o];
		for (size_t q = i; q < j; q++) {
			uint32_t v;
			if (t->lines[q].flags & (L_BLANK | L_FURN))
				continue;
			v = note_start(d, &t->lines[q]);
			if (v > next && v - next <= CHAIN)
				pos[cur[v - next]++] = q;
		}
		for (size_t o = 1; o <= CHAIN; o++)
			cur[o] = first[o];
		for (size_t k = i; k < j && next <= MAX_NOTE; k++) {
			struct line *l = &t->lines[k];
			uint32_t num = next;
			struct mark ms[CHAIN];
			size_t nm = 0, at = k;
			int ok = 1;
			if (l->flags & (L_BLANK | L_FURN) ||
			    note_start(d, l) != next) {
				note_markers(d, l, tab, stamp);
				continue;
			}
			ok = find_marker(tab, stamp, next, &ms[nm++]);
			for (size_t o = 1; ok && o <= CHAIN; o++) {
				while (
				    cur[o] < first[o + 1] && pos[cur[o]] <= at)
					cur[o]++;
				if (cur[o] == first[o + 1])
					break; /* the chain ends */
				at = pos[cur[o]];
				if (nm == CHAIN ||
				    !find_marker(tab, stamp, next + (uint32_t)o,
				        &ms[nm++]))
					ok = 0;
			}
			if (!ok) {
				note_markers(d, l, tab, stamp);
				continue;
			}
			for (size_t q = k; q < j; q++) {
				struct line *m = &t->lines[q];
				uint32_t v;
				if (m->flags & (L_BLANK | L_FURN))
					continue;
				v = note_start(d, m);
				if (q == k || v == num + 1) {
					num = q == k ? num : v;
					m->flags |= L_NOTE;
					m->note = num;
				} else
					m->flags |= L_NOTECONT;
			}
			for (size_t q = 0; q < nm; q++) {
				int rv = add_mark(t, &ms[q]);
				if (rv != VP_OK) {
					free(tab);
					free(pos);
					return rv;
				}
			}
			next = num + 1;
			break;
		}
		i = j;
	}
	free(tab);
	free(pos);
	return VP_OK;
}

/* The first marker at or after offset s (markers are in order). */
static size_t first_mark(const struct pdft *t, size_t s)
{
	size_t lo = 0, hi = t->n_marks;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (t->marks[mid].at < s)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The markers in doc[s, e) belong to segment idx1 (index + 1). */
static void link_marks(struct pdft *t, size_t s, size_t e, uint32_t idx1)
{
	for (size_t q = first_mark(t, s); q < t->n_marks && t->marks[q].at < e;
	     q++)
		t->marks[q].seg1 = idx1;
}

/* Appends the line doc[s, e) without its footnote markers. */
static int scan_line(struct pdft *t, struct split_buf *b, size_t s, size_t e,
    uint32_t seg_pending)
{
	size_t lo;
	int rv;
	(void)seg_pending;
	for (lo = first_mark(t, s); lo < t->n_marks && t->marks[lo].at < e;
	     lo++) {
		const struct mark *m = &t->marks[lo];
		if ((rv = split_buf_scan(t->ctx, b, s, m->at)) != VP_OK)
			return rv;
		s = m->at + m->n;
	}
	return split_buf_scan(t->ctx, b, s, e);
}

/* How line a ends before line b: 0 = a space, 1 = joined (hyphen
 * removed), 2 = joined keeping the hyphen. */
static int join(const uint8_t *d, const struct line *a, const struct line *b)
{
	size_t e = a->e;
	if (e - a->s < 2 || d[e - 1] != '-')
		return 0;
	if (a->raw_e > e && is_space(d[e]))
		return 0; /* "in- " + "en uitvoer": a dangling space */
	if (!(d[e - 2] >= 'a' && d[e - 2] <= 'z') && d[e - 2] < 0x80)
		return upper_or_digit(d[b->s]) ? 2 : 0;
	if (upper_or_digit(d[b->s]))
		return 2; /* Noord-Holland, COVID-19 */
	if (!lower(d, b->s, b->e))
		return 0;
	if (b->e - b->s >= 3 && (memcmp(d + b->s, "en ", 3) == 0 ||
	                            memcmp(d + b->s, "of ", 3) == 0))
		return 0;
	/* Dutch writes a hyphen where two vowels would merge (data-analyse,
	 * zee-egel): such a hyphen is part of the word */
	if (vowel(d[e - 2]) && vowel(d[b->s]))
		return 2;
	return 1;
}

static const char *para_kind(
    const struct split_buf *b, int one_line, int bullet)
{
	const char *k = split_classify(b->text, b->n);
	uint8_t last;
	if (strcmp(k, "paragraph") != 0)
		return k;
	if (bullet)
		return "list_item";
	if (!one_line || b->n == 0 || b->n > PULL_MAX)
		return k;
	last = b->text[b->n - 1];
	if (last == '.' || last == ',' || last == ';' || last == ':' ||
	    last == '!' || last == '?' || last == '"' || last == ')')
		return k;
	/* a line of its own too long for a heading and not a sentence: a
	 * pull quote, which repeats the running text in magazine layouts */
	if (b->n > HEAD_MAX)
		return "furniture";
	if (!((b->text[0] >= 'A' && b->text[0] <= 'Z') || b->text[0] >= 0xC3))
		return k;
	return "heading";
}

/* Builds one segment from the lines idx[0, n). */
static int build(struct pdft *t, const size_t *idx, size_t n, const char *kind,
    uint32_t number, uint32_t *index1)
{
	const uint8_t *d = t->ctx->doc;
	struct split_buf *b = &t->ctx->para;
	size_t start = t->lines[idx[0]].s, end = t->lines[idx[n - 1]].e;
	int bullet = (t->lines[idx[0]].flags & L_BULLET) != 0, rv;
	if ((rv = split_buf_begin(t->ctx, b, end - start)) != VP_OK)
		return rv;
	for (size_t k = 0; k < n; k++) {
		const struct line *l = &t->lines[idx[k]];
		size_t s = l->s, e = l->e;
		int j = k + 1 < n ? join(d, l, &t->lines[idx[k + 1]]) : 0;
		if (k == 0 && bullet) {
			s += d[s] < 0x80 ? 1 : 3; /* the bullet */
		}
		if (k == 0 && number != 0) {
			while (s < e && d[s] >= '0' && d[s] <= '9')
				s++; /* the note's number */
		}
		if (j == 1)
			e--;
		if ((rv = scan_line(t, b, s, e, 0)) != VP_OK)
			return rv;
		if (j == 0 && k + 1 < n &&
		    (rv = split_buf_space(t->ctx, b,
		         l->e < l->raw_e ? l->e : l->raw_e)) != VP_OK)
			return rv;
	}
	split_buf_trim(b);
	if (kind == NULL)
		kind = para_kind(b, n == 1, bullet);
	return split_emit(t->ctx, b, kind, number, start, end, 0, 0, index1);
}

static int ends_sentence(const uint8_t *d, const struct line *l)
{
	uint8_t c = d[l->e - 1];
	return c == '.' || c == '!' || c == '?' || c == ':';
}

static int read_lines(struct pdft *t)
{
	const uint8_t *d = t->ctx->doc;
	size_t *para = NULL, np = 0, *note = NULL, nn = 0;
	size_t last_body = SIZE_MAX;
	uint32_t note_no = 0, idx1;
	int rv = VP_OK, gap = 0;
	para = malloc((t->n_lines + 1) * sizeof(*para));
	note = malloc((t->n_lines + 1) * sizeof(*note));
	if (para == NULL || note == NULL) {
		rv = split_fail(t->ctx, VP_ENOMEM, "out of memory");
		goto out;
	}
#define FLUSH_PARA()                                                           \
	do {                                                                   \
		if (np > 0) {                                                  \
			if ((rv = build(t, para, np, NULL, 0, &idx1)))         \
				goto out;                                      \
			link_marks(t, t->lines[para[0]].s,                     \
			    t->lines[para[np - 1]].e, idx1);                   \
			np = 0;                                                \
		}                                                              \
	} while (0)
#define FLUSH_NOTE()                                                           \
	do {                                                                   \
		if (nn > 0) {                                                  \
			if ((rv = build(                                       \
			         t, note, nn, "footnote", note_no, &idx1)))    \
				goto out;                                      \
			nn = 0;                                                \
		}                                                              \
	} while (0)
	for (size_t i = 0; i < t->n_lines; i++) {
		struct line *l = &t->lines[i];
		if (l->flags & L_BLANK) {
			gap = 1; /* decided by the next body line */
			continue;
		}
		if (l->flags & L_FURN) {
			size_t one = i;
			if ((rv = build(t, &one, 1, "furniture", 0, &idx1)))
				goto out;
			continue;
		}
		if (l->flags & (L_NOTE | L_NOTECONT)) {
			if (l->flags & L_NOTE) {
				FLUSH_NOTE();
				note_no = l->note;
			}
			note[nn++] = i;
			continue;
		}
		FLUSH_NOTE();
		/* a paragraph runs on across a page break (and the notes,
		 * furniture and blank lines around it) only mid-sentence */
		if (np > 0 && last_body != SIZE_MAX &&
		    t->lines[last_body].page != l->page) {
			if (ends_sentence(d, &t->lines[last_body]) ||
			    !lower(d, l->s, l->e))
				FLUSH_PARA();
		} else if (gap)
			FLUSH_PARA();
		gap = 0;
		if (l->flags & L_BULLET)
			FLUSH_PARA();
		para[np++] = i;
		last_body = i;
	}
	FLUSH_PARA();
	FLUSH_NOTE();
#undef FLUSH_PARA
#undef FLUSH_NOTE
out:
	free(para);
	free(note);
	return rv;
}

/* Links each footnote to the marker of its number. Each number has at
 * most one marker (mark_notes takes the numbers in rising order), so a
 * table by number finds it. */
static int link_notes(struct pdft *t)
{
	size_t *of = malloc((MAX_NOTE + 1) * sizeof(*of));
	if (of == NULL)
		return split_fail(t->ctx, VP_ENOMEM, "out of memory");
	for (size_t n = 0; n <= MAX_NOTE; n++)
		of[n] = SIZE_MAX;
	for (size_t k = 0; k < t->n_marks; k++)
		if (t->marks[k].number <= MAX_NOTE)
			of[t->marks[k].number] = k;
	for (size_t i = 0; i < t->ctx->n_segs; i++) {
		struct vp_segment *s = &t->ctx->segs[i];
		const struct mark *m;
		if (strcmp(s->kind, "footnote") != 0 || s->number > MAX_NOTE ||
		    of[s->number] == SIZE_MAX)
			continue;
		m = &t->marks[of[s->number]];
		if (m->at < s->start && m->seg1 != 0) {
			s->ref_segment = m->seg1;
			s->ref_at = m->at;
		}
	}
	free(of);
	return VP_OK;
}

int split_pdftext(struct split_ctx *ctx, size_t from)
{
	struct pdft t;
	int rv;
	memset(&t, 0, sizeof(t));
	t.ctx = ctx;
	if ((rv = split_lines(&t, from)) == VP_OK &&
	    (rv = mark_furniture(&t)) == VP_OK &&
	    (rv = mark_notes(&t)) == VP_OK && (rv = read_lines(&t)) == VP_OK &&
	    (rv = link_notes(&t)) == VP_OK)
		rv = split_finish(ctx);
	free(t.lines);
	free(t.marks);
	return rv;
}
