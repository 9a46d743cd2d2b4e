/* mon_store_sqlite.c - the embedded store: one SQLite file in WAL mode.
 * Every operation is one transaction, so a monitor killed at any moment
 * leaves either the whole check (row, source update, transition) or none;
 * synchronous=FULL makes a committed check survive a crash of the machine
 * too, not only of the process. */
#include "mon.h"
#include "vp_err.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sq_store {
	struct mon_store base;
	sqlite3 *db;
};

#define SRC_COLS                                                               \
	"s.id, s.url, s.cite_id, s.host, s.state, s.status, s.http_status, "   \
	"s.final_url, s.since, s.last_checked, s.next_due, s.interval_s, "     \
	"s.failures, s.last_fail, s.checks, s.base_len, s.base_sha, "          \
	"s.base_title, s.last_len, s.last_sha, s.last_title, s.spark"
#define N_SRC_COLS 22

static struct sq_store *SQ(struct mon_store *s)
{
	return (struct sq_store *)s;
}

static int map_rc(int rc)
{
	switch (rc) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW: return VP_OK;
	case SQLITE_NOMEM: return VP_ENOMEM;
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return VP_EBUSY;
	case SQLITE_CONSTRAINT: return VP_ENOTFOUND;
	default: return VP_EIO;
	}
}

static int exec(sqlite3 *db, const char *sql)
{
	return map_rc(sqlite3_exec(db, sql, NULL, NULL, NULL));
}

static int prep(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
	return map_rc(sqlite3_prepare_v2(db, sql, -1, st, NULL));
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL || *v == '\0')
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

static int col_dup(sqlite3_stmt *st, int i, char **out)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	*out = NULL;
	if (t == NULL)
		return VP_OK;
	return (*out = strdup((const char *)t)) != NULL ? VP_OK : VP_ENOMEM;
}

static int read_source(sqlite3_stmt *st, int c, struct mon_source *s)
{
	char *state = NULL;
	int rv = VP_OK;
	memset(s, 0, sizeof(*s));
	s->id = sqlite3_column_int64(st, c + 0);
	rv |= col_dup(st, c + 1, &s->url);
	rv |= col_dup(st, c + 2, &s->cite_id);
	rv |= col_dup(st, c + 3, &s->host);
	rv |= col_dup(st, c + 4, &state);
	rv |= col_dup(st, c + 5, &s->status);
	s->http_status = (uint32_t)sqlite3_column_int(st, c + 6);
	rv |= col_dup(st, c + 7, &s->final_url);
	s->since = sqlite3_column_int64(st, c + 8);
	s->last_checked = sqlite3_column_int64(st, c + 9);
	s->next_due = sqlite3_column_int64(st, c + 10);
	s->interval = sqlite3_column_int64(st, c + 11);
	s->failures = (uint32_t)sqlite3_column_int(st, c + 12);
	s->last_fail = sqlite3_column_int64(st, c + 13);
	s->checks = (uint64_t)sqlite3_column_int64(st, c + 14);
	s->base_has_len = sqlite3_column_type(st, c + 15) != SQLITE_NULL;
	s->base_len = (uint64_t)sqlite3_column_int64(st, c + 15);
	rv |= col_dup(st, c + 16, &s->base_sha);
	rv |= col_dup(st, c + 17, &s->base_title);
	s->last_has_len = sqlite3_column_type(st, c + 18) != SQLITE_NULL;
	s->last_len = (uint64_t)sqlite3_column_int64(st, c + 18);
	rv |= col_dup(st, c + 19, &s->last_sha);
	rv |= col_dup(st, c + 20, &s->last_title);
	rv |= col_dup(st, c + 21, &s->spark);
	s->state = (enum mon_state)(state && mon_state_from_name(state) >= 0
	                                ? mon_state_from_name(state)
	                                : MON_NEW);
	free(state);
	if (rv != VP_OK) {
		mon_source_clear(s);
		return VP_ENOMEM;
	}
	return VP_OK;
}

/* Appends a row to a growing array of sources. */
static int push_source(
    sqlite3_stmt *st, int c, struct mon_source **v, size_t *n, size_t *cap)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		void *nv = realloc(*v, nc * sizeof(**v));
		if (nv == NULL)
			return VP_ENOMEM;
		*v = nv;
		*cap = nc;
	}
	if (read_source(st, c, &(*v)[*n]) != VP_OK)
		return VP_ENOMEM;
	(*n)++;
	return VP_OK;
}

static int sq_open(
    struct mon_store **out, const char *where, char *err, size_t errlen)
{
	struct sq_store *s = calloc(1, sizeof(*s));
	int rc;
	if (s == NULL)
		return VP_ENOMEM;
	s->base.ops = &mon_sqlite_ops;
	rc = sqlite3_open_v2(where, &s->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	    NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", where,
		    s->db ? sqlite3_errmsg(s->db) : "cannot open");
		sqlite3_close(s->db);
		free(s);
		return VP_EIO;
	}
	sqlite3_busy_timeout(s->db, 10000);
	if (exec(s->db, "PRAGMA journal_mode=WAL") != VP_OK ||
	    exec(s->db, "PRAGMA synchronous=FULL") != VP_OK ||
	    exec(s->db, "PRAGMA foreign_keys=ON") != VP_OK) {
		snprintf(err, errlen, "%s: %s", where, sqlite3_errmsg(s->db));
		sqlite3_close(s->db);
		free(s);
		return VP_EIO;
	}
	*out = &s->base;
	return VP_OK;
}

