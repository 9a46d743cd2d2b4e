/* mon_common.c - what both stores share: the schema's migration chunks,
 * spans as text, report assembly (closest archived copy per document date)
 * and choosing the store by its address. */
#include "mon.h"
#include "vp_err.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mon_schema_chunk(int version, const char *id_type, char **sql)
{
	char mark[32];
	const char *a, *b;
	size_t idlen = strlen(id_type), cap, n = 0;
	char *out;

	snprintf(mark, sizeof(mark), "-- migration %d\n", version);
	if ((a = strstr(mon_schema_sql, mark)) == NULL)
		return VP_ENOTFOUND;
	a += strlen(mark);
	b = strstr(a, "-- migration ");
	if (b == NULL)
		b = a + strlen(a);
	cap = (size_t)(b - a) * 2 + 1;
	if ((out = malloc(cap)) == NULL)
		return VP_ENOMEM;
	while (a < b) {
		if (strncmp(a, "@ID@", 4) == 0) {
			memcpy(out + n, id_type, idlen);
			n += idlen;
			a += 4;
		} else {
			out[n++] = *a++;
		}
	}
	out[n] = '\0';
	*sql = out;
	return VP_OK;
}

int mon_spans_encode(const struct vp_span *v, size_t n, char **out)
{
	size_t cap = 1, len = 0;
	char *buf;
	for (size_t i = 0; i < n; i++)
		cap += 48 + (v[i].where ? strlen(v[i].where) : 0);
	if ((buf = malloc(cap)) == NULL)
		return VP_ENOMEM;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(buf + len, cap - len,
		    "%" PRIu64 "\t%" PRIu64 "\t", v[i].start, v[i].end);
		len += (size_t)w;
		/* tabs and newlines would break the line format */
		for (const char *p = v[i].where ? v[i].where : ""; *p; p++)
			buf[len++] = (*p == '\t' || *p == '\n') ? ' ' : *p;
		buf[len++] = '\n';
		buf[len] = '\0';
	}
	*out = buf;
	return VP_OK;
}

int mon_spans_decode(const char *text, struct vp_span **v, size_t *n)
{
	size_t cnt = 0, k = 0;
	struct vp_span *sp;
	*v = NULL;
	*n = 0;
	if (text == NULL || *text == '\0')
		return VP_OK;
	for (const char *p = text; *p; p++)
		cnt += *p == '\n';
	if ((sp = calloc(cnt ? cnt : 1, sizeof(*sp))) == NULL)
		return VP_ENOMEM;
	for (const char *p = text; *p && k < cnt;) {
		const char *nl = strchr(p, '\n'), *t1, *t2;
		char *end;
		if (nl == NULL)
			break;
		sp[k].start = strtoull(p, &end, 10);
		t1 = end;
		if (*t1 == '\t')
			sp[k].end = strtoull(t1 + 1, &end, 10);
		t2 = end;
		if (*t2 == '\t' && t2 + 1 < nl) {
			sp[k].where = strndup(t2 + 1, (size_t)(nl - t2 - 1));
			if (sp[k].where == NULL) {
				for (size_t i = 0; i < k; i++)
					free(sp[i].where);
				free(sp);
				return VP_ENOMEM;
			}
		}
		k++;
		p = nl + 1;
	}
	*v = sp;
	*n = k;
	return VP_OK;
}

static int dupz(char **dst, const char *s)
{
	if (s == NULL || *s == '\0') {
		*dst = NULL;
		return VP_OK;
	}
	return (*dst = strdup(s)) != NULL ? VP_OK : VP_ENOMEM;
}

/* Days since 1970 of "YYYY-MM-DD..." (a prefix is enough), -1 if not one:
 * the distance between a document's date and an archived copy's. */
