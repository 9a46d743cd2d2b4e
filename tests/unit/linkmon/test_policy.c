/* test_policy.c - the link-status policy and the scheduler as pure
 * functions: death only after confirmations spread over time, neutral
 * results never count, drift is not death, intervals grow and shrink. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "mon.h"

#define DAY 86400

static struct mon_policy pol(void)
{
	struct mon_policy p;
	mon_policy_default(&p);
	p.min_interval = 3600;
	return p;
}

/* Applies a result to s as the store would. */
static void step(const struct mon_policy *p, struct mon_source *s,
    const char *status, uint64_t len, int64_t now, struct mon_outcome *o)
{
	struct mon_fp fp = {len > 0, len, NULL, NULL};
	mon_policy_apply(p, s, status, &fp, now, o);
	s->state = o->new_state;
	s->failures = o->failures;
	s->last_fail = o->last_fail;
	s->since = o->since;
	s->interval = o->interval;
	s->next_due = o->next_due;
	s->checks++;
	if (o->set_baseline) {
		s->base_has_len = len > 0;
		s->base_len = len;
	}
	if (o->reachable) {
		s->last_has_len = len > 0;
		s->last_len = len;
	}
}

static void test_dead_after_confirmations(void **st)
{
	struct mon_policy p = pol();
	struct mon_source s = {.url = "https://a.example/x"};
	struct mon_outcome o;
	int64_t t = 1000000;
	(void)st;
	step(&p, &s, "ok", 100, t, &o);
	assert_int_equal(o.new_state, MON_OK);
	assert_true(o.transition);
	step(&p, &s, "client_error", 0, t += DAY, &o);
	assert_int_equal(o.new_state, MON_FAILING);
	assert_int_equal(o.failures, 1);
	/* the failing source comes back after the gap, not before */
	assert_true(o.next_due >= t + DAY);
	/* failures within the gap are one outage */
	step(&p, &s, "gone", 0, t + 3600, &o);
	step(&p, &s, "server_error", 0, t + 7200, &o);
	assert_int_equal(o.failures, 1);
	assert_false(o.transition);
	step(&p, &s, "client_error", 0, t += DAY, &o);
	assert_int_equal(o.new_state, MON_FAILING);
	assert_int_equal(o.failures, 2);
	assert_false(o.transition);
	/* neutral results between do not count and do not reset */
	step(&p, &s, "unverifiable", 0, t + 10, &o);
	step(&p, &s, "timeout", 0, t + 20, &o);
	step(&p, &s, "blocked", 0, t + 30, &o);
	step(&p, &s, "unverified", 0, t + 40, &o);
	assert_int_equal(o.failures, 2);
	assert_int_equal(o.new_state, MON_FAILING);
	step(&p, &s, "dns", 0, t += DAY, &o);
	assert_int_equal(o.new_state, MON_DEAD);
	assert_true(o.transition);
	assert_int_equal(o.since, t);
	/* recovery */
	step(&p, &s, "ok", 100, t += DAY, &o);
	assert_int_equal(o.old_state, MON_DEAD);
	assert_int_equal(o.new_state, MON_OK);
	assert_int_equal(o.failures, 0);
}

static void test_unverifiable_never_fails(void **st)
{
	struct mon_policy p = pol();
	struct mon_source s = {.url = "https://b.example/"};
	struct mon_outcome o;
	int64_t t = 5000000;
	(void)st;
	for (int i = 0; i < 10; i++) {
		step(&p, &s, "unverifiable", 0, t += DAY, &o);
		assert_int_equal(o.new_state, MON_NEW);
		assert_false(o.transition);
		assert_int_equal(o.spark, '?');
	}
	step(&p, &s, "ok", 10, t += DAY, &o);
	for (int i = 0; i < 10; i++) {
		step(&p, &s, "unverifiable", 0, t += DAY, &o);
		assert_int_equal(o.new_state, MON_OK);
		assert_false(o.transition);
	}
}

/* A suspected soft 404 (a 2xx page that looks like a not-found page) is a
 * failure the monitor confirms like any other: never dead at once, and a
 * live answer in between starts over. */
static void test_soft404_needs_confirmation(void **st)
{
	struct mon_policy p = pol();
	struct mon_source s = {.url = "https://c.example/besluit"};
	struct mon_outcome o;
	int64_t t = 7000000;
	(void)st;
	step(&p, &s, "ok", 100, t, &o);
	step(&p, &s, "soft404", 200, t += DAY, &o);
	assert_int_equal(o.new_state, MON_FAILING);
	assert_int_equal(o.failures, 1);
	step(&p, &s, "soft404", 200, t += DAY, &o);
	assert_int_equal(o.new_state, MON_FAILING);
	step(&p, &s, "ok", 100, t += DAY, &o);
	assert_int_equal(o.new_state, MON_OK);
	assert_int_equal(o.failures, 0);
	for (int i = 0; i < 3; i++)
		step(&p, &s, "soft404", 200, t += DAY, &o);
	assert_int_equal(o.new_state, MON_DEAD);
}