static void sq_close(struct mon_store *s)
{
	sqlite3_close(SQ(s)->db);
	free(s);
}

static int sq_migrate(struct mon_store *st, int *version)
{
	sqlite3 *db = SQ(st)->db;
	sqlite3_stmt *q;
	int rv, v = 0;
	if ((rv = exec(db, "BEGIN IMMEDIATE")) != VP_OK)
		return rv;
	if ((rv = exec(db, "CREATE TABLE IF NOT EXISTS schema_version "
	                   "(version INTEGER NOT NULL)")) != VP_OK ||
	    (rv = prep(db,
	         "SELECT COALESCE(MAX(version), 0) FROM "
	         "schema_version",
	         &q)) != VP_OK)
		goto fail;
	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	for (;;) {
		char *sql, upd[80];
		rv = mon_schema_chunk(v + 1, "INTEGER PRIMARY KEY", &sql);
		if (rv == VP_ENOTFOUND)
			break;
		if (rv != VP_OK)
			goto fail;
		rv = exec(db, sql);
		free(sql);
		if (rv != VP_OK)
			goto fail;
		v++;
		snprintf(upd, sizeof(upd),
		    "INSERT INTO schema_version VALUES (%d)", v);
		if ((rv = exec(db, upd)) != VP_OK)
			goto fail;
	}
	if ((rv = exec(db, "COMMIT")) != VP_OK)
		goto fail;
	*version = v;
	return VP_OK;
fail:
	exec(db, "ROLLBACK");
	return rv;
}

static int sq_watch(struct mon_store *st, const struct mon_cite *c, size_t n,
    int64_t now, uint64_t *new_sources, uint64_t *new_citing)
{
	sqlite3 *db = SQ(st)->db;
	sqlite3_stmt *ins = NULL, *sel = NULL, *cit = NULL, *upd = NULL;
	uint64_t ns = 0, nc = 0;
	int rv;
	if ((rv = exec(db, "BEGIN IMMEDIATE")) != VP_OK)
		return rv;
	if ((rv = prep(db,
	         "INSERT INTO sources (url, cite_id, family, host, added, "
	         "since, next_due) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
	         &ins)) != VP_OK ||
	    (rv = prep(db, "SELECT id FROM sources WHERE url = ?1", &sel)) !=
	        VP_OK ||
	    (rv = prep(db,
	         "INSERT INTO citing (source_id, doc, doc_date, spans, added) "
	         "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
	         &cit)) != VP_OK ||
	    (rv = prep(db,
	         "UPDATE citing SET spans = ?3, doc_date = COALESCE(?4, "
	         "doc_date) WHERE source_id = ?1 AND doc = ?2",
	         &upd)) != VP_OK)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		int64_t id;
		sqlite3_reset(sel);
		bind_text(sel, 1, c[i].url);
		if (sqlite3_step(sel) == SQLITE_ROW) {
			id = sqlite3_column_int64(sel, 0);
		} else {
			sqlite3_reset(ins);
			bind_text(ins, 1, c[i].url);
			bind_text(ins, 2, c[i].cite_id);
			bind_text(ins, 3, c[i].family);
			sqlite3_bind_text(ins, 4, c[i].host ? c[i].host : "",
			    -1, SQLITE_STATIC);
			sqlite3_bind_int64(ins, 5, now);
			sqlite3_bind_int64(ins, 6, c[i].due);
			if (sqlite3_step(ins) != SQLITE_DONE)
				goto sqlfail;
			id = sqlite3_last_insert_rowid(db);
			ns++;
		}
		sqlite3_reset(cit);
		sqlite3_bind_int64(cit, 1, id);
		bind_text(cit, 2, c[i].doc);
		bind_text(cit, 3, c[i].doc_date);
		sqlite3_bind_text(
		    cit, 4, c[i].spans ? c[i].spans : "", -1, SQLITE_STATIC);
		sqlite3_bind_int64(cit, 5, now);
		if (sqlite3_step(cit) != SQLITE_DONE)
			goto sqlfail;
		if (sqlite3_changes(db) > 0) {
			nc++;
		} else {
			sqlite3_reset(upd);
			sqlite3_bind_int64(upd, 1, id);
			bind_text(upd, 2, c[i].doc);
			sqlite3_bind_text(upd, 3, c[i].spans ? c[i].spans : "",
			    -1, SQLITE_STATIC);
			bind_text(upd, 4, c[i].doc_date);
			if (sqlite3_step(upd) != SQLITE_DONE)
				goto sqlfail;
		}
	}
	sqlite3_finalize(ins);
	sqlite3_finalize(sel);
	sqlite3_finalize(cit);
	sqlite3_finalize(upd);
	if ((rv = exec(db, "COMMIT")) != VP_OK) {
		exec(db, "ROLLBACK");
		return rv;
	}
	*new_sources = ns;
	*new_citing = nc;
	return VP_OK;
