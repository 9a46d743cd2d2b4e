/* mon_store_pg.c - the shared store: PostgreSQL, for several monitors on
 * several machines. Same schema and semantics as the SQLite store; claims
 * use FOR UPDATE SKIP LOCKED so that monitors never check the same source
 * at once, and migrations take an advisory lock so that they run once. */
#include "mon.h"
#include "vp_err.h"

#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pg_store {
	struct mon_store base;
	PGconn *conn;
};

#define SRC_COLS                                                               \
	"s.id, s.url, s.cite_id, s.host, s.state, s.status, s.http_status, "   \
	"s.final_url, s.since, s.last_checked, s.next_due, s.interval_s, "     \
	"s.failures, s.last_fail, s.checks, s.base_len, s.base_sha, "          \
	"s.base_title, s.last_len, s.last_sha, s.last_title, s.spark"
#define N_SRC_COLS 22
#define MAX_PARAMS 16

/* Parameters as text (NULL = SQL NULL), numbers formatted in place. */
struct params {
	char num[MAX_PARAMS][24];
	const char *v[MAX_PARAMS];
	int n;
};

static void p_str(struct params *p, const char *s)
{
	p->v[p->n++] = (s != NULL && *s != '\0') ? s : NULL;
}

static void p_raw(struct params *p, const char *s)
{
	p->v[p->n++] = s;
}

static void p_i64(struct params *p, int64_t x)
{
	snprintf(p->num[p->n], sizeof(p->num[0]), "%" PRId64, x);
	p->v[p->n] = p->num[p->n];
	p->n++;
}

static PGconn *C(struct mon_store *s)
{
	return ((struct pg_store *)s)->conn;
}

static PGresult *run(PGconn *c, const char *sql, const struct params *p)
{
	return PQexecParams(
	    c, sql, p ? p->n : 0, NULL, p ? p->v : NULL, NULL, NULL, 0);
}

