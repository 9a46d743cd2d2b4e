/* libFuzzer target for the wire decoder, the first code to see bytes from the
 * network: any input must decode or fail cleanly, and whatever decodes must
 * encode, decode again to the same message and re-encode identically. The
 * codec reads and writes msgpack itself: msgpack-c must agree that what
 * decodes is one whole object, and pack what the encoder wrote to the same
 * bytes. */
#include "proto_tu.h"
#include "vp_err.h"

#include <msgpack.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether buf is exactly one msgpack object for msgpack-c; when repack is
 * set, also that msgpack-c packs it to the same bytes. */
static bool msgpack_c_agrees(const void *buf, size_t len, bool repack)
{
	msgpack_unpacked u;
	msgpack_sbuffer sb;
	msgpack_packer pk;
	size_t off = 0;
	bool ok;

	msgpack_unpacked_init(&u);
	ok =
	    msgpack_unpack_next(&u, buf, len, &off) == MSGPACK_UNPACK_SUCCESS &&
	    off == len;
	if (ok && repack) {
		msgpack_sbuffer_init(&sb);
		msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
		ok = msgpack_pack_object(&pk, u.data) == 0 && sb.size == len &&
		     memcmp(sb.data, buf, len) == 0;
		msgpack_sbuffer_destroy(&sb);
	}
	msgpack_unpacked_destroy(&u);
	return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vp_msg a, b;
	struct vp_decode_err why;
	uint8_t *e1 = NULL, *e2 = NULL;
	size_t n1, n2;

	if (vp_msg_decode(&a, data, size, NULL, &why) != VP_OK) {
		/* failure leaves nothing allocated; body/err must be NULL */
		if (a.body != NULL || a.err != NULL || a.trace != NULL)
			abort();
		return 0;
	}
	if (!msgpack_c_agrees(data, size, false))
		abort();
	if (vp_msg_encode(&a, &e1, &n1) != VP_OK)
		abort(); /* what decodes must encode */
	if (!msgpack_c_agrees(e1, n1, true))
		abort();
	if (vp_msg_decode(&b, e1, n1, NULL, &why) != VP_OK)
		abort();
	if (!tu_msg_equal(&a, &b))
		abort();
	if (vp_msg_encode(&b, &e2, &n2) != VP_OK || n1 != n2 ||
	    memcmp(e1, e2, n1) != 0)
		abort();
	free(e1);
	free(e2);
	vp_msg_clear(&a);
	vp_msg_clear(&b);
	return 0;
}
