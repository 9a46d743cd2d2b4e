/* vp_prevalidate: a non-allocating, non-recursive pass over raw msgpack bytes
 * that rejects anything the decoder would turn into a huge allocation or
 * accept silently (docs/DESIGN.md §4): counts that cannot fit, deep nesting,
 * trailing bytes.
 *
 * Design: an explicit stack holds, per open container, how many objects it
 * still expects. Besides the per-container check, the sum of all pending
 * objects must fit in the remaining bytes (each object is at least one byte),
 * so a message that passes declares at most len objects in total and the
 * decoder (codec.c) allocates memory linear in len. */
#include "vp_proto.h"

#include "vp_err.h"
#include "vp_limits.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

/* Hard cap on the explicit stack, whatever lim->max_depth says: the schema
 * needs 6 levels, so this only bounds stack memory. */
#define VP_PREVAL_STACK 64

void vp_limits_default(struct vp_limits *lim)
{
	lim->max_bytes = VP_MSG_MAX_BYTES;
	lim->max_depth = 16;
	lim->max_objects = (uint32_t)8 << 20;
}

static int fail(struct vp_decode_err *why, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct vp_decode_err *why, int err, const char *fmt, ...)
{
	if (why != NULL) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(why->msg, sizeof(why->msg), fmt, ap);
		va_end(ap);
		why->err = err;
	}
	return err;
}

static uint64_t be(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

int vp_prevalidate(const void *buf, size_t len, const struct vp_limits *lim,
    struct vp_decode_err *why)
{
	struct vp_limits def;
	const uint8_t *p = buf;
	uint64_t stack[VP_PREVAL_STACK + 1];
	uint64_t pending; /* objects still expected, summed over the stack */
	uint64_t objects = 0;
	uint32_t max_depth;
	size_t pos = 0;
	unsigned sp = 0;

	if (lim == NULL) {
		vp_limits_default(&def);
		lim = &def;
	}
	if (why != NULL) {
		why->err = VP_OK;
		why->msg[0] = '\0';
	}
	if (len > lim->max_bytes)
		return fail(why, VP_ETOOLARGE,
		    "message of %zu bytes exceeds the limit of %zu", len,
		    lim->max_bytes);
	if (buf == NULL || len == 0)
		return fail(why, VP_EINVAL, "empty message");
	max_depth =
	    lim->max_depth < VP_PREVAL_STACK ? lim->max_depth : VP_PREVAL_STACK;

	/* stack[0] is the pseudo-container holding the one top-level object */
	stack[0] = 1;
	pending = 1;
	for (;;) {
		uint8_t b;
		unsigned hdr = 1;      /* header bytes */
		uint64_t payload = 0;  /* str/bin/number bytes after header */
		uint64_t children = 0; /* objects inside an array or map */
		bool container = false;
		size_t at = pos;

		while (stack[sp] == 0) {
			if (sp == 0)
				goto done;
			sp--;
		}
		stack[sp]--;
		pending--;
		if (pos >= len)
			return fail(why, VP_EINVAL,
			    "truncated at byte %zu: object expected", pos);
		if (++objects > lim->max_objects)
			return fail(why, VP_ETOOLARGE,
			    "more than %" PRIu32 " objects at byte %zu",
			    lim->max_objects, at);
		b = p[pos];
		if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 ||
		    b == 0xc3) {
			/* fixint, nil, bool: the header is the whole object */
		} else if (b <= 0x8f) {
			children = 2u * (uint64_t)(b & 0x0f);
			container = true;
		} else if (b <= 0x9f) {
			children = b & 0x0f;
			container = true;
		} else if (b <= 0xbf) {
			payload = b & 0x1f;
		} else {
			switch (b) {
			case 0xc4:
			case 0xd9: hdr = 2; break; /* bin8, str8 */
			case 0xc5:
			case 0xda: hdr = 3; break; /* bin16, str16 */
			case 0xc6:
			case 0xdb: hdr = 5; break; /* bin32, str32 */
			case 0xca: payload = 4; break;
			case 0xcb: payload = 8; break;
			case 0xcc:
			case 0xd0: payload = 1; break;
			case 0xcd:
			case 0xd1: payload = 2; break;
			case 0xce:
			case 0xd2: payload = 4; break;
			case 0xcf:
			case 0xd3: payload = 8; break;
			case 0xdc:
			case 0xde: hdr = 3; break; /* array16, map16 */
			case 0xdd:
			case 0xdf: hdr = 5; break; /* array32, map32 */
			case 0xc1:
				return fail(why, VP_EINVAL,
				    "reserved byte 0xc1 at byte %zu", at);
			default:
				return fail(why, VP_EINVAL,
				    "ext type 0x%02x at byte %zu not allowed",
				    (unsigned)b, at);
			}
		}
		if (len - pos < hdr)
			return fail(why, VP_EINVAL,
			    "truncated at byte %zu: header of %u bytes", at,
			    hdr);
		if (hdr > 1) {
			uint64_t n = be(p + pos + 1, hdr - 1);
			switch (b) {
			case 0xdc:
			case 0xdd:
				children = n;
				container = true;
				break;
			case 0xde:
			case 0xdf:
				children = 2 * n;
				container = true;
				break;
			default: payload = n; break;
			}
		}
		pos += hdr;
		if (payload > len - pos)
			return fail(why, VP_EINVAL,
			    "truncated at byte %zu: %" PRIu64
			    " bytes declared, %zu left",
			    at, payload, len - pos);
		pos += (size_t)payload;
		if (!container)
			continue;
		/* every pending object needs at least one more byte */
		if (children > len - pos || pending + children > len - pos)
			return fail(why, VP_EINVAL,
			    "%s of %" PRIu64
			    " entries at byte %zu does not fit in %zu bytes",
			    b >= 0x90 && b != 0xde && b != 0xdf ? "array"
			                                        : "map",
			    b >= 0x90 && b != 0xde && b != 0xdf ? children
			                                        : children / 2,
			    at, len - pos);
		if (sp + 1 > max_depth)
			return fail(why, VP_ETOOLARGE,
			    "nesting deeper than %" PRIu32 " at byte %zu",
			    max_depth, at);
		stack[++sp] = children;
		pending += children;
	}
done:
	if (pos != len)
		return fail(why, VP_EINVAL,
		    "%zu trailing bytes after the message at byte %zu",
		    len - pos, pos);
	return VP_OK;
}