sqlfail:
	rv = map_rc(sqlite3_errcode(db));
	if (rv == VP_OK)
		rv = VP_EIO;
fail:
	sqlite3_finalize(ins);
	sqlite3_finalize(sel);
	sqlite3_finalize(cit);
	sqlite3_finalize(upd);
	exec(db, "ROLLBACK");
	return rv;
}

/* Deletes sources in ids[] that nobody cites any more. */
static int drop_orphans(
    sqlite3 *db, const int64_t *ids, size_t n, uint64_t *dropped)
{
	sqlite3_stmt *d;
	int rv;
	if ((rv = prep(db,
	         "DELETE FROM sources WHERE id = ?1 AND NOT EXISTS (SELECT 1 "
	         "FROM citing WHERE source_id = ?1)",
	         &d)) != VP_OK)
		return rv;
	for (size_t i = 0; i < n; i++) {
		sqlite3_reset(d);
		sqlite3_bind_int64(d, 1, ids[i]);
		if (sqlite3_step(d) != SQLITE_DONE) {
			sqlite3_finalize(d);
			return VP_EIO;
		}
		*dropped += (uint64_t)sqlite3_changes(db);
	}
	sqlite3_finalize(d);
	return VP_OK;
}

static int sq_unwatch(struct mon_store *st, char *const *urls, size_t n_urls,
    char *const *docs, size_t n_docs, uint64_t *sources, uint64_t *citing)
{
	sqlite3 *db = SQ(st)->db;
	sqlite3_stmt *cnt = NULL, *del = NULL, *ids = NULL, *dc = NULL;
	int64_t *orph = NULL;
	size_t n_orph = 0, cap = 0;
	int rv;
	*sources = *citing = 0;
	if ((rv = exec(db, "BEGIN IMMEDIATE")) != VP_OK)
		return rv;
	if ((rv = prep(db,
	         "SELECT COUNT(*) FROM citing WHERE source_id = (SELECT id "
	         "FROM sources WHERE url = ?1)",
	         &cnt)) != VP_OK ||
	    (rv = prep(db, "DELETE FROM sources WHERE url = ?1", &del)) !=
	        VP_OK ||
	    (rv = prep(db, "SELECT source_id FROM citing WHERE doc = ?1",
	         &ids)) != VP_OK ||
	    (rv = prep(db, "DELETE FROM citing WHERE doc = ?1", &dc)) != VP_OK)
		goto fail;
	for (size_t i = 0; i < n_urls; i++) {
		sqlite3_reset(cnt);
		bind_text(cnt, 1, urls[i]);
		if (sqlite3_step(cnt) == SQLITE_ROW)
			*citing += (uint64_t)sqlite3_column_int64(cnt, 0);
		sqlite3_reset(del);
		bind_text(del, 1, urls[i]);
		if (sqlite3_step(del) != SQLITE_DONE)
			goto sqlfail;
		*sources += (uint64_t)sqlite3_changes(db);
	}
	for (size_t i = 0; i < n_docs; i++) {
		sqlite3_reset(ids);
		bind_text(ids, 1, docs[i]);
		while (sqlite3_step(ids) == SQLITE_ROW) {
			if (n_orph == cap) {
				size_t nc = cap ? cap * 2 : 64;
				void *nv = realloc(orph, nc * sizeof(*orph));
				if (nv == NULL) {
					rv = VP_ENOMEM;
					goto fail;
				}
				orph = nv;
				cap = nc;
			}
			orph[n_orph++] = sqlite3_column_int64(ids, 0);
		}
		sqlite3_reset(dc);
		bind_text(dc, 1, docs[i]);
		if (sqlite3_step(dc) != SQLITE_DONE)
			goto sqlfail;
		*citing += (uint64_t)sqlite3_changes(db);
	}
	if ((rv = drop_orphans(db, orph, n_orph, sources)) != VP_OK)
		goto fail;
	sqlite3_finalize(cnt);
	sqlite3_finalize(del);
	sqlite3_finalize(ids);
	sqlite3_finalize(dc);
	free(orph);
	if ((rv = exec(db, "COMMIT")) != VP_OK)
		exec(db, "ROLLBACK");
	return rv;
sqlfail:
	rv = VP_EIO;
fail:
	sqlite3_finalize(cnt);
	sqlite3_finalize(del);
	sqlite3_finalize(ids);
	sqlite3_finalize(dc);
	free(orph);
	exec(db, "ROLLBACK");
	return rv;
}

