/* fuzz_admin.c - libFuzzer target for the admin endpoint's reading of a
 * request head (vp_admin_parse_head): any bytes give one of the documented
 * answers, a path that is a NUL-terminated prefix of the request line, and
 * the same answer for the same bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vp_admin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], again[64];
	int st =
	    vp_admin_parse_head((const char *)data, size, path, sizeof(path));
	if (st != -1 && st != 0 && st != 400 && st != 404 && st != 405 &&
	    st != 413 && st != 431) {
		fprintf(stderr, "unexpected answer %d\n", st);
		abort();
	}
	if (st == 0 && (strlen(path) >= sizeof(path) ||
	                   memmem(data, size, path, strlen(path)) == NULL))
		abort();
	if (vp_admin_parse_head(
	        (const char *)data, size, again, sizeof(again)) != st ||
	    (st == 0 && strcmp(path, again) != 0))
		abort();
	return 0;
}
