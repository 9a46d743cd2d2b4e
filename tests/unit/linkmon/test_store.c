/* test_store.c - the store suite, run unchanged against SQLite (default: a
 * temporary file) and PostgreSQL (argv[1] = a conninfo; see run_pg.sh).
 * Each test uses its own URLs and documents, so one database serves all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mon.h"
#include "vp_err.h"

static char where[512];
static struct mon_store *st;
static char run_tag[32]; /* unique per run: the PG database may be reused */

static void url_of(char *buf, size_t len, const char *t, int i)
{
	snprintf(
	    buf, len, "https://h%d.example/%s/%s/%d", i % 3, run_tag, t, i);
}

static void watch_n(const char *t, int n, const char *doc, const char *date)
{
	struct mon_cite c[16];
	char urls[16][200], hosts[16][64];
	uint64_t ns = 0, nc = 0;
	for (int i = 0; i < n; i++) {
		url_of(urls[i], sizeof(urls[i]), t, i);
		mon_url_host(urls[i], hosts[i], sizeof(hosts[i]));
		c[i] = (struct mon_cite){urls[i], "kst-1-2", "kamerstuk",
		    hosts[i], doc, date, "10\t20\tfootnote 1\n", 100};
	}
	assert_int_equal(st->ops->watch(st, c, (size_t)n, 50, &ns, &nc), VP_OK);
}

static void test_migrate_twice(void **s)
{
	struct mon_store *b;
	char err[256];
	int v = 0;
	(void)s;
	assert_int_equal(mon_store_open(&b, where, err, sizeof(err)), VP_OK);
	assert_int_equal(b->ops->migrate(b, &v), VP_OK);
	assert_int_equal(v, 2);
	mon_store_close(b);
}

static void test_watch_counts(void **s)
{
	struct mon_cite c[3];
	char u0[200], u1[200];
	uint64_t ns, nc;
	struct mon_source src;
	(void)s;
	url_of(u0, sizeof(u0), "w", 0);
	url_of(u1, sizeof(u1), "w", 1);
	char doc1[64], doc2[64];
	snprintf(doc1, sizeof(doc1), "%s-w-doc1", run_tag);
	snprintf(doc2, sizeof(doc2), "%s-w-doc2", run_tag);
	c[0] = (struct mon_cite){
	    u0, "id0", "url", "h0", doc1, "2020-01-01", "", 10};
	c[1] = (struct mon_cite){u1, NULL, NULL, "h1", doc1, NULL, "", 10};
	c[2] = (struct mon_cite){u0, "id0", "url", "h0", doc2, NULL, "", 10};
	assert_int_equal(st->ops->watch(st, c, 3, 5, &ns, &nc), VP_OK);
	assert_int_equal(ns, 2);
	assert_int_equal(nc, 3);
	assert_int_equal(st->ops->watch(st, c, 3, 6, &ns, &nc), VP_OK);
	assert_int_equal(ns, 0);
	assert_int_equal(nc, 0);
	assert_int_equal(st->ops->get(st, u0, &src), VP_OK);
	assert_string_equal(src.url, u0);
	assert_string_equal(src.cite_id, "id0");
	assert_int_equal(src.state, MON_NEW);
	assert_int_equal(src.docs, 2);
	mon_source_clear(&src);
	assert_int_equal(st->ops->get(st, "https://nope/", &src), VP_ENOTFOUND);
}

static void test_due_claims(void **s)
{
	struct mon_source *v;
	size_t n, total = 0;
	(void)s;
	/* earlier tests' sources are due too: claim everything at 100 */
	watch_n("due", 9, "due-doc", NULL);
	assert_int_equal(st->ops->due(st, 99, 1000, 1000, 0, &v, &n), VP_OK);
	for (size_t i = 0; i < n; i++)
		assert_true(v[i].next_due <= 99);
	mon_sources_free(v, n);
	/* per host: 9 sources over 3 hosts, at most 1 of each per batch */
	assert_int_equal(st->ops->due(st, 100, 1000, 100, 1, &v, &n), VP_OK);
	assert_true(n >= 3);
	for (size_t i = 0; i < n; i++)
		for (size_t k = i + 1; k < n; k++)
			assert_string_not_equal(v[i].host, v[k].host);
	total += n;
	mon_sources_free(v, n);
	while (st->ops->due(st, 100, 1000, 100, 1, &v, &n) == VP_OK && n > 0) {
		total += n;
		mon_sources_free(v, n);
	}
	assert_true(total >= 9);
	/* claimed: nothing due until the lease ends */
	assert_int_equal(st->ops->due(st, 999, 2000, 100, 0, &v, &n), VP_OK);
	assert_int_equal(n, 0);
	assert_int_equal(st->ops->due(st, 1000, 2000, 100, 0, &v, &n), VP_OK);
	assert_true(n >= 9);
	mon_sources_free(v, n);
}