static int sq_due(struct mon_store *st, int64_t now, int64_t lease_until,
    size_t max, size_t per_host, struct mon_source **out, size_t *n)
{
	sqlite3 *db = SQ(st)->db;
	sqlite3_stmt *q = NULL, *u = NULL;
	struct mon_source *cand = NULL, *res = NULL;
	size_t n_cand = 0, cap = 0, *pick = NULL, k;
	int rv;
	*out = NULL;
	*n = 0;
	if (max == 0)
		return VP_OK;
	if ((rv = exec(db, "BEGIN IMMEDIATE")) != VP_OK)
		return rv;
	/* over-fetch so that the per-host cap can still fill the batch */
	if ((rv = prep(db,
	         "SELECT " SRC_COLS " FROM sources s WHERE s.next_due <= ?1 "
	         "ORDER BY s.next_due LIMIT ?2",
	         &q)) != VP_OK ||
	    (rv = prep(db, "UPDATE sources SET next_due = ?2 WHERE id = ?1",
	         &u)) != VP_OK)
		goto fail;
	sqlite3_bind_int64(q, 1, now);
	sqlite3_bind_int64(q, 2, (int64_t)(max * 4));
	while ((rv = sqlite3_step(q)) == SQLITE_ROW)
		if ((rv = push_source(q, 0, &cand, &n_cand, &cap)) != VP_OK)
			goto fail;
	if (rv != SQLITE_DONE) {
		rv = map_rc(rv);
		goto fail;
	}
	if (n_cand == 0) {
		rv = VP_OK;
		goto fail; /* nothing to claim: roll back the empty txn */
	}
	if ((pick = malloc(n_cand * sizeof(*pick))) == NULL ||
	    (res = calloc(n_cand, sizeof(*res))) == NULL) {
		rv = VP_ENOMEM;
		goto fail;
	}
	k = mon_sched_pick(cand, n_cand, max, per_host, pick);
	for (size_t i = 0; i < k; i++) {
		sqlite3_reset(u);
		sqlite3_bind_int64(u, 1, cand[pick[i]].id);
		sqlite3_bind_int64(u, 2, lease_until);
		if (sqlite3_step(u) != SQLITE_DONE) {
			rv = VP_EIO;
			goto fail;
		}
	}
	if ((rv = exec(db, "COMMIT")) != VP_OK)
		goto fail;
	for (size_t i = 0; i < k; i++) {
		res[i] = cand[pick[i]];
		memset(&cand[pick[i]], 0, sizeof(cand[0]));
	}
	sqlite3_finalize(q);
	sqlite3_finalize(u);
	mon_sources_free(cand, n_cand);
	free(pick);
	*out = res;
	*n = k;
	return VP_OK;
fail:
	sqlite3_finalize(q);
	sqlite3_finalize(u);
	mon_sources_free(cand, n_cand);
	free(pick);
	free(res);
	exec(db, "ROLLBACK");
	return rv;
}

