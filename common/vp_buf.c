/* Bounded growable buffer. Growth doubles (at least VP_BUF_MIN bytes) so that
 * appends cost amortised O(1), and never allocates past max + 1. */
#include "vp_buf.h"

#include "vp_err.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VP_BUF_MIN 64

void vp_buf_init(struct vp_buf *b, size_t max)
{
	b->mem = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max < SIZE_MAX / 2 ? max : SIZE_MAX / 2;
}

size_t vp_buf_room(const struct vp_buf *b)
{
	return b->len < b->max ? b->max - b->len : 0;
}

int vp_buf_add(struct vp_buf *b, const void *p, size_t n)
{
	if (n > vp_buf_room(b))
		return VP_ETOOLARGE;
	if (b->len + n + 1 > b->cap) {
		size_t need = b->len + n + 1, cap;
		char *nm;
		cap = b->cap > VP_BUF_MIN / 2 ? b->cap : VP_BUF_MIN / 2;
		while (cap < need)
			cap *= 2;
		if (cap > b->max + 1)
			cap = b->max + 1;
		if ((nm = realloc(b->mem, cap)) == NULL)
			return VP_ENOMEM;
		b->mem = nm;
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->mem + b->len, p, n);
	b->len += n;
	b->mem[b->len] = '\0';
	return VP_OK;
}

int vp_buf_addstr(struct vp_buf *b, const char *s)
{
	return vp_buf_add(b, s, strlen(s));
}

void vp_buf_reset(struct vp_buf *b)
{
	b->len = 0;
	if (b->mem != NULL)
		b->mem[0] = '\0';
}

void vp_buf_free(struct vp_buf *b)
{
	if (b == NULL)
		return;
	free(b->mem);
	vp_buf_init(b, b->max);
}

char *vp_buf_take(struct vp_buf *b, size_t *len)
{
	char *mem = b->mem;

	if (len != NULL)
		*len = b->len;
	vp_buf_init(b, b->max);
	return mem;
}

int vp_buf_read_file(struct vp_buf *b, const char *path)
{
	char chunk[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC), rv = VP_OK, e;
	if (fd < 0)
		return VP_EIO;
	for (;;) {
		ssize_t r = read(fd, chunk, sizeof chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rv = VP_EIO;
			break;
		}
		if (r == 0 || (rv = vp_buf_add(b, chunk, (size_t)r)) != VP_OK)
			break;
	}
	e = errno;
	close(fd);
	errno = e;
	return rv;
}
