/* fuzz_laws_import.c - libFuzzer target over prs_bwbimport: any bytes must
 * give either a table in the documented shape (header first, five columns,
 * valid sorted distinct ids, bounded UTF-8 fields, at most ten aliases) or
 * an error with a one-line message and no table; never a crash or leak. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prs_bwbimport.h"
#include "vp_err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char header[] = "bwb_id\tsoort\tciteertitel\tintitule\taliases\n";

static bool utf8_ok(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t w = s[i] < 0x80    ? 1
		           : s[i] >= 0xF0 ? 4
		           : s[i] >= 0xE0 ? 3
		                          : 2;
		if (s[i] >= 0x80 && s[i] < 0xC2)
			return false;
		if (i + w > n)
			return false;
		for (size_t k = 1; k < w; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
		i += w;
	}
	return true;
}

static void check_field(const char *f, size_t n, bool aliases)
{
	if (n && (f[0] == ' ' || f[n - 1] == ' '))
		abort(); /* trimmed */
	for (size_t k = 0; k < n; k++)
		if (f[k] == '\r' || (k && f[k] == ' ' && f[k - 1] == ' '))
			abort(); /* white space collapsed */
	if (!aliases) {
		if (n > PRS_BWB_MAX_FIELD)
			abort();
		return;
	}
	{
		size_t count = 0, start = 0;
		for (size_t k = 0; k <= n; k++)
			if (k == n || f[k] == '|') {
				if (n &&
				    (k == start ||
				        k - start > PRS_BWB_MAX_FIELD ||
				        f[start] == ' ' || f[k - 1] == ' '))
					abort(); /* empty, long or untrimmed */
				count += n > 0;
				start = k + 1;
			}
		if (count > PRS_BWB_MAX_ALIASES)
			abort();
	}
}

static void check_table(const char *t, size_t len)
{
	const char *line, *end = t + len, *prev = NULL;
	if (len < sizeof header - 1 || memcmp(t, header, sizeof header - 1) ||
	    t[len - 1] != '\n' || strlen(t) != len ||
	    !utf8_ok((const unsigned char *)t, len))
		abort();
	for (line = t + sizeof header - 1; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *col[6];
		size_t nc = 1;
		col[0] = line;
		for (const char *p = line; p < nl; p++)
			if (*p == '\t') {
				if (nc == 5)
					abort();
				col[nc++] = p + 1;
			}
		if (nc != 5)
			abort();
		col[5] = nl + 1;
		if (col[1] - col[0] != 12 || memcmp(line, "BWB", 3) ||
		    !strchr("RVW", line[3]))
			abort();
		for (int k = 4; k < 11; k++)
			if (line[k] < '0' || line[k] > '9')
				abort();
		if (prev && memcmp(prev, line, 11) >= 0)
			abort(); /* sorted, each id once */
		for (int c = 1; c < 5; c++)
			check_field(
			    col[c], (size_t)(col[c + 1] - col[c] - 1), c == 4);
		prev = line;
		line = nl + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out = NULL, err[256];
	size_t out_len = 0;
	int rv = prs_bwbimport(
	    (const char *)data, size, &out, &out_len, err, sizeof err);
	if (rv == VP_OK) {
		if (!out)
			abort();
		check_table(out, out_len);
		free(out);
		return 0;
	}
	if (out || out_len || !err[0] || strchr(err, '\n') ||
	    (rv != VP_EINVAL && rv != VP_ETOOLARGE && rv != VP_ENOMEM))
		abort();
	return 0;
}
