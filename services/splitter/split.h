/* split.h - document readers: bytes of a document in, segments out.
 * Pure functions over C structs: no sockets, no clock, no global state. */
#ifndef SPLIT_H
#define SPLIT_H

#include <stddef.h>
#include <stdint.h>

#include "vp_proto.h"

/* What the segments mean (see also proto/messages.def, struct vp_segment):
 * - segments come in document order (ascending start); index is the position
 *   in the array;
 * - kind "paragraph" (number = N among paragraphs, 1-based), "heading"
 *   ("Vraag 3", <h2>, a Word heading style), "list_item", "table_cell",
 *   "furniture" (page furniture: "Pagina 2 van 1", repeated page headers and
 *   footers, page numbers; in Word-converted text also the letterhead
 *   lines repeated on every page, such as "Datum" and "Onze referentie"),
 * "footnote" (number = N as shown in the document), "link" (the target of a
 * hyperlink: text is the URL, so that the parser finds it even when the visible
 * text is not a citation);
 * - [start, end) is the stretch of the original the segment was read from,
 *   trimmed of surrounding whitespace and including removed markers: a
 *   paragraph of Word-converted text covers its whole line, so the footnote
 *   bodies written inline on it lie inside its range; ranges of different
 *   segments may overlap (a link lies inside its paragraph);
 * - text is normalised: line breaks inside a paragraph, tabs, control bytes
 *   and NO-BREAK SPACE become one space (HTML and DOCX: every run of
 *   whitespace), soft hyphens are removed, hyphens, en dashes and minus
 *   signs (U+2010-U+2013, U+2212) become '-' mapped onto their first byte,
 *   leading and trailing whitespace is dropped; map gives for every text byte t
 * the original byte vp_segment_orig(seg, t). The map is left out (n_map == 0)
 * when text is an exact copy of doc[start, start + n);
 * - a footnote's ref_segment is index + 1 of the segment holding its marker
 *   (0 = no such segment) and ref_at the original offset of the marker
 *   (0 = unknown): the '[' of "[footnoteRef:N]", the first digit of the
 *   number in HTML and PDF text, the '<' of <w:footnoteReference> in DOCX.
 *
 * What "original" means per format, i.e. what start, end, map and ref_at
 * count bytes of:
 * - text, word-text, pdf-text, html: the bytes of doc as given (a Windows-1252
 *   text is converted to UTF-8 for the text, and the offsets still count the
 *   original single bytes: every UTF-8 byte of a converted character maps to
 *   its one source byte). HTML text maps byte-exactly onto its source,
 *   character references included: a character decoded from "&eacute;"
 *   maps to the '&' and the bytes after it, one text byte per source byte;
 *   only where libxml2 repaired the markup (a stray byte it dropped, an
 *   encoding it converted) is a byte mapped to the nearest source byte;
 * - docx: the zip cannot be addressed, so offsets count bytes of the DOCX
 *   source text: the uncompressed parts word/document.xml,
 *   word/footnotes.xml, word/endnotes.xml and word/_rels/document.xml.rels
 *   concatenated in that order (absent parts are empty), as
 *   split_docx_source() returns it and `unzip -p` prints it; text maps onto
 *   the characters inside <w:t>, a link's URL onto its Target attribute;
 * - pdf: offsets count bytes of the text poppler extracts, pages in order,
 *   each page followed by a form feed, as split_pdf_text() returns it (the
 *   page of an offset is 1 + the number of form feeds before it); the
 *   segments are those of the pdf-text reader over that text.
 *
 * Splits the document doc[0..len) into segments. format is a hint ("text",
 * "word-text", "pdf-text", "html", "docx", "pdf", or NULL/"auto" to detect
 * from content); the format used is returned in *format_used (a static
 * string). On success *out is a new malloc'ed array of *n_out segments owned
 * by the caller (release with split_segments_free). Returns VP_OK,
 * VP_ENOMEM, VP_EINVAL (invalid input: bad UTF-8, NUL bytes in text, a
 * broken zip or PDF, an encrypted PDF, HTML nested too deeply; with a
 * message in errbuf when errbuf is not NULL; also XML nested deeper than
 * 256 elements) or VP_ETOOLARGE (document,
 * zip entry, inflated size or ratio, page count over the limits). */
