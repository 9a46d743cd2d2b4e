/* mon_policy.c - the link-status policy and the scheduler: pure functions
 * over C structs with `now` passed in, so unit tests drive time directly.
 * Why these rules: a source is declared dead only after repeated failures
 * spread over time (a server down for an afternoon is not link rot), and a
 * neutral result (rate-limited, timed out, refused by policy) says nothing. */
#include "mon.h"
#include "vp_clock.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_names[MON_STATE__COUNT] = {
    "new", "ok", "drifted", "failing", "dead"};

void mon_policy_default(struct mon_policy *p)
{
	p->confirmations = 3;
	p->confirm_gap = 86400;
	p->min_interval = 6 * 3600;
	p->max_interval = 30 * 86400;
	p->growth_pct = 200;
	p->jitter_pct = 10;
	p->spread = 600;
	p->lease = 900;
}

const char *mon_state_name(enum mon_state s)
{
	return (unsigned)s < MON_STATE__COUNT ? state_names[s] : "?";
}

int mon_state_from_name(const char *name)
{
	for (int i = 0; name != NULL && i < MON_STATE__COUNT; i++)
		if (strcmp(name, state_names[i]) == 0)
			return i;
	return -1;
}

enum mon_class mon_classify(const char *status)
{
	switch (vp_status_class(status)) {
	case VP_SC_REACHABLE: return MON_C_REACH;
	case VP_SC_BROKEN: return MON_C_FAIL;
	default:
		/* unverifiable, not checked, and anything unknown: an unknown
		 * status must not kill a source */
		return MON_C_NEUTRAL;
	}
}

static bool known(const char *s)
{
	return s != NULL && s[0] != '\0';
}

bool mon_fp_differs(const struct mon_fp *a, const struct mon_fp *b)
{
	if (known(a->sha256) && known(b->sha256))
		return strcmp(a->sha256, b->sha256) != 0;
	if (a->has_length && b->has_length && a->length != b->length)
		return true;
	if (known(a->title) && known(b->title) && strcmp(a->title, b->title))
		return true;
	return false;
}

/* FNV-1a: a stable spread that needs no random state. */
static uint64_t hash_url(const char *url, uint64_t salt)
{
	uint64_t h = 1469598103934665603ull ^ (salt * 0x9e3779b97f4a7c15ull);
	for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
		h ^= *p;
		h *= 1099511628211ull;
	}
	h ^= h >> 29;
	return h;
}

int64_t mon_sched_jitter(const struct mon_policy *p, const char *url,
    uint64_t salt, int64_t interval)
{
	int64_t span = interval / 100 * (int64_t)p->jitter_pct +
	               interval % 100 * (int64_t)p->jitter_pct / 100;
	if (span <= 0)
		return 0;
	return (int64_t)(hash_url(url, salt) % (uint64_t)(2 * span + 1)) - span;
}

int64_t mon_sched_first_due(
    const struct mon_policy *p, const char *url, int64_t now)
{
	if (p->spread <= 0)
		return now;
	return now + (int64_t)(hash_url(url, 0) % (uint64_t)p->spread);
}