static int sq_record(struct mon_store *st, int64_t id,
    const struct mon_check *c, const struct mon_outcome *o, int64_t *check_id)
{
	sqlite3 *db = SQ(st)->db;
	sqlite3_stmt *ins = NULL, *upd = NULL, *tr = NULL, *fp = NULL,
	             *ob = NULL;
	char sp[2] = {o->spark ? o->spark : '?', 0};
	int rv;
	if ((rv = exec(db, "BEGIN IMMEDIATE")) != VP_OK)
		return rv;
	if ((rv = prep(db,
	         "INSERT INTO checks (source_id, at, status, http_status, "
	         "final_url, content_length, sha256, title, etag, elapsed_ms, "
	         "error, drift) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	         "?10, ?11, ?12)",
	         &ins)) != VP_OK ||
	    (rv = prep(db,
	         "UPDATE sources SET state = ?2, status = ?3, http_status = "
	         "?4, "
	         "final_url = ?5, since = ?6, last_checked = ?7, next_due = "
	         "?8, "
	         "interval_s = ?9, failures = ?10, last_fail = ?11, checks = "
	         "checks + 1, spark = substr(spark || ?12, -32) WHERE id = ?1",
	         &upd)) != VP_OK ||
	    (rv = prep(db,
	         "INSERT INTO transitions (source_id, check_id, at, "
	         "old_state, new_state) VALUES (?1, ?2, ?3, ?4, ?5)",
	         &tr)) != VP_OK ||
	    (rv = prep(db,
	         "INSERT INTO outbox (check_id, source_id, url, cite_id, "
	         "old_state, new_state, status, http_status, at) SELECT ?2, "
	         "id, url, cite_id, ?4, ?5, ?6, ?7, ?3 FROM sources WHERE id "
	         "= ?1",
	         &ob)) != VP_OK)
		goto fail;
	sqlite3_bind_int64(ins, 1, id);
	sqlite3_bind_int64(ins, 2, c->at);
	sqlite3_bind_text(ins, 3, c->status, -1, SQLITE_STATIC);
	sqlite3_bind_int(ins, 4, (int)c->http_status);
	bind_text(ins, 5, c->final_url);
	if (c->fp.has_length)
		sqlite3_bind_int64(ins, 6, (int64_t)c->fp.length);
	bind_text(ins, 7, c->fp.sha256);
	bind_text(ins, 8, c->fp.title);
	bind_text(ins, 9, c->etag);
	sqlite3_bind_int64(ins, 10, c->elapsed_ms);
	bind_text(ins, 11, c->error);
	sqlite3_bind_int(ins, 12, o->drift);
	if (sqlite3_step(ins) != SQLITE_DONE) {
		rv = sqlite3_errcode(db) == SQLITE_CONSTRAINT ? VP_ENOTFOUND
		                                              : VP_EIO;
		goto fail;
	}
	*check_id = sqlite3_last_insert_rowid(db);
	sqlite3_bind_int64(upd, 1, id);
	sqlite3_bind_text(
	    upd, 2, mon_state_name(o->new_state), -1, SQLITE_STATIC);
	sqlite3_bind_text(upd, 3, c->status, -1, SQLITE_STATIC);
	sqlite3_bind_int(upd, 4, (int)c->http_status);
	bind_text(upd, 5, c->final_url);
	sqlite3_bind_int64(upd, 6, o->since);
	sqlite3_bind_int64(upd, 7, c->at);
	sqlite3_bind_int64(upd, 8, o->next_due);
	sqlite3_bind_int64(upd, 9, o->interval);
	sqlite3_bind_int(upd, 10, (int)o->failures);
	sqlite3_bind_int64(upd, 11, o->last_fail);
	sqlite3_bind_text(upd, 12, sp, -1, SQLITE_STATIC);
	if (sqlite3_step(upd) != SQLITE_DONE || sqlite3_changes(db) != 1) {
		rv = VP_ENOTFOUND;
		goto fail;
	}
	if (o->set_baseline || o->reachable) {
		const char *sql =
		    o->set_baseline
		        ? "UPDATE sources SET base_len = ?2, base_sha = ?3, "
		          "base_title = ?4, last_len = ?2, last_sha = ?3, "
		          "last_title = ?4 WHERE id = ?1"
		        : "UPDATE sources SET last_len = ?2, last_sha = ?3, "
		          "last_title = ?4 WHERE id = ?1";
		if ((rv = prep(db, sql, &fp)) != VP_OK)
			goto fail;
		sqlite3_bind_int64(fp, 1, id);
		if (c->fp.has_length)
			sqlite3_bind_int64(fp, 2, (int64_t)c->fp.length);
		bind_text(fp, 3, c->fp.sha256);
		bind_text(fp, 4, c->fp.title);
		if (sqlite3_step(fp) != SQLITE_DONE) {
			rv = VP_EIO;
			goto fail;
		}
	}
	if (o->transition) {
		sqlite3_bind_int64(tr, 1, id);
		sqlite3_bind_int64(tr, 2, *check_id);
		sqlite3_bind_int64(tr, 3, c->at);
		sqlite3_bind_text(
		    tr, 4, mon_state_name(o->old_state), -1, SQLITE_STATIC);
		sqlite3_bind_text(
		    tr, 5, mon_state_name(o->new_state), -1, SQLITE_STATIC);
		if (sqlite3_step(tr) != SQLITE_DONE) {
			rv = VP_EIO;
			goto fail;
		}
		/* the event, in the same transaction as its check */
		sqlite3_bind_int64(ob, 1, id);
		sqlite3_bind_int64(ob, 2, *check_id);
		sqlite3_bind_int64(ob, 3, c->at);
		sqlite3_bind_text(
		    ob, 4, mon_state_name(o->old_state), -1, SQLITE_STATIC);
		sqlite3_bind_text(
		    ob, 5, mon_state_name(o->new_state), -1, SQLITE_STATIC);
		bind_text(ob, 6, c->status);
		sqlite3_bind_int(ob, 7, (int)c->http_status);
		if (sqlite3_step(ob) != SQLITE_DONE ||
		    sqlite3_changes(db) != 1) {
			rv = VP_EIO;
			goto fail;
		}
	}
	if ((rv = exec(db, "COMMIT")) != VP_OK)
		goto fail;
	sqlite3_finalize(ins);
	sqlite3_finalize(upd);
	sqlite3_finalize(tr);
	sqlite3_finalize(fp);
	sqlite3_finalize(ob);
	return VP_OK;
fail:
	sqlite3_finalize(ins);
	sqlite3_finalize(upd);
	sqlite3_finalize(tr);
	sqlite3_finalize(fp);
	sqlite3_finalize(ob);
	exec(db, "ROLLBACK");
	return rv;
}

static int sq_get(struct mon_store *st, const char *url, struct mon_source *out)
{
	sqlite3_stmt *q;
	int rv;
	if ((rv = prep(SQ(st)->db,
	         "SELECT " SRC_COLS ", (SELECT COUNT(*) FROM citing c WHERE "
	         "c.source_id = s.id) FROM sources s WHERE s.url = ?1",
	         &q)) != VP_OK)
		return rv;
	bind_text(q, 1, url);
	if (sqlite3_step(q) != SQLITE_ROW) {
		sqlite3_finalize(q);
		return VP_ENOTFOUND;
	}
	rv = read_source(q, 0, out);
	if (rv == VP_OK)
		out->docs = (uint64_t)sqlite3_column_int64(q, N_SRC_COLS);
	sqlite3_finalize(q);
	return rv;
}

