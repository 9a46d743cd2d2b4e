/* split_check.c - split_segments_check: the invariants every split must
 * satisfy, read through vp_segment_orig() exactly as consumers read them.
 * Used by the unit, property and fuzz tests. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "split_int.h"

static int bad(char *errbuf, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int bad(char *errbuf, size_t errlen, const char *fmt, ...)
{
	if (errbuf != NULL && errlen > 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(errbuf, errlen, fmt, ap);
		va_end(ap);
	}
	return VP_EINTERNAL;
}

static int known_kind(const char *k)
{
	static const char *const kinds[] = {"paragraph", "heading", "footnote",
	    "furniture", "list_item", "table_cell", "link"};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++)
		if (strcmp(k, kinds[i]) == 0)
			return 1;
	return 0;
}

/* A marker of footnote n at doc[at]: "[footnoteRef:N]", the digits of N
 * (HTML, PDF text) or a Word reference element (DOCX). */
static int is_marker(const uint8_t *doc, size_t len, uint64_t at, uint32_t n)
{
	static const char lit[] = "[footnoteRef:";
	static const char fref[] = "<w:footnoteReference";
	static const char eref[] = "<w:endnoteReference";
	size_t p, d0;
	uint32_t v = 0;
	if (at >= len)
		return 0;
	if (len - at >= sizeof(fref) - 1 &&
	    (memcmp(doc + at, fref, sizeof(fref) - 1) == 0 ||
	        memcmp(doc + at, eref, sizeof(eref) - 1) == 0))
		return 1;
	p = (size_t)at;
	if (len - at >= sizeof(lit) - 1 &&
	    memcmp(doc + at, lit, sizeof(lit) - 1) == 0)
		p += sizeof(lit) - 1;
	for (d0 = p; p < len && p - d0 < 9 && doc[p] >= '0' && doc[p] <= '9';
	     p++)
		v = v * 10 + (uint32_t)(doc[p] - '0');
	if (p == d0 || v != n)
		return 0;
	return d0 == at || (p < len && doc[p] == ']');
}

/* Inside a character reference ("&name;", "&#246;", "&#246") that starts at
 * most 12 bytes back. */
static int in_reference(const uint8_t *doc, size_t len, uint64_t o)
{
	size_t k;
	for (k = 0; k <= 12 && k <= o; k++) {
		uint8_t c = doc[o - k];
		if (c == '&')
			break;
		if (c == ';' && k > 0)
			return 0;
		if (c == '<' || c == '>' || c <= ' ')
			return 0;
	}
	if (k > 12 || k > o || doc[o - k] != '&')
		return 0;
	if (o - k + 1 < len && doc[o - k + 1] == '#')
		return 1; /* HTML decodes "&#246" without its ';' */
	for (size_t j = (size_t)o; j < len && j - (o - k) < 40; j++)
		if (doc[j] == ';')
			return 1;
	return 0;
}

int split_segments_check(const uint8_t *doc, size_t len,
    const struct vp_segment *segs, size_t n, char *errbuf, size_t errlen)
{
	return split_segments_check_format(
	    doc, len, "text", 1, segs, n, errbuf, errlen);
}

