/* mon_svc.c - the link monitor service: request handling from the store,
 * the check loop (claim due sources, check them through the dispatcher like
 * any client, store each result, publish transitions) and the wiring.
 * One mutex guards the store: handlers run on the worker's threads and the
 * loop on its own; checks themselves run without the lock. */
#include "mon_svc.h"

#include "vp_client.h"
#include "vp_clock.h"
#include "vp_err.h"
#include "vp_jobutil.h"
#include "vp_limits.h"
#include "vp_log.h"
#include "vp_worker.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_ARCHIVE_DATES 8

struct mon {
	struct mon_cfg cfg;
	struct mon_store *store;
	pthread_mutex_t lock;
	struct vp_client *client;
	struct vp_worker *worker;
	pthread_t loop;
	bool has_loop;
	atomic_bool stopping;
	atomic_uint_fast64_t stored; /* checks committed (metrics) */
	/* how late the most overdue source of the last batch was picked
	 * (seconds), and batches whose check failed: the monitor falling
	 * behind, for /metrics */
	atomic_int_fast64_t due_lag;
	atomic_uint_fast64_t tick_failures;
	pthread_mutex_t tick_lock; /* one tick at a time */
};

void mon_cfg_default(struct mon_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	mon_policy_default(&cfg->policy);
	cfg->contexts = 2;
	cfg->batch = 64;
	cfg->per_host = 4;
	cfg->check_timeout_ms = 120000;
	cfg->archive = true;
	cfg->respread = 600;
}

static int64_t now_of(struct mon *m)
{
	return m->cfg.clock ? m->cfg.clock(m->cfg.clock_arg)
	                    : (int64_t)time(NULL);
}

unsigned mon_connections(const struct mon *m)
{
	return m->worker ? vp_worker_connections(m->worker) : 0;
}

uint64_t mon_requests(const struct mon *m)
{
	return m->worker ? vp_worker_jobs(m->worker) : 0;
}

int64_t mon_due_lag(const struct mon *m)
{
	return atomic_load(&((struct mon *)m)->due_lag);
}

uint64_t mon_tick_failures(const struct mon *m)
{
	return atomic_load(&((struct mon *)m)->tick_failures);
}

uint64_t mon_checks_stored(const struct mon *m)
{
	return atomic_load(&m->stored);
}

struct mon_store *mon_store_of(struct mon *m)
{
	return m->store;
}

/* ---- events and archives -------------------------------------------- */

/* Publishes the link.changed of outbox event ev with the citing documents
 * and the archived copy found (may be NULL). */
static int publish(struct mon *m, const struct mon_event *ev, char **docs,
    size_t n_docs, const char *archived)
{
	struct vp_msg msg, pub, rep;
	struct vp_link_changed *lc;
	struct vp_event *e;
	char at[40];
	uint8_t *buf = NULL;
	size_t len = 0;
	int rv;

	if ((rv = vp_msg_init(&msg, VP_T_LINK_CHANGED)) != VP_OK)
		return rv;
	lc = vp_msg_link_changed(&msg);
	mon_time_fmt(ev->at, at, sizeof(at));
	/* borrowed strings: cleared below before vp_msg_clear */
	lc->url = ev->url;
	lc->cite_id = ev->cite_id;
	lc->old_state = ev->old_state;
	lc->new_state = ev->new_state;
	lc->status = ev->status;
	lc->http_status = ev->http_status;
	lc->at = at;
	lc->check_id = (uint64_t)ev->check_id; /* the event's id */
	lc->docs = docs;
	lc->n_docs = n_docs;
	lc->archived_url = (char *)archived;
	rv = vp_msg_encode(&msg, &buf, &len);
	memset(lc, 0, sizeof(*lc));
	vp_msg_clear(&msg);
	if (rv != VP_OK)
		return rv;
	if ((rv = vp_msg_init(&pub, VP_T_EVENT_PUB)) != VP_OK) {
		free(buf);
		return rv;
	}
	e = vp_msg_event(&pub);
	e->topic = strdup("link.changed");
	e->payload = buf;
	e->payload_len = len;
	if (e->topic == NULL) {
		vp_msg_clear(&pub);
		return VP_ENOMEM;
	}
	rv = vp_client_call(m->client, &pub, 10000, &rep);
	vp_msg_clear(&pub);
	vp_msg_clear(&rep);
	return rv;
}