static bool good(PGresult *r)
{
	ExecStatusType st = PQresultStatus(r);
	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

/* Runs sql and keeps only whether it worked. */
static int exec1(PGconn *c, const char *sql, const struct params *p)
{
	PGresult *r = run(c, sql, p);
	int rv = good(r) ? VP_OK : VP_EIO;
	if (rv != VP_OK) {
		const char *code = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		if (code && strncmp(code, "23", 2) == 0)
			rv = VP_ENOTFOUND; /* integrity: source gone */
		else if (code && strcmp(code, "40001") == 0)
			rv = VP_EBUSY;
	}
	PQclear(r);
	return rv;
}

static void rollback(PGconn *c)
{
	PQclear(PQexec(c, "ROLLBACK"));
}

static int64_t get_i64(PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col)
	           ? 0
	           : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static int get_dup(PGresult *r, int row, int col, char **out)
{
	*out = NULL;
	if (PQgetisnull(r, row, col))
		return VP_OK;
	return (*out = strdup(PQgetvalue(r, row, col))) ? VP_OK : VP_ENOMEM;
}

static int read_source(PGresult *r, int row, int c, struct mon_source *s)
{
	char *state = NULL;
	int rv = VP_OK, st;
	memset(s, 0, sizeof(*s));
	s->id = get_i64(r, row, c + 0);
	rv |= get_dup(r, row, c + 1, &s->url);
	rv |= get_dup(r, row, c + 2, &s->cite_id);
	rv |= get_dup(r, row, c + 3, &s->host);
	rv |= get_dup(r, row, c + 4, &state);
	rv |= get_dup(r, row, c + 5, &s->status);
	s->http_status = (uint32_t)get_i64(r, row, c + 6);
	rv |= get_dup(r, row, c + 7, &s->final_url);
	s->since = get_i64(r, row, c + 8);
	s->last_checked = get_i64(r, row, c + 9);
	s->next_due = get_i64(r, row, c + 10);
	s->interval = get_i64(r, row, c + 11);
	s->failures = (uint32_t)get_i64(r, row, c + 12);
	s->last_fail = get_i64(r, row, c + 13);
	s->checks = (uint64_t)get_i64(r, row, c + 14);
	s->base_has_len = !PQgetisnull(r, row, c + 15);
	s->base_len = (uint64_t)get_i64(r, row, c + 15);
	rv |= get_dup(r, row, c + 16, &s->base_sha);
	rv |= get_dup(r, row, c + 17, &s->base_title);
	s->last_has_len = !PQgetisnull(r, row, c + 18);
	s->last_len = (uint64_t)get_i64(r, row, c + 18);
	rv |= get_dup(r, row, c + 19, &s->last_sha);
	rv |= get_dup(r, row, c + 20, &s->last_title);
	rv |= get_dup(r, row, c + 21, &s->spark);
	st = state ? mon_state_from_name(state) : -1;
	s->state = (enum mon_state)(st >= 0 ? st : MON_NEW);
	free(state);
	if (rv != VP_OK) {
		mon_source_clear(s);
		return VP_ENOMEM;
	}
	return VP_OK;
}

static int read_sources(
    PGresult *r, struct mon_source **out, size_t *n, bool with_docs)
{
	int rows = PQntuples(r);
	struct mon_source *v;
	*out = NULL;
	*n = 0;
	if (rows == 0)
		return VP_OK;
	if ((v = calloc((size_t)rows, sizeof(*v))) == NULL)
		return VP_ENOMEM;
	for (int i = 0; i < rows; i++) {
		if (read_source(r, i, 0, &v[i]) != VP_OK) {
			mon_sources_free(v, (size_t)i);
			return VP_ENOMEM;
		}
		if (with_docs)
			v[i].docs = (uint64_t)get_i64(r, i, N_SRC_COLS);
	}
	*out = v;
	*n = (size_t)rows;
	return VP_OK;
}

static int pg_open(
    struct mon_store **out, const char *where, char *err, size_t errlen)
{
	struct pg_store *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return VP_ENOMEM;
	s->base.ops = mon_pg_ops;
	s->conn = PQconnectdb(where);
	if (PQstatus(s->conn) != CONNECTION_OK) {
		snprintf(
		    err, errlen, "postgresql: %s", PQerrorMessage(s->conn));
		err[strcspn(err, "\n")] = '\0';
		PQfinish(s->conn);
		free(s);
		return VP_ECONNREFUSED;
	}
	PQclear(PQexec(s->conn, "SET client_min_messages = warning"));
	*out = &s->base;
	return VP_OK;
}

static void pg_close(struct mon_store *s)
{
	PQfinish(C(s));
	free(s);
}

static int pg_migrate(struct mon_store *st, int *version)
{
	PGconn *c = C(st);
	PGresult *r;
	int rv, v = 0;
	if ((rv = exec1(c, "BEGIN", NULL)) != VP_OK)
		return rv;
	/* several monitors may start at once: one migrates, others wait */
	if ((rv = exec1(c, "SELECT pg_advisory_xact_lock(7102)", NULL)) !=
	        VP_OK ||
	    (rv = exec1(c,
	         "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER "
	         "NOT NULL)",
	         NULL)) != VP_OK)
		goto fail;
	r = run(
	    c, "SELECT COALESCE(MAX(version), 0) FROM schema_version", NULL);
	if (!good(r)) {
		PQclear(r);
		rv = VP_EIO;
		goto fail;
	}
	v = (int)get_i64(r, 0, 0);
	PQclear(r);
	for (;;) {
		char *sql;
		struct params p = {.n = 0};
		rv = mon_schema_chunk(v + 1, "BIGSERIAL PRIMARY KEY", &sql);
		if (rv == VP_ENOTFOUND)
			break;
		if (rv != VP_OK)
			goto fail;
		r = PQexec(c, sql);
		free(sql);
		rv = good(r) ? VP_OK : VP_EIO;
		PQclear(r);
		if (rv != VP_OK)
			goto fail;
		v++;
		p_i64(&p, v);
		if ((rv = exec1(c, "INSERT INTO schema_version VALUES ($1)",
		         &p)) != VP_OK)
			goto fail;
	}
	if ((rv = exec1(c, "COMMIT", NULL)) != VP_OK)
		return rv;
	*version = v;
	return VP_OK;
fail:
	rollback(c);
	return rv;
}

static int pg_watch(struct mon_store *st, const struct mon_cite *ci, size_t n,
    int64_t now, uint64_t *new_sources, uint64_t *new_citing)
{
	PGconn *c = C(st);
	uint64_t ns = 0, nc = 0;
	int rv;
	if ((rv = exec1(c, "BEGIN", NULL)) != VP_OK)
		return rv;
	for (size_t i = 0; i < n; i++) {
		struct params p = {.n = 0}, q = {.n = 0};
		PGresult *r;
		int64_t id;
		p_str(&p, ci[i].url);
		p_str(&p, ci[i].cite_id);
		p_str(&p, ci[i].family);
		p_raw(&p, ci[i].host ? ci[i].host : "");
		p_i64(&p, now);
		p_i64(&p, ci[i].due);
		r = run(c,
		    "INSERT INTO sources (url, cite_id, family, host, added, "
		    "since, next_due) VALUES ($1, $2, $3, $4, $5, $5, $6) ON "
		    "CONFLICT (url) DO NOTHING RETURNING id",
		    &p);
		if (!good(r)) {
			PQclear(r);
			goto fail;
		}
		if (PQntuples(r) == 1) {
			id = get_i64(r, 0, 0);
			ns++;
			PQclear(r);
		} else {
			struct params u = {.n = 0};
			PQclear(r);
			p_str(&u, ci[i].url);
			r = run(c, "SELECT id FROM sources WHERE url = $1", &u);
			if (!good(r) || PQntuples(r) != 1) {
				PQclear(r);
				goto fail;
			}
			id = get_i64(r, 0, 0);
			PQclear(r);
		}
		p_i64(&q, id);
		p_str(&q, ci[i].doc);
		p_str(&q, ci[i].doc_date);
		p_raw(&q, ci[i].spans ? ci[i].spans : "");
		p_i64(&q, now);
		r = run(c,
		    "INSERT INTO citing (source_id, doc, doc_date, spans, "
		    "added) VALUES ($1, $2, $3, $4, $5) ON CONFLICT "
		    "(source_id, "
		    "doc) DO UPDATE SET spans = excluded.spans, doc_date = "
		    "COALESCE(excluded.doc_date, citing.doc_date) RETURNING "
		    "(xmax = 0)",
		    &q);
		if (!good(r)) {
			PQclear(r);
			goto fail;
		}
		/* xmax = 0: the row was inserted, not updated */
		if (PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "t") == 0)
			nc++;
		PQclear(r);
	}
	if ((rv = exec1(c, "COMMIT", NULL)) != VP_OK)
		return rv;
	*new_sources = ns;
	*new_citing = nc;
	return VP_OK;
fail:
	rollback(c);
	return VP_EIO;
}

