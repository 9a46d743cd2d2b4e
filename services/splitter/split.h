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
 *   ("Vraag 3", "Antwoord op vraag 3"), "furniture" (page furniture such as
 *   "Pagina 2 van 1"), "footnote" (number = N as written in the document);
 * - [start, end) is the stretch of the original the segment was read from,
 *   trimmed of surrounding whitespace and including removed markers: a
 *   paragraph of Word-converted text covers its whole line, so the footnote
 *   bodies written inline on it lie inside its range;
 * - text is normalised: line breaks inside a plain-text paragraph, tabs,
 *   control bytes and NO-BREAK SPACE become one space, soft hyphens are
 *   removed, leading and trailing whitespace is dropped; map gives for every
 *   text byte t the original byte vp_segment_orig(seg, t). The map is left
 *   out (n_map == 0) when text is an exact copy of doc[start, start + n);
 * - a footnote's ref_segment is index + 1 of the segment holding its
 *   [footnoteRef:N] marker (0 = no such segment, e.g. the marker stood
 *   alone on a line) and ref_at the original offset of the marker's '['
 *   (meaningful when ref_segment != 0 or the marker is known; 0 = unknown).
 *
 * Splits the document doc[0..len) into segments. format is a hint ("text",
 * "word-text", or NULL/"auto" to detect from content); the format used is
 * returned in *format_used (a static string). On success *out is a new
 * malloc'ed array of *n_out segments owned by the caller (release with
 * split_segments_free). Every segment's start/end/map point at the bytes of
 * doc it came from. Returns VP_OK, VP_ENOMEM, VP_EINVAL (invalid input, with a
 * message in errbuf when errbuf is not NULL) or VP_ETOOLARGE. */
int split_document(const uint8_t *doc, size_t len, const char *format,
    struct vp_segment **out, size_t *n_out, const char **format_used,
    char *errbuf, size_t errlen);

/* Frees an array returned by split_document (NULL is a no-op). */
void split_segments_free(struct vp_segment *segs, size_t n);

/* Checks that segs[0..n) are a well-formed split of doc[0..len): index ==
 * position, known kind, ascending start, start <= end <= len, text without
 * NUL, a map of ascending pairs, every text byte maps into [start, end) onto
 * the same byte (or, for a space, onto whitespace, a control byte or the
 * first byte of NO-BREAK SPACE), ref_segment/ref_at of footnotes point at a
 * "[footnoteRef:N]" inside that segment. Returns VP_OK or VP_EINTERNAL with
 * the first violation in errbuf. Meant for tests, fuzzing and debug
 * builds: linear in the text size plus the map sizes. */
int split_segments_check(const uint8_t *doc, size_t len,
    const struct vp_segment *segs, size_t n, char *errbuf, size_t errlen);

#endif