static void test_drift_not_death(void **st)
{
	struct mon_policy p = pol();
	struct mon_source s = {.url = "https://c.example/"};
	struct mon_outcome o;
	int64_t t = 1;
	(void)st;
	step(&p, &s, "ok", 100, t, &o);
	step(&p, &s, "ok", 100, t += DAY, &o);
	assert_false(o.drift);
	step(&p, &s, "ok", 120, t += DAY, &o);
	assert_true(o.drift);
	assert_int_equal(o.new_state, MON_DRIFTED);
	assert_true(o.transition);
	assert_int_equal(o.interval, p.min_interval);
	step(&p, &s, "ok", 120, t += DAY, &o);
	assert_false(o.drift);
	assert_false(o.transition);
	/* unknown length never counts as a change */
	step(&p, &s, "ok", 0, t += DAY, &o);
	assert_false(o.drift);
	/* back to the baseline: ok again */
	step(&p, &s, "redirect", 100, t += DAY, &o);
	assert_int_equal(o.new_state, MON_OK);
	/* hash decides alone when both known */
	struct mon_fp a = {true, 1, "aa", "x"}, b = {true, 2, "aa", "y"};
	assert_false(mon_fp_differs(&a, &b));
	b.sha256 = "bb";
	assert_true(mon_fp_differs(&a, &b));
}

static void test_intervals(void **st)
{
	struct mon_policy p = pol();
	struct mon_source s = {.url = "https://d.example/"};
	struct mon_outcome o;
	int64_t t = 1, prev;
	(void)st;
	p.jitter_pct = 0;
	step(&p, &s, "ok", 5, t, &o);
	assert_int_equal(o.interval, 3600);
	prev = o.interval;
	for (int i = 0; i < 20; i++) {
		step(&p, &s, "ok", 5, t = o.next_due, &o);
		assert_true(o.interval >= prev);
		assert_true(o.interval <= p.max_interval);
		prev = o.interval;
	}
	assert_int_equal(o.interval, p.max_interval);
	step(&p, &s, "ok", 6, t = o.next_due, &o);
	assert_int_equal(o.interval, p.min_interval);
	/* jitter stays within bounds and varies */
	p.jitter_pct = 10;
	int64_t lo = 0, hi = 0;
	for (uint64_t k = 0; k < 1000; k++) {
		int64_t j = mon_sched_jitter(&p, "https://e/", k, 10000);
		assert_true(j >= -1000 && j <= 1000);
		lo = j < lo ? j : lo;
		hi = j > hi ? j : hi;
	}
	assert_true(lo < -500 && hi > 500);
	/* first checks spread, all within the window */
	p.spread = 600;
	int64_t first = mon_sched_first_due(&p, "https://x/1", 100);
	assert_true(first >= 100 && first < 700);
}

static void test_pick_per_host(void **st)
{
	struct mon_source c[6] = {{.host = "a"}, {.host = "a"}, {.host = "a"},
	    {.host = "b"}, {.host = "a"}, {.host = "c"}};
	size_t pick[6];
	(void)st;
	assert_int_equal(mon_sched_pick(c, 6, 10, 2, pick), 4);
	assert_int_equal(pick[0], 0);
	assert_int_equal(pick[1], 1);
	assert_int_equal(pick[2], 3);
	assert_int_equal(pick[3], 5);
	assert_int_equal(mon_sched_pick(c, 6, 2, 0, pick), 2);
	char h[64];
	mon_url_host("https://User@Zoek.Example.NL:8443/a?b", h, sizeof(h));
	assert_string_equal(h, "zoek.example.nl:8443");
	assert_int_equal(mon_classify("too_large"), MON_C_REACH);
	assert_int_equal(mon_classify("whatever"), MON_C_NEUTRAL);
	assert_int_equal(mon_classify("tls"), MON_C_FAIL);
}

/* The monitor counts as a failure exactly what the CLI's exit status and
 * the fetcher's archive lookups call broken: the status table's class. */
static void test_classify_follows_the_status_table(void **st)
{
	(void)st;
	for (int s = 0; s < VP_ST__COUNT; s++) {
		const char *n = vp_status_name((enum vp_status)s);
		enum vp_status_class c = vp_status_class(n);
		assert_int_equal(
		    mon_classify(n) == MON_C_FAIL, vp_status_is_broken(n));
		assert_int_equal(
		    mon_classify(n) == MON_C_REACH, c == VP_SC_REACHABLE);
	}
	/* a cut-off exchange or a failure of our own says nothing of the
	 * source: it must not bring a source closer to dead */
	assert_int_equal(mon_classify("error"), MON_C_NEUTRAL);
	assert_int_equal(mon_classify("unverified"), MON_C_NEUTRAL);
	assert_int_equal(mon_classify(NULL), MON_C_NEUTRAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dead_after_confirmations),
	    cmocka_unit_test(test_unverifiable_never_fails),
	    cmocka_unit_test(test_soft404_needs_confirmation),
	    cmocka_unit_test(test_drift_not_death),
	    cmocka_unit_test(test_intervals),
	    cmocka_unit_test(test_pick_per_host),
	    cmocka_unit_test(test_classify_follows_the_status_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