static int pg_unwatch(struct mon_store *st, char *const *urls, size_t n_urls,
    char *const *docs, size_t n_docs, uint64_t *sources, uint64_t *citing)
{
	PGconn *c = C(st);
	int rv;
	*sources = *citing = 0;
	if ((rv = exec1(c, "BEGIN", NULL)) != VP_OK)
		return rv;
	for (size_t i = 0; i < n_urls; i++) {
		struct params p = {.n = 0};
		PGresult *r;
		p_str(&p, urls[i]);
		r = run(c,
		    "WITH d AS (DELETE FROM sources WHERE url = $1 RETURNING "
		    "id) SELECT (SELECT COUNT(*) FROM d), (SELECT COUNT(*) "
		    "FROM "
		    "citing WHERE source_id IN (SELECT id FROM d))",
		    &p);
		if (!good(r)) {
			PQclear(r);
			goto fail;
		}
		*sources += (uint64_t)get_i64(r, 0, 0);
		*citing += (uint64_t)get_i64(r, 0, 1);
		PQclear(r);
	}
	for (size_t i = 0; i < n_docs; i++) {
		struct params p = {.n = 0};
		PGresult *r;
		p_str(&p, docs[i]);
		r = run(c,
		    "WITH d AS (DELETE FROM citing WHERE doc = $1 RETURNING "
		    "source_id), o AS (DELETE FROM sources s WHERE s.id IN "
		    "(SELECT source_id FROM d) AND NOT EXISTS (SELECT 1 FROM "
		    "citing c WHERE c.source_id = s.id AND c.doc <> $1) "
		    "RETURNING s.id) SELECT (SELECT COUNT(*) FROM d), (SELECT "
		    "COUNT(*) FROM o)",
		    &p);
		if (!good(r)) {
			PQclear(r);
			goto fail;
		}
		*citing += (uint64_t)get_i64(r, 0, 0);
		*sources += (uint64_t)get_i64(r, 0, 1);
		PQclear(r);
	}
	return exec1(c, "COMMIT", NULL);
fail:
	rollback(c);
	return VP_EIO;
}