static void test_record_history(void **s)
{
	char u[200];
	struct mon_source src;
	struct mon_outcome o;
	struct mon_check c = {.status = "ok",
	    .http_status = 200,
	    .fp = {true, 42, "abc", "Titel"},
	    .at = 3000};
	struct mon_policy p;
	struct vp_hist_check *h;
	size_t n;
	int64_t id1, id2;
	bool found;
	(void)s;
	mon_policy_default(&p);
	watch_n("rec", 1, "rec-doc", NULL);
	url_of(u, sizeof(u), "rec", 0);
	assert_int_equal(st->ops->get(st, u, &src), VP_OK);
	mon_policy_apply(&p, &src, c.status, &c.fp, c.at, &o);
	assert_int_equal(st->ops->record(st, src.id, &c, &o, &id1), VP_OK);
	mon_source_clear(&src);
	assert_int_equal(st->ops->get(st, u, &src), VP_OK);
	assert_int_equal(src.state, MON_OK);
	assert_true(src.base_has_len);
	assert_int_equal(src.base_len, 42);
	assert_string_equal(src.base_sha, "abc");
	assert_string_equal(src.spark, "o");
	assert_int_equal(src.checks, 1);
	assert_int_equal(src.next_due, o.next_due);
	c = (struct mon_check){
	    .status = "client_error", .http_status = 404, .at = 4000};
	mon_policy_apply(&p, &src, c.status, &c.fp, c.at, &o);
	assert_int_equal(st->ops->record(st, src.id, &c, &o, &id2), VP_OK);
	assert_true(id2 > id1);
	assert_int_equal(st->ops->history(st, src.id, 10, &h, &n), VP_OK);
	assert_int_equal(n, 2);
	assert_int_equal(h[0].id, (uint64_t)id2);
	assert_string_equal(h[0].status, "client_error");
	assert_string_equal(h[0].transition, "ok>failing");
	assert_string_equal(h[1].transition, "new>ok");
	assert_int_equal(h[1].content_length, 42);
	for (size_t i = 0; i < n; i++)
		vp_obj_clear(&vp_desc_hist_check, &h[i]);
	free(h);
	assert_int_equal(st->ops->has_check(st, id2, &found), VP_OK);
	assert_true(found);
	mon_source_clear(&src);
	assert_int_equal(st->ops->get(st, u, &src), VP_OK);
	assert_string_equal(src.spark, "ox");
	assert_int_equal(src.failures, 1);
	/* a check of a source removed meanwhile is refused, not orphaned */
	char *urls[1] = {u};
	uint64_t ns, nc;
	assert_int_equal(
	    st->ops->unwatch(st, urls, 1, NULL, 0, &ns, &nc), VP_OK);
	assert_int_equal(ns, 1);
	assert_int_equal(
	    st->ops->record(st, src.id, &c, &o, &id2), VP_ENOTFOUND);
	mon_source_clear(&src);
}