/* Asks the fetcher for archived copies of s closest to each citing
 * document's date, and stores them. Returns the first one found (malloc'ed)
 * for the event, or NULL. */
static char *fetch_archives(struct mon *m, const struct mon_source *s,
    char **dates, size_t n_dates, int64_t now)
{
	const char *seen[MAX_ARCHIVE_DATES];
	size_t n_seen = 0;
	char *first = NULL;
	for (size_t i = 0; i <= n_dates && n_seen < MAX_ARCHIVE_DATES; i++) {
		const char *d = i < n_dates ? dates[i] : NULL;
		struct vp_msg req, rep;
		struct vp_check_req *cr;
		struct vp_check_rep *r;
		bool dup = false;
		if (i == n_dates && n_seen > 0)
			break; /* undated fallback only when nothing dated */
		if (i < n_dates && d == NULL)
			continue;
		for (size_t k = 0; k < n_seen; k++)
			dup |= strcmp(seen[k], d ? d : "") == 0;
		if (dup)
			continue;
		seen[n_seen++] = d ? d : "";
		if (vp_msg_init(&req, VP_T_CHECK_REQ) != VP_OK)
			break;
		cr = vp_msg_check_req(&req);
		cr->urls = calloc(1, sizeof(char *));
		if (cr->urls == NULL ||
		    (cr->urls[0] = strdup(s->url)) == NULL ||
		    (d && (cr->date = strdup(d)) == NULL)) {
			vp_msg_clear(&req);
			break;
		}
		cr->n_urls = 1;
		cr->archive = true;
		if (vp_client_call(m->client, &req, m->cfg.check_timeout_ms,
		        &rep) == VP_OK &&
		    (r = vp_msg_check_rep(&rep)) != NULL && r->n_checks == 1 &&
		    r->checks[0].archived_url && r->checks[0].archived_url[0]) {
			pthread_mutex_lock(&m->lock);
			m->store->ops->add_archive(m->store, s->id, d ? d : "",
			    r->checks[0].archived_url, r->checks[0].archived_at,
			    now);
			pthread_mutex_unlock(&m->lock);
			if (first == NULL)
				first = strdup(r->checks[0].archived_url);
		}
		vp_msg_clear(&req);
		vp_msg_clear(&rep);
	}
	return first;
}

static void free_strs(char **v, size_t n)
{
	for (size_t i = 0; i < n && v != NULL; i++)
		free(v[i]);
	free(v);
}

/* Publishes one outbox event: archived copies (dead or drifted), the
 * citing documents, the event; then takes it out of the outbox. */
static int announce(struct mon *m, const struct mon_event *ev)
{
	char **docs = NULL, **dates = NULL, *archived = NULL;
	size_t n = 0;
	int rv;
	pthread_mutex_lock(&m->lock);
	rv = m->store->ops->docs(m->store, ev->source_id, &docs, &dates, &n);
	pthread_mutex_unlock(&m->lock);
	if (rv != VP_OK)
		VP_WARN("linkmon: citing documents of %s: %s", ev->url,
		    vp_strerror(rv));
	if (m->cfg.archive && (strcmp(ev->new_state, "dead") == 0 ||
	                          strcmp(ev->new_state, "drifted") == 0)) {
		struct mon_source s;
		memset(&s, 0, sizeof(s));
		s.id = ev->source_id;
		s.url = ev->url;
		archived = fetch_archives(m, &s, dates, n, ev->at);
	}
	rv = publish(m, ev, docs, n, archived);
	if (rv == VP_ENOTFOUND) {
		/* the dispatcher publishes no events (no pub-listen): there is
		 * nobody to deliver to, now or later */
		VP_WARN("linkmon: link.changed of %s not published: the "
		        "dispatcher has no event socket",
		    ev->url);
		rv = VP_OK;
	} else if (rv != VP_OK) {
		VP_WARN("linkmon: publishing link.changed of %s: %s (kept in "
		        "the outbox)",
		    ev->url, vp_strerror(rv));
	}
	free(archived);
	free_strs(docs, n);
	free_strs(dates, n);
	if (rv != VP_OK)
		return rv;
	if (m->cfg.on_publish)
		m->cfg.on_publish(m->cfg.commit_arg, ev->check_id, ev->url);
	pthread_mutex_lock(&m->lock);
	rv = m->store->ops->outbox_sent(m->store, ev->check_id);
	pthread_mutex_unlock(&m->lock);
	return rv;
}