static int pg_due(struct mon_store *st, int64_t now, int64_t lease_until,
    size_t max, size_t per_host, struct mon_source **out, size_t *n)
{
	PGconn *c = C(st);
	struct params p = {.n = 0};
	struct mon_source *cand = NULL, *res = NULL;
	size_t n_cand = 0, *pick = NULL, k;
	PGresult *r;
	int rv;
	*out = NULL;
	*n = 0;
	if (max == 0)
		return VP_OK;
	if ((rv = exec1(c, "BEGIN", NULL)) != VP_OK)
		return rv;
	p_i64(&p, now);
	p_i64(&p, (int64_t)(max * 4));
	/* SKIP LOCKED: another monitor's claim in progress is not ours */
	r = run(c,
	    "SELECT " SRC_COLS " FROM sources s WHERE s.next_due <= $1 ORDER "
	    "BY s.next_due LIMIT $2 FOR UPDATE SKIP LOCKED",
	    &p);
	if (!good(r)) {
		PQclear(r);
		rv = VP_EIO;
		goto fail;
	}
	rv = read_sources(r, &cand, &n_cand, false);
	PQclear(r);
	if (rv != VP_OK || n_cand == 0)
		goto fail;
	if ((pick = malloc(n_cand * sizeof(*pick))) == NULL ||
	    (res = calloc(n_cand, sizeof(*res))) == NULL) {
		rv = VP_ENOMEM;
		goto fail;
	}
	k = mon_sched_pick(cand, n_cand, max, per_host, pick);
	for (size_t i = 0; i < k; i++) {
		struct params u = {.n = 0};
		p_i64(&u, cand[pick[i]].id);
		p_i64(&u, lease_until);
		if ((rv = exec1(c,
		         "UPDATE sources SET next_due = $2 WHERE id = $1",
		         &u)) != VP_OK)
			goto fail;
	}
	if ((rv = exec1(c, "COMMIT", NULL)) != VP_OK)
		goto fail;
	for (size_t i = 0; i < k; i++) {
		res[i] = cand[pick[i]];
		memset(&cand[pick[i]], 0, sizeof(cand[0]));
	}
	mon_sources_free(cand, n_cand);
	free(pick);
	*out = res;
	*n = k;
	return VP_OK;
fail:
	mon_sources_free(cand, n_cand);
	free(pick);
	free(res);
	rollback(c);
	return rv;
}