static int sq_list(struct mon_store *st, const char *state, const char *prefix,
    uint64_t offset, uint32_t limit, struct mon_source **out, size_t *n,
    uint64_t *total)
{
	sqlite3 *db = SQ(st)->db;
	sqlite3_stmt *q = NULL, *c = NULL;
	size_t cap = 0;
	int rv;
	*out = NULL;
	*n = 0;
#define WHERE                                                                  \
	" WHERE (?1 IS NULL OR s.state = ?1) AND (?2 IS NULL OR "              \
	"substr(s.url, 1, length(?2)) = ?2)"
	if ((rv = prep(db,
	         "SELECT " SRC_COLS ", (SELECT COUNT(*) FROM citing c WHERE "
	         "c.source_id = s.id) FROM sources s" WHERE
	         " ORDER BY s.url LIMIT ?3 OFFSET ?4",
	         &q)) != VP_OK ||
	    (rv = prep(db, "SELECT COUNT(*) FROM sources s" WHERE, &c)) !=
	        VP_OK)
		goto done;
#undef WHERE
	bind_text(q, 1, state);
	bind_text(q, 2, prefix);
	sqlite3_bind_int64(q, 3, limit ? (int64_t)limit : -1);
	sqlite3_bind_int64(q, 4, (int64_t)offset);
	bind_text(c, 1, state);
	bind_text(c, 2, prefix);
	while (sqlite3_step(q) == SQLITE_ROW) {
		if ((rv = push_source(q, 0, out, n, &cap)) != VP_OK)
			goto done;
		(*out)[*n - 1].docs =
		    (uint64_t)sqlite3_column_int64(q, N_SRC_COLS);
	}
	*total = sqlite3_step(c) == SQLITE_ROW
	             ? (uint64_t)sqlite3_column_int64(c, 0)
	             : *n;
done:
	sqlite3_finalize(q);
	sqlite3_finalize(c);
	if (rv != VP_OK) {
		mon_sources_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rv;
}

static int sq_history(struct mon_store *st, int64_t id, uint32_t limit,
    struct vp_hist_check **out, size_t *n)
{
	sqlite3_stmt *q;
	struct vp_hist_check *v = NULL;
	size_t cap = 0, k = 0;
	int rv;
	*out = NULL;
	*n = 0;
	if ((rv = prep(SQ(st)->db,
	         "SELECT c.id, c.at, c.status, c.http_status, c.final_url, "
	         "c.content_length, c.sha256, c.title, c.drift, t.old_state, "
	         "t.new_state FROM checks c LEFT JOIN transitions t ON "
	         "t.check_id = c.id WHERE c.source_id = ?1 ORDER BY c.id DESC "
	         "LIMIT ?2",
	         &q)) != VP_OK)
		return rv;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, limit ? (int64_t)limit : -1);
	while (sqlite3_step(q) == SQLITE_ROW) {
		struct vp_hist_check *h;
		char t[40];
		if (k == cap) {
			size_t nc = cap ? cap * 2 : 16;
			void *nv = realloc(v, nc * sizeof(*v));
			if (nv == NULL)
				goto nomem;
			v = nv;
			cap = nc;
		}
		h = &v[k++];
		memset(h, 0, sizeof(*h));
		h->id = (uint64_t)sqlite3_column_int64(q, 0);
		mon_time_fmt(sqlite3_column_int64(q, 1), t, sizeof(t));
		if ((h->at = strdup(t)) == NULL ||
		    col_dup(q, 2, &h->status) != VP_OK ||
		    col_dup(q, 4, &h->final_url) != VP_OK ||
		    col_dup(q, 6, &h->sha256) != VP_OK ||
		    col_dup(q, 7, &h->title) != VP_OK)
			goto nomem;
		h->http_status = (uint32_t)sqlite3_column_int(q, 3);
		h->content_length = (uint64_t)sqlite3_column_int64(q, 5);
		h->drift = sqlite3_column_int(q, 8) != 0;
		if (sqlite3_column_type(q, 9) != SQLITE_NULL) {
			snprintf(t, sizeof(t), "%s>%s",
			    (const char *)sqlite3_column_text(q, 9),
			    (const char *)sqlite3_column_text(q, 10));
			if ((h->transition = strdup(t)) == NULL)
				goto nomem;
		}
	}
	sqlite3_finalize(q);
	*out = v;
	*n = k;
	return VP_OK;
nomem:
	sqlite3_finalize(q);
	for (size_t i = 0; i < k; i++)
		vp_obj_clear(&vp_desc_hist_check, &v[i]);
	free(v);
	return VP_ENOMEM;
}