/* Publishes what the outbox holds, oldest first, until it is empty or a
 * publish fails (the dispatcher is away: the rest waits for the next
 * round). Events come from the store, not from memory, so that a crash
 * between a check's commit and its publish loses nothing. */
static void publish_outbox(struct mon *m)
{
	for (;;) {
		struct mon_event *ev = NULL;
		size_t n = 0, k = 0;
		int rv;
		pthread_mutex_lock(&m->lock);
		rv = m->store->ops->outbox(m->store, 32, &ev, &n);
		pthread_mutex_unlock(&m->lock);
		if (rv != VP_OK) {
			VP_WARN(
			    "linkmon: reading the outbox: %s", vp_strerror(rv));
			return;
		}
		while (k < n && !atomic_load(&m->stopping) &&
		       announce(m, &ev[k]) == VP_OK)
			k++;
		mon_events_free(ev, n);
		if (n < 32 || k < n)
			return;
	}
}

/* ---- the check loop ------------------------------------------------- */

static void record_one(struct mon *m, const struct mon_source *s,
    const struct vp_check *chk, int64_t now, size_t *stored)
{
	struct mon_check c;
	struct mon_outcome o;
	int64_t check_id = 0;
	int rv;

	memset(&c, 0, sizeof(c));
	c.at = now;
	if (chk != NULL) {
		c.status = chk->status;
		c.http_status = chk->http_status;
		c.final_url = chk->final_url;
		c.etag = chk->etag;
		c.error = chk->error;
		c.elapsed_ms = chk->elapsed_ms;
		/* a missing length is unknown, not 0 (HEAD without one) */
		c.fp.has_length = chk->content_length > 0;
		c.fp.length = chk->content_length;
		c.fp.sha256 = chk->sha256;
		c.fp.title = chk->title;
	} else {
		/* no answer for this URL: a neutral result, rescheduled */
		c.status = "unverified";
		c.error = "no check result";
	}
	mon_policy_apply(&m->cfg.policy, s, c.status, &c.fp, now, &o);
	pthread_mutex_lock(&m->lock);
	rv = m->store->ops->record(m->store, s->id, &c, &o, &check_id);
	pthread_mutex_unlock(&m->lock);
	if (rv != VP_OK) {
		/* e.g. removed meanwhile; the claim expires otherwise */
		VP_WARN("linkmon: storing the check of %s: %s", s->url,
		    vp_strerror(rv));
		return;
	}
	(*stored)++;
	atomic_fetch_add(&m->stored, 1);
	if (m->cfg.on_commit)
		m->cfg.on_commit(m->cfg.commit_arg, check_id, s->url);
	VP_DEBUG("linkmon: %s %s -> %s (%s)", s->url,
	    mon_state_name(o.old_state), mon_state_name(o.new_state), c.status);
	if (o.transition)
		publish_outbox(m);
}