static int64_t clamp(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void mon_policy_apply(const struct mon_policy *p, const struct mon_source *s,
    const char *status, const struct mon_fp *fp, int64_t now,
    struct mon_outcome *o)
{
	enum mon_class cls = mon_classify(status);
	struct mon_fp base = {
	    s->base_has_len, s->base_len, s->base_sha, s->base_title};
	struct mon_fp last = {
	    s->last_has_len, s->last_len, s->last_sha, s->last_title};
	bool has_base =
	    s->base_has_len || known(s->base_sha) || known(s->base_title);
	bool has_last =
	    s->last_has_len || known(s->last_sha) || known(s->last_title);
	int64_t interval = s->interval > 0 ? s->interval : p->min_interval;

	memset(o, 0, sizeof(*o));
	o->old_state = s->state;
	o->new_state = s->state;
	o->failures = s->failures;
	o->last_fail = s->last_fail;
	o->since = s->since;

	switch (cls) {
	case MON_C_REACH:
		o->reachable = true;
		o->failures = 0;
		o->spark = 'o';
		o->drift = has_last && mon_fp_differs(&last, fp);
		if (!has_base) {
			/* first sight of the content: what the citing
			 * documents are taken to cite */
			o->set_baseline = true;
			o->new_state = MON_OK;
		} else {
			o->new_state =
			    mon_fp_differs(&base, fp) ? MON_DRIFTED : MON_OK;
		}
		if (o->new_state == MON_DRIFTED)
			o->spark = 'd';
		break;
	case MON_C_FAIL:
		o->spark = 'x';
		/* failures closer together than the gap are one outage */
		if (s->failures == 0 || now - s->last_fail >= p->confirm_gap) {
			o->failures = s->failures + 1;
			o->last_fail = now;
		}
		o->new_state =
		    o->failures >= p->confirmations ? MON_DEAD : MON_FAILING;
		break;
	case MON_C_NEUTRAL: o->spark = '?'; break;
	}
	o->transition = o->new_state != o->old_state;
	if (o->transition)
		o->since = now;

	/* intervals: short after any change, growing while stable; a failing
	 * source comes back just after the confirmation gap */
	if (o->transition || o->drift)
		interval = p->min_interval;
	else if (cls != MON_C_NEUTRAL)
		interval = interval / 100 * (int64_t)p->growth_pct +
		           interval % 100 * (int64_t)p->growth_pct / 100;
	interval = clamp(interval, p->min_interval > 0 ? p->min_interval : 1,
	    p->max_interval > p->min_interval ? p->max_interval
	                                      : p->min_interval);
	o->interval = interval;
	if (o->new_state == MON_FAILING) {
		int64_t j =
		    mon_sched_jitter(p, s->url, s->checks + 1, p->confirm_gap);
		o->next_due = o->last_fail + p->confirm_gap + (j < 0 ? -j : j);
		if (o->next_due <= now)
			o->next_due = now + p->min_interval;
	} else {
		o->next_due =
		    now + interval +
		    mon_sched_jitter(p, s->url, s->checks + 1, interval);
	}
	if (o->next_due <= now)
		o->next_due = now + 1;
}

size_t mon_sched_pick(const struct mon_source *cands, size_t n, size_t max,
    size_t per_host, size_t *pick)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k < max; i++) {
		size_t same = 0;
		for (size_t j = 0; j < k && per_host > 0; j++)
			if (strcmp(cands[pick[j]].host, cands[i].host) == 0)
				same++;
		if (per_host > 0 && same >= per_host)
			continue;
		pick[k++] = i;
	}
	return k;
}

void mon_url_host(const char *url, char *buf, size_t len)
{
	const char *p = strstr(url, "://"), *e;
	size_t n;
	buf[0] = '\0';
	if (p == NULL || len == 0)
		return;
	p += 3;
	e = p + strcspn(p, "/?#");
	/* drop userinfo */
	for (const char *q = p; q < e; q++)
		if (*q == '@')
			p = q + 1;
	n = (size_t)(e - p);
	if (n >= len)
		n = len - 1;
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)tolower((unsigned char)p[i]);
	buf[n] = '\0';
}

void mon_time_fmt(int64_t t, char *buf, size_t len)
{
	if (t == 0) { /* 0 stands for never */
		if (len > 0)
			buf[0] = '\0';
		return;
	}
	vp_time_rfc3339(buf, len, t);
}

void mon_source_clear(struct mon_source *s)
{
	free(s->url);
	free(s->cite_id);
	free(s->host);
	free(s->status);
	free(s->final_url);
	free(s->base_sha);
	free(s->base_title);
	free(s->last_sha);
	free(s->last_title);
	free(s->spark);
	memset(s, 0, sizeof(*s));
}

void mon_sources_free(struct mon_source *v, size_t n)
{
	for (size_t i = 0; i < n && v != NULL; i++)
		mon_source_clear(&v[i]);
	free(v);
}