static int sq_docs(
    struct mon_store *st, int64_t id, char ***docs, char ***dates, size_t *n)
{
	sqlite3_stmt *q;
	char **d = NULL, **t = NULL;
	size_t cap = 0, k = 0;
	int rv;
	*docs = *dates = NULL;
	*n = 0;
	if ((rv = prep(SQ(st)->db,
	         "SELECT doc, doc_date FROM citing WHERE source_id = ?1 "
	         "ORDER BY doc",
	         &q)) != VP_OK)
		return rv;
	sqlite3_bind_int64(q, 1, id);
	while (sqlite3_step(q) == SQLITE_ROW) {
		if (k == cap) {
			size_t nc = cap ? cap * 2 : 8;
			void *a = realloc(d, nc * sizeof(*d));
			if (a == NULL)
				goto nomem;
			d = a;
			if ((a = realloc(t, nc * sizeof(*t))) == NULL)
				goto nomem;
			t = a;
			cap = nc;
		}
		d[k] = t[k] = NULL;
		k++;
		if (col_dup(q, 0, &d[k - 1]) != VP_OK ||
		    col_dup(q, 1, &t[k - 1]) != VP_OK)
			goto nomem;
	}
	sqlite3_finalize(q);
	*docs = d;
	*dates = t;
	*n = k;
	return VP_OK;
nomem:
	sqlite3_finalize(q);
	for (size_t i = 0; i < k; i++) {
		free(d[i]);
		free(t[i]);
	}
	free(d);
	free(t);
	return VP_ENOMEM;
}

static int sq_add_archive(struct mon_store *st, int64_t id,
    const char *for_date, const char *url, const char *at, int64_t now)
{
	sqlite3_stmt *q;
	int rv;
	if ((rv = prep(SQ(st)->db,
	         "INSERT INTO archives (source_id, for_date, archived_url, "
	         "archived_at, fetched) VALUES (?1, ?2, ?3, ?4, ?5) ON "
	         "CONFLICT (source_id, for_date) DO UPDATE SET archived_url = "
	         "excluded.archived_url, archived_at = excluded.archived_at, "
	         "fetched = excluded.fetched",
	         &q)) != VP_OK)
		return rv;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_text(q, 2, for_date ? for_date : "", -1, SQLITE_STATIC);
	bind_text(q, 3, url);
	bind_text(q, 4, at);
	sqlite3_bind_int64(q, 5, now);
	rv = sqlite3_step(q) == SQLITE_DONE ? VP_OK : VP_EIO;
	sqlite3_finalize(q);
	return rv;
}

static int load_archives(sqlite3 *db, struct mon_archive **out, size_t *n)
{
	sqlite3_stmt *q;
	struct mon_archive *v = NULL;
	size_t cap = 0, k = 0;
	int rv;
	if ((rv = prep(db,
	         "SELECT source_id, for_date, archived_url, archived_at FROM "
	         "archives ORDER BY source_id",
	         &q)) != VP_OK)
		return rv;
	while (sqlite3_step(q) == SQLITE_ROW) {
		if (k == cap) {
			size_t nc = cap ? cap * 2 : 16;
			void *nv = realloc(v, nc * sizeof(*v));
			if (nv == NULL)
				goto nomem;
			v = nv;
			cap = nc;
		}
		memset(&v[k], 0, sizeof(v[k]));
		v[k].source_id = sqlite3_column_int64(q, 0);
		k++;
		if (col_dup(q, 1, &v[k - 1].for_date) != VP_OK ||
		    col_dup(q, 2, &v[k - 1].url) != VP_OK ||
		    col_dup(q, 3, &v[k - 1].at) != VP_OK)
			goto nomem;
	}
	sqlite3_finalize(q);
	*out = v;
	*n = k;
	return VP_OK;
nomem:
	sqlite3_finalize(q);
	mon_archives_free(v, k);
	return VP_ENOMEM;
}

static int sq_report(struct mon_store *st, bool all, const char *doc,
    uint32_t limit, struct vp_report_rep *out)
{
	sqlite3 *db = SQ(st)->db;
	sqlite3_stmt *q = NULL;
	struct mon_archive *arch = NULL;
	size_t n_arch = 0;
	int rv;
	/* one read transaction: a consistent snapshot under WAL */
	if ((rv = exec(db, "BEGIN")) != VP_OK)
		return rv;
	if ((rv = load_archives(db, &arch, &n_arch)) != VP_OK)
		goto done;
	if ((rv = prep(db,
	         all ? "SELECT c.doc, c.doc_date, c.spans, " SRC_COLS
	               " FROM citing c JOIN sources s ON s.id = c.source_id "
	               "WHERE (?1 IS NULL OR c.doc = ?1) ORDER BY c.doc, s.url"
	             : "SELECT c.doc, c.doc_date, c.spans, " SRC_COLS
	               " FROM citing c JOIN sources s ON s.id = c.source_id "
	               "WHERE (?1 IS NULL OR c.doc = ?1) AND c.doc IN (SELECT "
	               "c2.doc FROM sources s2 JOIN citing c2 ON c2.source_id "
	               "= s2.id WHERE s2.state IN ('dead', 'drifted')) ORDER "
	               "BY c.doc, s.url",
	         &q)) != VP_OK)
		goto done;
	bind_text(q, 1, doc);
	while (sqlite3_step(q) == SQLITE_ROW) {
		struct mon_source src;
		const char *d = (const char *)sqlite3_column_text(q, 0);
		struct mon_report_row row = {d,
		    (const char *)sqlite3_column_text(q, 1),
		    (const char *)sqlite3_column_text(q, 2), &src};
		if (limit > 0 && out->n_docs == limit &&
		    strcmp(out->docs[limit - 1].doc, d) != 0)
			break;
		if ((rv = read_source(q, 3, &src)) != VP_OK)
			goto done;
		rv = mon_report_add(out, &row, arch, n_arch);
		mon_source_clear(&src);
		if (rv != VP_OK)
			goto done;
	}
done:
	sqlite3_finalize(q);
	mon_archives_free(arch, n_arch);
	exec(db, rv == VP_OK ? "COMMIT" : "ROLLBACK");
	return rv;
}

