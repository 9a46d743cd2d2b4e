/* libFuzzer target for the wire decoder, the first code to see bytes from the
 * network: any input must decode or fail cleanly, and whatever decodes must
 * encode, decode again to the same message and re-encode identically. */
#include "proto_tu.h"
#include "vp_err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	if (vp_msg_encode(&a, &e1, &n1) != VP_OK)
		abort(); /* what decodes must encode */
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
