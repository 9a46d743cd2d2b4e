/* proto_tu.h - helpers shared by the proto unit tests, the fuzz target and the
 * bench: fill any message from its descriptors, compare two decoded messages
 * field by field, and print one as flat "path: value" lines (golden .txt). */
#ifndef PROTO_TU_H
#define PROTO_TU_H

#include "vp_proto.h"

#include <stdbool.h>
#include <stdio.h>

/* Initialises *m as type t with every field of the envelope and of the body
 * populated (nested arrays of 2, unicode strings, boundary numbers). Aborts on
 * out of memory. */
void tu_fill_msg(struct vp_msg *m, enum vp_type t);

/* Fills every field of obj (struct d) recursively; obj must be zeroed. */
void tu_fill_obj(const struct vp_desc *d, void *obj);

/* True when a and b hold the same envelope and body, field by field. */
bool tu_msg_equal(const struct vp_msg *a, const struct vp_msg *b);

/* Writes m as "path: value" lines, one per present field, in schema order. */
void tu_dump_msg(FILE *f, const struct vp_msg *m);

/* Reads a whole file into a malloc'ed buffer; NULL when it cannot. */
unsigned char *tu_read_file(const char *path, size_t *len);

#endif
