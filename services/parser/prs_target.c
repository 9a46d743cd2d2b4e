/* prs_target.c - where an internal reference points, in the same document.
 *
 * prs_intref.c reads "de beantwoording op vraag 10", "bijlage 2",
 * "paragraaf 2.1", "voetnoot 3" as internal:<part>-<number>. This pass,
 * run once over a whole document's segments and citations, finds the part
 * itself: a segment that opens with its heading ("Vraag 10", "Antwoord op
 * vraag 10", "Bijlage 2", "Paragraaf 2.1", or a heading segment numbered
 * "2.1 Title"), or the footnote numbered 3. A reference that finds its part
 * gets the fields target_segment (the segment's index), target_start and
 * target_end (the heading's bytes in the original); a question also gets
 * answer_segment/answer_start/answer_end when its answer has a heading. A
 * reference that finds none says so (field target = none) with its
 * confidence lowered to at most 0.7: the part may be a separate document,
 * or the words may not be a reference at all. An occurrence that lies
 * inside a heading (the "Vraag 10" of the question itself, the "vraag 10" of
 * "Antwoord op vraag 10") is the part, not a reference to it, and is
 * dropped.
 *
 * Cost: one look at the start of every segment, a sort of the headings
 * found (at most a few per segment), and a binary search per internal
 * citation: O((segments + citations) log segments). */
#include "prs.h"
#include "vp_err.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NUM_MAX   16 /* "2.1.3": bytes of a part number */
#define LIST_MAX  50 /* numbers one heading may name ("2 t/m 7") */
#define NO_TARGET 0.7

struct heading {
	char part[12];       /* vraag, antwoord, bijlage, paragraaf, ... */
	char num[NUM_MAX];   /* "10", "2.1" */
	uint32_t seg;        /* the segment's index */
	uint64_t start, end; /* the heading's bytes in the original */
	bool whole;          /* the whole segment (a footnote), no heading */
};

struct hlist {
	struct heading *v;
	size_t n, cap;
};