int split_segments_check_format(const uint8_t *doc, size_t len,
    const char *format, int strict, const struct vp_segment *segs, size_t n,
    char *errbuf, size_t errlen)
{
	int markup = format != NULL && (strcmp(format, "html") == 0 ||
	                                   strcmp(format, "docx") == 0 ||
	                                   strstr(format, "xml") != NULL);
	/* text that is not UTF-8 was read as Windows-1252 (the XML readers
	 * too read the converted text with exact offsets) */
	int xml = format != NULL && strstr(format, "xml") != NULL;
	int latin =
	    (!markup || xml) && split_utf8_check(doc, len, NULL) != VP_OK;
	int multi = markup || latin;

	for (size_t i = 0; i < n; i++) {
		const struct vp_segment *s = &segs[i];
		size_t tl;
		uint64_t prev = 0;
		if (s->index != i)
			return bad(errbuf, errlen, "segment %zu: index %u", i,
			    s->index);
		if (s->kind == NULL || !known_kind(s->kind) || s->text == NULL)
			return bad(errbuf, errlen, "segment %zu: kind/text", i);
		if (s->start > s->end || s->end > len)
			return bad(errbuf, errlen,
			    "segment %zu: range [%llu,%llu) outside %zu", i,
			    (unsigned long long)s->start,
			    (unsigned long long)s->end, len);
		if (i > 0 && s->start < segs[i - 1].start)
			return bad(
			    errbuf, errlen, "segment %zu: out of order", i);
		tl = strlen(s->text);
		if (s->n_map % 2 != 0 || (s->n_map > 0 && s->map[0] != 0))
			return bad(errbuf, errlen, "segment %zu: map shape", i);
		for (size_t k = 2; k < s->n_map; k += 2)
			if (s->map[k] <= s->map[k - 2] || s->map[k] >= tl ||
			    (multi ? s->map[k + 1] < s->map[k - 1]
			           : s->map[k + 1] <= s->map[k - 1]))
				return bad(errbuf, errlen,
				    "segment %zu: map pair %zu not ascending",
				    i, k / 2);
		for (size_t t = 0; t < tl; t++) {
			uint64_t o = vp_segment_orig(s, t);
			uint8_t c = (uint8_t)s->text[t];
			int ok;
			if (o < s->start || o >= s->end)
				return bad(errbuf, errlen,
				    "segment %zu: text byte %zu maps to %llu, "
				    "outside [%llu,%llu)",
				    i, t, (unsigned long long)o,
				    (unsigned long long)s->start,
				    (unsigned long long)s->end);
			/* the bytes of one converted character may share
			 * their source byte */
			if (t > 0 &&
			    (o < prev || (o == prev && strict &&
			                     !(multi && (c & 0xC0) == 0x80))))
				return bad(errbuf, errlen,
				    "segment %zu: text byte %zu maps backwards",
				    i, t);
			prev = o;
			if (!strict)
				continue;
			if (doc[o] == c)
				ok = 1;
			else if (c == ' ')
				ok = markup || doc[o] <= ' ' ||
				     doc[o] == 0xC2 ||
				     (latin && doc[o] == 0xA0);
			else if (c == '-' &&
			         (doc[o] == 0xE2 || (latin && doc[o] >= 0x80)))
				ok = 1; /* a dash written as '-' */
			else if (markup)
				ok = in_reference(doc, len, o) ||
				     (c >= 0x80 && doc[o] >= 0x80);
			else
				ok = latin && c >= 0x80 && doc[o] >= 0x80;
			if (!ok)
				return bad(errbuf, errlen,
				    "segment %zu: text byte %zu (0x%02X) maps "
				    "to byte %llu (0x%02X)",
				    i, t, c, (unsigned long long)o, doc[o]);
		}
		if (s->ref_segment != 0) {
			const struct vp_segment *h;
			if (s->ref_segment > n)
				return bad(errbuf, errlen,
				    "segment %zu: ref_segment %u", i,
				    s->ref_segment);
			h = &segs[s->ref_segment - 1];
			if (s->ref_at < h->start || s->ref_at >= h->end)
				return bad(errbuf, errlen,
				    "segment %zu: ref_at outside segment %u", i,
				    s->ref_segment - 1);
		}
		if ((s->ref_segment != 0 || s->ref_at != 0) &&
		    (strict ? !is_marker(doc, len, s->ref_at, s->number)
		            : s->ref_at >= len))
			return bad(errbuf, errlen,
			    "segment %zu: no marker of footnote %u at %llu", i,
			    s->number, (unsigned long long)s->ref_at);
	}
	return VP_OK;
}
