/* split_int.h - internals shared by the splitter's files: the segment builder
 * (text + offset map under construction), the per-call context and the
 * format readers. Nothing here is visible outside services/splitter/. */
#ifndef SPLIT_INT_H
#define SPLIT_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "split.h"
#include "vp_err.h"
#include "vp_proto.h"

/* Limits taken from the wire schema (proto/messages.def), so that every
 * result of split_document can be sent as a split.rep. */
#define SPLIT_MAX_DOC      ((size_t)64 << 20) /* bytes of a document */
#define SPLIT_MAX_SEGMENTS ((size_t)1000000)  /* segments of a document */
#define SPLIT_MAX_MAP      ((size_t)4194304)  /* u64 entries of one map */
#define SPLIT_MAX_MARKERS  ((size_t)1000000)  /* footnote markers tracked */

/* Byte classes for the scanners' fast paths (see split_build.c). */
#define SPLIT_C_SPECIAL 1 /* control byte or 0xC2 (maybe NBSP/SHY) */
#define SPLIT_C_BRACKET 2 /* '[': maybe a Word marker */
extern const uint8_t split_class[256];

/* Text and offset map of one segment under construction. text is malloc'ed
 * per segment (its size is bounded by the source range); pairs is scratch
 * reused across segments. A pair (t, o) is pushed only where the original
 * offset of text byte t does not follow from the previous byte's. */
struct split_buf {
	uint8_t *text;
	size_t n, cap;
	uint64_t *pairs; /* flat (text_offset, original_offset) */
	size_t npairs, pcap;
	uint64_t delta; /* original - text offset of the current run */
	int shy;        /* last thing consumed was a removed soft hyphen */
};

/* A [footnoteRef:N] marker: where it is and which segment holds it. */
struct split_marker {
	uint32_t number;
	uint32_t seg1; /* index + 1 of the holding segment, 0 = none */
	uint64_t at;   /* original offset of the '[' */
};

struct split_ctx {
	const uint8_t *doc;
	size_t len;
	char *errbuf;
	size_t errlen;
	struct vp_segment *segs;
	size_t n_segs, cap_segs;
	uint32_t n_paragraphs;
	struct split_buf para, note;
	/* word-text: markers of the current line, then a hash of all markers
	 * by number (the latest wins), and the footnotes of the current line
	 * waiting for their paragraph to be emitted. */
	struct split_marker *line_markers;
	size_t n_line_markers, cap_line_markers;
	struct split_marker *marker_tab; /* open addressing, number 0 = free */
	size_t marker_cap, marker_count;
	struct vp_segment *notes;
	size_t n_notes, cap_notes;
	size_t unlinked_notes;
	uint8_t *owned; /* source text a docx/pdf reader made (doc points in) */
};