static int h_add(struct hlist *l, const char *part, const char *num,
    size_t num_len, const struct vp_segment *seg, uint64_t start, uint64_t end)
{
	if (num_len == 0 || num_len >= NUM_MAX)
		return VP_OK;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct heading *v = realloc(l->v, cap * sizeof(*v));
		if (v == NULL)
			return VP_ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	struct heading *h = &l->v[l->n++];
	snprintf(h->part, sizeof(h->part), "%s", part);
	memcpy(h->num, num, num_len);
	h->num[num_len] = '\0';
	h->seg = seg->index;
	h->start = start;
	h->end = end;
	h->whole = false;
	return VP_OK;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A part number at s[i]: "10", "2.1", "2.1.3" (no leading zero, at most
 * three digits a level); its length or 0. */
static size_t number_at(const char *s, size_t len, size_t i)
{
	size_t j = i, d;
	for (;;) {
		for (d = 0; j + d < len && is_digit(s[j + d]) && d < 4; d++)
			;
		if (d == 0 || d > 3 || (j == i && s[j] == '0'))
			return j == i ? 0 : j - 1 - i;
		j += d;
		if (j + 1 < len && s[j] == '.' && is_digit(s[j + 1]))
			j++;
		else
			break;
	}
	/* "Vraag 3a", "bijlage 1.200,-": not a part number */
	if (j < len &&
	    (s[j] == ',' || ((s[j] | 0x20) >= 'a' && (s[j] | 0x20) <= 'z')))
		return 0;
	return j - i;
}

/* The word w (ASCII, lower case) at s[i], case-insensitive, followed by a
 * space; returns the index after the spaces, or 0. */
static size_t word_at(const char *s, size_t len, size_t i, const char *w)
{
	size_t n = strlen(w), j;
	if (i + n >= len || strncasecmp(s + i, w, n) != 0)
		return 0;
	for (j = i + n; j < len && (s[j] == ' ' || s[j] == '\t'); j++)
		;
	return j > i + n ? j : 0;
}

static size_t skip_ws(const char *s, size_t len, size_t i)
{
	while (i < len &&
	       (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

/* The numbers a heading names from s[i]: "2", "2 en 3", "2, 3 en 4",
 * "4 t/m 7"; each becomes a heading of part. Returns the end of the
 * list, or 0 when no number is there. */
static size_t numbers(struct hlist *l, const char *part, const char *s,
    size_t len, size_t i, const struct vp_segment *seg, uint64_t h_start,
    int *rv)
{
	size_t n = number_at(s, len, i), end = 0, named = 0;
	while (n > 0 && named < LIST_MAX) {
		size_t next = i + n, j;
		end = next;
		j = skip_ws(s, len, next);
		size_t k = 0;
		bool range = false;
		if (j < len && s[j] == ',')
			k = skip_ws(s, len, j + 1);
		else if ((k = word_at(s, len, j, "en")) == 0 &&
		         ((k = word_at(s, len, j, "t/m")) != 0 ||
		             (k = word_at(s, len, j, "tot en met")) != 0))
			range = true;
		size_t m = k ? number_at(s, len, k) : 0;
		if (range && m > 0 && memchr(s + i, '.', n) == NULL &&
		    memchr(s + k, '.', m) == NULL) {
			long a = strtol(s + i, NULL, 10),
			     b = strtol(s + k, NULL, 10);
			for (long x = a; x < b && x - a < LIST_MAX; x++) {
				char buf[NUM_MAX];
				int bl = snprintf(buf, sizeof(buf), "%ld", x);
				if ((*rv = h_add(l, part, buf, (size_t)bl, seg,
				         h_start, 0)) != VP_OK)
					return 0;
				named++;
			}
		} else if ((*rv = h_add(l, part, s + i, n, seg, h_start, 0)) !=
		           VP_OK) {
			return 0;
		}
		named++;
		if (m == 0)
			break;
		i = k;
		n = m;
	}
	return end;
}

/* The headings that open segment seg, added to l with their bytes. */
static int segment_headings(struct hlist *l, const struct vp_segment *seg)
{
	static const char *const words[] = {
	    "vraag", "bijlage", "paragraaf", "hoofdstuk", "onderdeel", "punt"};
	const char *s = seg->text;
	size_t len = strlen(s), i = skip_ws(s, len, 0), j, end = 0, first;
	int rv = VP_OK;
	uint64_t h_start = vp_segment_orig(seg, i);

	first = l->n;
	if (seg->kind != NULL && strcmp(seg->kind, "footnote") == 0 &&
	    seg->number > 0) {
		char buf[NUM_MAX];
		int n = snprintf(buf, sizeof(buf), "%u", (unsigned)seg->number);
		/* the target is the footnote; its marker is at ref_at */
		rv = h_add(l, "voetnoot", buf, (size_t)n, seg,
		    vp_segment_orig(seg, 0), vp_segment_orig_end(seg, len));
		if (rv == VP_OK && l->n > first)
			l->v[l->n - 1].whole = true;
		return rv;
	}
	/* "Antwoord op vraag 10", "Antwoord vraag 10", "Antwoord 10" */
	if ((j = word_at(s, len, i, "antwoord")) != 0) {
		size_t k;
		if ((k = word_at(s, len, j, "op")) != 0 ||
		    (k = word_at(s, len, j, "van")) != 0)
			j = k;
		if ((k = word_at(s, len, j, "vraag")) != 0 ||
		    (k = word_at(s, len, j, "vragen")) != 0)
			j = k;
		end = numbers(l, "antwoord", s, len, j, seg, h_start, &rv);
	} else if ((j = word_at(s, len, i, "vragen")) != 0) {
		end = numbers(l, "vraag", s, len, j, seg, h_start, &rv);
	} else {
		for (size_t w = 0; w < sizeof(words) / sizeof(words[0]) && !end;
		     w++)
			if ((j = word_at(s, len, i, words[w])) != 0)
				end = numbers(
				    l, words[w], s, len, j, seg, h_start, &rv);
		/* a numbered heading, "2.1 Gebruik van de gegevens": a
		 * paragraph (or, one level, also a chapter) */
		size_t n;
		if (!end && seg->kind != NULL &&
		    strcmp(seg->kind, "heading") == 0 &&
		    (n = number_at(s, len, i)) > 0) {
			size_t k = i + n;
			if (k < len && s[k] == '.')
				k++;
			if (k < len && (s[k] == ' ' || s[k] == '\t')) {
				if ((rv = h_add(l, "paragraaf", s + i, n, seg,
				         h_start, 0)) == VP_OK &&
				    memchr(s + i, '.', n) == NULL)
					rv = h_add(l, "hoofdstuk", s + i, n,
					    seg, h_start, 0);
				end = i + n;
			}
		}
	}
	if (rv != VP_OK || !end)
		return rv;
	/* every heading of this segment spans its words */
	uint64_t h_end = vp_segment_orig_end(seg, end);
	for (size_t k = first; k < l->n; k++)
		l->v[k].end = h_end;
	return VP_OK;
}

static int by_key(const void *a, const void *b)
{
	const struct heading *x = a, *y = b;
	int c = strcmp(x->part, y->part);
	if (c == 0)
		c = strcmp(x->num, y->num);
	if (c == 0)
		c = x->start < y->start ? -1 : x->start > y->start;
	return c;
}

static int by_start(const void *a, const void *b)
{
	const struct heading *x = *(const struct heading *const *)a,
	                     *y = *(const struct heading *const *)b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* The first heading (in document order) of part and number, or NULL. */
static const struct heading *find(
    const struct hlist *l, const char *part, const char *num)
{
	size_t lo = 0, hi = l->n;
	struct heading key = {0};
	snprintf(key.part, sizeof(key.part), "%s", part);
	snprintf(key.num, sizeof(key.num), "%s", num);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (by_key(&l->v[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < l->n && strcmp(l->v[lo].part, part) == 0 &&
	    strcmp(l->v[lo].num, num) == 0)
		return &l->v[lo];
	return NULL;
}

/* True when [start, end) lies inside some heading (by_start sorted). */
static bool in_heading(
    struct heading *const *s, size_t n, uint64_t start, uint64_t end)
{
	size_t lo = 0, hi = n;
	while (lo < hi) { /* the first heading starting after start */
		size_t mid = (lo + hi) / 2;
		if (s[mid]->start <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* headings of one segment share a start: look back over them */
	for (size_t k = lo; k-- > 0 && s[k]->start == s[lo - 1]->start;)
		if (end <= s[k]->end)
			return true;
	return false;
}

static int add_field(struct vp_citation *c, const char *key, const char *val)
{
	struct vp_kv *f = realloc(c->fields, (c->n_fields + 1) * sizeof(*f));
	if (f == NULL)
		return VP_ENOMEM;
	c->fields = f;
	f[c->n_fields].key = strdup(key);
	f[c->n_fields].val = strdup(val);
	if (f[c->n_fields].key == NULL || f[c->n_fields].val == NULL) {
		free(f[c->n_fields].key);
		free(f[c->n_fields].val);
		return VP_ENOMEM;
	}
	c->n_fields++;
	return VP_OK;
}

static int add_target(
    struct vp_citation *c, const char *prefix, const struct heading *h)
{
	char k[32], v[32];
	int rv;
	snprintf(k, sizeof(k), "%s_segment", prefix);
	snprintf(v, sizeof(v), "%u", (unsigned)h->seg);
	if ((rv = add_field(c, k, v)) != VP_OK)
		return rv;
	snprintf(k, sizeof(k), "%s_start", prefix);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)h->start);
	if ((rv = add_field(c, k, v)) != VP_OK)
		return rv;
	snprintf(k, sizeof(k), "%s_end", prefix);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)h->end);
	return add_field(c, k, v);
}

static int no_target(struct vp_citation *c, const char *part, const char *num)
{
	char why[160];
	int rv = add_field(c, "target", "none");
	if (rv != VP_OK)
		return rv;
	snprintf(why, sizeof(why), "%s%sno %s %s found in this document",
	    c->reason ? c->reason : "", c->reason ? "; " : "", part, num);
	char *r = strdup(why);
	if (r == NULL)
		return VP_ENOMEM;
	free(c->reason);
	c->reason = r;
	if (c->confidence > NO_TARGET)
		c->confidence = NO_TARGET;
	return VP_OK;
}

int prs_link_targets(const struct vp_segment *segs, size_t n_segs,
    struct vp_citation *cits, size_t *n_cits)
{
	struct hlist l = {0};
	struct heading **order = NULL;
	size_t n = *n_cits, kept = 0, k;
	int rv = VP_OK;

	for (k = 0; k < n; k++)
		if (cits[k].family && strcmp(cits[k].family, "internal") == 0)
			break;
	if (k == n)
		return VP_OK; /* nothing to link */
	for (k = 0; k < n_segs && rv == VP_OK; k++)
		if (segs[k].text != NULL)
			rv = segment_headings(&l, &segs[k]);
	if (rv == VP_OK && l.n > 0 &&
	    (order = malloc(l.n * sizeof(*order))) == NULL)
		rv = VP_ENOMEM;
	if (rv != VP_OK) {
		free(l.v);
		return rv;
	}
	size_t n_order = 0;
	if (l.n > 0) { /* qsort wants an array, even of none */
		qsort(l.v, l.n, sizeof(*l.v), by_key);
		for (k = 0; k < l.n; k++) /* references in a footnote stay */
			if (!l.v[k].whole)
				order[n_order++] = &l.v[k];
		if (n_order > 0)
			qsort(order, n_order, sizeof(*order), by_start);
	}

	for (k = 0; k < n; k++) {
		struct vp_citation *c = &cits[k];
		const char *part = vp_citation_field(c, "part"),
		           *num = vp_citation_field(c, "number");
		if (rv != VP_OK || c->family == NULL ||
		    strcmp(c->family, "internal") != 0 || part == NULL ||
		    num == NULL || c->n_spans == 0) {
			cits[kept++] = *c;
			continue;
		}
		if (in_heading(
		        order, n_order, c->spans[0].start, c->spans[0].end)) {
			vp_obj_clear(
			    &vp_desc_citation, c); /* the part itself */
			continue;
		}
		const struct heading *t = find(&l, part, num);
		const struct heading *a = strcmp(part, "vraag") == 0
		                              ? find(&l, "antwoord", num)
		                              : NULL;
		if (t == NULL &&
		    a != NULL) { /* only the answer has a heading */
			t = a;
			a = NULL;
		}
		if (t != NULL) {
			rv = add_target(c, "target", t);
			if (rv == VP_OK && a != NULL)
				rv = add_target(c, "answer", a);
		} else {
			rv = no_target(c, part, num);
		}
		cits[kept++] = *c;
	}
	*n_cits = kept;
	free(order);
	free(l.v);
	return rv;
}
