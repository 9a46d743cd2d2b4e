/* Pure helpers of the dispatcher: one cited source = one entry with all its
 * spans, the distinct URLs to check, and check results attached by URL. */
#include "disp.h"

#include "vp_err.h"

#include <stdlib.h>
#include <string.h>

static int cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static uint64_t first_start(const struct vp_citation *c)
{
	return c->n_spans > 0 ? c->spans[0].start : UINT64_MAX;
}

/* Orders pointers by (family, id, first span). */
static int cmp_key(const void *pa, const void *pb)
{
	const struct vp_citation *a = *(struct vp_citation *const *)pa;
	const struct vp_citation *b = *(struct vp_citation *const *)pb;
	int c = cmp_str(a->family, b->family);
	if (c == 0)
		c = cmp_str(a->id, b->id);
	if (c == 0) {
		uint64_t x = first_start(a), y = first_start(b);
		c = x < y ? -1 : x > y;
	}
	return c;
}

static int cmp_first(const void *pa, const void *pb)
{
	uint64_t x = first_start(pa), y = first_start(pb);
	return x < y ? -1 : x > y;
}

static int cmp_span(const void *pa, const void *pb)
{
	const struct vp_span *a = pa, *b = pb;
	return a->start < b->start ? -1 : a->start > b->start;
}

int disp_merge_citations(struct vp_citation *cits, size_t *n)
{
	struct vp_citation **order;
	size_t out = 0;

	if (*n < 2)
		return VP_OK;
	if ((order = malloc(*n * sizeof(*order))) == NULL)
		return VP_ENOMEM;
	for (size_t i = 0; i < *n; i++)
		order[i] = &cits[i];
	qsort(order, *n, sizeof(*order), cmp_key);

	/* Grow each group's keeper first, so that a failure leaves the input
	 * intact (spans are only moved once every allocation succeeded). */
	for (size_t i = 0; i < *n;) {
		size_t j = i + 1, total = order[i]->n_spans;
		while (j < *n &&
		       cmp_str(order[j]->family, order[i]->family) == 0 &&
		       cmp_str(order[j]->id, order[i]->id) == 0)
			total += order[j++]->n_spans;
		if (j - i > 1) {
			struct vp_span *sp =
			    realloc(order[i]->spans, total * sizeof(*sp));
			if (sp == NULL) {
				free(order);
				return VP_ENOMEM;
			}
			order[i]->spans = sp;
		}
		i = j;
	}
	for (size_t i = 0; i < *n;) {
		struct vp_citation *keep = order[i];
		size_t j = i + 1;
		while (j < *n && cmp_str(order[j]->family, keep->family) == 0 &&
		       cmp_str(order[j]->id, keep->id) == 0) {
			struct vp_citation *dup = order[j];
			memcpy(keep->spans + keep->n_spans, dup->spans,
			    dup->n_spans * sizeof(*dup->spans));
			keep->n_spans += dup->n_spans;
			free(dup->spans);
			dup->spans = NULL;
			dup->n_spans = 0;
			if (dup->confidence > keep->confidence)
				keep->confidence = dup->confidence;
			vp_obj_clear(&vp_desc_citation, dup);
			j++;
		}
		qsort(
		    keep->spans, keep->n_spans, sizeof(*keep->spans), cmp_span);
		i = j;
	}
	free(order);
	/* compact: merged-away entries were cleared (family == NULL) */
	for (size_t i = 0; i < *n; i++) {
		if (cits[i].family == NULL)
			continue;
		if (out != i)
			cits[out] = cits[i];
		out++;
	}
	qsort(cits, out, sizeof(*cits), cmp_first);
	*n = out;
	return VP_OK;
}

static int cmp_pstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int disp_distinct_urls(
    const struct vp_citation *cits, size_t n, char ***urls, size_t *n_urls)
{
	char **u;
	size_t k = 0, out = 0;

	*urls = NULL;
	*n_urls = 0;
	if (n == 0)
		return VP_OK;
	if ((u = malloc(n * sizeof(*u))) == NULL)
		return VP_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (cits[i].url != NULL && cits[i].url[0] != '\0')
			u[k++] = cits[i].url;
	qsort(u, k, sizeof(*u), cmp_pstr);
	for (size_t i = 0; i < k; i++)
		if (out == 0 || strcmp(u[out - 1], u[i]) != 0)
			u[out++] = u[i];
	*urls = u;
	*n_urls = out;
	return VP_OK;
}

/* A deep copy of a check result: every field, including those added to the
 * schema later (vp_obj_copy walks the descriptor). */
static struct vp_check *check_dup(const struct vp_check *c)
{
	struct vp_check *d = calloc(1, sizeof(*d));
	if (d == NULL)
		return NULL;
	if (vp_obj_copy(&vp_desc_check, d, c) != VP_OK) {
		free(d);
		return NULL;
	}
	return d;
}

static int cmp_check_url(const void *key, const void *elem)
{
	return strcmp(key, ((const struct vp_check *)elem)->url);
}

int disp_attach_checks(struct vp_citation *cits, size_t n,
    const struct vp_check *checks, size_t n_checks)
{
	for (size_t i = 0; i < n; i++) {
		const struct vp_check *c;
		if (cits[i].url == NULL || cits[i].check != NULL)
			continue;
		c = bsearch(cits[i].url, checks, n_checks, sizeof(*checks),
		    cmp_check_url);
		if (c == NULL)
			continue;
		if ((cits[i].check = check_dup(c)) == NULL)
			return VP_ENOMEM;
	}
	return VP_OK;
}
