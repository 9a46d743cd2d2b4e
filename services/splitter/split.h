/* split.h - document readers: bytes of a document in, segments out.
 * Pure functions over C structs: no sockets, no clock, no global state. */
#ifndef SPLIT_H
#define SPLIT_H

#include <stddef.h>
#include <stdint.h>

#include "vp_proto.h"

/* Splits the document doc[0..len) into segments. format is a hint ("text",
 * "word-text", or NULL/"auto" to detect from content); the format used is
 * returned in *format_used (a static string). On success *out is a new
 * malloc'ed array of *n_out segments owned by the caller (release with
 * split_segments_free). Every segment's start/end/map point at the bytes of
 * doc it came from. Returns VP_OK, VP_ENOMEM, VP_EINVAL (invalid input, with a
 * message in errbuf when errbuf is not NULL) or VP_ETOOLARGE. */
int split_document(const uint8_t *doc, size_t len, const char *format,
    struct vp_segment **out, size_t *n_out, const char **format_used,
    char *errbuf, size_t errlen);

/* Frees an array returned by split_document. */
void split_segments_free(struct vp_segment *segs, size_t n);

#endif