static int pg_record(struct mon_store *st, int64_t id,
    const struct mon_check *ck, const struct mon_outcome *o, int64_t *check_id)
{
	PGconn *c = C(st);
	struct params p = {.n = 0}, u = {.n = 0};
	char sp[2] = {o->spark ? o->spark : '?', 0};
	PGresult *r;
	int rv;
	if ((rv = exec1(c, "BEGIN", NULL)) != VP_OK)
		return rv;
	p_i64(&p, id);
	p_i64(&p, ck->at);
	p_raw(&p, ck->status);
	p_i64(&p, ck->http_status);
	p_str(&p, ck->final_url);
	if (ck->fp.has_length)
		p_i64(&p, (int64_t)ck->fp.length);
	else
		p_raw(&p, NULL);
	p_str(&p, ck->fp.sha256);
	p_str(&p, ck->fp.title);
	p_str(&p, ck->etag);
	p_i64(&p, ck->elapsed_ms);
	p_str(&p, ck->error);
	p_i64(&p, o->drift);
	r = run(c,
	    "INSERT INTO checks (source_id, at, status, http_status, "
	    "final_url, content_length, sha256, title, etag, elapsed_ms, "
	    "error, "
	    "drift) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
	    "RETURNING id",
	    &p);
	if (!good(r)) {
		const char *code = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		rv =
		    code && strncmp(code, "23", 2) == 0 ? VP_ENOTFOUND : VP_EIO;
		PQclear(r);
		goto fail;
	}
	*check_id = get_i64(r, 0, 0);
	PQclear(r);
	p_i64(&u, id);
	p_raw(&u, mon_state_name(o->new_state));
	p_raw(&u, ck->status);
	p_i64(&u, ck->http_status);
	p_str(&u, ck->final_url);
	p_i64(&u, o->since);
	p_i64(&u, ck->at);
	p_i64(&u, o->next_due);
	p_i64(&u, o->interval);
	p_i64(&u, o->failures);
	p_i64(&u, o->last_fail);
	p_raw(&u, sp);
	r = run(c,
	    "UPDATE sources SET state = $2, status = $3, http_status = $4, "
	    "final_url = $5, since = $6, last_checked = $7, next_due = $8, "
	    "interval_s = $9, failures = $10, last_fail = $11, checks = checks "
	    "+ 1, spark = right(spark || $12, 32) WHERE id = $1",
	    &u);
	rv = good(r) && strcmp(PQcmdTuples(r), "1") == 0 ? VP_OK : VP_ENOTFOUND;
	PQclear(r);
	if (rv != VP_OK)
		goto fail;
	if (o->set_baseline || o->reachable) {
		struct params f = {.n = 0};
		p_i64(&f, id);
		if (ck->fp.has_length)
			p_i64(&f, (int64_t)ck->fp.length);
		else
			p_raw(&f, NULL);
		p_str(&f, ck->fp.sha256);
		p_str(&f, ck->fp.title);
		if ((rv = exec1(c,
		         o->set_baseline
		             ? "UPDATE sources SET base_len = $2, base_sha = "
		               "$3, base_title = $4, last_len = $2, last_sha = "
		               "$3, last_title = $4 WHERE id = $1"
		             : "UPDATE sources SET last_len = $2, last_sha = "
		               "$3, last_title = $4 WHERE id = $1",
		         &f)) != VP_OK)
			goto fail;
	}
	if (o->transition) {
		struct params t = {.n = 0};
		p_i64(&t, id);
		p_i64(&t, *check_id);
		p_i64(&t, ck->at);
		p_raw(&t, mon_state_name(o->old_state));
		p_raw(&t, mon_state_name(o->new_state));
		if ((rv = exec1(c,
		         "INSERT INTO transitions (source_id, check_id, at, "
		         "old_state, new_state) VALUES ($1, $2, $3, $4, $5)",
		         &t)) != VP_OK)
			goto fail;
		/* the event, in the same transaction as its check */
		p_str(&t, ck->status);
		p_i64(&t, ck->http_status);
		if ((rv = exec1(c,
		         "INSERT INTO outbox (check_id, source_id, url, "
		         "cite_id, old_state, new_state, status, http_status, "
		         "at) SELECT $2::bigint, id, url, cite_id, $4::text, "
		         "$5::text, $6::text, $7::integer, $3::bigint FROM "
		         "sources WHERE id = $1::bigint",
		         &t)) != VP_OK)
			goto fail;
	}
	return exec1(c, "COMMIT", NULL);
fail:
	rollback(c);
	return rv;
}

static int pg_get(struct mon_store *st, const char *url, struct mon_source *out)
{
	struct params p = {.n = 0};
	PGresult *r;
	int rv;
	p_str(&p, url);
	r = run(C(st),
	    "SELECT " SRC_COLS ", (SELECT COUNT(*) FROM citing c WHERE "
	    "c.source_id = s.id) FROM sources s WHERE s.url = $1",
	    &p);
	if (!good(r)) {
		PQclear(r);
		return VP_EIO;
	}
	if (PQntuples(r) != 1) {
		PQclear(r);
		return VP_ENOTFOUND;
	}
	rv = read_source(r, 0, 0, out);
	if (rv == VP_OK)
		out->docs = (uint64_t)get_i64(r, 0, N_SRC_COLS);
	PQclear(r);
	return rv;
}