static void test_report_archives(void **s)
{
	char u0[200], u1[200], doc[64], doc_ok[64];
	struct mon_source src;
	struct mon_outcome o;
	struct mon_policy p;
	struct vp_report_rep r;
	int64_t cid;
	(void)s;
	mon_policy_default(&p);
	p.confirmations = 1;
	snprintf(doc, sizeof(doc), "%s-rep-doc", run_tag);
	snprintf(doc_ok, sizeof(doc_ok), "%s-rep-fine", run_tag);
	watch_n("rep", 2, doc, "2019-06-15");
	url_of(u0, sizeof(u0), "rep", 0);
	url_of(u1, sizeof(u1), "rep", 1);
	{
		struct mon_cite c = {u1, NULL, NULL, "h", doc_ok, NULL, "", 1};
		uint64_t a, b;
		assert_int_equal(st->ops->watch(st, &c, 1, 5, &a, &b), VP_OK);
	}
	assert_int_equal(st->ops->get(st, u0, &src), VP_OK);
	struct mon_check c = {.status = "gone", .http_status = 410, .at = 10};
	mon_policy_apply(&p, &src, c.status, &c.fp, c.at, &o);
	assert_int_equal(o.new_state, MON_DEAD);
	assert_int_equal(st->ops->record(st, src.id, &c, &o, &cid), VP_OK);
	assert_int_equal(st->ops->add_archive(st, src.id, "2010-01-01",
	                     "https://arch/2010", "2010-01-02T00:00:00Z", 10),
	    VP_OK);
	assert_int_equal(st->ops->add_archive(st, src.id, "2019-06-15",
	                     "https://arch/2019", "2019-05-30T00:00:00Z", 10),
	    VP_OK);
	assert_int_equal(st->ops->add_archive(st, src.id, "2024-01-01",
	                     "https://arch/2024", "2024-01-01T00:00:00Z", 10),
	    VP_OK);
	memset(&r, 0, sizeof(r));
	assert_int_equal(st->ops->report(st, false, doc, 0, &r), VP_OK);
	assert_int_equal(r.n_docs, 1);
	assert_string_equal(r.docs[0].doc, doc);
	assert_string_equal(r.docs[0].date, "2019-06-15");
	assert_int_equal(r.docs[0].bad, 1);
	assert_int_equal(r.docs[0].n_sources, 2);
	assert_string_equal(r.docs[0].sources[0].url, u0);
	assert_string_equal(r.docs[0].sources[0].state, "dead");
	assert_string_equal(
	    r.docs[0].sources[0].archived_url, "https://arch/2019");
	assert_string_equal(r.docs[0].sources[0].spark, "x");
	assert_int_equal(r.docs[0].sources[0].n_spans, 1);
	assert_int_equal(r.docs[0].sources[0].spans[0].start, 10);
	assert_string_equal(r.docs[0].sources[0].spans[0].where, "footnote 1");
	assert_string_equal(r.docs[0].sources[1].state, "new");
	vp_obj_clear(&vp_desc_report_rep, &r);
	/* a document citing only fine sources is not reported unless all */
	assert_int_equal(st->ops->report(st, false, doc_ok, 0, &r), VP_OK);
	assert_int_equal(r.n_docs, 0);
	vp_obj_clear(&vp_desc_report_rep, &r);
	assert_int_equal(st->ops->report(st, true, doc_ok, 0, &r), VP_OK);
	assert_int_equal(r.n_docs, 1);
	vp_obj_clear(&vp_desc_report_rep, &r);
	mon_source_clear(&src);
}

static void test_unwatch_list(void **s)
{
	char doc[64], prefix[128];
	char *docs[1] = {doc};
	struct mon_source *v;
	size_t n;
	uint64_t total, ns, nc;
	(void)s;
	snprintf(doc, sizeof(doc), "%s-un-doc", run_tag);
	watch_n("un", 4, doc, NULL);
	snprintf(prefix, sizeof(prefix), "https://h1.example/%s/un/", run_tag);
	assert_int_equal(
	    st->ops->list(st, NULL, prefix, 0, 0, &v, &n, &total), VP_OK);
	assert_int_equal(n, 1);
	assert_int_equal(total, 1);
	assert_int_equal(v[0].docs, 1);
	mon_sources_free(v, n);
	assert_int_equal(
	    st->ops->list(st, "dead", NULL, 0, 2, &v, &n, &total), VP_OK);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(v[i].state, MON_DEAD);
	mon_sources_free(v, n);
	assert_int_equal(
	    st->ops->unwatch(st, NULL, 0, docs, 1, &ns, &nc), VP_OK);
	assert_int_equal(nc, 4);
	assert_int_equal(ns, 4);
	assert_int_equal(
	    st->ops->list(st, NULL, prefix, 0, 0, &v, &n, &total), VP_OK);
	assert_int_equal(n, 0);
	mon_sources_free(v, n);
}