/* Formats an error message into ctx->errbuf (when given) and returns err. */
int split_fail(struct split_ctx *ctx, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Starts a segment whose text can be at most cap bytes. */
int split_buf_begin(struct split_ctx *ctx, struct split_buf *b, size_t cap);

/* Records a discontinuity: text byte b->n comes from original offset orig. */
int split_buf_jump(struct split_ctx *ctx, struct split_buf *b, uint64_t orig);

/* Appends n bytes copied from doc[orig..orig+n). */
static inline int split_buf_copy(
    struct split_ctx *ctx, struct split_buf *b, uint64_t orig, size_t n)
{
	while (b->n == 0 && n > 0 && ctx->doc[orig] == ' ') {
		orig++; /* leading whitespace, e.g. after a removed marker */
		n--;
	}
	if (n == 0)
		return VP_OK;
	if (b->npairs == 0 || orig - b->n != b->delta) {
		int rv = split_buf_jump(ctx, b, orig);
		if (rv != VP_OK)
			return rv;
	}
	memcpy(b->text + b->n, ctx->doc + orig, n);
	b->n += n;
	b->shy = 0;
	return VP_OK;
}

/* Appends one space standing for the original byte(s) at orig; a space at
 * the start of the text is dropped (leading whitespace is trimmed). */
static inline int split_buf_space(
    struct split_ctx *ctx, struct split_buf *b, uint64_t orig)
{
	if (b->n == 0)
		return VP_OK;
	if (orig - b->n != b->delta) {
		int rv = split_buf_jump(ctx, b, orig);
		if (rv != VP_OK)
			return rv;
	}
	b->text[b->n++] = ' ';
	b->shy = 0;
	return VP_OK;
}

/* Removes trailing spaces and the map pairs that pointed past the end. */
void split_buf_trim(struct split_buf *b);

/* Appends doc[p, e) normalised: runs of ordinary bytes are copied, bytes of
 * class SPLIT_C_SPECIAL go through split_buf_special. */
int split_buf_scan(
    struct split_ctx *ctx, struct split_buf *b, size_t p, size_t e);

/* Handles the special byte at doc[p] (class SPLIT_C_SPECIAL) inside
 * [p, end): normalises it into b and returns the number of bytes consumed
 * in *used. */
int split_buf_special(struct split_ctx *ctx, struct split_buf *b, size_t p,
    size_t end, size_t *used);

/* True when c[0, n) is a dash written as '-' in the text (split_build.c). */
int split_dash(const uint8_t *c, size_t n);

/* Appends '-' for the dash at orig. */
int split_buf_dash(struct split_ctx *ctx, struct split_buf *b, uint64_t orig);

/* Makes room for one more segment (pending: in the current line's footnote
 * list); VP_ETOOLARGE past SPLIT_MAX_SEGMENTS. */
int split_reserve(struct split_ctx *ctx, int pending);

/* Turns b into segment kind (or into a footnote of the current line's pending
 * list when pending is set). number, start, end as in struct vp_segment.
 * An empty text yields no segment unless keep_empty; *index1 receives index+1
 * of the new segment, or 0 when none was made. */
int split_emit(struct split_ctx *ctx, struct split_buf *b, const char *kind,
    uint32_t number, uint64_t start, uint64_t end, int pending, int keep_empty,
    uint32_t *index1);

/* Classifies a finished paragraph text: "furniture" for page furniture such
 * as "Pagina 2 van 1", "heading" for "Vraag 3" / "Antwoord op vraag 3", else
 * "paragraph". */
const char *split_classify(const uint8_t *text, size_t n);

/* Format readers over doc[from, len) (text formats) or the whole input
 * (docx, pdf: they replace ctx->doc with the source text they read). */
int split_plain(struct split_ctx *ctx, size_t from);
int split_word(struct split_ctx *ctx, size_t from);
int split_pdftext(struct split_ctx *ctx, size_t from);
int split_html(struct split_ctx *ctx, size_t from);
int split_docx(struct split_ctx *ctx);
int split_pdf(struct split_ctx *ctx);

/* The official XML vocabularies (split_xml.c). */
enum split_xml_kind {
	SPLIT_XML_NONE,
	SPLIT_XML_BWB, /* BWB toestand: root wetgeving or toestand */
	SPLIT_XML_RS,  /* Rechtspraak open data: root open-rechtspraak */
	SPLIT_XML_OB,  /* officielebekendmakingen.nl: kamerstuk, staatsblad,
	                  staatscourant, handelingen */
};

/* Which official XML doc[0, len) is, from the name of its first element
 * (after the prolog, within the first 64 KiB). */
enum split_xml_kind split_detect_xml(const uint8_t *doc, size_t len);

/* Reads official XML of the given kind over doc[from, len); the document's
 * own id and date go into *meta when it is not NULL. */
int split_xml(struct split_ctx *ctx, size_t from, enum split_xml_kind kind,
    struct split_meta *meta);

/* True when doc looks like Word-converted text with footnote markers. */
int split_detect_word(const uint8_t *doc, size_t len);

/* True when doc looks like text extracted from a PDF. */
int split_detect_pdftext(const uint8_t *doc, size_t len);

/* VP_OK when d[0, len) is UTF-8 without NUL bytes; else VP_EINVAL, with the
 * reason in ctx's errbuf when ctx is not NULL. */
int split_utf8_check(const uint8_t *d, size_t len, struct split_ctx *ctx);

/* Initialises libxml2 once per process (pthread_once). */
void split_xml_init(void);

/* Puts the segments in order of start (stable), renumbers index,
 * ref_segment and the paragraphs (number = N among "paragraph"). For readers
 * that emit segments out of order (links before their paragraph, footnote
 * bodies found later). */
int split_finish(struct split_ctx *ctx);

/* ---- markup readers (split_markup.c): text that libxml2 decoded, located
 * again in the raw bytes so that every character maps to its source. */

/* A cursor over the raw document: everything before r has been matched
 * with parsed text or skipped as markup. */
struct split_loc {
	const uint8_t *doc;
	size_t len, r;
	int html; /* HTML entities and tag rules, else XML */
};

/* A segment under construction from parsed characters: whitespace runs
 * collapse to one space (placed on the first whitespace byte), soft hyphens
 * vanish. */
struct split_mbuf {
	struct split_buf b;
	int open;          /* b.text allocated */
	int pending;       /* a space is due before the next character */
	uint64_t space_at; /* where that space came from */
	uint64_t first;    /* original offset of the first text byte */
	uint64_t last;     /* original offset of the last text byte */
};

/* Locates each character of the parsed text s[0, n) in the raw document
 * and appends it to mb (mb NULL: only advance the cursor, for text that is
 * read past). literal: s is raw content (script, CDATA) found verbatim. */
int split_loc_text(struct split_ctx *ctx, struct split_loc *loc,
    struct split_mbuf *mb, const uint8_t *s, size_t n, int literal);

/* Locates the value of attribute attr (parsed value val) of the next start
 * tag named tag at or after loc->r, without moving the cursor, and appends
 * it to mb. *found = 0 when the tag or attribute is not there. */
int split_loc_attr(struct split_ctx *ctx, const struct split_loc *loc,
    struct split_mbuf *mb, const char *tag, const char *attr,
    const uint8_t *val, size_t *after, int *found);

/* Offset of the next start tag named tag at or after from (raw bytes;
 * case-insensitive for HTML), or len. */
size_t split_loc_find_tag(
    const struct split_loc *loc, size_t from, const char *tag);

/* Marks a space due at orig (a <br>, a tab, a cell boundary). */
void split_mbuf_space(struct split_mbuf *mb, uint64_t orig);

/* Emits mb as a segment of kind (when it has text) and resets it; *index1
 * as for split_emit. start/end cover the text and [lo, hi) when lo < hi. */
int split_mbuf_emit(struct split_ctx *ctx, struct split_mbuf *mb,
    const char *kind, uint32_t number, uint64_t lo, uint64_t hi,
    uint32_t *index1);

void split_mbuf_free(struct split_mbuf *mb);

#endif