static int pg_list(struct mon_store *st, const char *state, const char *prefix,
    uint64_t offset, uint32_t limit, struct mon_source **out, size_t *n,
    uint64_t *total)
{
	struct params p = {.n = 0};
	PGresult *r;
	int rv;
#define WHERE                                                                  \
	" WHERE ($1::text IS NULL OR s.state = $1) AND ($2::text IS NULL OR "  \
	"left(s.url, length($2)) = $2)"
	p_str(&p, state);
	p_str(&p, prefix);
	r = run(C(st), "SELECT COUNT(*) FROM sources s" WHERE, &p);
	if (!good(r)) {
		PQclear(r);
		return VP_EIO;
	}
	*total = (uint64_t)get_i64(r, 0, 0);
	PQclear(r);
	if (limit)
		p_i64(&p, limit);
	else
		p_raw(&p, NULL);
	p_i64(&p, (int64_t)offset);
	r = run(C(st),
	    "SELECT " SRC_COLS ", (SELECT COUNT(*) FROM citing c WHERE "
	    "c.source_id = s.id) FROM sources s" WHERE
	    " ORDER BY s.url LIMIT $3 OFFSET $4",
	    &p);
#undef WHERE
	if (!good(r)) {
		PQclear(r);
		return VP_EIO;
	}
	rv = read_sources(r, out, n, true);
	PQclear(r);
	return rv;
}

static int pg_history(struct mon_store *st, int64_t id, uint32_t limit,
    struct vp_hist_check **out, size_t *n)
{
	struct params p = {.n = 0};
	struct vp_hist_check *v;
	PGresult *r;
	int rows;
	*out = NULL;
	*n = 0;
	p_i64(&p, id);
	if (limit)
		p_i64(&p, limit);
	else
		p_raw(&p, NULL);
	r = run(C(st),
	    "SELECT c.id, c.at, c.status, c.http_status, c.final_url, "
	    "c.content_length, c.sha256, c.title, c.drift, t.old_state, "
	    "t.new_state FROM checks c LEFT JOIN transitions t ON t.check_id "
	    "= c.id WHERE c.source_id = $1 ORDER BY c.id DESC LIMIT $2",
	    &p);
	if (!good(r)) {
		PQclear(r);
		return VP_EIO;
	}
	rows = PQntuples(r);
	if (rows == 0) {
		PQclear(r);
		return VP_OK;
	}
	if ((v = calloc((size_t)rows, sizeof(*v))) == NULL) {
		PQclear(r);
		return VP_ENOMEM;
	}
	for (int i = 0; i < rows; i++) {
		struct vp_hist_check *h = &v[i];
		char t[40];
		h->id = (uint64_t)get_i64(r, i, 0);
		mon_time_fmt(get_i64(r, i, 1), t, sizeof(t));
		if ((h->at = strdup(t)) == NULL ||
		    get_dup(r, i, 2, &h->status) != VP_OK ||
		    get_dup(r, i, 4, &h->final_url) != VP_OK ||
		    get_dup(r, i, 6, &h->sha256) != VP_OK ||
		    get_dup(r, i, 7, &h->title) != VP_OK)
			goto nomem;
		h->http_status = (uint32_t)get_i64(r, i, 3);
		h->content_length = (uint64_t)get_i64(r, i, 5);
		h->drift = get_i64(r, i, 8) != 0;
		if (!PQgetisnull(r, i, 9)) {
			snprintf(t, sizeof(t), "%s>%s", PQgetvalue(r, i, 9),
			    PQgetvalue(r, i, 10));
			if ((h->transition = strdup(t)) == NULL)
				goto nomem;
		}
	}
	PQclear(r);
	*out = v;
	*n = (size_t)rows;
	return VP_OK;
nomem:
	PQclear(r);
	for (int i = 0; i < rows; i++)
		vp_obj_clear(&vp_desc_hist_check, &v[i]);
	free(v);
	return VP_ENOMEM;
}

