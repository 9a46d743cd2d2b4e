/* bench_linkmon: scale benchmark of the link monitor's SQLite store (not a
 * test). Fills a store with up to 1,000,000 watched sources (bulk SQL in one
 * transaction per step) and times the claim of the next batch due at 10k,
 * 100k and 1M sources, then adds 100,000 citing documents and times the
 * report. Prints the query plans that show both are index-backed. */
#include "mon.h"
#include "vp_err.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define HOSTS 1000
/* the claim's query as in mon_store_sqlite.c sq_due (all columns) */
#define DUE_SQL                                                                \
	"SELECT * FROM sources s WHERE s.next_due <= ?1 ORDER BY s.next_due "  \
	"LIMIT 256"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, sqlite3 *db)
{
	fprintf(stderr, "bench_linkmon: %s: %s\n", what,
	    db ? sqlite3_errmsg(db) : "failed");
	exit(1);
}

static void exec_or_die(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		die(sql, db);
}

/* Sources (from, to]: url and host spread over HOSTS hosts; next_due
 * uniform over [now - 1 day, now + 30 days), so about 3 % are due, like a
 * store in steady state. */
static void add_sources(sqlite3 *db, long from, long to, int64_t now)
{
	sqlite3_stmt *st;
	char url[128], host[64];
	exec_or_die(db, "BEGIN");
	if (sqlite3_prepare_v2(db,
	        "INSERT INTO sources (id, url, host, state, added, since, "
	        "next_due) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
	        -1, &st, NULL) != SQLITE_OK)
		die("prepare", db);
	for (long i = from + 1; i <= to; i++) {
		/* a multiplicative hash: reproducible, not ordered by id */
		uint64_t h = (uint64_t)i * 11400714819323198485ull;
		int64_t due = now - 86400 + (int64_t)((h >> 20) % (31 * 86400));
		snprintf(host, sizeof(host), "h%ld.example.nl", i % HOSTS);
		snprintf(url, sizeof(url), "https://%s/doc/%ld", host, i);
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, i);
		sqlite3_bind_text(st, 2, url, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, host, -1, SQLITE_TRANSIENT);
		/* 1 % dead: documents citing them make up the report */
		sqlite3_bind_text(st, 4, (h >> 40) % 100 == 0 ? "dead" : "ok",
		    -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, now - 86400 * 60);
		sqlite3_bind_int64(st, 6, due);
		if (sqlite3_step(st) != SQLITE_DONE)
			die("insert source", db);
	}
	sqlite3_finalize(st);
	exec_or_die(db, "COMMIT");
}

/* docs documents, each citing per_doc sources (document d: sources
 * d*per_doc+1 ..), so every source of the first docs*per_doc is cited. */
static void add_citing(sqlite3 *db, long docs, long per_doc, int64_t now)
{
	sqlite3_stmt *st;
	char doc[64];
	exec_or_die(db, "BEGIN");
	if (sqlite3_prepare_v2(db,
	        "INSERT INTO citing (source_id, doc, doc_date, spans, added) "
	        "VALUES (?1, ?2, '2024-05-01', ?3, ?4)",
	        -1, &st, NULL) != SQLITE_OK)
		die("prepare", db);
	for (long d = 0; d < docs; d++) {
		snprintf(doc, sizeof(doc), "kst-%06ld.txt", d);
		for (long k = 0; k < per_doc; k++) {
			sqlite3_reset(st);
			sqlite3_bind_int64(st, 1, d * per_doc + k + 1);
			sqlite3_bind_text(st, 2, doc, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, "120\t160\tparagraph 3\n", -1,
			    SQLITE_STATIC);
			sqlite3_bind_int64(st, 4, now);
			if (sqlite3_step(st) != SQLITE_DONE)
				die("insert citing", db);
		}
	}
	sqlite3_finalize(st);
	exec_or_die(db, "COMMIT");
}