static void test_respread(void **s)
{
	struct mon_source *v;
	size_t n;
	uint64_t moved;
	(void)s;
	watch_n("spread", 9, "spread-doc", NULL);
	/* everything overdue at 1e9 is spread over [1e9, 1e9 + 100) */
	assert_int_equal(st->ops->respread(st, 1000000000, 100, &moved), VP_OK);
	assert_true(moved >= 9);
	assert_int_equal(
	    st->ops->due(st, 999999999, 2000000000, 1000, 0, &v, &n), VP_OK);
	assert_int_equal(n, 0);
	assert_int_equal(
	    st->ops->due(st, 1000000099, 2000000000, 100000, 0, &v, &n), VP_OK);
	assert_true(n >= 9);
	mon_sources_free(v, n);
}

/* Each transition's event is in the outbox with the check's commit (and
 * only a transition's); once marked sent it is gone. The PG database may
 * hold events of other runs: only this run's url is looked at. */
static void test_outbox(void **s)
{
	char u0[200];
	struct mon_source src;
	struct mon_outcome o;
	struct mon_policy p;
	struct mon_event *ev = NULL;
	size_t n = 0, mine = 0;
	int64_t cid, cid2;
	(void)s;
	mon_policy_default(&p);
	watch_n("ob", 1, "ob-doc", NULL);
	url_of(u0, sizeof(u0), "ob", 0);
	assert_int_equal(st->ops->get(st, u0, &src), VP_OK);
	struct mon_check c = {.status = "ok", .http_status = 200, .at = 20};
	mon_policy_apply(&p, &src, c.status, &c.fp, c.at, &o);
	assert_true(o.transition);
	assert_int_equal(st->ops->record(st, src.id, &c, &o, &cid), VP_OK);
	mon_source_clear(&src);
	/* the same state again: a check, no transition, no event */
	assert_int_equal(st->ops->get(st, u0, &src), VP_OK);
	c.at = 30;
	mon_policy_apply(&p, &src, c.status, &c.fp, c.at, &o);
	assert_false(o.transition);
	assert_int_equal(st->ops->record(st, src.id, &c, &o, &cid2), VP_OK);
	mon_source_clear(&src);
	assert_int_equal(st->ops->outbox(st, 100000, &ev, &n), VP_OK);
	for (size_t k = 0; k < n; k++) {
		if (strcmp(ev[k].url, u0) != 0)
			continue;
		mine++;
		assert_int_equal(ev[k].check_id, cid);
		assert_string_equal(ev[k].old_state, "new");
		assert_string_equal(ev[k].new_state, "ok");
		assert_string_equal(ev[k].status, "ok");
		assert_int_equal(ev[k].http_status, 200);
		assert_int_equal(ev[k].at, 20);
		assert_string_equal(ev[k].cite_id, "kst-1-2");
	}
	assert_int_equal(mine, 1);
	mon_events_free(ev, n);
	assert_int_equal(st->ops->outbox_sent(st, cid), VP_OK);
	assert_int_equal(st->ops->outbox(st, 100000, &ev, &n), VP_OK);
	for (size_t k = 0; k < n; k++)
		assert_string_not_equal(ev[k].url, u0);
	mon_events_free(ev, n);
}

int main(int argc, char **argv)
{
	char err[256];
	char tmpl[] = "/tmp/vp-linkmon-store-XXXXXX";
	bool tmp = argc < 2;
	int rv;
	snprintf(run_tag, sizeof(run_tag), "r%ld", (long)getpid());
	if (tmp) {
		int fd = mkstemp(tmpl);
		if (fd < 0)
			return 1;
		close(fd);
		snprintf(where, sizeof(where), "%s", tmpl);
	} else {
		snprintf(where, sizeof(where), "%s", argv[1]);
	}
	if (mon_store_open(&st, where, err, sizeof(err)) != VP_OK) {
		fprintf(stderr, "cannot open the store: %s\n", err);
		return 1;
	}
	printf("store: %s\n", st->ops->name);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_migrate_twice),
	    cmocka_unit_test(test_watch_counts),
	    cmocka_unit_test(test_due_claims),
	    cmocka_unit_test(test_record_history),
	    cmocka_unit_test(test_report_archives),
	    cmocka_unit_test(test_unwatch_list),
	    cmocka_unit_test(test_respread),
	    cmocka_unit_test(test_outbox),
	};
	rv = cmocka_run_group_tests(tests, NULL, NULL);
	mon_store_close(st);
	if (tmp) {
		char p[600];
		unlink(where);
		snprintf(p, sizeof(p), "%s-wal", where);
		unlink(p);
		snprintf(p, sizeof(p), "%s-shm", where);
		unlink(p);
	}
	return rv;
}