static int sq_respread(
    struct mon_store *st, int64_t now, int64_t window, uint64_t *moved)
{
	sqlite3 *db = SQ(st)->db;
	sqlite3_stmt *q;
	int rv;
	if (window <= 0) {
		*moved = 0;
		return VP_OK;
	}
	if ((rv = prep(db,
	         "UPDATE sources SET next_due = ?1 + (id * 2654435761) % ?2 "
	         "WHERE next_due < ?1",
	         &q)) != VP_OK)
		return rv;
	sqlite3_bind_int64(q, 1, now);
	sqlite3_bind_int64(q, 2, window);
	rv = sqlite3_step(q) == SQLITE_DONE ? VP_OK : VP_EIO;
	*moved = (uint64_t)sqlite3_changes(db);
	sqlite3_finalize(q);
	return rv;
}

static int sq_outbox(
    struct mon_store *st, size_t max, struct mon_event **out, size_t *n)
{
	sqlite3_stmt *q;
	struct mon_event *v = NULL;
	size_t k = 0;
	int rv;
	*out = NULL;
	*n = 0;
	if ((rv = prep(SQ(st)->db,
	         "SELECT check_id, source_id, url, cite_id, old_state, "
	         "new_state, status, http_status, at FROM outbox ORDER BY id "
	         "LIMIT ?1",
	         &q)) != VP_OK)
		return rv;
	sqlite3_bind_int64(q, 1, (int64_t)max);
	if (max > 0 && (v = calloc(max, sizeof(*v))) == NULL) {
		sqlite3_finalize(q);
		return VP_ENOMEM;
	}
	while (k < max && sqlite3_step(q) == SQLITE_ROW) {
		struct mon_event *e = &v[k++];
		e->check_id = sqlite3_column_int64(q, 0);
		e->source_id = sqlite3_column_int64(q, 1);
		e->http_status = (uint32_t)sqlite3_column_int(q, 7);
		e->at = sqlite3_column_int64(q, 8);
		if ((rv = col_dup(q, 2, &e->url)) != VP_OK ||
		    (rv = col_dup(q, 3, &e->cite_id)) != VP_OK ||
		    (rv = col_dup(q, 4, &e->old_state)) != VP_OK ||
		    (rv = col_dup(q, 5, &e->new_state)) != VP_OK ||
		    (rv = col_dup(q, 6, &e->status)) != VP_OK)
			break;
	}
	sqlite3_finalize(q);
	if (rv != VP_OK) {
		mon_events_free(v, k);
		return rv;
	}
	*out = v;
	*n = k;
	return VP_OK;
}

static int sq_outbox_sent(struct mon_store *st, int64_t check_id)
{
	sqlite3_stmt *q;
	int rv;
	if ((rv = prep(SQ(st)->db, "DELETE FROM outbox WHERE check_id = ?1",
	         &q)) != VP_OK)
		return rv;
	sqlite3_bind_int64(q, 1, check_id);
	rv = sqlite3_step(q) == SQLITE_DONE
	         ? VP_OK
	         : map_rc(sqlite3_errcode(SQ(st)->db));
	sqlite3_finalize(q);
	return rv;
}

static int sq_has_check(struct mon_store *st, int64_t check_id, bool *found)
{
	sqlite3_stmt *q;
	int rv;
	if ((rv = prep(SQ(st)->db, "SELECT 1 FROM checks WHERE id = ?1", &q)) !=
	    VP_OK)
		return rv;
	sqlite3_bind_int64(q, 1, check_id);
	*found = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_finalize(q);
	return VP_OK;
}

const struct mon_store_ops mon_sqlite_ops = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .migrate = sq_migrate,
    .watch = sq_watch,
    .unwatch = sq_unwatch,
    .due = sq_due,
    .record = sq_record,
    .get = sq_get,
    .list = sq_list,
    .history = sq_history,
    .docs = sq_docs,
    .add_archive = sq_add_archive,
    .report = sq_report,
    .respread = sq_respread,
    .outbox = sq_outbox,
    .outbox_sent = sq_outbox_sent,
    .has_check = sq_has_check,
};