static long day_number(const char *s)
{
	int y, m, d;
	if (s == NULL || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 ||
	    m > 12)
		return -1;
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static const struct mon_archive *closest_archive(
    const struct mon_archive *a, size_t n, int64_t id, const char *date)
{
	size_t lo = 0, hi = n;
	const struct mon_archive *best = NULL;
	long want = day_number(date), bestd = 0;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (a[mid].source_id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < n && a[i].source_id == id; i++) {
		long at = day_number(a[i].at ? a[i].at : a[i].for_date);
		long dist = (want < 0 || at < 0) ? 0 : labs(at - want);
		if (best == NULL || dist < bestd) {
			best = &a[i];
			bestd = dist;
		}
	}
	return best;
}

int mon_report_add(struct vp_report_rep *out, const struct mon_report_row *r,
    const struct mon_archive *arch, size_t n_arch)
{
	struct vp_report_doc *d;
	struct vp_report_src *s;
	const struct mon_archive *a;
	char t[40];
	int rv;

	if (out->n_docs == 0 ||
	    strcmp(out->docs[out->n_docs - 1].doc, r->doc) != 0) {
		/* grow by doubling: the array is realloc'ed in place */
		size_t n = out->n_docs;
		if ((n & (n - 1)) == 0) {
			void *nv = realloc(
			    out->docs, (n ? 2 * n : 1) * sizeof(*out->docs));
			if (nv == NULL)
				return VP_ENOMEM;
			out->docs = nv;
		}
		d = &out->docs[n];
		memset(d, 0, sizeof(*d));
		out->n_docs++;
		if ((d->doc = strdup(r->doc)) == NULL ||
		    dupz(&d->date, r->doc_date) != VP_OK)
			return VP_ENOMEM;
	}
	d = &out->docs[out->n_docs - 1];
	if ((d->n_sources & (d->n_sources - 1)) == 0) {
		void *nv =
		    realloc(d->sources, (d->n_sources ? 2 * d->n_sources : 1) *
		                            sizeof(*d->sources));
		if (nv == NULL)
			return VP_ENOMEM;
		d->sources = nv;
	}
	s = &d->sources[d->n_sources];
	memset(s, 0, sizeof(*s));
	d->n_sources++;
	if (r->src->state == MON_DEAD || r->src->state == MON_DRIFTED)
		d->bad++;
	if ((s->url = strdup(r->src->url)) == NULL ||
	    (s->state = strdup(mon_state_name(r->src->state))) == NULL ||
	    dupz(&s->cite_id, r->src->cite_id) != VP_OK ||
	    dupz(&s->status, r->src->status) != VP_OK ||
	    dupz(&s->spark, r->src->spark) != VP_OK)
		return VP_ENOMEM;
	s->http_status = r->src->http_status;
	mon_time_fmt(r->src->since, t, sizeof(t));
	if (dupz(&s->since, t) != VP_OK)
		return VP_ENOMEM;
	mon_time_fmt(r->src->last_checked, t, sizeof(t));
	if (dupz(&s->last_checked, t) != VP_OK)
		return VP_ENOMEM;
	if ((rv = mon_spans_decode(r->spans, &s->spans, &s->n_spans)) != VP_OK)
		return rv;
	a = closest_archive(arch, n_arch, r->src->id, r->doc_date);
	if (a != NULL && (dupz(&s->archived_url, a->url) != VP_OK ||
	                     dupz(&s->archived_at, a->at) != VP_OK))
		return VP_ENOMEM;
	return VP_OK;
}

void mon_archives_free(struct mon_archive *arch, size_t n)
{
	for (size_t i = 0; i < n && arch != NULL; i++) {
		free(arch[i].for_date);
		free(arch[i].url);
		free(arch[i].at);
	}
	free(arch);
}

static bool is_pg(const char *where)
{
	return strncmp(where, "postgresql://", 13) == 0 ||
	       strncmp(where, "postgres://", 11) == 0 ||
	       strstr(where, "dbname=") != NULL ||
	       strncmp(where, "host=", 5) == 0;
}

int mon_store_open(
    struct mon_store **s, const char *where, char *err, size_t errlen)
{
	const struct mon_store_ops *ops = &mon_sqlite_ops;
	int rv, version = 0;
	if (is_pg(where)) {
		if (mon_pg_ops == NULL) {
			snprintf(err, errlen,
			    "built without PostgreSQL support (libpq-dev)");
			return VP_EINVAL;
		}
		ops = mon_pg_ops;
	}
	if ((rv = ops->open(s, where, err, errlen)) != VP_OK)
		return rv;
	if ((rv = ops->migrate(*s, &version)) != VP_OK) {
		snprintf(err, errlen, "%s store: migration failed: %s",
		    ops->name, vp_strerror(rv));
		ops->close(*s);
		*s = NULL;
		return rv;
	}
	return VP_OK;
}

void mon_store_close(struct mon_store *s)
{
	if (s != NULL)
		s->ops->close(s);
}

void mon_events_free(struct mon_event *v, size_t n)
{
	for (size_t i = 0; i < n && v != NULL; i++) {
		free(v[i].url);
		free(v[i].cite_id);
		free(v[i].old_state);
		free(v[i].new_state);
		free(v[i].status);
	}
	free(v);
}