static void plan(sqlite3 *db, const char *title, const char *sql)
{
	sqlite3_stmt *st;
	char q[2048];
	snprintf(q, sizeof(q), "EXPLAIN QUERY PLAN %s", sql);
	if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK)
		die("explain", db);
	printf("query plan of %s:\n", title);
	while (sqlite3_step(st) == SQLITE_ROW)
		printf("  %s\n", (const char *)sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Times `rounds` claims of a batch through the store API. The claims lease
 * until `now`: the claimed sources stay due (behind the older ones), so
 * every round claims a full batch from the same number of due sources. */
static void time_due(const char *db_path, long n_sources, size_t batch,
    size_t per_host, int rounds, int64_t now)
{
	struct mon_store *s;
	char err[256];
	double *t = calloc((size_t)rounds, sizeof(double)), sum = 0;
	size_t got = 0;
	if (t == NULL || mon_store_open(&s, db_path, err, sizeof(err)) != VP_OK)
		die(err, NULL);
	for (int r = 0; r < rounds; r++) {
		struct mon_source *v = NULL;
		size_t n = 0;
		double t0 = now_s();
		if (s->ops->due(s, now, now, batch, per_host, &v, &n) != VP_OK)
			die("due", NULL);
		t[r] = now_s() - t0;
		sum += t[r];
		got += n;
		mon_sources_free(v, n);
	}
	qsort(t, (size_t)rounds, sizeof(double), cmp_d);
	printf("due batch=%zu per_host=%zu at %8ld sources: median %.3f ms, "
	       "p90 %.3f ms, mean %.3f ms (%d claims of %.0f sources)\n",
	    batch, per_host, n_sources, t[rounds / 2] * 1e3,
	    t[rounds * 9 / 10] * 1e3, sum / rounds * 1e3, rounds,
	    (double)got / rounds);
	mon_store_close(s);
	free(t);
}

/* The claim's read alone (no write, no fsync): the index range scan. */
static void time_select(sqlite3 *db, long n_sources, int64_t now)
{
	sqlite3_stmt *st;
	double t0, best = 1e9;
	int rows = 0;
	if (sqlite3_prepare_v2(db, DUE_SQL, -1, &st, NULL) != SQLITE_OK)
		die("prepare", db);
	for (int r = 0; r < 20; r++) {
		t0 = now_s();
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, now);
		rows = 0;
		while (sqlite3_step(st) == SQLITE_ROW)
			rows++;
		if (now_s() - t0 < best)
			best = now_s() - t0;
	}
	sqlite3_finalize(st);
	printf("due read alone (LIMIT 256) at %8ld sources: best of 20 %.3f "
	       "ms, %d rows\n",
	    n_sources, best * 1e3, rows);
}

static void time_report(const char *db_path, bool all)
{
	struct mon_store *s;
	struct vp_msg m;
	struct vp_report_rep *r;
	char err[256];
	double t0;
	size_t srcs = 0;
	if (mon_store_open(&s, db_path, err, sizeof(err)) != VP_OK)
		die(err, NULL);
	if (vp_msg_init(&m, VP_T_REPORT_REP) != VP_OK)
		die("msg", NULL);
	r = vp_msg_report_rep(&m);
	t0 = now_s();
	if (s->ops->report(s, all, NULL, 0, r) != VP_OK)
		die("report", NULL);
	for (size_t i = 0; i < r->n_docs; i++)
		srcs += r->docs[i].n_sources;
	printf("report (%s): %.2f s, %zu documents, %zu document sources\n",
	    all ? "--all, every document" : "documents citing dead sources",
	    now_s() - t0, r->n_docs, srcs);
	vp_msg_clear(&m);
	mon_store_close(s);
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "bench-linkmon.db";
	long steps[] = {10000, 100000, 1000000};
	long docs = 100000, per_doc = 10, have = 0;
	int rounds = argc > 2 ? atoi(argv[2]) : 50;
	int64_t now = (int64_t)time(NULL);
	struct mon_store *s;
	sqlite3 *db;
	char err[256], wal[512];
	double t0;

	if (rounds < 1)
		rounds = 1;
	unlink(path);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	unlink(wal);
	/* the schema from the store itself */
	if (mon_store_open(&s, path, err, sizeof(err)) != VP_OK)
		die(err, NULL);
	mon_store_close(s);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die(path, db);
	/* bulk fill only: the store runs with synchronous=FULL */
	exec_or_die(db, "PRAGMA synchronous=OFF");
	exec_or_die(db, "PRAGMA cache_size=-262144"); /* 256 MiB */
	for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
		t0 = now_s();
		add_sources(db, have, steps[k], now);
		have = steps[k];
		exec_or_die(db, "ANALYZE");
		printf("filled %ld sources in %.1f s\n", have, now_s() - t0);
		time_due(path, have, 64, 4, rounds, now);
		time_due(path, have, 256, 0, rounds / 5 + 1, now);
		time_select(db, have, now);
	}
	plan(db, "the claim (mon_store_sqlite.c sq_due)", DUE_SQL);
	t0 = now_s();
	add_citing(db, docs, per_doc, now);
	exec_or_die(db, "ANALYZE");
	printf("filled %ld documents x %ld citations in %.1f s\n", docs,
	    per_doc, now_s() - t0);
	plan(db, "the report (dead or drifted)",
	    "SELECT c.doc FROM citing c JOIN sources s ON s.id = c.source_id "
	    "WHERE c.doc IN (SELECT c2.doc FROM sources s2 JOIN citing c2 ON "
	    "c2.source_id = s2.id WHERE s2.state IN ('dead', 'drifted')) "
	    "ORDER BY c.doc, s.url");
	plan(db, "the report --all",
	    "SELECT c.doc FROM citing c JOIN sources s ON s.id = c.source_id "
	    "WHERE (?1 IS NULL OR c.doc = ?1) ORDER BY c.doc, s.url");
	sqlite3_close(db);
	time_report(path, false);
	time_report(path, true);
	return 0;
}
