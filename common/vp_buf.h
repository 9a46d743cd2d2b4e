/* vp_buf.h - a growable byte buffer with a hard maximum, for everything fed
 * by outside input (curl's dynbuf is the model). The maximum is fixed at init
 * and every append checks it, so a peer can make the buffer fail but never
 * grow past what the caller allowed. The bytes are always NUL-terminated.
 *
 * The caller owns the struct (on the stack or inside its own); the buffer
 * owns mem until vp_buf_free or vp_buf_take. Fields are read-only outside
 * vp_buf.c. */
#ifndef VP_BUF_H
#define VP_BUF_H

#include <stddef.h>

struct vp_buf {
	char *mem;  /* NULL until the first append; then len bytes and a NUL */
	size_t len; /* bytes held, without the NUL */
	size_t cap; /* bytes allocated (len + 1 <= cap) */
	size_t max; /* the most bytes it may ever hold, without the NUL */
};

/* Makes b an empty buffer that will hold at most max bytes (SIZE_MAX / 2 at
 * most). Allocates nothing, so it cannot fail. */
void vp_buf_init(struct vp_buf *b, size_t max);

/* Appends n bytes of p. Returns VP_OK; VP_ETOOLARGE when the result would
 * exceed the maximum; VP_ENOMEM. On error b is unchanged. */
int vp_buf_add(struct vp_buf *b, const void *p, size_t n);

/* Appends the string s (without its NUL), like vp_buf_add. */
int vp_buf_addstr(struct vp_buf *b, const char *s);

/* Bytes that may still be appended before the maximum. */
size_t vp_buf_room(const struct vp_buf *b);

/* Empties b and keeps its memory for reuse. */
void vp_buf_reset(struct vp_buf *b);

/* Frees the memory and leaves b empty (same maximum); NULL or an
 * initialised, already freed buffer is fine. */
void vp_buf_free(struct vp_buf *b);

/* Hands the bytes to the caller, who frees them: returns the NUL-terminated
 * bytes and sets *len (when not NULL) to their length; NULL and 0 when b has
 * no memory (nothing appended since init, free or take). b is left empty,
 * with the same maximum, and may be reused. Cannot fail. */
char *vp_buf_take(struct vp_buf *b, size_t *len);

/* Appends the whole file at path (a regular file or a pipe) to b, read in
 * pieces: the file may not fit b's maximum. Returns VP_OK; VP_EIO when it
 * cannot be opened or read (errno says why); VP_ETOOLARGE past the maximum;
 * VP_ENOMEM. On error b holds what was appended before. */
int vp_buf_read_file(struct vp_buf *b, const char *path);

#endif