static int pg_docs(
    struct mon_store *st, int64_t id, char ***docs, char ***dates, size_t *n)
{
	struct params p = {.n = 0};
	PGresult *r;
	char **d, **t;
	int rows;
	*docs = *dates = NULL;
	*n = 0;
	p_i64(&p, id);
	r = run(C(st),
	    "SELECT doc, doc_date FROM citing WHERE source_id = $1 ORDER BY "
	    "doc",
	    &p);
	if (!good(r)) {
		PQclear(r);
		return VP_EIO;
	}
	rows = PQntuples(r);
	d = calloc((size_t)rows + 1, sizeof(*d));
	t = calloc((size_t)rows + 1, sizeof(*t));
	if (d == NULL || t == NULL)
		goto nomem;
	for (int i = 0; i < rows; i++)
		if (get_dup(r, i, 0, &d[i]) != VP_OK ||
		    get_dup(r, i, 1, &t[i]) != VP_OK)
			goto nomem;
	PQclear(r);
	*docs = d;
	*dates = t;
	*n = (size_t)rows;
	return VP_OK;
nomem:
	for (int i = 0; i < rows && d && t; i++) {
		free(d[i]);
		free(t[i]);
	}
	free(d);
	free(t);
	PQclear(r);
	return VP_ENOMEM;
}

static int pg_add_archive(struct mon_store *st, int64_t id,
    const char *for_date, const char *url, const char *at, int64_t now)
{
	struct params p = {.n = 0};
	p_i64(&p, id);
	p_raw(&p, for_date ? for_date : "");
	p_str(&p, url);
	p_str(&p, at);
	p_i64(&p, now);
	return exec1(C(st),
	    "INSERT INTO archives (source_id, for_date, archived_url, "
	    "archived_at, fetched) VALUES ($1, $2, $3, $4, $5) ON CONFLICT "
	    "(source_id, for_date) DO UPDATE SET archived_url = "
	    "excluded.archived_url, archived_at = excluded.archived_at, "
	    "fetched = excluded.fetched",
	    &p);
}

static int pg_report(struct mon_store *st, bool all, const char *doc,
    uint32_t limit, struct vp_report_rep *out)
{
	PGconn *c = C(st);
	struct params p = {.n = 0};
	struct mon_archive *arch = NULL;
	PGresult *ra, *r;
	int rows, na, rv = VP_OK;
	/* one snapshot for both queries */
	if ((rv = exec1(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
	         NULL)) != VP_OK)
		return rv;
	ra = run(c,
	    "SELECT source_id, for_date, archived_url, archived_at FROM "
	    "archives ORDER BY source_id",
	    NULL);
	p_str(&p, doc);
	r = run(c,
	    all ? "SELECT c.doc, c.doc_date, c.spans, " SRC_COLS
	          " FROM citing c JOIN sources s ON s.id = c.source_id WHERE "
	          "($1::text IS NULL OR c.doc = $1) ORDER BY c.doc, s.url"
	        : "SELECT c.doc, c.doc_date, c.spans, " SRC_COLS
	          " FROM citing c JOIN sources s ON s.id = c.source_id WHERE "
	          "($1::text IS NULL OR c.doc = $1) AND c.doc IN (SELECT "
	          "c2.doc FROM sources s2 JOIN citing c2 ON c2.source_id = "
	          "s2.id WHERE s2.state IN ('dead', 'drifted')) ORDER BY "
	          "c.doc, s.url",
	    &p);
	rollback(c);
	if (!good(ra) || !good(r)) {
		rv = VP_EIO;
		goto done;
	}
	na = PQntuples(ra);
	if (na > 0 && (arch = calloc((size_t)na, sizeof(*arch))) == NULL) {
		rv = VP_ENOMEM;
		goto done;
	}
	for (int i = 0; i < na; i++) {
		arch[i].source_id = get_i64(ra, i, 0);
		if (get_dup(ra, i, 1, &arch[i].for_date) != VP_OK ||
		    get_dup(ra, i, 2, &arch[i].url) != VP_OK ||
		    get_dup(ra, i, 3, &arch[i].at) != VP_OK) {
			rv = VP_ENOMEM;
			goto done;
		}
	}
	rows = PQntuples(r);
	for (int i = 0; i < rows; i++) {
		struct mon_source src;
		const char *d = PQgetvalue(r, i, 0);
		struct mon_report_row row = {d,
		    PQgetisnull(r, i, 1) ? NULL : PQgetvalue(r, i, 1),
		    PQgetvalue(r, i, 2), &src};
		if (limit > 0 && out->n_docs == limit &&
		    strcmp(out->docs[limit - 1].doc, d) != 0)
			break;
		if ((rv = read_source(r, i, 3, &src)) != VP_OK)
			break;
		rv = mon_report_add(out, &row, arch, (size_t)na);
		mon_source_clear(&src);
		if (rv != VP_OK)
			break;
	}
done:
	mon_archives_free(arch, arch ? (size_t)PQntuples(ra) : 0);
	PQclear(ra);
	PQclear(r);
	return rv;
}