int split_document(const uint8_t *doc, size_t len, const char *format,
    struct vp_segment **out, size_t *n_out, const char **format_used,
    char *errbuf, size_t errlen);

/* What a document says about itself (official XML only; empty strings
 * when it says nothing): id is its BWB id ("BWBR0005416"), its ECLI, or
 * its officielebekendmakingen.nl id ("kst-35300-XV-28"); date is its date
 * (YYYY-MM-DD: the decision date of a ruling, the date in force or signed
 * of a regulation, the date issued of a publication). */
struct split_meta {
	char id[64];
	char date[11];
};

/* split_document, and what the document says about itself in *meta (when
 * meta is not NULL; cleared first). */
int split_document_meta(const uint8_t *doc, size_t len, const char *format,
    struct vp_segment **out, size_t *n_out, const char **format_used,
    struct split_meta *meta, char *errbuf, size_t errlen);

/* The DOCX source text that docx offsets count (see above), malloc'ed in
 * *src (NUL-terminated, *n_src bytes without the NUL). Same limits and
 * errors as split_document. */
int split_docx_source(const uint8_t *docx, size_t len, uint8_t **src,
    size_t *n_src, char *errbuf, size_t errlen);

/* The text of a PDF file that pdf offsets count (see above), malloc'ed in
 * *text (NUL-terminated, *n_text bytes). Same limits and errors as
 * split_document. */
int split_pdf_text(const uint8_t *pdf, size_t len, uint8_t **text,
    size_t *n_text, char *errbuf, size_t errlen);

/* Sentence boundaries inside a segment's text, for the parser's internal
 * references ("zie vraag 6" within one sentence). Returns the end of the
 * sentence that starts at text offset from (one past its final punctuation
 * and closing quotes/brackets, or n): a '.', '!' or '?' followed by a space
 * and then an upper-case letter, a digit, an opening quote or bracket, or
 * the end; not after abbreviations such as "nr.", "art.", "jl.", "o.a.",
 * "Stb." or a single letter, nor inside a number ("2.23"). Pure; call it
 * repeatedly with the previous result (after skipping spaces) to walk the
 * sentences. */
size_t split_sentence_next(const char *text, size_t n, size_t from);

/* Frees an array returned by split_document (NULL is a no-op). */
void split_segments_free(struct vp_segment *segs, size_t n);

/* Checks that segs[0..n) are a well-formed split of orig[0..len), the
 * original the offsets count (for docx and pdf: the source text above; the
 * format is the one split_document reported): index == position, known
 * kind, ascending start, start <= end <= len, text without NUL, a map of
 * ascending pairs, every text byte maps into [start, end) in ascending order
 * onto the same byte (or, for a space, onto whitespace, a control byte, the
 * first byte of NO-BREAK SPACE or, in markup, anything between the words;
 * in HTML and DOCX inside a character reference; in converted Windows-1252
 * onto a byte >= 0x80); ref_segment/ref_at of footnotes point at a marker
 * of footnote N inside that segment. With strict == 0 only the structural
 * rules and the ranges are checked (for fuzzing markup that libxml2
 * repairs). Returns VP_OK or VP_EINTERNAL with the first violation in
 * errbuf. Meant for tests, fuzzing and debug builds. */
int split_segments_check_format(const uint8_t *orig, size_t len,
    const char *format, int strict, const struct vp_segment *segs, size_t n,
    char *errbuf, size_t errlen);

/* split_segments_check_format(doc, len, "text", 1, ...): the check for text
 * and word-text as before. */
int split_segments_check(const uint8_t *doc, size_t len,
    const struct vp_segment *segs, size_t n, char *errbuf, size_t errlen);

#endif