int mon_tick(struct mon *m, size_t *checked)
{
	struct mon_source *due = NULL;
	char **urls = NULL;
	size_t n = 0, stored = 0;
	struct vp_msg rep;
	struct vp_check_rep *r;
	int64_t now = now_of(m);
	int rv;

	if (checked)
		*checked = 0;
	pthread_mutex_lock(&m->tick_lock);
	/* what a crash or an absent dispatcher left unpublished */
	publish_outbox(m);
	pthread_mutex_lock(&m->lock);
	rv = m->store->ops->due(m->store, now, now + m->cfg.policy.lease,
	    m->cfg.batch, m->cfg.per_host, &due, &n);
	pthread_mutex_unlock(&m->lock);
	if (rv != VP_OK || n == 0) {
		if (rv == VP_OK)
			atomic_store(&m->due_lag, 0);
		goto done;
	}
	{
		/* the store hands the most overdue first */
		int64_t lag = now - due[0].next_due;
		for (size_t i = 1; i < n; i++)
			if (now - due[i].next_due > lag)
				lag = now - due[i].next_due;
		atomic_store(&m->due_lag, lag > 0 ? lag : 0);
	}
	if ((urls = calloc(n, sizeof(*urls))) == NULL) {
		rv = VP_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		urls[i] = due[i].url;
	rv = vp_client_check(m->client, urls, n, m->cfg.check_timeout_ms, &rep);
	if (rv != VP_OK || (r = vp_msg_check_rep(&rep)) == NULL) {
		/* the claims stay: these sources come due after the lease */
		VP_WARN("linkmon: check of %zu sources failed: %s", n,
		    vp_strerror(rv != VP_OK ? rv : VP_EPROTO));
		atomic_fetch_add(&m->tick_failures, 1);
		vp_msg_clear(&rep);
		if (rv == VP_OK)
			rv = VP_EPROTO;
		goto done;
	}
	/* the time of the result, not of the claim: checks may be slow */
	now = now_of(m);
	for (size_t i = 0; i < n && !atomic_load(&m->stopping); i++) {
		const struct vp_check *chk = NULL;
		for (size_t k = 0; k < r->n_checks && chk == NULL; k++)
			if (strcmp(r->checks[k].url, due[i].url) == 0)
				chk = &r->checks[k];
		record_one(m, &due[i], chk, now, &stored);
	}
	vp_msg_clear(&rep);
done:
	pthread_mutex_unlock(&m->tick_lock);
	free(urls);
	mon_sources_free(due, n);
	if (checked)
		*checked = stored;
	return rv;
}

static void *loop_main(void *arg)
{
	struct mon *m = arg;
	while (!atomic_load(&m->stopping)) {
		size_t done = 0;
		mon_tick(m, &done);
		/* a full batch means more is due: go on without waiting */
		if (done < m->cfg.batch)
			for (uint32_t t = 0;
			     t < m->cfg.tick_ms && !atomic_load(&m->stopping);
			     t += 50)
				vp_sleep_ms(50);
	}
	return NULL;
}

/* ---- requests ------------------------------------------------------- */

static int dupz(char **dst, const char *s)
{
	*dst = NULL;
	if (s == NULL || *s == '\0')
		return VP_OK;
	return (*dst = strdup(s)) != NULL ? VP_OK : VP_ENOMEM;
}

static int to_watched(struct vp_watched *w, const struct mon_source *s)
{
	char t[40];
	memset(w, 0, sizeof(*w));
	w->http_status = s->http_status;
	w->failures = s->failures;
	w->checks = s->checks;
	w->docs = s->docs;
	if ((w->url = strdup(s->url)) == NULL ||
	    (w->state = strdup(mon_state_name(s->state))) == NULL ||
	    dupz(&w->cite_id, s->cite_id) || dupz(&w->status, s->status) ||
	    dupz(&w->final_url, s->final_url))
		return VP_ENOMEM;
	mon_time_fmt(s->since, t, sizeof(t));
	if (dupz(&w->since, t))
		return VP_ENOMEM;
	mon_time_fmt(s->last_checked, t, sizeof(t));
	if (dupz(&w->last_checked, t))
		return VP_ENOMEM;
	mon_time_fmt(s->next_due, t, sizeof(t));
	return dupz(&w->next_due, t);
}

static int do_watch_add(
    struct mon *m, const struct vp_watch_add_req *q, struct vp_msg *reply)
{
	struct mon_cite *c = calloc(q->n_items ? q->n_items : 1, sizeof(*c));
	char(*hosts)[256] = calloc(q->n_items ? q->n_items : 1, 256);
	struct vp_watch_add_rep *r = vp_msg_watch_add_rep(reply);
	int64_t now = now_of(m);
	size_t i;
	int rv = VP_OK;
	if (c == NULL || hosts == NULL) {
		rv = VP_ENOMEM;
		goto done;
	}
	for (i = 0; i < q->n_items; i++) {
		const struct vp_watch_item *it = &q->items[i];
		char *spans = NULL;
		mon_url_host(it->url, hosts[i], 256);
		if (hosts[i][0] == '\0') {
			rv = VP_EINVAL;
			goto done;
		}
		if ((rv = mon_spans_encode(it->spans, it->n_spans, &spans)) !=
		    VP_OK)
			goto done;
		c[i] = (struct mon_cite){it->url, it->cite_id, it->family,
		    hosts[i], it->doc, it->doc_date, spans,
		    mon_sched_first_due(&m->cfg.policy, it->url, now)};
	}
	pthread_mutex_lock(&m->lock);
	rv = m->store->ops->watch(
	    m->store, c, q->n_items, now, &r->sources, &r->citing);
	pthread_mutex_unlock(&m->lock);
done:
	for (size_t k = 0; c != NULL && k < q->n_items; k++)
		free((char *)c[k].spans);
	free(c);
	free(hosts);
	return rv;
}

static int do_list(
    struct mon *m, const struct vp_watch_list_req *q, struct vp_msg *reply)
{
	struct vp_watch_list_rep *r = vp_msg_watch_list_rep(reply);
	struct mon_source *v = NULL;
	size_t n = 0;
	int rv;
	if (q->state && mon_state_from_name(q->state) < 0)
		return VP_EINVAL;
	pthread_mutex_lock(&m->lock);
	rv = m->store->ops->list(m->store, q->state, q->url_prefix, q->offset,
	    q->limit, &v, &n, &r->total);
	pthread_mutex_unlock(&m->lock);
	if (rv != VP_OK)
		return rv;
	if (n > 0 && (r->sources = calloc(n, sizeof(*r->sources))) == NULL)
		rv = VP_ENOMEM;
	for (size_t i = 0; rv == VP_OK && i < n; i++) {
		r->n_sources++;
		rv = to_watched(&r->sources[i], &v[i]);
	}
	mon_sources_free(v, n);
	return rv;
}

static int do_remove(
    struct mon *m, const struct vp_watch_remove_req *q, struct vp_msg *reply)
{
	struct vp_watch_remove_rep *r = vp_msg_watch_remove_rep(reply);
	int rv;
	pthread_mutex_lock(&m->lock);
	rv = m->store->ops->unwatch(m->store, q->urls, q->n_urls, q->docs,
	    q->n_docs, &r->sources, &r->citing);
	pthread_mutex_unlock(&m->lock);
	return rv;
}

static int do_report(
    struct mon *m, const struct vp_report_req *q, struct vp_msg *reply)
{
	struct vp_report_rep *r = vp_msg_report_rep(reply);
	char t[40];
	int rv;
	pthread_mutex_lock(&m->lock);
	rv = m->store->ops->report(m->store, q->all, q->doc, q->limit, r);
	pthread_mutex_unlock(&m->lock);
	mon_time_fmt(now_of(m), t, sizeof(t));
	if (rv == VP_OK && dupz(&r->generated_at, t) != VP_OK)
		rv = VP_ENOMEM;
	return rv;
}

static int do_history(
    struct mon *m, const struct vp_history_req *q, struct vp_msg *reply)
{
	struct vp_history_rep *r = vp_msg_history_rep(reply);
	struct mon_source s;
	char **dates = NULL;
	size_t n_dates = 0;
	int rv;
	memset(&s, 0, sizeof(s));
	pthread_mutex_lock(&m->lock);
	rv = m->store->ops->get(m->store, q->url, &s);
	if (rv == VP_OK)
		rv = m->store->ops->history(m->store, s.id,
		    q->limit ? q->limit : 100, &r->checks, &r->n_checks);
	if (rv == VP_OK)
		rv = m->store->ops->docs(
		    m->store, s.id, &r->docs, &dates, &n_dates);
	pthread_mutex_unlock(&m->lock);
	r->n_docs = n_dates;
	free_strs(dates, n_dates);
	if (rv == VP_OK) {
		if ((r->source = calloc(1, sizeof(*r->source))) == NULL)
			rv = VP_ENOMEM;
		else
			rv = to_watched(r->source, &s);
	}
	mon_source_clear(&s);
	return rv;
}

int mon_handle(void *arg, const struct vp_msg *job, struct vp_ready *res)
{
	struct mon *m = arg;
	struct vp_msg reply;
	enum vp_type rt;
	int rv;
	switch (job->type) {
	case VP_T_WATCH_ADD_REQ: rt = VP_T_WATCH_ADD_REP; break;
	case VP_T_WATCH_LIST_REQ: rt = VP_T_WATCH_LIST_REP; break;
	case VP_T_WATCH_REMOVE_REQ: rt = VP_T_WATCH_REMOVE_REP; break;
	case VP_T_REPORT_REQ: rt = VP_T_REPORT_REP; break;
	case VP_T_HISTORY_REQ: rt = VP_T_HISTORY_REP; break;
	default:
		return vp_job_fail(res, VP_EINVAL,
		    "the link monitor does not answer this request type");
	}
	if ((rv = vp_msg_init(&reply, rt)) != VP_OK)
		return rv;
	switch (job->type) {
	case VP_T_WATCH_ADD_REQ:
		rv = do_watch_add(m, vp_msg_watch_add_req(job), &reply);
		break;
	case VP_T_WATCH_LIST_REQ:
		rv = do_list(m, vp_msg_watch_list_req(job), &reply);
		break;
	case VP_T_WATCH_REMOVE_REQ:
		rv = do_remove(m, vp_msg_watch_remove_req(job), &reply);
		break;
	case VP_T_REPORT_REQ:
		rv = do_report(m, vp_msg_report_req(job), &reply);
		break;
	default: rv = do_history(m, vp_msg_history_req(job), &reply); break;
	}
	if (rv == VP_OK)
		rv = vp_job_reply(res, &reply);
	vp_msg_clear(&reply);
	if (rv == VP_ENOTFOUND)
		return vp_job_fail(res, rv, "no such watched source");
	if (rv == VP_EINVAL)
		return vp_job_fail(
		    res, rv, "bad request (a URL without a host, or a state)");
	return rv;
}

/* ---- wiring --------------------------------------------------------- */

int mon_start(
    struct mon **mp, const struct mon_cfg *cfg, char *err, size_t errlen)
{
	struct mon *m = calloc(1, sizeof(*m));
	int rv;
	if (m == NULL)
		return VP_ENOMEM;
	m->cfg = *cfg;
	pthread_mutex_init(&m->lock, NULL);
	pthread_mutex_init(&m->tick_lock, NULL);
	if ((rv = mon_store_open(&m->store, cfg->db, err, errlen)) != VP_OK)
		goto fail;
	if ((rv = vp_client_open(&m->client, cfg->api_url, cfg->recv_max, err,
	         errlen)) != VP_OK)
		goto fail;
	if (cfg->respread > 0) {
		uint64_t moved = 0;
		if (m->store->ops->respread(
		        m->store, now_of(m), cfg->respread, &moved) == VP_OK &&
		    moved > 0)
			VP_INFO(
			    "linkmon: %llu overdue sources spread over %lld s",
			    (unsigned long long)moved,
			    (long long)cfg->respread);
	}
	if (cfg->work_url != NULL) {
		struct vp_worker_cfg wc;
		memset(&wc, 0, sizeof(wc));
		wc.url = cfg->work_url;
		wc.kind = "monitor";
		wc.contexts = cfg->contexts ? cfg->contexts : 2;
		wc.recv_max = cfg->recv_max ? cfg->recv_max : VP_MSG_MAX_BYTES;
		wc.park_ms = cfg->park_ms;
		wc.fn = mon_handle;
		wc.arg = m;
		if ((rv = vp_worker_start(&m->worker, &wc, err, errlen)) !=
		    VP_OK)
			goto fail;
	}
	if (cfg->tick_ms > 0) {
		if (pthread_create(&m->loop, NULL, loop_main, m) != 0) {
			snprintf(err, errlen, "cannot start the loop thread");
			rv = VP_ENOMEM;
			goto fail;
		}
		m->has_loop = true;
	}
	*mp = m;
	return VP_OK;
fail:
	mon_stop(m);
	return rv;
}

void mon_stop(struct mon *m)
{
	if (m == NULL)
		return;
	atomic_store(&m->stopping, true);
	if (m->has_loop)
		pthread_join(m->loop, NULL);
	vp_worker_stop(m->worker);
	vp_client_close(m->client);
	mon_store_close(m->store);
	pthread_mutex_destroy(&m->lock);
	pthread_mutex_destroy(&m->tick_lock);
	free(m);
}
