/* Pure helpers of the dispatcher: one cited source = one entry with all its
 * spans (an official URL merged with the source it points at), the distinct
 * URLs to check, and check results attached by URL. */
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

#define MAX_FIELD  1024 /* the wire limit of a field value */
#define MAX_FIELDS 64

/* Sets field key to val (replacing its value, or added). */
static int set_field(struct vp_citation *c, const char *key, const char *val)
{
	char *v = strdup(val), *k;
	struct vp_kv *f;
	if (v == NULL)
		return VP_ENOMEM;
	for (size_t i = 0; i < c->n_fields; i++)
		if (strcmp(c->fields[i].key, key) == 0) {
			free(c->fields[i].val);
			c->fields[i].val = v;
			return VP_OK;
		}
	if (c->n_fields >= MAX_FIELDS) {
		free(v);
		return VP_OK; /* no room: the field is left out */
	}
	f = realloc(c->fields, (c->n_fields + 1) * sizeof(*f));
	if (f == NULL || (k = strdup(key)) == NULL) {
		if (f != NULL)
			c->fields = f;
		free(v);
		return VP_ENOMEM;
	}
	c->fields = f;
	f[c->n_fields].key = k;
	f[c->n_fields].val = v;
	c->n_fields++;
	return VP_OK;
}

/* An official URL is cited as the source it points at (prs_url.c's fields
 * points_to and points_family): family and id become that source's, the
 * URL stays in url (it is what the document links to, and what gets
 * checked) and in the field cited_url. */
static int url_as_source(struct vp_citation *c)
{
	const char *to = vp_citation_field(c, "points_to");
	const char *fam = vp_citation_field(c, "points_family");
	char *nf, *ni;
	int rv;
	if (cmp_str(c->family, "url") != 0 || to == NULL || fam == NULL ||
	    c->id == NULL)
		return VP_OK;
	if ((rv = set_field(c, "cited_url", c->url ? c->url : c->id)))
		return rv;
	to = vp_citation_field(
	    c, "points_to"); /* set_field may have moved the array */
	fam = vp_citation_field(c, "points_family");
	nf = strdup(fam);
	ni = strdup(to);
	if (nf == NULL || ni == NULL) {
		free(nf);
		free(ni);
		return VP_ENOMEM;
	}
	free(c->family);
	free(c->id);
	c->family = nf;
	c->id = ni;
	return VP_OK;
}

/* Adds the cited URLs of dup to keep's cited_url (space-separated, each
 * once, within the field limit). */
static int add_cited(struct vp_citation *keep, const struct vp_citation *dup)
{
	const char *u = vp_citation_field(dup, "cited_url"),
	           *have = vp_citation_field(keep, "cited_url");
	char buf[MAX_FIELD + 1];
	size_t hl, ul;
	if (u == NULL)
		return VP_OK;
	if (have == NULL)
		return set_field(keep, "cited_url", u);
	hl = strlen(have);
	ul = strlen(u);
	for (const char *p = strstr(have, u); p; p = strstr(p + 1, u))
		if ((p == have || p[-1] == ' ') && (p[ul] == ' ' || !p[ul]))
			return VP_OK; /* already there */
	if (hl + 1 + ul > MAX_FIELD)
		return VP_OK;
	memcpy(buf, have, hl);
	buf[hl] = ' ';
	memcpy(buf + hl + 1, u, ul + 1);
	return set_field(keep, "cited_url", buf);
}

int disp_merge_citations(struct vp_citation *cits, size_t *n)
{
	struct vp_citation **order;
	size_t out = 0;
	int rv;

	for (size_t i = 0; i < *n; i++)
		if ((rv = url_as_source(&cits[i])) != VP_OK)
			return rv;
	if (*n < 2)
		return VP_OK;
	if ((order = malloc(*n * sizeof(*order))) == NULL)
		return VP_ENOMEM;
	for (size_t i = 0; i < *n; i++)
		order[i] = &cits[i];
	qsort(order, *n, sizeof(*order), cmp_key);

	/* Grow each group's keeper first, so that a failure leaves the input
	 * intact (spans are only moved once every allocation succeeded). The
	 * keeper is the source as cited in text when there is one (its
	 * parsed fields and official URL), with the cited URLs added. */
	for (size_t i = 0; i < *n;) {
		size_t j = i + 1, total = order[i]->n_spans;
		while (j < *n &&
		       cmp_str(order[j]->family, order[i]->family) == 0 &&
		       cmp_str(order[j]->id, order[i]->id) == 0)
			total += order[j++]->n_spans;
		for (size_t k = i; k < j; k++)
			if (vp_citation_field(order[k], "cited_url") == NULL) {
				struct vp_citation *t = order[i];
				order[i] = order[k];
				order[k] = t;
				break;
			}
		for (size_t k = i + 1; k < j; k++)
			if ((rv = add_cited(order[i], order[k])) != VP_OK) {
				free(order);
				return rv;
			}
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