static int pg_respread(
    struct mon_store *st, int64_t now, int64_t window, uint64_t *moved)
{
	struct params p = {.n = 0};
	PGresult *r;
	*moved = 0;
	if (window <= 0)
		return VP_OK;
	p_i64(&p, now);
	p_i64(&p, window);
	r = run(C(st),
	    "UPDATE sources SET next_due = $1 + (id * 2654435761) % $2 WHERE "
	    "next_due < $1",
	    &p);
	if (!good(r)) {
		PQclear(r);
		return VP_EIO;
	}
	*moved = strtoull(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return VP_OK;
}

static int pg_outbox(
    struct mon_store *st, size_t max, struct mon_event **out, size_t *n)
{
	struct params p = {.n = 0};
	struct mon_event *v = NULL;
	PGresult *r;
	size_t k = 0, rows;
	int rv = VP_OK;
	*out = NULL;
	*n = 0;
	p_i64(&p, (int64_t)max);
	r = run(C(st),
	    "SELECT check_id, source_id, url, cite_id, old_state, new_state, "
	    "status, http_status, at FROM outbox ORDER BY id LIMIT $1",
	    &p);
	if (!good(r)) {
		PQclear(r);
		return VP_EIO;
	}
	rows = (size_t)PQntuples(r);
	if (rows > 0 && (v = calloc(rows, sizeof(*v))) == NULL) {
		PQclear(r);
		return VP_ENOMEM;
	}
	for (; k < rows && rv == VP_OK; k++) {
		struct mon_event *e = &v[k];
		int row = (int)k;
		e->check_id = get_i64(r, row, 0);
		e->source_id = get_i64(r, row, 1);
		e->http_status = (uint32_t)get_i64(r, row, 7);
		e->at = get_i64(r, row, 8);
		if ((rv = get_dup(r, row, 2, &e->url)) != VP_OK ||
		    (rv = get_dup(r, row, 3, &e->cite_id)) != VP_OK ||
		    (rv = get_dup(r, row, 4, &e->old_state)) != VP_OK ||
		    (rv = get_dup(r, row, 5, &e->new_state)) != VP_OK)
			break;
		rv = get_dup(r, row, 6, &e->status);
	}
	PQclear(r);
	if (rv != VP_OK) {
		mon_events_free(v, rows);
		return rv;
	}
	*out = v;
	*n = rows;
	return VP_OK;
}

static int pg_outbox_sent(struct mon_store *st, int64_t check_id)
{
	struct params p = {.n = 0};
	p_i64(&p, check_id);
	return exec1(C(st), "DELETE FROM outbox WHERE check_id = $1", &p);
}

static int pg_has_check(struct mon_store *st, int64_t check_id, bool *found)
{
	struct params p = {.n = 0};
	PGresult *r;
	p_i64(&p, check_id);
	r = run(C(st), "SELECT 1 FROM checks WHERE id = $1", &p);
	if (!good(r)) {
		PQclear(r);
		return VP_EIO;
	}
	*found = PQntuples(r) == 1;
	PQclear(r);
	return VP_OK;
}

static const struct mon_store_ops pg_ops = {
    .name = "postgresql",
    .open = pg_open,
    .close = pg_close,
    .migrate = pg_migrate,
    .watch = pg_watch,
    .unwatch = pg_unwatch,
    .due = pg_due,
    .record = pg_record,
    .outbox = pg_outbox,
    .outbox_sent = pg_outbox_sent,
    .get = pg_get,
    .list = pg_list,
    .history = pg_history,
    .docs = pg_docs,
    .add_archive = pg_add_archive,
    .report = pg_report,
    .respread = pg_respread,
    .has_check = pg_has_check,
};

const struct mon_store_ops *const mon_pg_ops = &pg_ops;
